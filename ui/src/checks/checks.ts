// How the Checks feature names and formats things: titles, status words, durations, which
// exchange belongs to which row. Labels only; what a check does and decides lives in Rust.

import type { CheckId, CheckResult, CheckStatus, RunOutcome } from '../lib/api';

/** Every check, in the backend's display order, with what it asks of the gateway. */
export const CHECKS: readonly { id: CheckId; title: string; about: string }[] = [
  { id: 'config', title: 'Configuration', about: 'The connection as Azure and the Agent Service read it' },
  { id: 'reachability', title: 'Reachability', about: 'DNS, TCP, proxy and TLS to the target' },
  { id: 'auth-token', title: 'OAuth2 token', about: 'A client-credentials token from the token URL' },
  { id: 'discovery-list', title: 'Discovery: list', about: 'The list-models call the Agent Service makes' },
  { id: 'discovery-get', title: 'Discovery: get', about: 'The get-model call, for one deployment' },
  { id: 'models', title: 'Models', about: 'The models agents will see' },
  { id: 'chat', title: 'Chat completion', about: 'One chat completion per deployment' },
  { id: 'tools', title: 'Tool round trip', about: 'A tool call and its result, per deployment' },
  { id: 'stream', title: 'Streaming', about: 'A streamed completion, with time to first token' },
];

export const CHECK_IDS: readonly CheckId[] = CHECKS.map((c) => c.id);

/** Deployments the backend tests when none are chosen and the static list is longer. */
export const DEFAULT_DEPLOYMENT_COUNT = 5;
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_SECS = 30;
export const MIN_TIMEOUT_SECS = 1;
export const MAX_TIMEOUT_SECS = 600;

export function checkTitle(id: CheckId): string {
  return CHECKS.find((c) => c.id === id)?.title ?? id;
}

/** A row's state: a finished status, or still running. */
export type RowStatus = CheckStatus | 'running';

export const STATUS_LABEL: Record<RowStatus, string> = {
  pass: 'Pass',
  warn: 'Warn',
  fail: 'Fail',
  skip: 'Skip',
  running: 'Running',
};

export const OUTCOME_LABEL: Record<RunOutcome, string> = {
  running: 'Running…',
  passed: 'Passed',
  warned: 'Passed with warnings',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** When a run started, for the history list: "14:02:31" today, "12 Mar 14:02" before. */
export function formatStarted(ms: number, now = Date.now()): string {
  const at = new Date(ms);
  const today = new Date(now);
  const sameDay =
    at.getFullYear() === today.getFullYear() && at.getMonth() === today.getMonth() && at.getDate() === today.getDate();
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: sameDay ? '2-digit' : undefined });
  if (sameDay) return time;
  const date = at.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: at.getFullYear() === today.getFullYear() ? undefined : 'numeric',
  });
  return `${date} ${time}`;
}

export function rowKey(id: CheckId, deployment: string | null | undefined): string {
  return `${id}\u0000${deployment ?? ''}`;
}

/**
 * True when an exchange label (`chat:gpt-4o`, `tools:gpt-4o:call`, `auth-token`) was made by the
 * check `id` for `deployment`. Used only while a check runs; a finished result lists its own.
 */
export function labelBelongsTo(label: string, id: CheckId, deployment: string | null): boolean {
  const prefix = deployment ? `${id}:${deployment}` : id;
  return label === prefix || label.startsWith(`${prefix}:`);
}

export type StatusCounts = Record<CheckStatus, number>;

export function countStatuses(results: readonly Pick<CheckResult, 'status'>[]): StatusCounts {
  const counts: StatusCounts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of results) counts[r.status] += 1;
  return counts;
}

/** The timeout field as a number, or null when it is not a whole number of seconds in range. */
export function parseTimeout(value: string | number): number | null {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < MIN_TIMEOUT_SECS || n > MAX_TIMEOUT_SECS) return null;
  return n;
}
