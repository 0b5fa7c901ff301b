// The settings the UI holds: the theme and the network settings. A theme choice is applied at
// once and then saved through the backend; what the backend returns is what stays. If saving
// fails the choice still applies to this session and the error is kept for the Settings page to
// show. Network settings only matter to the backend, so they count once saved.
//
// The backend stores the settings as one object and fills what a save leaves out with defaults:
// every save sends the whole object as last read, so saving a theme never resets the network
// settings or brings the first-run screen back. (The cloud is only changed by `cloudSelect`.)
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
  /** The first-run screen was answered; null until read (or when reading failed). */
  welcomed = $state<boolean | null>(null);
  networkError = $state<UiError | null>(null);
  networkSaving = $state(false);

  #saveSeq = 0;
  /** The settings as last read or saved: what every save starts from. */
  #stored: Settings | null = null;

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
      this.#keep(settings);
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
      const saved = await settingsSet({ ...(await this.#read()), theme: choice });
      if (seq !== this.#saveSeq) return; // a newer choice is on its way
      this.saveError = null;
      this.#keep(saved);
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
      const saved = await settingsSet({ ...(await this.#read()), theme: this.theme, network: $state.snapshot(network) });
      this.#keep(saved);
      this.networkError = null;
      return true;
    } catch (failure) {
      this.networkError = toUiError(failure);
      return false;
    } finally {
      this.networkSaving = false;
    }
  }

  /**
   * Records that the first-run screen was answered; true when saved. It counts for this session
   * even when saving fails (the screen does not come back until the next start).
   */
  async markWelcomed(): Promise<boolean> {
    this.welcomed = true;
    try {
      this.#keep(await settingsSet({ ...(await this.#read()), theme: this.theme, welcomed: true }));
      return true;
    } catch {
      return false;
    }
  }

  /** The stored settings, read first if they never were (never guessed: a save would lose them). */
  async #read(): Promise<Settings> {
    if (!this.#stored) this.#keep(await settingsGet());
    return $state.snapshot(this.#stored!) as Settings;
  }

  #keep(settings: Settings): void {
    this.#stored = settings;
    this.network = settings.network;
    this.welcomed = settings.welcomed;
  }

  #apply(choice: Theme): void {
    this.theme = choice;
    this.resolved = applyTheme(choice);
    writeHint(choice);
  }
}

export const [getSettingsState, setSettingsState] = createContext<SettingsState>();
