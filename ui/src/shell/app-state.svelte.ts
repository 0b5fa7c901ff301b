// What the shell knows about the backend: version, folders and storage health, loaded once at
// start-up. Pages read it from context instead of calling the backend again.

import { createContext } from 'svelte';
import { appInfo, toUiError, type AppInfo, type UiError } from '../lib/api';

/** A page with unsaved work: asked before the route changes. */
export type LeaveGuard = {
  /** True when leaving now would lose something. */
  dirty(): boolean;
  /** Asks the user (save, discard, or stay); true to go ahead. */
  confirm(): Promise<boolean>;
};

export class AppState {
  /** Set by the page on screen while it has unsaved work. */
  leaveGuard = $state<LeaveGuard | null>(null);

  info = $state<AppInfo | null>(null);
  /** Set when appInfo itself failed, i.e. the backend could not be reached at all. */
  error = $state<UiError | null>(null);
  loading = $state(true);

  /** The storage error, when the backend answered but the database is unusable. */
  get storageError(): UiError | null {
    return this.info?.storage.status === 'unavailable' ? this.info.storage.error : null;
  }

  get storageReady(): boolean {
    return this.info?.storage.status === 'ready';
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.info = await appInfo();
      this.error = null;
    } catch (failure) {
      this.error = toUiError(failure);
    } finally {
      this.loading = false;
    }
  }
}

export const [getAppState, setAppState] = createContext<AppState>();
