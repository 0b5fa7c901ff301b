// What the Azure page shows of a connection ARM returned: ARM keeps `properties` as the service
// wrote them, metadata values included as JSON-encoded strings, so everything here reads
// defensively and says "—" rather than guessing.

import type { ArmConnection, AzureScope, ConnectionParent } from '../lib/api';

export type ConnectionRow = {
  name: string;
  category: string;
  /** ApiManagement or ModelGateway: what Gateway Studio edits. */
  gateway: boolean;
  target: string;
  authType: string;
  /** "3 models", "discovery", "APIM defaults" or "—". */
  models: string;
  level: 'project' | 'account';
  modified: string | null;
};

const GATEWAY_CATEGORIES = new Set(['ApiManagement', 'ModelGateway']);

function text(value: unknown): string {
  return typeof value === 'string' && value.trim() !== '' ? value : '—';
}

/** The number of models in `metadata.models` (a JSON-encoded array), or null when absent or unreadable. */
function modelCount(metadata: Record<string, unknown>): number | null {
  const raw = metadata.models;
  if (typeof raw !== 'string') return Array.isArray(raw) ? raw.length : null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.length : null;
  } catch {
    return null;
  }
}

export function connectionRow(c: ArmConnection): ConnectionRow {
  const p = (c.properties && typeof c.properties === 'object' ? c.properties : {}) as Record<string, unknown>;
  const metadata = (p.metadata && typeof p.metadata === 'object' ? p.metadata : {}) as Record<string, unknown>;
  const category = text(p.category);
  const count = modelCount(metadata);
  const models =
    count !== null
      ? `${count} ${count === 1 ? 'model' : 'models'}`
      : metadata.modelDiscovery !== undefined
        ? 'discovery'
        : category === 'ApiManagement'
          ? 'APIM defaults'
          : '—';
  return {
    name: c.name,
    category,
    gateway: GATEWAY_CATEGORIES.has(category),
    target: text(p.target),
    authType: text(p.authType),
    models,
    level: c.scope,
    modified: c.lastModifiedAt ?? c.createdAt ?? null,
  };
}

/** Rows whose name, category, target or auth type contain every word of `filter`. */
export function filterRows(rows: ConnectionRow[], filter: string): ConnectionRow[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    const hay = `${r.name} ${r.category} ${r.target} ${r.authType}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export function parentOf(scope: AzureScope): ConnectionParent {
  return {
    account: { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, account: scope.account },
    project: scope.project,
  };
}

/** "project sandbox-project of sandbox-foundry" / "account sandbox-foundry (every project)". */
export function describeParent(parent: ConnectionParent): string {
  return parent.project
    ? `project ${parent.project} of ${parent.account.account}`
    : `account ${parent.account.account} (shared by every project)`;
}

export function sameParent(a: ConnectionParent, b: ConnectionParent): boolean {
  return (
    a.account.subscriptionId.toLowerCase() === b.account.subscriptionId.toLowerCase() &&
    a.account.resourceGroup.toLowerCase() === b.account.resourceGroup.toLowerCase() &&
    a.account.account.toLowerCase() === b.account.account.toLowerCase() &&
    (a.project ?? '').toLowerCase() === (b.project ?? '').toLowerCase()
  );
}
