// The settings the UI holds: the theme and the network settings. A theme choice is applied at
// once and then saved through the backend; what the backend returns is what stays. If saving
// fails the choice still applies to this session and the error is kept for the Settings page to
// show. Network settings only matter to the backend, so they count once saved.
//
// The backend stores the settings as one object: every save sends the network settings as last
// read, so saving a theme never resets them.
//
// The last choice is also remembered in localStorage, only as a hint for the next start-up: it
// is applied before the backend answers, so a dark-theme user does not see a light flash.

import { createContext } from 'svelte';
import {
  THEMES,
  settingsGet,
  settingsSet,
  toUiError,
  type NetworkSettings,
  type Settings,
  type Theme,
  type UiError,
} from '../lib/api';
import { applyTheme, watchSystemTheme, type ResolvedTheme } from '../lib/theme';

const HINT_KEY = 'gateway-studio.theme';

function readHint(): Theme {
  try {
    const hint = localStorage.getItem(HINT_KEY);
    return THEMES.includes(hint as Theme) ? (hint as Theme) : 'system';
  } catch {
    return 'system';
  }
}

function writeHint(theme: Theme): void {
  try {
    localStorage.setItem(HINT_KEY, theme);
  } catch {
    // Storage disabled: the next start-up shows the system theme until settings load.
  }
}

export class SettingsState {
  theme = $state<Theme>(readHint());
  resolved = $state<ResolvedTheme>('light');
  /** Why the stored settings could not be read; the theme then follows the system. */
  loadError = $state<UiError | null>(null);
  saveError = $state<UiError | null>(null);
  saving = $state(false);
  /** Null until read from the backend. */
  network = $state<NetworkSettings | null>(null);
  networkError = $state<UiError | null>(null);
  networkSaving = $state(false);

  #saveSeq = 0;

  constructor() {
    this.resolved = applyTheme(this.theme);
  }

  /** Re-applies "system" when the OS switches; returns the unsubscribe function. */
  followSystem(): () => void {
    return watchSystemTheme(() => {
      if (this.theme === 'system') this.resolved = applyTheme('system');
    });
  }

  async load(): Promise<void> {
    try {
      const settings = await settingsGet();
      this.loadError = null;
      this.network = settings.network;
      this.#apply(settings.theme);
    } catch (failure) {
      this.loadError = toUiError(failure);
      this.#apply('system');
    }
  }

  async setTheme(choice: Theme): Promise<void> {
    this.#apply(choice);
    const seq = ++this.#saveSeq;
    this.saving = true;
    try {
      const saved = await settingsSet({ theme: choice, network: $state.snapshot(await this.#network()) });
      if (seq !== this.#saveSeq) return; // a newer choice is on its way
      this.saveError = null;
      this.network = saved.network;
      this.#apply(saved.theme);
    } catch (failure) {
      if (seq !== this.#saveSeq) return;
      this.saveError = toUiError(failure);
    } finally {
      if (seq === this.#saveSeq) this.saving = false;
    }
  }

  /** Saves the network settings; true when the backend kept them. */
  async setNetwork(network: NetworkSettings): Promise<boolean> {
    this.networkSaving = true;
    try {
      const saved: Settings = await settingsSet({ theme: this.theme, network: $state.snapshot(network) });
      this.network = saved.network;
      this.networkError = null;
      return true;
    } catch (failure) {
      this.networkError = toUiError(failure);
      return false;
    } finally {
      this.networkSaving = false;
    }
  }

  /** The stored network settings, read first if they never were (never guessed: a save would lose them). */
  async #network(): Promise<NetworkSettings> {
    if (this.network) return this.network;
    const settings = await settingsGet();
    this.network = settings.network;
    return settings.network;
  }

  #apply(choice: Theme): void {
    this.theme = choice;
    this.resolved = applyTheme(choice);
    writeHint(choice);
  }
}

export const [getSettingsState, setSettingsState] = createContext<SettingsState>();
