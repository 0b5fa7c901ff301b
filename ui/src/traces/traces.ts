// How the Traces and History pages name and format things. Labels and layout only: what is
// recorded, filtered and kept is decided in Rust.

import type { TraceSummary } from '../lib/api';
import type { HistoryKind, HistoryOutcome, StatusClass, TraceFilter, TraceKind } from './traces-api';

export const KINDS: readonly { value: TraceKind; label: string; title: string }[] = [
  { value: 'gateway', label: 'Gateway', title: 'Calls to your gateway (APIM, model gateway)' },
  { value: 'token', label: 'Token', title: 'OAuth2 token requests' },
  { value: 'arm', label: 'ARM', title: 'Azure Resource Manager' },
  { value: 'foundry', label: 'Foundry', title: 'Foundry Agent Service' },
];

export const STATUS_CLASSES: readonly { value: StatusClass; label: string }[] = [
  { value: 'success', label: '2xx Success' },
  { value: 'redirect', label: '3xx Redirect' },
  { value: 'clientError', label: '4xx Client error' },
  { value: 'serverError', label: '5xx Server error' },
  { value: 'noResponse', label: 'No response' },
];

/** The filter as the backend wants it: blanks become null, the text is trimmed. */
export function buildFilter(f: {
  runId: string | null;
  kinds: readonly TraceKind[];
  host: string;
  connection?: string;
  status: StatusClass | '';
  text: string;
}): TraceFilter {
  return {
    runId: f.runId || null,
    kinds: KINDS.map((k) => k.value).filter((k) => f.kinds.includes(k)),
    host: f.host.trim() || null,
    connection: f.connection?.trim() || null,
    status: f.status || null,
    text: f.text.trim() || null,
  };
}

/** True when some filter besides the run is set (for "Nothing matches" vs "nothing recorded"). */
export function isFiltered(filter: TraceFilter): boolean {
  return (
    filter.kinds.length > 0 ||
    filter.host !== null ||
    filter.connection !== null ||
    filter.status !== null ||
    filter.text !== null ||
    filter.runId !== null
  );
}

/** `https://h:8443/a/b?x=1` → { host: "h:8443", path: "/a/b?x=1" }; a bad URL is all path. */
export function splitUrl(url: string): { host: string; path: string } {
  try {
    const u = new URL(url);
    return { host: u.host, path: `${u.pathname}${u.search}` || '/' };
  } catch {
    return { host: '', path: url };
  }
}

/** "14:02:31.412" — exchanges of one run are often within the same second. */
export function formatClock(ms: number, withMs = false): string {
  const at = new Date(ms);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return withMs ? `${time}.${String(at.getMilliseconds()).padStart(3, '0')}` : time;
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "Today", "Yesterday", "Mon 12 Mar", "12 Mar 2025" (another year). */
export function dayLabel(ms: number, now = Date.now()): string {
  const day = startOfDay(ms);
  const today = startOfDay(now);
  if (day === today) return 'Today';
  if (day === startOfDay(today - 12 * 3_600_000)) return 'Yesterday';
  const at = new Date(ms);
  const sameYear = at.getFullYear() === new Date(now).getFullYear();
  return at.toLocaleDateString('en-GB', {
    weekday: sameYear ? 'short' : undefined,
    day: 'numeric',
    month: 'short',
    year: sameYear ? undefined : 'numeric',
  });
}

/** A time in the list: "14:02" today, "12 Mar 14:02" before. */
export function formatListTime(ms: number, now = Date.now()): string {
  const time = new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return startOfDay(ms) === startOfDay(now) ? time : `${new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}

/** Items grouped by day, in the order given (newest first). */
export function groupByDay<T>(items: readonly T[], at: (item: T) => number, now = Date.now()): { label: string; items: T[] }[] {
  const groups: { label: string; items: T[] }[] = [];
  for (const item of items) {
    const label = dayLabel(at(item), now);
    const last = groups.at(-1);
    if (last && last.label === label) last.items.push(item);
    else groups.push({ label, items: [item] });
  }
  return groups;
}

/** "1 234" (a thin space between thousands, as the rest of the app writes counts). */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/**
 * A retention field: "" keeps everything (null); a whole number ≥ 1 is the limit; anything else
 * is not valid (undefined). Thin spaces and separators typed or pasted are ignored.
 */
export function parseLimit(text: string): number | null | undefined {
  const t = text.replace(/[\s\u202f,_]/g, '');
  if (t === '') return null;
  if (!/^\d+$/.test(t)) return undefined;
  const n = Number(t);
  return n >= 1 && n <= 4_294_967_295 ? n : undefined;
}

export const HISTORY_KIND: Record<HistoryKind, { label: string; plural: string; icon: 'checks' | 'cloud' | 'agents'; opens: string }> = {
  check: { label: 'Checks', plural: 'Checks', icon: 'checks', opens: 'Open in Checks' },
  deployment: { label: 'Deployment', plural: 'Deployments', icon: 'cloud', opens: 'Open in Traces' },
  agent: { label: 'Agent test', plural: 'Agent tests', icon: 'agents', opens: 'Open in the playground' },
};

export const HISTORY_OUTCOME: Record<HistoryOutcome, string> = {
  passed: 'Passed',
  warned: 'Warnings',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  running: 'Running',
};

/** One waterfall bar: where it starts and how wide it is, as fractions of the run. */
export function waterfall(items: readonly Pick<TraceSummary, 'id' | 'startedAtMs' | 'totalMs'>[]): {
  startMs: number;
  spanMs: number;
  bars: Map<string, { left: number; width: number }>;
} {
  const bars = new Map<string, { left: number; width: number }>();
  if (items.length === 0) return { startMs: 0, spanMs: 0, bars };
  const startMs = Math.min(...items.map((x) => x.startedAtMs));
  const endMs = Math.max(...items.map((x) => x.startedAtMs + Math.max(0, x.totalMs)));
  const spanMs = Math.max(1, endMs - startMs);
  for (const x of items) {
    bars.set(x.id, { left: (x.startedAtMs - startMs) / spanMs, width: Math.max(0, x.totalMs) / spanMs });
  }
  return { startMs, spanMs, bars };
}

/** The parts of an exchange the detail pane shows, one tab each. */
export type DetailTab = 'headers' | 'request' | 'response' | 'timing' | 'events';
