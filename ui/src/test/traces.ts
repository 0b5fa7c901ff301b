// The Traces and History commands of the fake backend. The exchanges are the check fake's
// (one store, as in the real database); like the backend: newest first with a `ms:index`
// cursor, filters that all must match (words in the label, URL or a body), a retention rule
// that refuses 0 and is applied at once, a purge, and one history over the entries given.

import type { AppError, TraceExchange } from '../lib/api';
import type { HistoryEntry, Purged, Retention, StatusClass, TraceFilter } from '../traces/traces-api';
import type { FakeChecks } from './checks';

export type TracesOptions = {
  /** What history_list answers (sorted newest first, cut to the limit). */
  history?: HistoryEntry[];
  retention?: Retention;
  /** The database size reported, before any purge. */
  databaseBytes?: number;
  /** Hosts, when the test wants another order than the exchanges give. */
  hosts?: string[];
};

export class FakeTraces {
  history: HistoryEntry[];
  retention: Retention;
  databaseBytes: number;
  /** The text each trace_export returned, last one last. */
  exports: string[] = [];
  #checks: FakeChecks;
  #options: TracesOptions;

  constructor(checks: FakeChecks, options: TracesOptions = {}) {
    this.#checks = checks;
    this.#options = options;
    this.history = structuredClone(options.history ?? []);
    this.retention = structuredClone(options.retention ?? { days: 30, maxExchanges: 100_000 });
    this.databaseBytes = options.databaseBytes ?? 2_359_296;
  }

  /** Every exchange, newest first (ties: the one added last first), with its index as rowid. */
  #ordered(): { x: TraceExchange; rowid: number }[] {
    return [...this.#checks.exchanges.values()]
      .map((x, rowid) => ({ x, rowid }))
      .sort((a, b) => b.x.startedAtMs - a.x.startedAtMs || b.rowid - a.rowid);
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'trace_query': {
        const filter = args.filter as TraceFilter;
        const before = args.before as string | null;
        const limit = Math.min(500, Math.max(1, args.limit as number));
        let rows = this.#ordered().filter(({ x }) => matches(x, filter));
        if (before) {
          const [ms, rowid] = before.split(':').map(Number);
          rows = rows.filter(({ x, rowid: r }) => x.startedAtMs < ms || (x.startedAtMs === ms && r < rowid));
        }
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          items: page.map(({ x }) => summaryOf(x)),
          next: rows.length > limit && last ? `${last.x.startedAtMs}:${last.rowid}` : null,
        };
      }
      case 'trace_hosts': {
        if (this.#options.hosts) return [...this.#options.hosts];
        const counts = new Map<string, number>();
        for (const { x } of this.#ordered()) {
          const host = new URL(x.url).host;
          counts.set(host, (counts.get(host) ?? 0) + 1);
        }
        return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([h]) => h);
      }
      case 'trace_export': {
        const runId = args.runId as string | null;
        const ids = args.ids as string[];
        const all = [...this.#checks.exchanges.values()];
        const records = runId ? all.filter((x) => x.runId === runId).sort((a, b) => a.startedAtMs - b.startedAtMs) : [];
        for (const id of ids) {
          const x = this.#checks.exchanges.get(id);
          if (x && !records.includes(x)) records.push(x);
        }
        if (records.length === 0) throw invalid('Nothing to export: pick a run or some exchanges (they may have been purged).', 'ids');
        const text =
          args.format === 'har'
            ? JSON.stringify({ log: { version: '1.2', entries: records.map((x) => ({ request: { method: x.method, url: x.url } })) } }, null, 2)
            : records.map((x) => `# ${x.label} · ${x.method} ${x.url}\ncurl -X ${x.method} '${x.url}' -H 'api-key: $API_KEY'`).join('\n');
        this.exports.push(text);
        return text;
      }
      case 'trace_storage': {
        const all = [...this.#checks.exchanges.values()];
        return {
          stats: {
            exchanges: all.length,
            oldestAtMs: all.length ? Math.min(...all.map((x) => x.startedAtMs)) : null,
            databaseBytes: this.databaseBytes,
          },
          retention: { ...this.retention },
        };
      }
      case 'trace_retention_set': {
        const r = args.retention as Retention;
        if (r.days === 0 || r.maxExchanges === 0) throw invalid('Keep at least one day and one exchange, or leave the limit empty to keep everything; use Purge to delete all.', r.days === 0 ? 'days' : 'maxExchanges');
        this.retention = { days: r.days ?? null, maxExchanges: r.maxExchanges ?? null };
        const ordered = this.#ordered();
        const doomed = ordered.filter(({ x }, i) => (r.maxExchanges != null && i >= r.maxExchanges) || (r.days != null && x.startedAtMs < Date.now() - r.days * 86_400_000));
        return this.#delete(doomed.map(({ x }) => x.id));
      }
      case 'trace_purge': {
        const days = args.olderThanDays as number | null;
        const doomed = [...this.#checks.exchanges.values()].filter((x) => days == null || x.startedAtMs < Date.now() - days * 86_400_000);
        return this.#delete(doomed.map((x) => x.id));
      }
      case 'history_list': {
        const limit = Math.min(500, Math.max(1, args.limit as number));
        return structuredClone([...this.history].sort((a, b) => b.startedAtMs - a.startedAtMs).slice(0, limit));
      }
      default:
        throw `Command ${cmd} not found`;
    }
  }

  #delete(ids: string[]): Purged {
    const before = this.databaseBytes;
    for (const id of ids) this.#checks.exchanges.delete(id);
    this.databaseBytes = Math.max(98_304, before - ids.length * 4096);
    return { deleted: ids.length, bytesBefore: before, bytesAfter: this.databaseBytes };
  }
}

function classOf(status: number | null | undefined): StatusClass {
  if (status == null) return 'noResponse';
  if (status < 300) return 'success';
  if (status < 400) return 'redirect';
  if (status < 500) return 'clientError';
  return 'serverError';
}

function matches(x: TraceExchange, f: TraceFilter): boolean {
  if (f.runId && x.runId !== f.runId) return false;
  if (f.kinds.length > 0 && !f.kinds.includes(x.kind)) return false;
  if (f.host && new URL(x.url).host !== f.host.toLowerCase()) return false;
  if (f.status && classOf(x.response?.status) !== f.status) return false;
  if (f.text) {
    const hay = `${x.label}\n${x.url}\n${x.requestBody ?? ''}\n${x.response?.body ?? ''}`.toLowerCase();
    if (!f.text.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w))) return false;
  }
  return true;
}

function summaryOf(x: TraceExchange) {
  return {
    id: x.id,
    runId: x.runId,
    label: x.label,
    kind: x.kind,
    method: x.method,
    url: x.url,
    status: x.response?.status ?? null,
    error: x.error?.message ?? null,
    startedAtMs: x.startedAtMs,
    totalMs: x.totalMs,
  };
}

function invalid(message: string, field: string): AppError {
  return { kind: 'invalidInput', message, details: { field } };
}

/** A history entry, with the defaults of a passed check run of sandbox-openai. */
export function historyEntry(kind: HistoryEntry['kind'], id: string, startedAtMs: number, patch: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    kind,
    id,
    traceRunId: kind === 'agent' ? null : id,
    title: kind === 'check' ? 'Checks of sandbox-openai' : kind === 'deployment' ? 'Deploy sandbox-openai' : 'sandbox-openai/gpt-4o (local, 2 turns)',
    connection: 'sandbox-openai',
    outcome: 'passed',
    startedAtMs,
    durationMs: 2100,
    ...patch,
  };
}
