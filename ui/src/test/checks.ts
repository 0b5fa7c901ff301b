// The check commands of the fake backend: runs and exchanges in memory, and a run whose events
// the test scripts (`emit`), the way the real backend streams them over the channel.

import type {
  AppError,
  CheckEvent,
  CheckId,
  CheckOptions,
  CheckResult,
  CheckStatus,
  RunRecord,
  RunSummary,
  TraceExchange,
  TraceSummary,
} from '../lib/api';

export type ChecksOptions = {
  /** Stored runs, for the history list and check_run_get. */
  runs?: RunRecord[];
  /** Recorded exchanges, for trace_exchange_get. */
  exchanges?: TraceExchange[];
  /** What check_run_start fails with. */
  startError?: AppError;
};

export type StartArgs = {
  draftId: string | null;
  connection: unknown;
  secrets: { slot: string; value: string }[];
  bearerToken: string | null;
  options: CheckOptions;
};

type ChannelLike = { onmessage: (message: CheckEvent) => void };

export class FakeChecks {
  runs = new Map<string, RunRecord>();
  exchanges = new Map<string, TraceExchange>();
  /** The run started last, whose events `emit` sends. */
  current: string | null = null;
  #channels = new Map<string, ChannelLike>();
  #options: ChecksOptions;
  #next = 1;

  constructor(options: ChecksOptions = {}) {
    this.#options = options;
    for (const r of options.runs ?? []) this.runs.set(r.summary.id, structuredClone(r));
    for (const x of options.exchanges ?? []) this.exchanges.set(x.id, structuredClone(x));
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case 'check_run_start': {
        if (this.#options.startError) throw this.#options.startError;
        const a = args as unknown as StartArgs & { onEvent: ChannelLike };
        const id = `run-new-${this.#next++}`;
        this.runs.set(id, {
          summary: {
            id,
            draftId: a.draftId,
            connectionName: (a.connection as { name?: string | null }).name ?? null,
            startedAtMs: Date.now(),
            finishedAtMs: null,
            outcome: 'running',
            passed: 0,
            warned: 0,
            failed: 0,
            skipped: 0,
          },
          options: a.options,
          results: [],
        });
        this.#channels.set(id, a.onEvent);
        this.current = id;
        return id;
      }
      case 'check_run_cancel':
        return null;
      case 'check_run_list': {
        const draftId = args.draftId as string | null;
        return [...this.runs.values()]
          .map((r) => r.summary)
          .filter((s) => draftId === null || s.draftId === draftId)
          .sort((a, b) => b.startedAtMs - a.startedAtMs)
          .map((s) => ({ ...s })) satisfies RunSummary[];
      }
      case 'check_run_get': {
        const run = this.runs.get(args.runId as string);
        if (!run) throw notFound('check run', args.runId as string);
        return structuredClone(run);
      }
      case 'trace_exchange_get': {
        const x = this.exchanges.get(args.id as string);
        if (!x) throw notFound('exchange', args.id as string);
        return structuredClone(x);
      }
      default:
        throw `Command ${cmd} not found`;
    }
  }

  /** Sends events on the current run's channel, in order, and records them as the backend would. */
  emit(...events: CheckEvent[]): void {
    const id = this.current;
    if (!id) throw new Error('no run was started');
    const run = this.runs.get(id)!;
    const channel = this.#channels.get(id)!;
    for (const event of events) {
      if (event.event === 'exchange' && !this.exchanges.has(event.exchange.id))
        this.exchanges.set(event.exchange.id, exchangeFor(event.exchange));
      if (event.event === 'finished') {
        run.results.push(event.result);
        const key = { pass: 'passed', warn: 'warned', fail: 'failed', skip: 'skipped' } as const;
        run.summary[key[event.result.status]] += 1;
      }
      if (event.event === 'done') {
        run.summary.outcome = event.outcome;
        run.summary.finishedAtMs = run.summary.startedAtMs + 1234;
      }
      channel.onmessage(JSON.parse(JSON.stringify(event)));
    }
  }
}

function notFound(what: string, id: string): AppError {
  return { kind: 'notFound', message: `no ${what} ${id}`, details: { what, id } };
}

// ---- builders ------------------------------------------------------------------------------

export function result(id: CheckId, status: CheckStatus, patch: Partial<CheckResult> = {}): CheckResult {
  return {
    id,
    deployment: null,
    status,
    durationMs: 120,
    message: `${id} ${status}`,
    hint: null,
    details: [],
    exchanges: [],
    discovered: [],
    firstTokenMs: null,
    ...patch,
  };
}

export function traceSummary(id: string, label: string, patch: Partial<TraceSummary> = {}): TraceSummary {
  return {
    id,
    runId: 'run-new-1',
    label,
    kind: 'gateway',
    method: 'POST',
    url: 'https://contoso-apim.azure-api.net/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
    status: 200,
    error: null,
    startedAtMs: 1_735_732_800_000,
    totalMs: 240,
    ...patch,
  };
}

/** A full exchange matching a summary, with redacted headers and a JSON body. */
export function exchangeFor(s: TraceSummary, patch: Partial<TraceExchange> = {}): TraceExchange {
  return {
    id: s.id,
    runId: s.runId,
    label: s.label,
    kind: s.kind,
    method: s.method,
    url: s.url,
    requestHeaders: [
      { name: 'api-key', value: '<redacted>' },
      { name: 'content-type', value: 'application/json' },
    ],
    requestBody: '{"messages":[{"role":"user","content":"Say OK"}],"max_tokens":8}',
    viaProxy: null,
    startedAtMs: s.startedAtMs,
    headersMs: 180,
    firstByteMs: 190,
    totalMs: s.totalMs,
    response:
      s.status == null
        ? null
        : {
            status: s.status,
            headers: [{ name: 'content-type', value: 'application/json' }],
            body: '{"choices":[{"message":{"role":"assistant","content":"OK"}}]}',
            bodySize: 61,
            declaredLength: 61,
            capReached: false,
            bodyCut: false,
            redirects: [],
            blockedRedirect: null,
            sseEvents: [],
          },
    error: s.error ? { kind: 'connect', phase: 'tcp', message: s.error } : null,
    ...patch,
  };
}

/** A stored run, for history. */
export function storedRun(id: string, draftId: string, startedAtMs: number, results: CheckResult[]): RunRecord {
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  return {
    summary: {
      id,
      draftId,
      connectionName: null,
      startedAtMs,
      finishedAtMs: startedAtMs + 2100,
      outcome: count('fail') ? 'failed' : count('warn') ? 'warned' : 'passed',
      passed: count('pass'),
      warned: count('warn'),
      failed: count('fail'),
      skipped: count('skip'),
    },
    options: { deployments: [], only: [], timeoutSecs: 30, concurrency: 4 },
    results,
  };
}
