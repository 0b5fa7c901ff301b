// Which cloud the app works against, and the sandbox while it runs. Loaded once at start-up
// and shared by the banner, the sidebar, Settings and the first-run screen.
//
// The backend does not restart a stored Sandbox choice by itself: when the app opens with the
// Sandbox chosen, `load` asks for it again and the banner shows "Starting the sandbox…".
//
// Choices are sent one at a time: the backend starts and stops the emulators, and two calls in
// flight could finish in either order. While one runs, only the latest wish waits its turn.

import { createContext } from 'svelte';
import { cloudSelect, cloudStatus, toUiError, type CloudId, type SandboxView, type UiError } from '../lib/api';

export type CloudOption = {
  id: CloudId;
  /** The name everywhere the cloud is named (Settings, sidebar). */
  label: string;
  /** A short name for tight places. */
  short: string;
  description: string;
};

export const CLOUDS: readonly CloudOption[] = [
  { id: 'public', label: 'Azure', short: 'Azure', description: 'The global Azure cloud.' },
  {
    id: 'usGovernment',
    label: 'Azure US Government',
    short: 'Azure US Gov',
    description: 'The sovereign cloud for US government agencies.',
  },
  { id: 'china', label: 'Azure China', short: 'Azure China', description: 'The sovereign cloud operated by 21Vianet.' },
  {
    id: 'custom',
    label: 'Custom cloud',
    short: 'Custom cloud',
    description: 'Your own ARM endpoint, authority host and token scopes.',
  },
  {
    id: 'sandbox',
    label: 'Sandbox (local emulation)',
    short: 'Sandbox',
    description: 'Azure and two sample gateways, emulated on this machine.',
  },
];

export function cloudOption(id: CloudId): CloudOption {
  return CLOUDS.find((c) => c.id === id) ?? CLOUDS[0];
}

/** What the sandbox banner shows; `null` when there is nothing to say. */
export type SandboxState = 'starting' | 'running' | 'failed';

export class CloudState {
  /** The stored choice; null until the backend answered. */
  cloud = $state<CloudId | null>(null);
  /** Set while the sandbox runs. */
  sandbox = $state<SandboxView | null>(null);
  /** The choice being sent (the sandbox may take a second to start). */
  pending = $state<CloudId | null>(null);
  /** Why the last choice failed, and which choice it was. */
  error = $state<UiError | null>(null);
  failedChoice = $state<CloudId | null>(null);
  /** Bumped each time the sandbox (re)started: it seeds or refreshes drafts, so lists reload. */
  seeded = $state(0);

  #wanted: CloudId | null = null;
  #busy: Promise<boolean> | null = null;

  /** The choice to show as selected: the one on its way, else the stored one. */
  get shown(): CloudId | null {
    return this.pending ?? this.cloud;
  }

  get sandboxState(): SandboxState | null {
    if (this.pending === 'sandbox') return 'starting';
    if (this.error && this.failedChoice === 'sandbox') return 'failed';
    if (this.cloud === 'sandbox' && this.sandbox) return 'running';
    return null;
  }

  /** Reads the stored choice; a stored Sandbox that is not running is started again. */
  async load(): Promise<void> {
    try {
      const status = await cloudStatus();
      this.cloud = status.cloud;
      this.sandbox = status.sandbox;
    } catch (failure) {
      // Storage problems already have their banner; the cloud stays unknown.
      this.error = toUiError(failure);
      this.failedChoice = null;
      return;
    }
    if (this.cloud === 'sandbox' && !this.sandbox) await this.select('sandbox');
  }

  /**
   * Chooses `cloud`; resolves to true once the backend holds that choice (and, for the
   * Sandbox, the emulators run). A newer choice made meanwhile wins; this one then resolves
   * to whether the newest succeeded.
   */
  async select(cloud: CloudId): Promise<boolean> {
    this.#wanted = cloud;
    this.pending = cloud;
    this.error = null;
    this.failedChoice = null;
    if (!this.#busy) this.#busy = this.#drain().finally(() => (this.#busy = null));
    return this.#busy;
  }

  /** Sends the wished-for choice until no newer one is waiting. */
  async #drain(): Promise<boolean> {
    let ok = false;
    while (this.#wanted !== null) {
      const cloud = this.#wanted;
      this.#wanted = null;
      this.pending = cloud;
      try {
        const status = await cloudSelect(cloud);
        this.cloud = status.cloud;
        this.sandbox = status.sandbox;
        if (status.sandbox) this.seeded += 1;
        this.error = null;
        this.failedChoice = null;
        ok = true;
      } catch (failure) {
        // The backend keeps the previous choice when a start fails.
        this.error = toUiError(failure);
        this.failedChoice = cloud;
        ok = false;
      }
    }
    this.pending = null;
    return ok;
  }

  /** Tries the failed choice again. */
  retry(): Promise<boolean> {
    return this.select(this.failedChoice ?? this.cloud ?? 'public');
  }

  /** Forgets a failure the user has seen and set aside. */
  dismissError(): void {
    this.error = null;
    this.failedChoice = null;
  }
}

export const [getCloudState, setCloudState] = createContext<CloudState>();
