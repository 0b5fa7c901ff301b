import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, resetWindow } from '../test/backend';
import { result, storedRun, traceSummary } from '../test/checks';
import { template } from '../test/connections';
import { labelBelongsTo, parseTimeout } from './checks';
import { CheckRun } from './run-state.svelte';

afterEach(resetWindow);

describe('formatting', () => {
  it('accepts whole seconds from 1 to 600 as a timeout', () => {
    expect(parseTimeout('30')).toBe(30);
    expect(parseTimeout(' 600 ')).toBe(600);
    for (const bad of ['0', '601', '2.5', '', 'abc', '-3']) expect(parseTimeout(bad)).toBeNull();
  });

  it('matches exchange labels to the check and deployment that made them', () => {
    expect(labelBelongsTo('chat:gpt-4o', 'chat', 'gpt-4o')).toBe(true);
    expect(labelBelongsTo('tools:gpt-4o:call', 'tools', 'gpt-4o')).toBe(true);
    expect(labelBelongsTo('chat:gpt-4o-mini', 'chat', 'gpt-4o')).toBe(false);
    expect(labelBelongsTo('auth-token', 'auth-token', null)).toBe(true);
    expect(labelBelongsTo('discovery-list', 'discovery-get', null)).toBe(false);
  });
});

describe('CheckRun', () => {
  it('keeps display order, takes results without a started event, and ends unfinished rows as skipped', async () => {
    const backend = fakeBackend();
    const run = new CheckRun('d-1');
    await run.start({
      draftId: 'd-1',
      connection: template('ApiManagement'),
      secrets: [],
      bearerToken: null,
      options: { deployments: [], only: [], timeoutSecs: 30, concurrency: 4 },
    });
    expect(run.runId).toBe('run-new-1');
    backend.checks.emit(
      { event: 'started', id: 'stream', deployment: 'b' },
      { event: 'started', id: 'chat', deployment: 'b' },
      { event: 'started', id: 'chat', deployment: 'a' },
      { event: 'exchange', exchange: traceSummary('x1', 'chat:a') },
      { event: 'finished', result: result('config', 'pass') },
    );
    expect(run.rows.map((r) => `${r.id}:${r.deployment ?? ''}`)).toEqual(['config:', 'chat:b', 'chat:a', 'stream:b']);
    const chatA = run.rows[2];
    expect(run.statusOf(chatA)).toBe('running');
    expect(run.exchangesOf(chatA).map((x) => x.id)).toEqual(['x1']);
    expect(run.pending).toBe(3);

    backend.checks.emit({ event: 'finished', result: result('chat', 'pass', { deployment: 'a', exchanges: [] }) });
    expect(run.exchangesOf(chatA)).toEqual([]);
    backend.checks.emit({ event: 'done', outcome: 'cancelled' });
    expect(run.running).toBe(false);
    expect(run.statusOf(run.rows[1])).toBe('skip');
    expect(run.counts).toEqual({ pass: 2, warn: 0, fail: 0, skip: 0 });
  });

  it('asks to cancel once the id is known when Cancel came first', async () => {
    const backend = fakeBackend();
    const run = new CheckRun(null);
    const started = run.start({
      draftId: null,
      connection: template('ModelGateway'),
      secrets: [{ slot: 'apiKey', value: 'typed' }],
      bearerToken: null,
      options: { deployments: [], only: [], timeoutSecs: 30, concurrency: 4 },
    });
    await run.cancel();
    expect(backend.callsTo('check_run_cancel')).toHaveLength(0);
    await started;
    expect(backend.callsTo('check_run_cancel')[0].args).toEqual({ runId: 'run-new-1' });
  });

  it('rebuilds a stored run read-only', () => {
    const run = CheckRun.fromRecord(
      storedRun('run-x', 'd-1', 1000, [result('chat', 'fail', { deployment: 'a', exchanges: ['x9'] }), result('config', 'pass')]),
    );
    expect(run.stored).toBe(true);
    expect(run.running).toBe(false);
    expect(run.rows.map((r) => r.id)).toEqual(['config', 'chat']);
    expect(run.exchangesOf(run.rows[1])).toEqual([{ id: 'x9', summary: null }]);
    expect(run.elapsed(99_999)).toBe(2100);
  });

  it("fills a stored run's exchange lines from its trace, and keeps the ids when it is gone", async () => {
    fakeBackend();
    const record = storedRun('run-x', 'd-1', 1000, [result('chat', 'fail', { deployment: 'a', exchanges: ['x1'] })]);
    const run = CheckRun.fromRecord(record);
    await run.loadSummaries();
    expect(run.exchangesOf(run.rows[0])[0].summary).toMatchObject({ method: 'GET', status: 404 });

    fakeBackend({ reject: { azure_trace_list: 'the database is locked' } });
    const purged = CheckRun.fromRecord(record);
    await purged.loadSummaries();
    expect(purged.exchangesOf(purged.rows[0])).toEqual([{ id: 'x1', summary: null }]);
  });
});
