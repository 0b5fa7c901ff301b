// The editor's form: a connection as the backend models it, plus the few things a form needs
// that the model does not have (row identities, a remembered choice of preset, values kept
// while the user tries another auth type). Pure functions only; every rule about what is valid
// lives in Rust and comes back as findings.

import type {
  AuthConfig,
  Connection,
  ConnectionAuth,
  DiscoveredModel,
  Finding,
  FindingCode,
  ModelDiscovery,
  ModelInfo,
  SecretSlot,
} from '../lib/api';

export type AuthKind = 'apiKey' | 'projectManagedIdentity' | 'oauth2';
/** `defaults`: ApiManagement with neither list (the service's /deployments); `none`: ModelGateway with neither. */
export type ModelsMode = 'static' | 'dynamic' | 'defaults' | 'none';
export type HeaderPreset = 'default' | 'bearer' | 'ocpApim' | 'xApiKey' | 'custom';

/** The audience the setup guide's APIM policy validates (byo-gateway.md §2.3); prefilled only. */
export const DEFAULT_AUDIENCE = 'https://cognitiveservices.azure.com';
export const API_KEY_PLACEHOLDER = '{api_key}';
export const MODEL_FORMATS = ['OpenAI', 'Anthropic', 'NonOpenAI'] as const;
export const DISCOVERY_PROVIDERS = ['AzureOpenAI', 'OpenAI'] as const;

export type ModelRow = { uid: number; info: ModelInfo };
export type HeaderRow = { uid: number; name: string; value: string };
export type ScopeRow = { uid: number; value: string };

export type Form = {
  /**
   * Everything else, as the backend sent it. `metadata.models`, `metadata.modelDiscovery`,
   * `metadata.customHeaders` and OAuth2 `scopes` are rebuilt from the rows below.
   */
  c: Connection;
  modelsMode: ModelsMode;
  models: ModelRow[];
  /** Kept while another mode is chosen, so switching back loses nothing. */
  discovery: ModelDiscovery;
  /** The draft came with both `models` and `modelDiscovery`: keep both until the user picks. */
  keepBoth: boolean;
  headers: HeaderRow[];
  scopes: ScopeRow[];
  headerPreset: HeaderPreset;
  /** Values of auth types not shown now, restored when the user switches back. */
  stash: {
    audience: string;
    clientId: string;
    tokenUrl: string;
    authConfig: AuthConfig | null;
    headerPreset: HeaderPreset;
  };
};

let nextUid = 1;
export function uid(): number {
  return nextUid++;
}

function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---- header presets ------------------------------------------------------------------------

export const HEADER_PRESETS: readonly {
  id: HeaderPreset;
  label: string;
  headerName?: string;
  format?: string;
}[] = [
  { id: 'default', label: 'api-key: {api_key} (default)' },
  { id: 'bearer', label: 'Authorization: Bearer {api_key}', headerName: 'Authorization', format: 'Bearer {api_key}' },
  { id: 'ocpApim', label: 'Ocp-Apim-Subscription-Key: {api_key}', headerName: 'Ocp-Apim-Subscription-Key', format: '{api_key}' },
  { id: 'xApiKey', label: 'x-api-key: {api_key}', headerName: 'x-api-key', format: '{api_key}' },
  { id: 'custom', label: 'Custom header…' },
];

/** Which preset an `authConfig` is; anything that is not exactly a preset is custom. */
export function presetOf(config: AuthConfig | null | undefined): HeaderPreset {
  if (!config) return 'default';
  if (config.kind !== 'api_key' || Object.keys(config.extra ?? {}).length > 0) return 'custom';
  const match = HEADER_PRESETS.find(
    (p) => p.headerName !== undefined && p.headerName === config.headerName && p.format === config.format,
  );
  return match?.id ?? 'custom';
}

/** The `authConfig` a preset writes. Custom starts from what is there now. */
export function authConfigFor(preset: HeaderPreset, current: AuthConfig | null): AuthConfig | null {
  if (preset === 'default') return null;
  if (preset === 'custom') {
    return {
      kind: current?.kind ?? 'api_key',
      headerName: current?.headerName ?? '',
      format: current?.format ?? API_KEY_PLACEHOLDER,
      extra: clone(current?.extra ?? {}),
    };
  }
  const p = HEADER_PRESETS.find((x) => x.id === preset)!;
  return { kind: 'api_key', headerName: p.headerName!, format: p.format!, extra: {} };
}

// ---- discovery presets ---------------------------------------------------------------------

export const DISCOVERY_PRESETS: readonly {
  id: string;
  label: string;
  list: string;
  get: string;
  provider: (typeof DISCOVERY_PROVIDERS)[number];
}[] = [
  { id: 'apim', label: 'APIM defaults', list: '/deployments', get: '/deployments/{deploymentName}', provider: 'AzureOpenAI' },
  { id: 'openai', label: 'OpenAI /models', list: '/models', get: '/models/{deploymentName}', provider: 'OpenAI' },
  {
    id: 'azureOpenai',
    label: 'AzureOpenAI /deployments',
    list: '/deployments',
    get: '/deployments/{deploymentName}',
    provider: 'AzureOpenAI',
  },
];

export function emptyDiscovery(): ModelDiscovery {
  return { listModelsEndpoint: null, getModelEndpoint: null, deploymentProvider: null, extra: {} };
}

export function applyDiscoveryPreset(discovery: ModelDiscovery, presetId: string): void {
  const p = DISCOVERY_PRESETS.find((x) => x.id === presetId);
  if (!p) return;
  discovery.listModelsEndpoint = p.list;
  discovery.getModelEndpoint = p.get;
  discovery.deploymentProvider = p.provider;
}

/** The preset the discovery fields match now (the first, for identical ones), if any. */
export function discoveryPresetOf(d: ModelDiscovery): string | null {
  const p = DISCOVERY_PRESETS.find(
    (x) => x.list === d.listModelsEndpoint && x.get === d.getModelEndpoint && x.provider === d.deploymentProvider,
  );
  return p?.id ?? null;
}

// ---- models --------------------------------------------------------------------------------

export function emptyModel(): ModelInfo {
  return {
    deploymentName: '',
    modelName: '',
    modelVersion: '',
    format: 'OpenAI',
    extra: {},
    propertiesExtra: {},
    modelExtra: {},
  };
}

export function modelRow(info: ModelInfo): ModelRow {
  return { uid: uid(), info };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as the string the row shows; objects and arrays are not accepted. */
function asText(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${where} should be a string, not ${Array.isArray(value) ? 'an array' : 'an object'}.`);
}

function rest(object: Record<string, Json>, known: string[]): Record<string, Json> {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !known.includes(k)));
}

export type PasteResult = { ok: true; models: ModelInfo[] } | { ok: false; error: string };

/**
 * Reads a pasted `models` array, `[{"name", "properties": {"model": {"name", "version",
 * "format"}}}]`, into rows. Only the shape is read here; whether the content is right is for
 * the backend's findings. Also accepts the array JSON-encoded in a string (as ARM metadata
 * stores it) and `{"models": [...]}`.
 */
export function parseModelsJson(text: string): PasteResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'Paste a JSON array of models first.' };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (e) {
    return { ok: false, error: `This is not valid JSON: ${(e as Error).message}` };
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, error: 'This is a JSON string, but its content is not a JSON array.' };
    }
  }
  if (isObject(value) && Array.isArray(value.models)) value = value.models;
  if (isObject(value) && 'name' in value) value = [value];
  if (!Array.isArray(value)) {
    return {
      ok: false,
      error: 'Expected a JSON array of models: [{"name": "…", "properties": {"model": {"name": "…", "version": "…", "format": "OpenAI"}}}].',
    };
  }
  try {
    const models = value.map((item, i): ModelInfo => {
      const at = `Item ${i + 1}`;
      if (!isObject(item)) throw new Error(`${at} is not an object like {"name": …, "properties": {…}}.`);
      const properties = item.properties ?? {};
      if (!isObject(properties)) throw new Error(`${at}: "properties" should be an object.`);
      const model = properties.model ?? {};
      if (!isObject(model)) throw new Error(`${at}: "properties.model" should be an object.`);
      return {
        deploymentName: asText(item.name, `${at}: "name"`),
        modelName: asText(model.name, `${at}: "properties.model.name"`),
        modelVersion: asText(model.version, `${at}: "properties.model.version"`),
        format: asText(model.format, `${at}: "properties.model.format"`),
        extra: rest(item, ['name', 'properties']),
        propertiesExtra: rest(properties, ['model']),
        modelExtra: rest(model, ['name', 'version', 'format']),
      };
    });
    return { ok: true, models };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * A model a discovery call returned, as a static-list entry. The backend's own conversion:
 * the model name defaults to the deployment name and the format to OpenAI (OpenAI-shaped
 * discovery has no format, and its ids are OpenAI model names).
 */
export function modelFromDiscovered(d: DiscoveredModel): ModelInfo {
  return {
    deploymentName: d.deploymentName,
    modelName: d.modelName ?? d.deploymentName,
    modelVersion: d.modelVersion ?? '',
    format: d.format ?? 'OpenAI',
    extra: {},
    propertiesExtra: {},
    modelExtra: {},
  };
}

/**
 * Makes discovered models the static list and turns discovery off. The discovery settings stay
 * in the form, so choosing "Dynamic discovery" again brings them back.
 */
export function useDiscoveredModels(form: Form, models: DiscoveredModel[]): void {
  form.models = models.map((m) => modelRow(modelFromDiscovered(m)));
  form.modelsMode = 'static';
  form.keepBoth = false;
}

export function moveRow<T>(rows: T[], from: number, to: number): boolean {
  if (from < 0 || from >= rows.length || to < 0 || to >= rows.length || from === to) return false;
  const [row] = rows.splice(from, 1);
  rows.splice(to, 0, row);
  return true;
}

// ---- custom headers ------------------------------------------------------------------------

/** The header rows as the metadata object: unnamed rows are not sent; the first of equal names wins. */
export function headersObject(rows: HeaderRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of rows) {
    if (row.name === '' || Object.prototype.hasOwnProperty.call(out, row.name)) continue;
    out[row.name] = row.value;
  }
  return out;
}

/** Rows the object above leaves out, and why (a form matter, not a validation rule). */
export function headerRowNotes(rows: HeaderRow[]): Map<number, string> {
  const notes = new Map<number, string>();
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.name === '') {
      if (row.value !== '') notes.set(row.uid, 'Give this header a name; a row without one is not sent.');
    } else if (seen.has(row.name)) {
      notes.set(row.uid, 'A row above has exactly this name; only the first is sent.');
    } else {
      seen.add(row.name);
    }
  }
  return notes;
}

// ---- form ⇄ connection ---------------------------------------------------------------------

export function modelsModeOf(c: Connection): ModelsMode {
  if (c.metadata.models) return 'static';
  if (c.metadata.modelDiscovery) return 'dynamic';
  return c.category === 'ApiManagement' ? 'defaults' : 'none';
}

/**
 * The form for a connection. With `previous` (the same draft, e.g. after a category switch)
 * rows that did not change keep their identity, and values kept aside stay kept.
 */
export function formFromConnection(connection: Connection, previous?: Form): Form {
  const c = clone(connection);
  const m = c.metadata;

  const modelsUnchanged = previous && sameJson(previous.models.map((r) => r.info), m.models ?? []);
  const models = modelsUnchanged ? previous.models : (m.models ?? []).map((info) => modelRow(info));

  const headersUnchanged = previous && sameJson(headersObject(previous.headers), m.customHeaders ?? {});
  const headers = headersUnchanged
    ? previous.headers
    : Object.entries(m.customHeaders ?? {}).map(([name, value]) => ({ uid: uid(), name, value }));

  let scopes: ScopeRow[] = previous?.scopes ?? [];
  if (c.auth.kind === 'oauth2' && !(previous && sameJson(previous.scopes.map((s) => s.value), c.auth.scopes))) {
    scopes = c.auth.scopes.map((value) => ({ uid: uid(), value }));
  }

  const stash: Form['stash'] = previous
    ? clone(previous.stash)
    : { audience: DEFAULT_AUDIENCE, clientId: '', tokenUrl: '', authConfig: null, headerPreset: 'default' };
  if (c.auth.kind === 'projectManagedIdentity') stash.audience = c.auth.audience;
  if (c.auth.kind === 'oauth2') {
    stash.clientId = c.auth.clientId;
    stash.tokenUrl = c.auth.tokenUrl;
  }

  const keepCustom = previous?.headerPreset === 'custom' && sameJson(previous.c.metadata.authConfig, m.authConfig);

  return {
    c,
    modelsMode: modelsModeOf(c),
    models,
    discovery: m.modelDiscovery ? clone(m.modelDiscovery) : previous ? clone(previous.discovery) : emptyDiscovery(),
    keepBoth: !!m.models && !!m.modelDiscovery,
    headers,
    scopes,
    headerPreset: keepCustom ? 'custom' : presetOf(m.authConfig),
    stash,
  };
}

export type SecretsPresent = Partial<Record<SecretSlot, boolean>>;

/**
 * The connection the form describes, as inspect and save take it. A secret reference is set
 * when the slot has a value: typed now, or already in the keyring.
 */
export function connectionFromForm(form: Form, secrets: SecretsPresent): Connection {
  const c = clone(form.c);
  const m = c.metadata;
  m.models = form.modelsMode === 'static' ? form.models.map((r) => clone(r.info)) : null;
  m.modelDiscovery =
    form.modelsMode === 'dynamic' || (form.modelsMode === 'static' && form.keepBoth) ? clone(form.discovery) : null;
  m.customHeaders = headersObject(form.headers);
  c.auth = authWithSecrets(c.auth, form, secrets);
  return c;
}

function authWithSecrets(auth: ConnectionAuth, form: Form, secrets: SecretsPresent): ConnectionAuth {
  switch (auth.kind) {
    case 'apiKey':
      return { kind: 'apiKey', key: secrets.apiKey ? { slot: 'apiKey' } : null };
    case 'oauth2':
      return {
        ...auth,
        clientSecret: secrets.clientSecret ? { slot: 'clientSecret' } : null,
        scopes: form.scopes.map((s) => s.value),
      };
    default:
      return auth;
  }
}

/** Switches the auth type, keeping the other types' values aside for a switch back. */
export function setAuthKind(form: Form, kind: AuthKind): void {
  const current = form.c.auth;
  if (current.kind === kind) return;
  const m = form.c.metadata;
  if (current.kind === 'projectManagedIdentity') form.stash.audience = current.audience;
  if (current.kind === 'oauth2') {
    form.stash.clientId = current.clientId;
    form.stash.tokenUrl = current.tokenUrl;
  }
  if (current.kind === 'apiKey' && m.authConfig) {
    // `authConfig` only means something for API keys; keep it aside rather than send it.
    form.stash.authConfig = m.authConfig;
    form.stash.headerPreset = form.headerPreset;
    m.authConfig = null;
  }
  switch (kind) {
    case 'apiKey':
      form.c.auth = { kind: 'apiKey', key: null };
      if (!m.authConfig && form.stash.authConfig) {
        m.authConfig = form.stash.authConfig;
        form.headerPreset = form.stash.headerPreset;
        form.stash.authConfig = null;
      } else {
        form.headerPreset = presetOf(m.authConfig);
      }
      break;
    case 'projectManagedIdentity':
      form.c.auth = { kind: 'projectManagedIdentity', audience: form.stash.audience };
      break;
    case 'oauth2':
      form.c.auth = {
        kind: 'oauth2',
        clientId: form.stash.clientId,
        clientSecret: null,
        tokenUrl: form.stash.tokenUrl,
        scopes: form.scopes.map((s) => s.value),
      };
      break;
  }
}

export function setModelsMode(form: Form, mode: ModelsMode, presetId: string): void {
  form.keepBoth = false;
  if (mode === 'dynamic') {
    const d = form.discovery;
    if (!d.listModelsEndpoint && !d.getModelEndpoint && !d.deploymentProvider) applyDiscoveryPreset(d, presetId);
  }
  form.modelsMode = mode;
}

// ---- findings → fields ---------------------------------------------------------------------

const FIELD_BY_PATH: Record<string, string[]> = {
  name: ['name'],
  'properties.category': ['category'],
  'properties.target': ['target'],
  'properties.isSharedToAll': ['isSharedToAll'],
  'properties.authType': ['auth'],
  'properties.credentials': ['auth'],
  'properties.credentials.key': ['apiKey', 'auth'],
  'properties.audience': ['audience', 'auth'],
  'properties.credentials.clientId': ['clientId', 'auth'],
  'properties.credentials.clientSecret': ['clientSecret', 'auth'],
  'properties.tokenUrl': ['tokenUrl', 'auth'],
  'properties.scopes': ['scopes', 'auth'],
  'properties.metadata.deploymentInPath': ['deploymentInPath'],
  'properties.metadata.inferenceAPIVersion': ['inferenceAPIVersion'],
  'properties.metadata.deploymentAPIVersion': ['deploymentAPIVersion'],
  'properties.metadata.models': ['models'],
  'properties.metadata.modelDiscovery': ['discovery', 'models'],
  'properties.metadata.modelDiscovery.listModelsEndpoint': ['listModelsEndpoint', 'discovery', 'models'],
  'properties.metadata.modelDiscovery.getModelEndpoint': ['getModelEndpoint', 'discovery', 'models'],
  'properties.metadata.modelDiscovery.deploymentProvider': ['deploymentProvider', 'discovery', 'models'],
  'properties.metadata.customHeaders': ['headers'],
  'properties.metadata.authConfig': ['authHeader', 'auth'],
  'properties.metadata.authConfig.type': ['authHeader', 'auth'],
  'properties.metadata.authConfig.name': ['authConfigName', 'authHeader', 'auth'],
  'properties.metadata.authConfig.format': ['authConfigFormat', 'authHeader', 'auth'],
  'properties.metadata.authHeaderName': ['authHeaderName', 'auth'],
  'properties.metadata.authHeaderFormat': ['authHeaderFormat', 'auth'],
};

/** `a.b` or `a["b-c"]` after `base`: the key, or null when `path` is not directly under `base`. */
function keyUnder(path: string, base: string): string | null {
  if (path.startsWith(`${base}.`)) {
    const key = path.slice(base.length + 1);
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : null;
  }
  if (path.startsWith(`${base}[`) && path.endsWith(']')) {
    try {
      const key: unknown = JSON.parse(path.slice(base.length + 1, -1));
      return typeof key === 'string' ? key : null;
    } catch {
      return null;
    }
  }
  return null;
}

const MODEL_FIELDS: Record<string, string> = {
  name: 'deploymentName',
  'properties.model.name': 'modelName',
  'properties.model.version': 'modelVersion',
  'properties.model.format': 'format',
};

/** Findings whose path is the whole metadata object but which are about one section. */
const FIELD_BY_CODE: Partial<Record<FindingCode, string[]>> = {
  'models-missing': ['models'],
  'models-and-discovery': ['models'],
  'custom-headers-missing': ['headers'],
};

/** Where a finding could be shown, most specific first. Empty: nowhere in the form. */
export function fieldCandidates(path: string, form: Form, code?: FindingCode): string[] {
  const byCode = code ? FIELD_BY_CODE[code] : undefined;
  if (byCode) return byCode;
  const direct = FIELD_BY_PATH[path];
  if (direct) return direct;

  const model = /^properties\.metadata\.models\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (model) {
    const row = form.models[Number(model[1])];
    if (!row) return ['models'];
    const field = model[2] ? MODEL_FIELDS[model[2]] : undefined;
    return [...(field ? [`model:${row.uid}:${field}`] : []), `model:${row.uid}`, 'models'];
  }

  const scope = /^properties\.scopes\[(\d+)\]$/.exec(path);
  if (scope) {
    const row = form.scopes[Number(scope[1])];
    return [...(row ? [`scope:${row.uid}`] : []), 'scopes', 'auth'];
  }

  const header = keyUnder(path, 'properties.metadata.customHeaders');
  if (header !== null) {
    const row = form.headers.find((h) => h.name === header);
    return [...(row ? [`header:${row.uid}`] : []), 'headers'];
  }

  if (path.startsWith('properties.metadata.modelDiscovery.') || path.startsWith('properties.metadata.modelDiscovery[')) {
    return ['discovery', 'models'];
  }
  if (path.startsWith('properties.metadata.authConfig.') || path.startsWith('properties.metadata.authConfig[')) {
    return ['authHeader', 'auth'];
  }
  if (path.startsWith('properties.credentials.') || path.startsWith('properties.credentials[')) return ['auth'];
  return [];
}

/** The fields the editor shows for this form; keep in step with ConnectionEditor.svelte. */
export function renderedFields(form: Form): Set<string> {
  const m = form.c.metadata;
  const auth = form.c.auth;
  const fields = new Set<string>([
    'name',
    'category',
    'target',
    'isSharedToAll',
    'auth',
    'models',
    'deploymentInPath',
    'inferenceAPIVersion',
    'deploymentAPIVersion',
    'headers',
  ]);
  for (const h of form.headers) fields.add(`header:${h.uid}`);
  if (auth.kind === 'apiKey') {
    fields.add('apiKey');
    fields.add('authHeader');
    if (form.headerPreset === 'custom') {
      fields.add('authConfigName');
      fields.add('authConfigFormat');
    }
  } else if (m.authConfig) {
    fields.add('authHeader');
  }
  if (m.authHeaderName != null || m.authHeaderFormat != null) {
    fields.add('authHeaderName');
    fields.add('authHeaderFormat');
  }
  if (auth.kind === 'projectManagedIdentity') fields.add('audience');
  if (auth.kind === 'oauth2') {
    for (const f of ['clientId', 'clientSecret', 'tokenUrl', 'scopes']) fields.add(f);
    for (const s of form.scopes) fields.add(`scope:${s.uid}`);
  }
  if (form.modelsMode === 'static') {
    for (const r of form.models) {
      fields.add(`model:${r.uid}`);
      for (const f of ['deploymentName', 'modelName', 'modelVersion', 'format']) fields.add(`model:${r.uid}:${f}`);
    }
  }
  if (form.modelsMode === 'dynamic') {
    for (const f of ['discovery', 'listModelsEndpoint', 'getModelEndpoint', 'deploymentProvider']) fields.add(f);
  }
  return fields;
}

export type PlacedFindings = {
  byField: Map<string, Finding[]>;
  /** Findings with no field in the form: shown together above the form. */
  unplaced: Finding[];
  /** Field of each finding, in order (null when unplaced), for "jump to". */
  fieldOf: Map<Finding, string | null>;
};

export function placeFindings(findings: Finding[], form: Form): PlacedFindings {
  const rendered = renderedFields(form);
  const byField = new Map<string, Finding[]>();
  const unplaced: Finding[] = [];
  const fieldOf = new Map<Finding, string | null>();
  for (const f of findings) {
    const field = fieldCandidates(f.path, form, f.code).find((c) => rendered.has(c)) ?? null;
    fieldOf.set(f, field);
    if (field === null) {
      unplaced.push(f);
    } else {
      const list = byField.get(field);
      if (list) list.push(f);
      else byField.set(field, [f]);
    }
  }
  return { byField, unplaced, fieldOf };
}

export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of findings) {
    if (f.severity === 'error') errors += 1;
    else warnings += 1;
  }
  return { errors, warnings };
}

/** "2 errors · 1 warning", "1 warning", "No problems". */
export function findingsLabel(counts: { errors: number; warnings: number }): string {
  const parts: string[] = [];
  if (counts.errors) parts.push(`${counts.errors} ${counts.errors === 1 ? 'error' : 'errors'}`);
  if (counts.warnings) parts.push(`${counts.warnings} ${counts.warnings === 1 ? 'warning' : 'warnings'}`);
  return parts.length ? parts.join(' · ') : 'No problems';
}
