import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetPlayground } from '../agents/playground-state.svelte';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, type FakeBackend } from '../test/backend';
import { exchangeFor, result, storedRun, traceSummary } from '../test/checks';
import { draft } from '../test/connections';
import { conversation, summary, turnRecord } from '../test/playground';
import { historyEntry } from '../test/traces';
import { dayLabel, groupByDay } from '../traces/traces';

beforeEach(() => resetPlayground());
afterEach(resetWindow);

const NOW = Date.now();
const DAY = 86_400_000;
const SANDBOX = draft('d-sbx', (c) => {
  c.name = 'sandbox-openai';
  c.target = 'http://127.0.0.1:47111/openai';
});

function open(options: Parameters<typeof fakeBackend>[0] = {}): FakeBackend {
  const backend = fakeBackend(options);
  window.history.replaceState(null, '', '/#/history');
  render(App);
  return backend;
}

const page = () => document.querySelector('[data-page]')?.getAttribute('data-page');
const rows = () => screen.queryAllByTestId('history-row');

describe('day groups', () => {
  it('names days Today, Yesterday, then the date', () => {
    const now = new Date(2026, 2, 12, 15, 0).getTime();
    expect(dayLabel(now - 3_600_000, now)).toBe('Today');
    expect(dayLabel(new Date(2026, 2, 11, 23, 0).getTime(), now)).toBe('Yesterday');
    expect(dayLabel(new Date(2026, 2, 2, 9, 0).getTime(), now)).toMatch(/2 Mar/);
    expect(dayLabel(new Date(2025, 11, 24, 9, 0).getTime(), now)).toMatch(/24 Dec 2025/);
    expect(groupByDay([now, now - 60_000, now - DAY], (t) => t, now).map((g) => [g.label, g.items.length])).toEqual([
      ['Today', 2],
      ['Yesterday', 1],
    ]);
  });
});

describe('the History page', () => {
  const ENTRIES = [
    historyEntry('check', 'run-1', NOW - 60_000, { outcome: 'failed' }),
    historyEntry('agent', 'conv-1', NOW - 120_000, { outcome: 'warned', durationMs: null }),
    historyEntry('deployment', 'x-put', NOW - DAY - 1000, { traceRunId: 'run-arm', title: 'Deploy sandbox-openai' }),
  ];

  it('lists every kind of run, grouped by day, with outcome and duration', async () => {
    const backend = open({ traces: { history: ENTRIES } });
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(backend.callsTo('history_list')[0].args).toEqual({ limit: 200 });
    const list = screen.getByTestId('history-list');
    expect([...list.querySelectorAll('h2')].map((h) => h.textContent)).toEqual(['Today', 'Yesterday']);
    const [check, agent, deploy] = rows();
    expect(check.dataset.kind).toBe('check');
    expect(check.textContent).toContain('Checks of sandbox-openai');
    expect(within(check).getByTestId('history-outcome').textContent?.trim()).toBe('Failed');
    expect(check.textContent).toContain('2.10 s');
    expect(agent.textContent).toContain('—');
    expect(deploy.textContent).toContain('Deploy sandbox-openai');
    expect(document.body.textContent).not.toMatch(/not in this build/);
  });

  it('filters by kind', async () => {
    open({ traces: { history: ENTRIES } });
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(document.querySelector('[data-history-kind="deployment"]')!);
    expect(rows().map((r) => r.dataset.id)).toEqual(['x-put']);
    await fireEvent.click(document.querySelector('[data-history-kind="all"]')!);
    expect(rows()).toHaveLength(3);
  });

  it('says so when there is nothing yet, and when it cannot be read', async () => {
    open();
    expect((await screen.findByTestId('history-empty')).textContent).toContain('No history yet');
    resetWindow();
    open({ reject: { history_list: 'no such table: check_runs' } });
    expect((await screen.findByTestId('history-error')).textContent).toMatch(/no such table/i);
  });

  it('reopens a check run on the Checks page, with that run shown', async () => {
    const run = storedRun('run-1', 'd-sbx', NOW - 60_000, [result('chat', 'fail')]);
    open({
      connections: { drafts: [SANDBOX] },
      checks: { runs: [run, storedRun('run-0', 'd-sbx', NOW - 5 * DAY, [result('chat', 'pass')])] },
      traces: { history: [ENTRIES[0]] },
    });
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(rows()[0]);
    await waitFor(() => expect(page()).toBe('checks'));
    await waitFor(() =>
      expect(document.querySelector('[data-testid="history-item"][aria-current="true"]')?.getAttribute('data-run-id')).toBe('run-1'),
    );
    await waitFor(() => expect(screen.getAllByTestId('check-row').map((r) => r.dataset.status)).toEqual(['fail']));
    expect((screen.getByTestId('checks-connection') as HTMLSelectElement).value).toBe('d-sbx');
  });

  it('reopens a conversation read-only in the playground', async () => {
    const past = conversation(summary('conv-1', 'local', 'sandbox-openai/gpt-4o'), [
      turnRecord({ input: { kind: 'message', text: 'Old question' }, reply: 'Echo from gpt-4o: Old question' }),
    ]);
    open({ connections: { drafts: [SANDBOX] }, playground: { conversations: [past] }, traces: { history: [ENTRIES[1]] } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(rows()[0]);
    await waitFor(() => expect(page()).toBe('playground'));
    const stored = await screen.findByTestId('stored-view');
    expect(stored.dataset.conversationId).toBe('conv-1');
    expect(document.body.textContent).toContain('Old question');
  });

  it('reopens a command-line run read-only even when there is no draft', async () => {
    const cli = conversation(summary('conv-1', 'local', 'sandbox-openai/gpt-4o', { draftId: null }), [
      turnRecord({ input: { kind: 'message', text: 'From the shell' }, reply: 'Echo from gpt-4o: From the shell' }),
    ]);
    open({ connections: { drafts: [] }, playground: { conversations: [cli] }, traces: { history: [ENTRIES[1]] } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(rows()[0]);
    await waitFor(() => expect(page()).toBe('playground'));
    expect((await screen.findByTestId('stored-view')).dataset.conversationId).toBe('conv-1');
    expect(screen.queryByTestId('playground-empty')).toBeNull();
    expect((screen.getByTestId('continue-conversation') as HTMLButtonElement).disabled).toBe(true);
  });

  it('reopens a deployment on Traces, filtered to its run', async () => {
    const put = exchangeFor(traceSummary('x-put', 'arm:put', { runId: 'run-arm', kind: 'arm', method: 'PUT', url: 'https://management.azure.com/x' }));
    const other = exchangeFor(traceSummary('x-other', 'chat:gpt-4o', { runId: 'run-other' }));
    open({ checks: { exchanges: [put, other] }, traces: { history: [ENTRIES[2]] } });
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(rows()[0]);
    await waitFor(() => expect(page()).toBe('traces'));
    await waitFor(() => expect(screen.getAllByTestId('trace-row').map((r) => r.dataset.exchangeId)).toEqual(['x-put']));
    expect(screen.getByTestId('run-chip').textContent).toContain('run-arm');
    expect((await screen.findByTestId('trace-detail')).dataset.exchangeId).toBe('x-put');
  });
});
