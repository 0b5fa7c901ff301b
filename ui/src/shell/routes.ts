// The pages, in sidebar order, and the hash each one lives at (`#/connections`, ...).
// The order is also the Ctrl+1 … Ctrl+7 order.

import type { IconName } from '../lib/icons';

export type PageId = 'connections' | 'azure' | 'checks' | 'playground' | 'traces' | 'history' | 'settings';

export type PageMeta = {
  id: PageId;
  title: string;
  subtitle: string;
  icon: IconName;
};

export const PAGES: readonly PageMeta[] = [
  {
    id: 'connections',
    title: 'Connections',
    subtitle: 'ApiManagement and ModelGateway connections for your Foundry projects.',
    icon: 'connections',
  },
  {
    id: 'azure',
    title: 'Azure',
    subtitle: 'Pick a Foundry project, then deploy, open and delete its gateway connections.',
    icon: 'cloud',
  },
  {
    id: 'checks',
    title: 'Checks',
    subtitle: 'Call a gateway the way the Foundry Agent Service does, and see what fails.',
    icon: 'checks',
  },
  {
    id: 'playground',
    title: 'Agent playground',
    subtitle: 'Try prompt agents against a gateway connection and follow every call.',
    icon: 'agents',
  },
  {
    id: 'traces',
    title: 'Traces',
    subtitle: 'Every HTTP exchange Gateway Studio makes, with secrets redacted.',
    icon: 'traces',
  },
  {
    id: 'history',
    title: 'History',
    subtitle: 'Checks, deployments and agent tests you have run, newest first.',
    icon: 'history',
  },
  {
    id: 'settings',
    title: 'Settings',
    subtitle: 'Cloud, appearance, network, where your data lives, and version.',
    icon: 'settings',
  },
];

export const DEFAULT_PAGE: PageId = 'connections';

export function pageMeta(id: PageId): PageMeta {
  return PAGES.find((p) => p.id === id) ?? PAGES[0];
}

export function hrefFor(id: PageId): string {
  return `#/${id}`;
}

/** `#/checks` → "checks"; anything unknown or empty → the default page. */
export function pageFromHash(hash: string): PageId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/, 1)[0];
  const page = PAGES.find((p) => p.id === id);
  return page ? page.id : DEFAULT_PAGE;
}

/** What a Traces link asks for: `#/traces?run=RUN_ID&id=EXCHANGE_ID` (both optional). */
export type TracesLink = { run: string | null; id: string | null };

/** `#/traces?run=r1&id=x1` → { run: "r1", id: "x1" }; null for any other page or no query. */
export function tracesLinkFromHash(hash: string): TracesLink | null {
  if (pageFromHash(hash) !== 'traces') return null;
  const at = hash.indexOf('?');
  if (at < 0) return null;
  const query = new URLSearchParams(hash.slice(at + 1));
  const run = query.get('run')?.trim() || null;
  const id = query.get('id')?.trim() || null;
  return run || id ? { run, id } : null;
}

/** The address of the Traces page filtered to a run, maybe with one exchange open. */
export function tracesHref(run: string | null, id: string | null = null): string {
  const query = new URLSearchParams();
  if (run) query.set('run', run);
  if (id) query.set('id', id);
  const q = query.toString();
  return q ? `${hrefFor('traces')}?${q}` : hrefFor('traces');
}
