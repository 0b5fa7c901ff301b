// The connection commands of the fake backend: drafts in memory, a keyring that remembers which
// slots are set, and a few validation rules, enough to drive the UI the way the real backend does.
// Real validation lives in Rust; tests can swap `inspect` for the findings they need.

import type {
  AppError,
  Connection,
  ConnectionCategory,
  Draft,
  DraftSummary,
  Finding,
  ImportResult,
  Inspection,
  SecretSlot,
  SecretValue,
} from '../lib/api';

export type ConnectionOptions = {
  drafts?: Draft[];
  /** Findings for a connection; the default knows a few rules about name and target. */
  inspect?: (c: Connection) => Finding[];
  /** What connection_save fails with. */
  saveError?: AppError;
  /** What connection_import answers: a result, or an error to fail with. */
  importResult?: (text: string) => ImportResult | AppError;
};

export function template(category: ConnectionCategory): Connection {
  const apim = category === 'ApiManagement';
  return {
    name: null,
    scope: 'project',
    category,
    target: '',
    isSharedToAll: false,
    auth: { kind: 'apiKey', key: null },
    metadata: {
      deploymentInPath: apim,
      inferenceAPIVersion: apim ? '2024-10-21' : '',
      deploymentAPIVersion: null,
      models: null,
      modelDiscovery: null,
      customHeaders: {},
      authConfig: null,
      authHeaderName: null,
      authHeaderFormat: null,
      extra: {},
    },
    extraProperties: {},
  };
}

export function withCategory(c: Connection, category: ConnectionCategory): Connection {
  if (c.category === category) return c;
  const next: Connection = JSON.parse(JSON.stringify(c));
  const [oldPath, oldVersion] = c.category === 'ApiManagement' ? [true, '2024-10-21'] : [false, ''];
  const [newPath, newVersion] = category === 'ApiManagement' ? [true, '2024-10-21'] : [false, ''];
  if (next.metadata.deploymentInPath === null || next.metadata.deploymentInPath === oldPath)
    next.metadata.deploymentInPath = newPath;
  if (next.metadata.inferenceAPIVersion === null || next.metadata.inferenceAPIVersion === oldVersion)
    next.metadata.inferenceAPIVersion = newVersion;
  const allowed =
    next.auth.kind === 'apiKey' ||
    (next.auth.kind === 'projectManagedIdentity' && category === 'ApiManagement') ||
    (next.auth.kind === 'oauth2' && category === 'ModelGateway');
  if (!allowed) next.auth = { kind: 'apiKey', key: null };
  next.category = category;
  return next;
}

export function defaultFindings(c: Connection): Finding[] {
  const findings: Finding[] = [];
  if (!c.name) {
    findings.push({ severity: 'error', code: 'name-missing', path: 'name', message: 'The connection has no name.' });
  } else if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(c.name)) {
    findings.push({
      severity: 'error',
      code: 'name-pattern',
      path: 'name',
      message: `Name "${c.name}" breaks the pattern: 3 to 33 letters, digits, _ or -.`,
    });
  }
  if (c.target.trim() === '') {
    findings.push({ severity: 'error', code: 'target-missing', path: 'properties.target', message: 'Set the target URL.' });
  } else if (c.target.startsWith('http://')) {
    findings.push({ severity: 'warning', code: 'url-not-https', path: 'properties.target', message: 'Use https.' });
  }
  if (c.auth.kind === 'apiKey' && !c.auth.key) {
    findings.push({ severity: 'error', code: 'api-key-missing', path: 'properties.credentials.key', message: 'Add the API key.' });
  }
  return findings;
}

/** A stand-in for the ARM body: enough structure for the preview and for assertions. */
export function armBody(c: Connection): string {
  const authType = { apiKey: 'ApiKey', projectManagedIdentity: 'ProjectManagedIdentity', oauth2: 'OAuth2' }[
    c.auth.kind as 'apiKey'
  ];
  return JSON.stringify(
    {
      name: c.name,
      properties: {
        category: c.category,
        target: c.target,
        authType: authType ?? (c.auth as { authType?: string }).authType,
        isSharedToAll: c.isSharedToAll,
        credentials: c.auth.kind === 'apiKey' ? { key: '********' } : {},
        metadata: {
          ...(c.metadata.deploymentInPath === null ? {} : { deploymentInPath: String(c.metadata.deploymentInPath) }),
          ...(c.metadata.authConfig ? { authConfig: JSON.stringify(c.metadata.authConfig) } : {}),
          ...(c.metadata.models ? { models: JSON.stringify(c.metadata.models) } : {}),
          customHeaders: JSON.stringify(c.metadata.customHeaders),
        },
      },
    },
    null,
    2,
  );
}

export function notFound(id: string): AppError {
  return { kind: 'notFound', message: `connection draft ${id} does not exist`, details: { what: 'connection draft', id } };
}

export class FakeConnections {
  drafts = new Map<string, Draft>();
  #next = 1;
  #options: ConnectionOptions;
  /** Secrets received by save, per draft id and slot (the fake keyring). */
  secrets = new Map<string, Partial<Record<SecretSlot, string>>>();

  constructor(options: ConnectionOptions = {}) {
    this.#options = options;
    for (const d of options.drafts ?? []) {
      this.drafts.set(d.id, JSON.parse(JSON.stringify(d)));
      const stored: Partial<Record<SecretSlot, string>> = {};
      for (const slot of d.storedSecrets) stored[slot] = 'stored-secret';
      this.secrets.set(d.id, stored);
    }
  }

  inspect(c: Connection): Finding[] {
    return (this.#options.inspect ?? defaultFindings)(c);
  }

  summary(d: Draft): DraftSummary {
    const c = d.connection;
    const findings = this.inspect(c);
    const authType =
      c.auth.kind === 'unsupported'
        ? c.auth.authType
        : { apiKey: 'ApiKey', projectManagedIdentity: 'ProjectManagedIdentity', oauth2: 'OAuth2' }[c.auth.kind];
    return {
      id: d.id,
      name: c.name,
      category: c.category,
      scope: c.scope,
      target: c.target,
      authType,
      models: c.metadata.models
        ? { kind: 'static', count: c.metadata.models.length }
        : c.metadata.modelDiscovery
          ? { kind: 'dynamic' }
          : c.category === 'ApiManagement'
            ? { kind: 'apimDefaults' }
            : { kind: 'none' },
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      linked: d.linked ?? null,
      updatedAt: d.updatedAt,
    };
  }

  #withRefs(id: string, connection: Connection): Connection {
    const c: Connection = JSON.parse(JSON.stringify(connection));
    const stored = this.secrets.get(id) ?? {};
    if (c.auth.kind === 'apiKey') c.auth.key = stored.apiKey !== undefined ? { slot: 'apiKey' } : null;
    if (c.auth.kind === 'oauth2') c.auth.clientSecret = stored.clientSecret !== undefined ? { slot: 'clientSecret' } : null;
    return c;
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'connection_list':
        return [...this.drafts.values()]
          .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
          .map((d) => this.summary(d));
      case 'connection_get': {
        const d = this.drafts.get(args.id as string);
        if (!d) throw notFound(args.id as string);
        return JSON.parse(JSON.stringify(d));
      }
      case 'connection_template':
        return template(args.category as ConnectionCategory);
      case 'connection_with_category':
        return withCategory(args.connection as Connection, args.category as ConnectionCategory);
      case 'connection_inspect': {
        const c = args.connection as Connection;
        return { findings: this.inspect(c), armBody: armBody(c) } satisfies Inspection;
      }
      case 'connection_save': {
        if (this.#options.saveError) throw this.#options.saveError;
        let id = args.id as string | null;
        if (id !== null && !this.drafts.has(id)) throw notFound(id);
        if (id === null) id = `draft-${this.#next++}`;
        const stored = { ...(this.secrets.get(id) ?? {}) };
        for (const s of args.secrets as SecretValue[]) stored[s.slot] = s.value;
        this.secrets.set(id, stored);
        const now = new Date(Date.UTC(2025, 0, 1, 12, this.#next)).toISOString();
        const draft: Draft = {
          id,
          connection: this.#withRefs(id, args.connection as Connection),
          storedSecrets: (Object.keys(stored) as SecretSlot[]).sort(),
          createdAt: this.drafts.get(id)?.createdAt ?? now,
          updatedAt: now,
          // Like the backend: saving keeps the draft's Azure link.
          linked: this.drafts.get(id)?.linked ?? null,
        };
        this.drafts.delete(id);
        this.drafts.set(id, draft);
        return JSON.parse(JSON.stringify(draft));
      }
      case 'connection_delete': {
        if (!this.drafts.delete(args.id as string)) throw notFound(args.id as string);
        this.secrets.delete(args.id as string);
        return null;
      }
      case 'connection_export': {
        const c = args.connection as Connection;
        return `# ${args.format} export of ${c.name ?? 'unnamed'}\n${armBody(c).replace('********', '<API key>')}`;
      }
      case 'connection_import': {
        const answer = this.#options.importResult?.(args.text as string);
        if (!answer)
          throw {
            kind: 'invalidFile',
            message: 'The file is not valid JSON: expected value (line 1, column 1).',
            details: { path: '$', code: 'invalid-json' },
          } satisfies AppError;
        if ('kind' in answer) throw answer;
        this.drafts.set(answer.draft.id, JSON.parse(JSON.stringify(answer.draft)));
        return answer;
      }
      default:
        throw `Command ${cmd} not found`;
    }
  }
}

/** A saved draft, for tests to start from. */
export function draft(id: string, patch: (c: Connection) => void, storedSecrets: SecretSlot[] = []): Draft {
  const c = template('ApiManagement');
  patch(c);
  return { id, connection: c, storedSecrets, createdAt: '2025-01-01T10:00:00Z', updatedAt: '2025-01-01T10:00:00Z', linked: null };
}
