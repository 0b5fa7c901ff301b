// What the shell knows about the backend: version, folders and storage health, loaded once at
// start-up. Pages read it from context instead of calling the backend again.

import { createContext } from 'svelte';
import { appInfo, toUiError, type AppInfo, type DiscoveredModel, type UiError } from '../lib/api';
import type { CheckRun } from '../checks/run-state.svelte';
import { hrefFor, type PageId } from './routes';

/** A page with unsaved work: asked before the route changes. */
export type LeaveGuard = {
  /** True when leaving now would lose something. */
  dirty(): boolean;
  /** Asks the user (save, discard, or stay); true to go ahead. */
  confirm(): Promise<boolean>;
};

/**
 * A draft for the Connections page to open; with `models`, the editor also makes them its
 * static list (an unsaved change, as if typed).
 */
export type PendingEdit = { draftId: string; models?: DiscoveredModel[] };

export class AppState {
  /** Set by the page on screen while it has unsaved work. */
  leaveGuard = $state<LeaveGuard | null>(null);

  // Hand-offs between pages: set by one page just before it navigates, taken by the next.
  /** For Connections: the draft to open, maybe with discovered models to apply. */
  pendingEdit = $state<PendingEdit | null>(null);
  /** For Checks: the draft to select. */
  checksDraftId = $state<string | null>(null);
  /** For Checks: a stored run to show once the draft is selected (History's reopen). */
  checksRunId = $state<string | null>(null);
  /** For Settings: the section to bring into view. */
  settingsSection = $state<'network' | 'azure' | null>(null);
  /** For Connections: start an import or a new connection (the first-run screen's choices). */
  connectionsIntent = $state<'import' | 'new' | null>(null);
  /** The Checks page's last run: it keeps listening while the page is away and shows again on return. */
  lastCheckRun = $state.raw<CheckRun | null>(null);

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

  /** Shows `page`; the shell asks the page on screen about unsaved work first. */
  go(page: PageId): void {
    window.location.hash = hrefFor(page);
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
