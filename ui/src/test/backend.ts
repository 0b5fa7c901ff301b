// A fake backend at the IPC level: the generated bindings and src/lib/api.ts run for real, only
// `invoke` is answered here.

import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { AppError, AppInfo, Settings } from '../lib/api';
import { FakeAzure, type AzureOptions } from './azure';
import { FakeChecks, type ChecksOptions } from './checks';
import { FakeCloud, type CloudOptions } from './cloud';
import { FakeConnections, type ConnectionOptions } from './connections';
import { FakePlayground, type PlaygroundOptions } from './playground';
import { FakeTraces, type TracesOptions } from './traces';

export const PATHS = {
  version: '0.4.2',
  dataDir: '/home/ada/.local/share/dev.gatewaystudio.desktop',
  logDir: '/home/ada/.local/share/dev.gatewaystudio.desktop/logs',
  databasePath: '/home/ada/.local/share/dev.gatewaystudio.desktop/gateway-studio.db',
} as const;

export const READY_INFO: AppInfo = {
  ...PATHS,
  storage: { status: 'ready', schemaVersion: 3, supportedSchemaVersion: 3, bytes: 98_304 },
};

export const SCHEMA_TOO_NEW = {
  kind: 'schemaTooNew' as const,
  message: 'database schema version 7 is newer than this build supports (3)',
  details: { path: PATHS.databasePath, found: 7, supported: 3 },
} satisfies AppError;

/** What the backend stores on a fresh install: the first-run screen is still to come. */
export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  network: { caBundles: [], checkTimeoutSecs: 30 },
  cloud: 'public',
  welcomed: false,
};

/**
 * Settings with the defaults for what `patch` leaves out, as a returning user has them: the
 * first-run screen was answered. Pass `welcomed: false` (or DEFAULT_SETTINGS) for a first run.
 */
export function settingsWith(patch: {
  theme?: Settings['theme'];
  network?: Partial<Settings['network']>;
  cloud?: Settings['cloud'];
  welcomed?: boolean;
}): Settings {
  return {
    theme: patch.theme ?? DEFAULT_SETTINGS.theme,
    network: { ...DEFAULT_SETTINGS.network, ...patch.network },
    cloud: patch.cloud ?? DEFAULT_SETTINGS.cloud,
    welcomed: patch.welcomed ?? true,
  };
}

export type Call = { cmd: string; args: unknown };

export type FakeBackend = {
  calls: Call[];
  callsTo(cmd: string): Call[];
  /** The connection drafts the fake holds. */
  connections: FakeConnections;
  /** Check runs and exchanges; `checks.emit(...)` scripts the run in progress. */
  checks: FakeChecks;
  /** The cloud choice and the sandbox; `cloud.hold()` keeps the next start waiting. */
  cloud: FakeCloud;
  /** Azure: scope, connections on Azure, sign-in. */
  azure: FakeAzure;
  /** Agent playground: conversations, turns (`hold`/`emit`/`finish`), history. */
  playground: FakePlayground;
  /** Traces (over the check fake's exchanges) and History. */
  traces: FakeTraces;
  /** The settings as stored now. */
  settings(): Settings;
};

/**
 * Installs a backend. `appInfo` and `settings` say what it answers (by default a returning
 * user's settings: `settingsWith({})`); an AppError given as `settingsError` is what
 * settings_get/settings_set fail with.
 */
export function fakeBackend(
  options: {
    appInfo?: AppInfo;
    settings?: Settings;
    settingsError?: AppError;
    reject?: Record<string, string>;
    connections?: ConnectionOptions;
    checks?: ChecksOptions;
    cloud?: CloudOptions;
    azure?: AzureOptions;
    playground?: PlaygroundOptions;
    traces?: TracesOptions;
  } = {},
): FakeBackend {
  const calls: Call[] = [];
  const connections = new FakeConnections(options.connections);
  const checks = new FakeChecks(options.checks);
  const azure = new FakeAzure(connections, options.azure);
  const playground = new FakePlayground(connections, options.playground);
  const traces = new FakeTraces(checks, options.traces);
  let settings: Settings = structuredClone(options.settings ?? settingsWith({}));
  const cloud = new FakeCloud(
    { get: () => settings, set: (next) => (settings = next) },
    connections,
    options.cloud,
  );
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    const rejection = options.reject?.[cmd];
    if (rejection !== undefined) throw rejection;
    switch (cmd) {
      case 'app_info':
        return options.appInfo ?? READY_INFO;
      case 'settings_get':
        if (options.settingsError) throw options.settingsError;
        return JSON.parse(JSON.stringify(settings));
      case 'settings_set': {
        if (options.settingsError) throw options.settingsError;
        // Like the backend: what is left out takes its default, and the cloud is not changed here.
        const sent = (args as { settings: Partial<Settings> }).settings;
        settings = JSON.parse(
          JSON.stringify({ ...DEFAULT_SETTINGS, ...sent, network: { ...DEFAULT_SETTINGS.network, ...sent.network }, cloud: settings.cloud }),
        );
        return JSON.parse(JSON.stringify(settings));
      }
      case 'cloud_status':
      case 'cloud_select':
        if (options.settingsError) throw options.settingsError;
        return cloud.handle(cmd, args as Record<string, unknown>);
      case 'report_first_paint':
        return 42.5;
      case 'window_set_unsaved':
      case 'window_watch_close':
      case 'window_close_confirmed':
        return null;
      default:
        if (cmd.startsWith('azure_')) {
          const answer = azure.handle(cmd, args as Record<string, unknown>);
          if (cmd === 'azure_sign_in_get' || cmd === 'azure_sign_in_set') (answer as { cloud: string }).cloud = settings.cloud;
          return answer;
        }
        if (cmd.startsWith('connection_')) return connections.handle(cmd, args as Record<string, unknown>);
        if (cmd.startsWith('check_run_') || cmd === 'trace_exchange_get') return checks.handle(cmd, args as Record<string, unknown>);
        if (cmd.startsWith('playground_')) return playground.handle(cmd, args as Record<string, unknown>);
        if (cmd.startsWith('trace_') || cmd === 'history_list') return traces.handle(cmd, args as Record<string, unknown>);
        throw `Command ${cmd} not found`;
    }
  });
  return {
    calls,
    callsTo: (cmd) => calls.filter((c) => c.cmd === cmd),
    connections,
    checks,
    cloud,
    azure,
    playground,
    traces,
    settings: () => structuredClone(settings),
  };
}

/** No backend at all, as in a plain browser. */
export function noBackend(): void {
  clearMocks();
  delete (window as { __TAURI_INTERNALS__?: unknown }).__TAURI_INTERNALS__;
}

const originalMatchMedia = window.matchMedia;

/** A `matchMedia` whose prefers-color-scheme answer the test controls. */
export function fakeColorScheme(initiallyDark: boolean): { setDark(dark: boolean): void } {
  let dark = initiallyDark;
  const listeners = new Set<(e: MediaQueryListEvent) => void>();
  const query = {
    get matches() {
      return dark;
    },
    media: '(prefers-color-scheme: dark)',
    addEventListener: (_: string, l: (e: MediaQueryListEvent) => void) => listeners.add(l),
    removeEventListener: (_: string, l: (e: MediaQueryListEvent) => void) => listeners.delete(l),
  } as unknown as MediaQueryList;
  window.matchMedia = ((q: string) =>
    q === '(prefers-color-scheme: dark)' ? query : ({ matches: false, addEventListener() {}, removeEventListener() {} } as unknown as MediaQueryList)) as typeof window.matchMedia;
  return {
    setDark(value: boolean) {
      dark = value;
      for (const l of listeners) l({ matches: value } as MediaQueryListEvent);
    },
  };
}

export function resetWindow(): void {
  clearMocks();
  window.matchMedia = originalMatchMedia;
  window.history.replaceState(null, '', '/');
  localStorage.clear();
  delete document.documentElement.dataset.theme;
}
