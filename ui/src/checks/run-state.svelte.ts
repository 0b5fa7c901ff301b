// One check run as the UI shows it: rows that fill in as the backend's events arrive, or the
// stored results of a past run (read-only). Exchanges are kept as list rows only; their bodies
// are loaded by the exchange view when opened and dropped when closed.

import {
  azureTraceList,
  cancelChecks,
  startChecks,
  toUiError,
  type CheckEvent,
  type CheckId,
  type CheckOptions,
  type CheckResult,
  type Connection,
  type RunOutcome,
  type RunRecord,
  type SecretValue,
  type TraceSummary,
  type UiError,
} from '../lib/api';
import { CHECK_IDS, countStatuses, labelBelongsTo, rowKey, type RowStatus, type StatusCounts } from './checks';

export type CheckRow = {
  key: string;
  id: CheckId;
  deployment: string | null;
  /** Null while the check runs. */
  result: CheckResult | null;
};

/** An exchange of a row: its list data when known (a stored run only has the id). */
export type ExchangeRef = { id: string; summary: TraceSummary | null };

export type StartRequest = {
  draftId: string | null;
  connection: Connection;
  secrets: SecretValue[];
  bearerToken: string | null;
  options: CheckOptions;
};

export class CheckRun {
  /** Null until the backend answers the start (events may come first). */
  runId = $state<string | null>(null);
  rows = $state<CheckRow[]>([]);
  /** Exchange list rows heard on the channel, by id. */
  exchanges = $state<Record<string, TraceSummary>>({});
  outcome = $state<RunOutcome>('running');
  startedAtMs = $state(Date.now());
  finishedAtMs = $state<number | null>(null);
  /** The run could not start (or, for a stored run, could not be read). */
  error = $state<UiError | null>(null);
  cancelling = $state(false);
  /** A stored run: nothing arrives any more, nothing can be cancelled. */
  readonly stored: boolean;
  readonly draftId: string | null;

  #cancelRequested = false;

  running = $derived(this.error === null && this.outcome === 'running');
  counts: StatusCounts = $derived(countStatuses(this.rows.flatMap((r) => (r.result ? [r.result] : []))));
  pending = $derived(this.rows.filter((r) => r.result === null).length);

  constructor(draftId: string | null, opts: { stored?: boolean } = {}) {
    this.draftId = draftId;
    this.stored = opts.stored ?? false;
  }

  /** A past run, from `getCheckRun`. */
  static fromRecord(record: RunRecord): CheckRun {
    const run = new CheckRun(record.summary.draftId, { stored: true });
    run.runId = record.summary.id;
    run.startedAtMs = record.summary.startedAtMs;
    run.finishedAtMs = record.summary.finishedAtMs;
    run.outcome = record.summary.outcome;
    for (const result of record.results) run.#finished(result);
    return run;
  }

  /**
   * A stored run knows its exchanges by id only: their list lines (method, URL, status, time)
   * come from the run's trace. If the trace was purged, the rows say so by their id.
   */
  async loadSummaries(): Promise<void> {
    if (!this.stored || !this.runId) return;
    try {
      for (const x of await azureTraceList(this.runId)) this.exchanges[x.id] = x;
    } catch {
      // The lines stay "opens from the stored trace"; opening one reports what went wrong.
    }
  }

  /** Starts the run; resolves once the backend has answered (with an id or an error). */
  async start(request: StartRequest): Promise<void> {
    this.startedAtMs = Date.now();
    try {
      const id = await startChecks(
        request.draftId,
        request.connection,
        request.secrets,
        request.bearerToken,
        request.options,
        (event) => this.handle(event),
      );
      this.runId = id;
      if (this.#cancelRequested && this.running) await this.#sendCancel(id);
    } catch (failure) {
      this.error = toUiError(failure);
      this.finishedAtMs = Date.now();
    }
  }

  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    if (this.runId === null) {
      this.#cancelRequested = true;
      return;
    }
    await this.#sendCancel(this.runId);
  }

  async #sendCancel(id: string): Promise<void> {
    try {
      await cancelChecks(id);
    } catch {
      // The run goes on and says so; the button comes back.
      this.cancelling = false;
    }
  }

  handle(event: CheckEvent): void {
    if (this.stored) return;
    switch (event.event) {
      case 'started':
        if (!this.#row(event.id, event.deployment)) this.#insert({ key: rowKey(event.id, event.deployment), id: event.id, deployment: event.deployment ?? null, result: null });
        break;
      case 'exchange':
        this.exchanges[event.exchange.id] = event.exchange;
        break;
      case 'finished':
        this.#finished(event.result);
        break;
      case 'done':
        this.outcome = event.outcome;
        this.finishedAtMs = Date.now();
        this.cancelling = false;
        break;
    }
  }

  #row(id: CheckId, deployment: string | null | undefined): CheckRow | undefined {
    const key = rowKey(id, deployment);
    return this.rows.find((r) => r.key === key);
  }

  #finished(result: CheckResult): void {
    const row = this.#row(result.id, result.deployment);
    if (row) row.result = result;
    else this.#insert({ key: rowKey(result.id, result.deployment), id: result.id, deployment: result.deployment ?? null, result });
  }

  /** Keeps rows in display order: by check, then deployments in the order they came. */
  #insert(row: CheckRow): void {
    const order = CHECK_IDS.indexOf(row.id);
    const at = this.rows.findIndex((r) => CHECK_IDS.indexOf(r.id) > order);
    if (at < 0) this.rows.push(row);
    else this.rows.splice(at, 0, row);
  }

  /** What a row shows as its state; a row the run left unfinished shows as skipped. */
  statusOf(row: CheckRow): RowStatus {
    if (row.result) return row.result.status;
    return this.running ? 'running' : 'skip';
  }

  /** The row's exchanges: the result's own list once finished, else those heard so far. */
  exchangesOf(row: CheckRow): ExchangeRef[] {
    if (row.result) return row.result.exchanges.map((id) => ({ id, summary: this.exchanges[id] ?? null }));
    return Object.values(this.exchanges)
      .filter((x) => labelBelongsTo(x.label, row.id, row.deployment))
      .map((x) => ({ id: x.id, summary: x }));
  }

  /** Milliseconds from start to end (or to `now` while running). */
  elapsed(now: number): number {
    return (this.finishedAtMs ?? now) - this.startedAtMs;
  }
}
