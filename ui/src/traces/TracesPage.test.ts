import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TraceExchange } from '../lib/api';
import { draft } from '../test/connections';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, type FakeBackend } from '../test/backend';
import { exchangeFor, traceSummary } from '../test/checks';
import type { TracesOptions } from '../test/traces';
import { buildFilter, parseLimit, waterfall } from './traces';

const T0 = Date.UTC(2026, 2, 12, 9, 0, 0);
const GW = 'https://contoso-apim.azure-api.net/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21';

function x(id: string, runId: string, at: number, patch: Partial<Parameters<typeof traceSummary>[2]> = {}, full: Partial<TraceExchange> = {}): TraceExchange {
  return exchangeFor(traceSummary(id, `chat:gpt-4o`, { runId, startedAtMs: at, url: GW, ...patch }), {
    requestHeaders: [
      { name: 'Authorization', value: 'Bearer <redacted>' },
      { name: 'content-type', value: 'application/json' },
    ],
    ...full,
  });
}

const EXCHANGES: TraceExchange[] = [
  x('x-token', 'run-a', T0, { label: 'auth-token', kind: 'token', url: 'https://login.microsoftonline.com/t/oauth2/v2.0/token', totalMs: 90 }),
  x('x-chat', 'run-a', T0 + 100, { label: 'chat:gpt-4o', totalMs: 240 }),
  x('x-stream', 'run-a', T0 + 400, { label: 'stream:gpt-4o', totalMs: 900 }, {
    headersMs: 200,
    firstByteMs: 210,
    response: {
      status: 200,
      headers: [{ name: 'content-type', value: 'text/event-stream' }],
      body: 'data: {"x":1}\n\ndata: [DONE]\n\n',
      bodySize: 30,
      declaredLength: null,
      capReached: false,
      bodyCut: false,
      redirects: [],
      blockedRedirect: null,
      sseEvents: [
        { atMs: 210, event: null, data: '{"x":1}' },
        { atMs: 880, event: null, data: '[DONE]' },
      ],
    },
  }),
  x('x-arm', 'run-b', T0 + 5000, { label: 'arm:put', kind: 'arm', method: 'PUT', url: 'https://management.azure.com/subscriptions/s/x?api-version=2025-04-01', status: 404 }),
];

let fake: FakeBackend;

function open(hash = '#/traces', options: { exchanges?: TraceExchange[]; traces?: TracesOptions } = {}) {
  fake = fakeBackend({ checks: { exchanges: options.exchanges ?? EXCHANGES }, traces: options.traces });
  window.history.replaceState(null, '', `/${hash}`);
  return render(App);
}

const rows = () => screen.queryAllByTestId('trace-row');
const rowIds = () => rows().map((r) => r.dataset.exchangeId);
const lastQuery = () => fake.callsTo('trace_query').at(-1)!.args as { filter: unknown; before: string | null; limit: number };

beforeEach(() => {
  vi.useRealTimers();
});
afterEach(resetWindow);

describe('helpers', () => {
  it('builds the filter the backend wants', () => {
    expect(buildFilter({ runId: null, kinds: ['arm', 'gateway'], host: ' ', connection: ' gw ', status: '', text: '  chat  ' })).toEqual({
      runId: null,
      kinds: ['gateway', 'arm'],
      host: null,
      connection: 'gw',
      status: null,
      text: 'chat',
    });
  });

  it('reads retention fields: empty keeps everything, 0 and words are not valid', () => {
    expect(parseLimit('')).toBeNull();
    expect(parseLimit('100 000')).toBe(100_000);
    expect(parseLimit('0')).toBeUndefined();
    expect(parseLimit('ten')).toBeUndefined();
  });

  it('lays out a waterfall over the run', () => {
    const w = waterfall([
      { id: 'a', startedAtMs: 0, totalMs: 100 },
      { id: 'b', startedAtMs: 100, totalMs: 100 },
    ]);
    expect(w.spanMs).toBe(200);
    expect(w.bars.get('b')).toEqual({ left: 0.5, width: 0.5 });
  });
});

describe('the list', () => {
  it('lists every exchange newest first, with method, status and kind', async () => {
    open();
    await waitFor(() => expect(rowIds()).toEqual(['x-arm', 'x-stream', 'x-chat', 'x-token']));
    const arm = rows()[0];
    expect(arm.textContent).toContain('PUT');
    expect(within(arm).getByTestId('row-status').textContent).toBe('404');
    expect(within(arm).getByTestId('row-status').className).toContain('client');
    expect(arm.textContent).toContain('management.azure.com');
    expect(lastQuery()).toMatchObject({ before: null, filter: { runId: null, kinds: [], host: null, status: null, text: null } });
    expect(screen.getByTestId('storage-count').textContent).toContain('4');
    expect(screen.getByTestId('retention-text').textContent).toMatch(/Keep 30 days, at most 100.000 exchanges/);
    expect(document.body.textContent).not.toMatch(/not in this build/);
  });

  it('says so when nothing was recorded, and when nothing matches', async () => {
    open('#/traces', { exchanges: [] });
    await screen.findByTestId('traces-empty');
    expect(screen.getByTestId('traces-empty').textContent).toContain('No exchanges recorded yet');
    resetWindow();
    open();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(document.querySelector('[data-kind="foundry"]')!);
    expect((await screen.findByTestId('traces-no-match')).textContent).toContain('Nothing matches');
    await fireEvent.click(screen.getByText('Clear the filters'));
    await waitFor(() => expect(rows()).toHaveLength(4));
  });

  it('shows a failed query with a retry', async () => {
    fake = fakeBackend({ reject: { trace_query: 'database is locked' } });
    window.history.replaceState(null, '', '/#/traces');
    render(App);
    expect((await screen.findByTestId('traces-error')).textContent).toMatch(/database is locked/i);
  });

  it('filters by kind, host, status class and (debounced) text', async () => {
    open();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(document.querySelector('[data-kind="gateway"]')!);
    await waitFor(() => expect(rowIds()).toEqual(['x-stream', 'x-chat']));
    expect(lastQuery().filter).toEqual({ runId: null, kinds: ['gateway'], host: null, connection: null, status: null, text: null });

    await fireEvent.click(document.querySelector('[data-kind="gateway"]')!);
    const host = screen.getByTestId('trace-host') as HTMLSelectElement;
    await waitFor(() => expect([...host.options].map((o) => o.value)).toContain('management.azure.com'));
    await fireEvent.change(host, { target: { value: 'management.azure.com' } });
    await waitFor(() => expect(rowIds()).toEqual(['x-arm']));
    await fireEvent.change(host, { target: { value: '' } });

    await fireEvent.change(screen.getByTestId('trace-status'), { target: { value: 'clientError' } });
    await waitFor(() => expect(lastQuery().filter).toMatchObject({ status: 'clientError', host: null }));
    await waitFor(() => expect(rowIds()).toEqual(['x-arm']));
    await fireEvent.change(screen.getByTestId('trace-status'), { target: { value: '' } });

    const queries = fake.callsTo('trace_query').length;
    const search = screen.getByTestId('trace-search');
    await fireEvent.input(search, { target: { value: 's' } });
    await fireEvent.input(search, { target: { value: 'stream' } });
    expect(fake.callsTo('trace_query').length).toBe(queries); // nothing yet: debounced
    await waitFor(() => expect(rowIds()).toEqual(['x-stream']));
    expect(lastQuery().filter).toMatchObject({ text: 'stream' });
    // One query for the settled text, none for the keystroke before it.
    expect(fake.callsTo('trace_query').slice(queries).map((c) => (c.args as { filter: { text: string | null } }).filter.text)).toEqual(['stream']);
  });

  it('filters by a connection of the drafts', async () => {
    fake = fakeBackend({
      checks: { exchanges: EXCHANGES },
      connections: { drafts: [draft('d-1', (c) => (c.name = 'llm-gw'))] },
    });
    window.history.replaceState(null, '', '/#/traces');
    render(App);
    await waitFor(() => expect(rows()).toHaveLength(4));
    const select = (await screen.findByTestId('trace-connection')) as HTMLSelectElement;
    await waitFor(() => expect([...select.options].map((o) => o.value)).toContain('llm-gw'));
    await fireEvent.change(select, { target: { value: 'llm-gw' } });
    await waitFor(() => expect(lastQuery().filter).toMatchObject({ connection: 'llm-gw' }));
  });

  it('pages with next as before, from a Load more button', async () => {
    const many = Array.from({ length: 130 }, (_, i) => x(`m-${String(i).padStart(3, '0')}`, 'run-m', T0 + i * 10));
    open('#/traces', { exchanges: many });
    await waitFor(() => expect(rows()).toHaveLength(100));
    expect(rows()[0].dataset.exchangeId).toBe('m-129');
    const first = lastQuery();
    expect(first.limit).toBe(100);
    await fireEvent.click(screen.getByTestId('load-more'));
    await waitFor(() => expect(rows()).toHaveLength(130));
    const second = lastQuery();
    expect(second.before).toMatch(/^\d+:\d+$/);
    expect(rows().at(-1)!.dataset.exchangeId).toBe('m-000');
    expect(screen.queryByTestId('load-more')).toBeNull();
  });
});

describe('an exchange', () => {
  it('opens on click with its headers (redacted), bodies, timing and events', async () => {
    open();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(rows()[1]);
    const detail = await screen.findByTestId('trace-detail');
    expect(detail.dataset.exchangeId).toBe('x-stream');
    await fireEvent.click(within(detail).getByRole('tab', { name: /Headers/ }));
    const requestHeaders = within(detail).getByLabelText('Request headers');
    expect(requestHeaders.textContent).toContain('Bearer <redacted>');
    await fireEvent.click(within(detail).getByRole('tab', { name: /Timing/ }));
    expect(within(detail).getByTestId('timing').textContent).toMatch(/Waiting for headers\s*200 ms/);
    expect(within(detail).getByTestId('timing').textContent).toMatch(/Reading the body\s*700 ms/);
    await fireEvent.click(within(detail).getByRole('tab', { name: /Events/ }));
    expect(within(detail).getByTestId('sse-events').querySelectorAll('tbody tr')).toHaveLength(2);
    expect(rows()[1].getAttribute('aria-selected')).toBe('true');
  });

  it('moves with ↑/↓ and opens with Enter', async () => {
    open();
    await waitFor(() => expect(rows()).toHaveLength(4));
    const list = screen.getByTestId('trace-list');
    list.focus();
    await waitFor(() => expect(list.getAttribute('aria-activedescendant')).toBe(rows()[0].id));
    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    expect(list.getAttribute('aria-activedescendant')).toBe(rows()[1].id);
    await fireEvent.keyDown(list, { key: 'Enter' });
    expect((await screen.findByTestId('trace-detail')).dataset.exchangeId).toBe('x-stream');
    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    await waitFor(() => expect(screen.getByTestId('trace-detail').dataset.exchangeId).toBe('x-chat'));
    await fireEvent.keyDown(list, { key: 'Escape' });
    expect(screen.queryByTestId('trace-detail')).toBeNull();
  });

  it('copies as cURL from the redacted record', async () => {
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void (copied = t) } });
    open();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(rows()[2]);
    await fireEvent.click(await screen.findByTestId('copy-curl'));
    await waitFor(() => expect(screen.getByTestId('detail-feedback').textContent).toBe('Copied'));
    expect(fake.callsTo('trace_export').at(-1)!.args).toEqual({ runId: null, ids: ['x-chat'], format: 'curl' });
    expect(copied).toContain("curl -X POST");
    expect(copied).not.toContain('sk-');
  });

  it('exports a run, and a selection, as HAR files', async () => {
    const saved: string[] = [];
    URL.createObjectURL = vi.fn(() => 'blob:har');
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      if (this.download) saved.push(this.download);
    });
    open('#/traces?run=run-a');
    await waitFor(() => expect(rowIds()).toEqual(['x-stream', 'x-chat', 'x-token']));
    await fireEvent.click(screen.getByTestId('export-run'));
    await waitFor(() => expect(saved).toEqual(['gateway-studio-run-run-a.har']));
    expect(fake.callsTo('trace_export').at(-1)!.args).toEqual({ runId: 'run-a', ids: [], format: 'har' });

    await fireEvent.click(rows()[0], { ctrlKey: true });
    await fireEvent.click(rows()[2], { ctrlKey: true });
    expect(screen.getByTestId('selection').textContent).toContain('2 selected');
    await fireEvent.click(screen.getByTestId('export-selection'));
    await waitFor(() => expect(saved).toHaveLength(2));
    // Oldest first, as HAR tools expect.
    expect(fake.callsTo('trace_export').at(-1)!.args).toEqual({ runId: null, ids: ['x-token', 'x-stream'], format: 'har' });
    expect(JSON.parse(fake.traces.exports.at(-1)!).log.entries).toHaveLength(2);
    click.mockRestore();
  });
});

describe('a run', () => {
  it('opens from the deep link filtered to the run, with its waterfall and the exchange asked for', async () => {
    open('#/traces?run=run-a&id=x-chat');
    await waitFor(() => expect(rowIds()).toEqual(['x-stream', 'x-chat', 'x-token']));
    expect(lastQuery().filter).toMatchObject({ runId: 'run-a' });
    expect(screen.getByTestId('run-chip').textContent).toContain('run-a');
    const bars = screen.getAllByTestId('waterfall-row');
    expect(bars.map((b) => b.dataset.exchangeId)).toEqual(['x-token', 'x-chat', 'x-stream']);
    expect((await screen.findByTestId('trace-detail')).dataset.exchangeId).toBe('x-chat');
    // Removing the chip shows every run again.
    await fireEvent.click(screen.getByTestId('run-chip-remove'));
    await waitFor(() => expect(rows()).toHaveLength(4));
    expect(screen.queryByTestId('waterfall')).toBeNull();
  });

  it('follows an Open in Traces link from another page', async () => {
    open('#/checks');
    const { openInTraces } = await import('./trace-link');
    openInTraces('run-b');
    await waitFor(() => expect(rowIds()).toEqual(['x-arm']));
    expect(window.location.hash).toBe('#/traces');
  });
});

describe('storage', () => {
  it('saves the retention rule, and refuses 0', async () => {
    open();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(screen.getByTestId('retention-edit'));
    const days = screen.getByTestId('retention-days') as HTMLInputElement;
    expect(days.value).toBe('30');
    await fireEvent.input(days, { target: { value: '0' } });
    expect((screen.getByTestId('retention-save') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(days, { target: { value: '7' } });
    await fireEvent.input(screen.getByTestId('retention-max'), { target: { value: '' } });
    await fireEvent.click(screen.getByTestId('retention-save'));
    await waitFor(() => expect(screen.getByTestId('retention-text').textContent?.trim()).toBe('Keep 7 days'));
    expect(fake.callsTo('trace_retention_set').at(-1)!.args).toEqual({ retention: { days: 7, maxExchanges: null } });
    expect(screen.getByTestId('storage-note').textContent).toMatch(/Saved/);
  });

  it('purges only after the confirmation', async () => {
    open();
    await waitFor(() => expect(rows()).toHaveLength(4));
    await fireEvent.click(screen.getByTestId('purge'));
    const dialog = await screen.findByTestId('purge-dialog');
    await fireEvent.click(within(dialog).getByText('Cancel'));
    expect(fake.callsTo('trace_purge')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('purge'));
    await fireEvent.click(within(screen.getByTestId('purge-dialog')).getByTestId('confirm-purge'));
    await waitFor(() => expect(fake.callsTo('trace_purge')).toHaveLength(1));
    expect(fake.callsTo('trace_purge')[0].args).toEqual({ olderThanDays: null });
    await screen.findByTestId('traces-empty');
    expect(screen.getByTestId('storage-note').textContent).toMatch(/deleted 4 exchanges/);
  });
});
