// The one module that talks to the backend. It calls the generated `commands`, unwraps their
// results and turns every way a call can fail into one union, `UiError`, so callers branch on
// `kind` and never on the shape of a rejection.
//
// A command fails in two ways. The backend returns an `AppError` (data, tagged by `kind`), or
// the Tauri framework itself refuses the call (unknown command, capability denial, no backend
// at all): those arrive as a plain string or an `Error`, and become `{ kind: "internal" }`.

import { Channel } from '@tauri-apps/api/core';
import { commands } from './bindings';
import type {
  AppError,
  AppInfo,
  CheckEvent_Deserialize,
  CheckEvent_Serialize,
  CheckOptions_Serialize,
  CloudId,
  CloudStatus_Serialize,
  ConnectionCategory,
  Connection_Deserialize,
  Connection_Serialize,
  DraftSummary_Serialize,
  Draft_Serialize,
  ExportFormat,
  ImportedDraft_Serialize,
  Inspection,
  RunRecord_Serialize,
  RunSummary_Serialize,
  SecretValue,
  Settings_Serialize,
  StorageProblem,
  Theme,
  TraceExchange_Serialize,
  Account_Serialize,
  AccountRef,
  ArmConnection_Serialize,
  AzureScope_Deserialize,
  AzureScope_Serialize,
  ConnectionParent_Deserialize,
  CustomCloud_Deserialize,
  Deletion,
  DeployPlan_Serialize,
  Deployment_Serialize,
  Identity_Serialize,
  Project_Serialize,
  ResourceGroup_Serialize,
  SignInMethod_Deserialize,
  SignInView_Serialize,
  Subscription_Serialize,
  TraceSummary_Serialize,
  ConversationRecord_Serialize,
  ConversationSummary_Serialize,
  PlaygroundSessionView_Serialize,
  PlaygroundStart_Deserialize,
  TurnInput,
  TurnRecord_Serialize,
  HistoryEntry_Serialize,
  Purged,
  Retention_Serialize,
  TraceExportFormat,
  TraceFilter_Serialize,
  TracePage_Serialize,
  TraceStorage_Serialize,
} from './bindings';

export type { AppError, AppInfo, Settings_Serialize as Settings, StorageStatus, Theme } from './bindings';
export type {
  CloudId,
  CloudStatus_Serialize as CloudStatus,
  SandboxGateway_Serialize as SandboxGateway,
  SandboxView_Serialize as SandboxView,
} from './bindings';
export type {
  CheckEvent_Serialize as CheckEvent,
  CheckId,
  CheckOptions_Serialize as CheckOptions,
  CheckResult_Serialize as CheckResult,
  CheckStatus,
  DiscoveredModel_Serialize as DiscoveredModel,
  NetworkSettings_Serialize as NetworkSettings,
  Phase,
  RunOutcome,
  RunRecord_Serialize as RunRecord,
  RunSummary_Serialize as RunSummary,
  TraceExchange_Serialize as TraceExchange,
  TraceFailure,
  TraceHeader,
  TraceRedirect,
  TraceResponse_Serialize as TraceResponse,
  TraceSseEvent_Serialize as TraceSseEvent,
  TraceSummary_Serialize as TraceSummary,
  AuthConfig_Serialize as AuthConfig,
  ConnectionAuth_Serialize as ConnectionAuth,
  ConnectionCategory,
  ConnectionScope,
  Connection_Serialize as Connection,
  DraftSummary_Serialize as DraftSummary,
  Draft_Serialize as Draft,
  ExportFormat,
  Finding,
  ImportedDraft_Serialize as ImportResult,
  FindingCode,
  Inspection,
  ModelDiscovery_Serialize as ModelDiscovery,
  ModelInfo_Serialize as ModelInfo,
  ModelsSummary,
  SecretSlot,
  SecretValue,
  Severity,
} from './bindings';

export type {
  Account_Serialize as Account,
  AccountRef,
  ArmConnection_Serialize as ArmConnection,
  ArmDetails_Serialize as ArmDetails,
  AzureScope_Serialize as AzureScope,
  ChangeKind,
  ConnectionParent_Serialize as ConnectionParent,
  CustomCloud_Serialize as CustomCloud,
  Deletion,
  DeployIssue,
  DeployPlan_Serialize as DeployPlan,
  Deployment_Serialize as Deployment,
  DraftLink_Serialize as DraftLink,
  FieldChange_Serialize as FieldChange,
  Identity_Serialize as Identity,
  Project_Serialize as Project,
  ResourceGroup_Serialize as ResourceGroup,
  SignInMethod_Serialize as SignInMethod,
  SignInView_Serialize as SignInView,
  Subscription_Serialize as Subscription,
} from './bindings';

export type {
  AgentDetails_Serialize as AgentDetails,
  Cleanup,
  ConversationRecord_Serialize as ConversationRecord,
  ConversationState,
  ConversationSummary_Serialize as ConversationSummary,
  FoundryResources_Serialize as FoundryResources,
  PlaygroundMode,
  PlaygroundSessionView_Serialize as PlaygroundSessionView,
  PlaygroundSettings_Serialize as PlaygroundSettings,
  PlaygroundStart_Serialize as PlaygroundStart,
  ToolCallView_Serialize as ToolCallView,
  ToolOutput,
  TurnError,
  TurnInput,
  TurnRecord_Serialize as TurnRecord,
  TurnUsage,
} from './bindings';

export type InternalError = { kind: 'internal'; message: string };
export type UiError = AppError | InternalError;

/** Thrown by every function here; `error` is what callers branch on. */
export class ApiError extends Error {
  readonly error: UiError;
  constructor(error: UiError) {
    super(error.message);
    this.name = 'ApiError';
    this.error = error;
  }
}

type Result<T> = { status: 'ok'; data: T } | { status: 'error'; error: unknown };

const APP_ERROR_KINDS: ReadonlySet<string> = new Set([
  'schemaTooNew',
  'storage',
  'keyring',
  'notFound',
  'invalidFile',
  'sandbox',
  'invalidInput',
  'arm',
  'credential',
  'agent',
]);

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    APP_ERROR_KINDS.has((value as { kind?: unknown }).kind as string) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** True when no Tauri backend is attached to this window (a plain browser, a static preview). */
function outsideDesktopApp(): boolean {
  if (typeof window === 'undefined') return true;
  const internals = (window as { __TAURI_INTERNALS__?: { invoke?: unknown } }).__TAURI_INTERNALS__;
  return typeof internals?.invoke !== 'function';
}

/** Any failure of a backend call, as one `UiError`. */
export function toUiError(failure: unknown): UiError {
  if (failure instanceof ApiError) return failure.error;
  if (isAppError(failure)) return failure;
  if (typeof failure === 'string' && failure.trim() !== '') return { kind: 'internal', message: failure };
  if (outsideDesktopApp()) {
    return {
      kind: 'internal',
      message:
        'This window is not connected to the Gateway Studio backend, so nothing can be loaded or saved. ' +
        'It happens when the interface is opened in a plain browser instead of the desktop app.',
    };
  }
  if (failure instanceof Error && failure.message !== '') return { kind: 'internal', message: failure.message };
  return { kind: 'internal', message: 'The backend failed without saying why.' };
}

async function unwrap<T>(call: () => Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call();
  } catch (rejection) {
    throw new ApiError(toUiError(rejection));
  }
  if (result.status === 'ok') return result.data;
  throw new ApiError(toUiError(result.error));
}

/** For commands that cannot fail on the Rust side: only the framework can refuse them. */
async function direct<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (rejection) {
    throw new ApiError(toUiError(rejection));
  }
}

export function appInfo(): Promise<AppInfo> {
  return unwrap(() => commands.appInfo());
}

export function settingsGet(): Promise<Settings_Serialize> {
  return unwrap(() => commands.settingsGet());
}

export function settingsSet(settings: Settings_Serialize): Promise<Settings_Serialize> {
  return unwrap(() => commands.settingsSet(settings));
}

/** Milliseconds from process start to the first painted frame, as the backend recorded it. */
export async function reportFirstPaint(): Promise<number | null> {
  try {
    return await commands.reportFirstPaint();
  } catch (rejection) {
    throw new ApiError(toUiError(rejection));
  }
}

// ---- connections ---------------------------------------------------------------------------

/** Every saved draft, most recently changed first. */
export function connectionList(): Promise<DraftSummary_Serialize[]> {
  return unwrap(() => commands.connectionList());
}

export function connectionGet(id: string): Promise<Draft_Serialize> {
  return unwrap(() => commands.connectionGet(id));
}

/** A new, unsaved connection with the category's defaults. */
export function connectionTemplate(category: ConnectionCategory): Promise<Connection_Serialize> {
  return direct(() => commands.connectionTemplate(category));
}

/** The connection moved to another category; the backend decides what follows. */
export function connectionWithCategory(
  connection: Connection_Deserialize,
  category: ConnectionCategory,
): Promise<Connection_Serialize> {
  return direct(() => commands.connectionWithCategory(connection, category));
}

/** Validation findings and the ARM PUT body (secrets masked). */
export function connectionInspect(connection: Connection_Deserialize): Promise<Inspection> {
  return direct(() => commands.connectionInspect(connection));
}

/** Creates (`id` null) or replaces a draft. `secrets` are values typed in this session only. */
export function connectionSave(
  id: string | null,
  connection: Connection_Deserialize,
  secrets: SecretValue[],
): Promise<Draft_Serialize> {
  return unwrap(() => commands.connectionSave(id, connection, secrets));
}

export function connectionDelete(id: string): Promise<void> {
  return unwrap(() => commands.connectionDelete(id)).then(() => undefined);
}

export const EXPORT_FORMATS: readonly ExportFormat[] = ['arm', 'az', 'bicep', 'terraform', 'parameters'];

/** The connection as text in `format`; secrets are placeholders, never values. */
export function connectionExport(connection: Connection_Deserialize, format: ExportFormat): Promise<string> {
  return unwrap(() => commands.connectionExport(connection, format));
}

/** Creates a new saved draft from ARM JSON (PUT body, GET output or portal-style). */
export function connectionImport(text: string): Promise<ImportedDraft_Serialize> {
  return unwrap(() => commands.connectionImport(text));
}

// ---- gateway checks ------------------------------------------------------------------------

/**
 * Starts checks on `connection` as it is now (saved or not) and resolves to the run id. Progress
 * arrives on `onEvent`, possibly before the id does: `started`, `exchange` and `finished` events,
 * then one `done`. `secrets` are values typed but not saved; `bearerToken` is the stand-in token
 * for ProjectManagedIdentity, used for this run only.
 */
export function startChecks(
  draftId: string | null,
  connection: Connection_Deserialize,
  secrets: SecretValue[],
  bearerToken: string | null,
  options: CheckOptions_Serialize,
  onEvent: (event: CheckEvent_Serialize) => void,
): Promise<string> {
  return unwrap(() => {
    // Constructing a channel needs the Tauri runtime; a failure here becomes a UiError too.
    const channel = new Channel<CheckEvent_Deserialize>();
    // The backend serialises events, so what arrives has every field present.
    channel.onmessage = (event) => onEvent(event as CheckEvent_Serialize);
    return commands.checkRunStart(draftId, connection, secrets, bearerToken, options, channel);
  });
}

/** Stops a run; checks in progress end as skipped. Unknown or finished runs are ignored. */
export function cancelChecks(runId: string): Promise<void> {
  return direct(() => commands.checkRunCancel(runId));
}

/** The newest runs (50 at most), of one draft when `draftId` is given. */
export function listCheckRuns(draftId: string | null): Promise<RunSummary_Serialize[]> {
  return unwrap(() => commands.checkRunList(draftId));
}

/** One stored run with its options and results. */
export function getCheckRun(runId: string): Promise<RunRecord_Serialize> {
  return unwrap(() => commands.checkRunGet(runId));
}

/** One recorded exchange with its (redacted, capped) bodies. Load it only to show it. */
export function getExchange(id: string): Promise<TraceExchange_Serialize> {
  return unwrap(() => commands.traceExchangeGet(id));
}

// ---- cloud ---------------------------------------------------------------------------------

/**
 * The chosen cloud, and the sandbox while it runs. A stored Sandbox choice does not start by
 * itself: after a restart `sandbox` is null until `cloudSelect('sandbox')` starts it again.
 */
export function cloudStatus(): Promise<CloudStatus_Serialize> {
  return unwrap(() => commands.cloudStatus());
}

/**
 * Chooses the cloud. The Sandbox starts its emulators and seeds a draft per sample gateway (a
 * second call while it runs only answers its view); any other cloud stops them, drafts kept.
 * On failure the previous choice stays.
 */
export function cloudSelect(cloud: CloudId): Promise<CloudStatus_Serialize> {
  return unwrap(() => commands.cloudSelect(cloud));
}

// ---- azure ---------------------------------------------------------------------------------
// Every call reaches Azure Resource Manager for the chosen cloud (in the Sandbox, the emulator
// inside the app). Failures are `arm` (with ARM's code, correlation id and the trace run) or
// `credential` (no token: the fix names the command to run).

export function azureSignInGet(): Promise<SignInView_Serialize> {
  return unwrap(() => commands.azureSignInGet());
}

/** `clientSecret` goes to the keyring (null keeps the stored one); `customCloud` null keeps it. */
export function azureSignInSet(
  method: SignInMethod_Deserialize,
  clientSecret: string | null,
  customCloud: CustomCloud_Deserialize | null,
): Promise<SignInView_Serialize> {
  return unwrap(() => commands.azureSignInSet(method, clientSecret, customCloud));
}

/** Who the app signs in as (asks the credential for an ARM token). */
export function azureWhoami(): Promise<Identity_Serialize> {
  return unwrap(() => commands.azureWhoami());
}

export function azureSubscriptions(): Promise<Subscription_Serialize[]> {
  return unwrap(() => commands.azureSubscriptions());
}

export function azureResourceGroups(subscriptionId: string): Promise<ResourceGroup_Serialize[]> {
  return unwrap(() => commands.azureResourceGroups(subscriptionId));
}

/** Foundry accounts (kind AIServices) first. */
export function azureAccounts(subscriptionId: string, resourceGroup: string): Promise<Account_Serialize[]> {
  return unwrap(() => commands.azureAccounts(subscriptionId, resourceGroup));
}

export function azureProjects(account: AccountRef): Promise<Project_Serialize[]> {
  return unwrap(() => commands.azureProjects(account));
}

/** The last pick in the current cloud, or null. */
export function azureScopeGet(): Promise<AzureScope_Serialize | null> {
  return unwrap(() => commands.azureScopeGet());
}

export function azureScopeSet(scope: AzureScope_Deserialize): Promise<void> {
  return unwrap(() => commands.azureScopeSet(scope)).then(() => undefined);
}

/** The connections of a project or an account; gateway ones (ApiManagement, ModelGateway) first. */
export function azureConnections(parent: ConnectionParent_Deserialize): Promise<ArmConnection_Serialize[]> {
  return unwrap(() => commands.azureConnections(parent));
}

/** A local draft linked to the Azure connection (created, or refreshed keeping its secret). */
export function azureConnectionOpen(parent: ConnectionParent_Deserialize, name: string): Promise<Draft_Serialize> {
  return unwrap(() => commands.azureConnectionOpen(parent, name));
}

/** What a deploy of the saved draft would do: create or replace, the diff, blockers. */
export function azureDeployPlan(draftId: string, parent: ConnectionParent_Deserialize): Promise<DeployPlan_Serialize> {
  return unwrap(() => commands.azureDeployPlan(draftId, parent));
}

/** PUTs the saved draft (planned again first); refused with blockers or unconfirmed losses. */
export function azureDeploy(
  draftId: string,
  parent: ConnectionParent_Deserialize,
  confirmed: boolean,
): Promise<ArmConnection_Serialize> {
  return unwrap(() => commands.azureDeploy(draftId, parent, confirmed));
}

export function azureConnectionDelete(parent: ConnectionParent_Deserialize, name: string): Promise<Deletion> {
  return unwrap(() => commands.azureConnectionDelete(parent, name));
}

/** The account's model deployments. */
export function azureDeployments(account: AccountRef): Promise<Deployment_Serialize[]> {
  return unwrap(() => commands.azureDeployments(account));
}

/** The ARM exchanges of one call (an `arm` error's `traceRunId`). */
export function azureTraceList(runId: string): Promise<TraceSummary_Serialize[]> {
  return unwrap(() => commands.azureTraceList(runId));
}

// ---- agent playground ----------------------------------------------------------------------
// A conversation with a prompt agent whose model is `<connection>/<deployment>`, run locally
// (the app plays the Agent Service) or in the picked Foundry project. A failed turn resolves
// with its `error` set; only calls the backend refuses reject.

/** Starts a conversation (a Foundry run creates a test agent version and a conversation). */
export function playgroundStart(request: PlaygroundStart_Deserialize): Promise<PlaygroundSessionView_Serialize> {
  return unwrap(() => commands.playgroundStart(request));
}

/** One turn; its text arrives on `onText` as it streams, then the turn as stored. */
export function playgroundSend(
  conversationId: string,
  input: TurnInput,
  onText: (text: string) => void,
): Promise<TurnRecord_Serialize> {
  return unwrap(() => {
    // Constructing a channel needs the Tauri runtime; a failure here becomes a UiError too.
    const channel = new Channel<string>();
    channel.onmessage = onText;
    return commands.playgroundSend(conversationId, input, channel);
  });
}

/** Ends the conversation; what Foundry created for it is deleted (`cleanup` says how it went). */
export function playgroundEnd(conversationId: string): Promise<ConversationSummary_Serialize> {
  return unwrap(() => commands.playgroundEnd(conversationId));
}

/** Conversations, newest first. */
export function playgroundHistory(): Promise<ConversationSummary_Serialize[]> {
  return unwrap(() => commands.playgroundHistory());
}

/** One stored conversation with its turns (read-only; continue it with `continueFrom`). */
export function playgroundConversation(conversationId: string): Promise<ConversationRecord_Serialize> {
  return unwrap(() => commands.playgroundConversation(conversationId));
}

/** Foundry test agents and conversations an earlier session did not delete. */
export function playgroundLeftovers(): Promise<ConversationSummary_Serialize[]> {
  return unwrap(() => commands.playgroundLeftovers());
}

/** Deletes a left-over's agent and conversation in Foundry. */
export function playgroundCleanUp(conversationId: string): Promise<ConversationSummary_Serialize> {
  return unwrap(() => commands.playgroundCleanUp(conversationId));
}

// ---- traces and history ------------------------------------------------------------------

/** A page of exchanges, newest first; `before` is the last page's `next`. */
export function traceQuery(filter: TraceFilter_Serialize, before: string | null, limit: number): Promise<TracePage_Serialize> {
  return unwrap(() => commands.traceQuery(filter, before, limit));
}

/** The hosts exchanges went to, most used first. */
export function traceHosts(): Promise<string[]> {
  return unwrap(() => commands.traceHosts());
}

/** A run's exchanges and/or the picked ones, as HAR JSON or cURL commands (redacted). */
export function traceExport(runId: string | null, ids: string[], format: TraceExportFormat): Promise<string> {
  return unwrap(() => commands.traceExport(runId, ids, format));
}

export function traceStorage(): Promise<TraceStorage_Serialize> {
  return unwrap(() => commands.traceStorage());
}

/** Saves the rule and applies it at once. */
export function traceRetentionSet(retention: Retention_Serialize): Promise<Purged> {
  return unwrap(() => commands.traceRetentionSet(retention));
}

/** Deletes every exchange (null) or those older than `olderThanDays`. */
export function tracePurge(olderThanDays: number | null): Promise<Purged> {
  return unwrap(() => commands.tracePurge(olderThanDays));
}

/** Checks, deployments and agent conversations, newest first. */
export function historyList(limit: number): Promise<HistoryEntry_Serialize[]> {
  return unwrap(() => commands.historyList(limit));
}

// ---- closing the window ---------------------------------------------------------------------
// Best effort: outside the desktop app (tests, a plain browser) there is no window to guard.

/** Tells the backend whether closing the window now would lose unsaved work. */
export async function setUnsavedWork(unsaved: boolean): Promise<void> {
  try {
    await commands.windowSetUnsaved(unsaved);
  } catch {
    // no backend: nothing to guard
  }
}

/**
 * Calls `ask` when the user tries to close the window while work is unsaved; the window closes
 * only if `ask` resolves to true.
 */
export async function guardWindowClose(ask: () => Promise<boolean>): Promise<void> {
  try {
    // Constructing a channel needs the Tauri runtime too.
    const channel = new Channel<null>();
    channel.onmessage = () => {
      void ask().then(async (close) => {
        if (close) await commands.windowCloseConfirmed();
      });
    };
    await commands.windowWatchClose(channel);
  } catch {
    // no backend: nothing to guard
  }
}

export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];

const STORAGE_TITLES: Record<StorageProblem, string> = {
  createDir: 'The data folder could not be created',
  notADatabase: 'The database file is not a Gateway Studio database',
  schemaConflict: 'The database does not match what this version expects',
  sqlite: 'The database could not be opened',
};

export type ErrorDescription = {
  title: string;
  body: string;
  /** A file or folder the error is about, shown in monospace when present. */
  path?: string;
};

/** What to tell a person about an error: a short title and a sentence or two. */
export function describeError(e: UiError): ErrorDescription {
  switch (e.kind) {
    case 'schemaTooNew':
      return {
        title: 'This database was written by a newer Gateway Studio',
        body:
          `It uses schema version ${e.details.found}; this build supports up to version ${e.details.supported}. ` +
          'The file was left untouched. Update Gateway Studio to open it, or start with another data folder ' +
          '(--data-dir DIR). Until then, changes are not saved.',
        path: e.details.path,
      };
    case 'storage':
      return {
        title: STORAGE_TITLES[e.details.problem] ?? 'Storage is unavailable',
        body: `${sentence(e.message)} Until then, changes are not saved.`,
        // The backend's message usually names the file already; show it apart only if not.
        ...(e.message.includes(e.details.path) ? {} : { path: e.details.path }),
      };
    case 'keyring':
      return {
        title: e.details.available ? 'The OS keyring refused the secret' : 'The OS keyring is not available',
        body:
          `${sentence(e.message)} Nothing was saved: secrets are only ever stored in the keyring. ` +
          (e.details.available
            ? 'Unlock the keyring if it asks, then save again.'
            : 'Start or unlock the system keyring (Secret Service, Keychain or Credential Manager), then save again.'),
      };
    case 'invalidFile':
      return {
        title: 'This is not a connection Gateway Studio can read',
        body: sentence(e.message),
      };
    case 'notFound':
      return {
        title: `This ${e.details.what || 'item'} no longer exists`,
        body: `${sentence(e.message)} It may have been deleted in another window.`,
      };
    case 'sandbox':
      return {
        title: 'The sandbox could not start',
        // The backend's message may begin with the title's words; say them once.
        body: `${sentence(e.message.replace(/^\s*the sandbox could not start\s*[:.-]?\s*/i, ''))} ${sentence(e.details.hint)}`.trim(),
      };
    case 'invalidInput':
      return {
        title: `Invalid value for ${e.details.field}`,
        body: sentence(e.message),
      };
    case 'arm':
      return {
        title: ARM_TITLES[e.details.code] ?? (e.details.missing ? `${LEVELS[e.details.missing] ?? e.details.missing} not found` : 'Azure refused the request'),
        body: `${sentence(e.message)} ${sentence(e.details.hint)}`.trim(),
      };
    case 'credential':
      return {
        title: 'No Azure sign-in',
        body: `${sentence(e.message)} ${sentence(e.details.fix)}`.trim(),
      };
    case 'agent':
      return {
        title: AGENT_TITLES[e.details.code] ?? 'The agent could not run',
        body: `${sentence(e.message)} ${sentence(e.details.fix)}`.trim(),
      };
    case 'internal':
      return {
        title: 'The request did not reach the backend',
        body: sentence(e.message),
      };
  }
}

/** The levels an ARM 404 can name, as people say them. */
export const LEVELS: Record<string, string> = {
  subscription: 'Subscription',
  resourceGroup: 'Resource group',
  account: 'Foundry account',
  project: 'Project',
  connection: 'Connection',
  deployment: 'Model deployment',
};

const ARM_TITLES: Record<string, string> = {
  'deploy-blocked': 'The deploy was refused before anything was sent',
  'deploy-needs-confirmation': 'The deploy needs your confirmation',
  'deploy-secret-missing': 'The secret is missing',
};

const AGENT_TITLES: Record<string, string> = {
  model_not_found: 'The model is not found',
  DeploymentNotFound: 'The deployment is not found',
  PermissionDenied: 'Permission denied',
  gateway_error: 'The gateway failed',
  gateway_timeout: 'The gateway did not answer in time',
  rate_limit_exceeded: 'The gateway is rate limiting',
};

/** A backend message as a sentence: capital first letter, closing full stop. */
function sentence(message: string): string {
  const s = message.trim();
  if (s === '') return s;
  const capitalised = s[0].toUpperCase() + s.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
