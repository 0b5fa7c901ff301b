// How a list row describes a draft: short labels, no rules.

import type { ConnectionCategory, DraftSummary, ModelsSummary } from '../lib/api';

export const CATEGORY_LABEL: Record<ConnectionCategory, string> = {
  ApiManagement: 'APIM',
  ModelGateway: 'Model gateway',
};

const AUTH_LABEL: Record<string, string> = {
  ApiKey: 'API key',
  ProjectManagedIdentity: 'Managed identity',
  OAuth2: 'OAuth2',
};

export function authLabel(authType: string): string {
  return AUTH_LABEL[authType] ?? authType;
}

export function modelsLabel(models: ModelsSummary): string {
  switch (models.kind) {
    case 'static':
      return models.count === 1 ? '1 model' : `${models.count} models`;
    case 'dynamic':
      return 'Discovery';
    case 'apimDefaults':
      return 'APIM defaults';
    case 'none':
      return 'No models';
  }
}

/** The host of a target URL, or the text itself when it is not a URL. */
export function targetHost(target: string): string {
  const t = target.trim();
  if (t === '') return '';
  try {
    return new URL(t).host || t;
  } catch {
    return t;
  }
}

export function matchesFilter(s: DraftSummary, filter: string): boolean {
  const q = filter.trim().toLowerCase();
  if (q === '') return true;
  const haystack = [
    s.name ?? 'unnamed',
    s.target,
    s.category,
    CATEGORY_LABEL[s.category],
    s.authType,
    authLabel(s.authType),
    modelsLabel(s.models),
  ]
    .join(' ')
    .toLowerCase();
  return q.split(/\s+/).every((word) => haystack.includes(word));
}

/** What the list shows for the open draft while it is edited (the saved summary lags behind). */
export type LiveRow = {
  title: string;
  dirty: boolean;
  category: ConnectionCategory;
  target: string;
  authType: string;
  models: ModelsSummary;
  errors: number;
  warnings: number;
};

const AUTH_TYPE: Record<string, string> = {
  apiKey: 'ApiKey',
  projectManagedIdentity: 'ProjectManagedIdentity',
  oauth2: 'OAuth2',
};

/** The wire `authType` of an auth kind (`unsupported` keeps its own). */
export function authTypeOf(auth: { kind: string; authType?: string }): string {
  return auth.kind === 'unsupported' ? (auth.authType ?? '') : (AUTH_TYPE[auth.kind] ?? auth.kind);
}
