import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppError, CheckEvent, Connection, SecretValue } from '../lib/api';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, settingsWith, type FakeBackend } from '../test/backend';
import { exchangeFor, result, storedRun, traceSummary, type ChecksOptions, type StartArgs } from '../test/checks';
import { draft } from '../test/connections';

afterEach(resetWindow);

const model = (name: string) => ({
  deploymentName: name,
  modelName: name,
  modelVersion: '',
  format: 'OpenAI',
  extra: {},
  propertiesExtra: {},
  modelExtra: {},
});

const APIM = draft(
  'd-apim',
  (c) => {
    c.name = 'apim-prod';
    c.target = 'https://contoso-apim.azure-api.net/openai';
    c.auth = { kind: 'apiKey', key: { slot: 'apiKey' } };
    c.metadata.models = [model('gpt-4o'), model('mini')];
  },
  ['apiKey'],
);

const PMI = draft('d-pmi', (c) => {
  c.name = 'apim-mi';
  c.target = 'https://contoso-apim.azure-api.net/openai';
  c.auth = { kind: 'projectManagedIdentity', audience: 'https://cognitiveservices.azure.com' };
});

const GATEWAY = draft(
  'd-gw',
  (c) => {
    c.category = 'ModelGateway';
    c.name = 'litellm';
    c.target = 'https://llm-gw.contoso.com/v1';
    c.metadata.deploymentInPath = false;
    c.metadata.inferenceAPIVersion = '';
    c.auth = { kind: 'apiKey', key: { slot: 'apiKey' } };
    c.metadata.modelDiscovery = {
      listModelsEndpoint: '/models',
      getModelEndpoint: '/models/{deploymentName}',
      deploymentProvider: 'OpenAI',
      extra: {},
    };
  },
  ['apiKey'],
);

async function openChecks(
  options: { drafts?: typeof APIM[]; checks?: ChecksOptions; timeout?: number } = {},
): Promise<FakeBackend> {
  const backend = fakeBackend({
    connections: { drafts: options.drafts ?? [APIM, PMI, GATEWAY] },
    checks: options.checks,
    settings: settingsWith({ network: { checkTimeoutSecs: options.timeout ?? 30 } }),
  });
  window.history.replaceState(null, '', '/#/checks');
  render(App);
  return backend;
}

const runButton = () => screen.getByTestId('checks-run') as HTMLButtonElement;
const rows = () => [...document.querySelectorAll<HTMLElement>('[data-testid="check-row"]')];
const row = (id: string, deployment = '') =>
  document.querySelector<HTMLElement>(`[data-testid="check-row"][data-check-id="${id}"][data-deployment="${deployment}"]`);
const head = (el: HTMLElement) => el.querySelector('button[data-row-head]') as HTMLButtonElement;
const starts = (b: FakeBackend) => b.callsTo('check_run_start').map((c) => c.args as StartArgs);

async function choose(id: string) {
  const select = (await screen.findByTestId('checks-connection')) as HTMLSelectElement;
  await fireEvent.change(select, { target: { value: id } });
  await waitFor(() => expect(runButton().disabled).toBe(false));
}

async function emit(backend: FakeBackend, ...events: CheckEvent[]) {
  backend.checks.emit(...events);
  await tick();
}

async function startRun(backend: FakeBackend) {
  await fireEvent.click(runButton());
  await waitFor(() => expect(starts(backend)).toHaveLength(1));
}

describe('running checks', () => {
  it('fills the rows in live as events arrive, then shows the summary', async () => {
    const backend = await openChecks({ timeout: 45 });
    await choose('d-apim');
    await startRun(backend);

    const args = starts(backend)[0];
    expect(args.draftId).toBe('d-apim');
    expect((args.connection as Connection).name).toBe('apim-prod');
    expect(args.secrets).toEqual([]);
    expect(args.bearerToken).toBeNull();
    // Defaults: the static model names, every check, the timeout from Settings → Network.
    expect(args.options).toEqual({ deployments: ['gpt-4o', 'mini'], only: [], timeoutSecs: 45, concurrency: 4 });

    await emit(
      backend,
      { event: 'started', id: 'config', deployment: null },
      { event: 'started', id: 'chat', deployment: 'gpt-4o' },
    );
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(row('chat', 'gpt-4o')!.dataset.status).toBe('running');
    expect(row('chat', 'gpt-4o')!.textContent).toMatch(/Running/);
    const running = screen.getByTestId('checks-summary');
    expect(running.textContent).toMatch(/Running…/);
    expect(running.textContent).toMatch(/0 of 2 finished/);
    // "passed" only ever describes a finished run.
    expect(running.textContent).not.toMatch(/passed/);
    expect(screen.getByTestId('checks-cancel')).toBeTruthy();

    const x = traceSummary('x-chat', 'chat:gpt-4o');
    await emit(
      backend,
      { event: 'finished', result: result('config', 'pass', { message: 'the connection is valid' }) },
      { event: 'exchange', exchange: x },
      { event: 'finished', result: result('chat', 'pass', { deployment: 'gpt-4o', message: 'replied "OK"', durationMs: 1240, exchanges: ['x-chat'] }) },
      { event: 'started', id: 'stream', deployment: 'gpt-4o' },
      { event: 'started', id: 'tools', deployment: 'gpt-4o' },
    );
    expect(row('config')!.dataset.status).toBe('pass');
    expect(row('config')!.textContent).toMatch(/Pass/);
    expect(row('config')!.textContent).toMatch(/the connection is valid/);
    expect(row('chat', 'gpt-4o')!.textContent).toMatch(/1\.24 s/);
    // Display order is by check, whatever order they start in.
    expect(rows().map((r) => r.dataset.checkId)).toEqual(['config', 'chat', 'tools', 'stream']);

    await emit(
      backend,
      {
        event: 'finished',
        result: result('tools', 'fail', {
          deployment: 'gpt-4o',
          message: 'the gateway dropped the tools field',
          hint: 'Allow the tools field in the APIM policy.',
        }),
      },
      { event: 'finished', result: result('stream', 'warn', { deployment: 'gpt-4o', message: 'no [DONE] event', firstTokenMs: 312 }) },
      { event: 'done', outcome: 'failed' },
    );
    expect(row('tools', 'gpt-4o')!.dataset.status).toBe('fail');
    expect(row('stream', 'gpt-4o')!.textContent).toMatch(/first token 312 ms/);
    const summary = screen.getByTestId('checks-summary');
    expect(summary.dataset.outcome).toBe('failed');
    expect(summary.textContent).toMatch(/Failed/);
    expect(summary.querySelector('[data-count="pass"]')!.textContent).toBe('2 passed');
    expect(summary.querySelector('[data-count="warn"]')!.textContent).toBe('1 warned');
    expect(summary.querySelector('[data-count="fail"]')!.textContent).toBe('1 failed');
    expect(summary.querySelector('[data-count="skip"]')!.textContent).toBe('0 skipped');
    expect(screen.queryByTestId('checks-cancel')).toBeNull();
    expect(runButton().disabled).toBe(false);

    // A failed row opens to its fix, prominently.
    await fireEvent.click(head(row('tools', 'gpt-4o')!));
    const hint = within(row('tools', 'gpt-4o')!).getByTestId('check-hint');
    expect(hint.textContent).toMatch(/Fix:\s*Allow the tools field in the APIM policy\./);
  });

  it('sends only the chosen checks, deployments and timeout', async () => {
    const backend = await openChecks();
    await choose('d-apim');
    await fireEvent.click(document.querySelector('[data-deployment-chip="mini"]') as HTMLElement);
    const add = screen.getByRole('textbox', { name: 'Add a deployment to call' });
    await fireEvent.input(add, { target: { value: 'o3-mini' } });
    await fireEvent.keyDown(add, { key: 'Enter' });
    for (const id of ['config', 'reachability', 'auth-token', 'discovery-list', 'discovery-get', 'models', 'tools'])
      await fireEvent.click(document.querySelector(`[data-check-toggle="${id}"]`) as HTMLElement);
    await fireEvent.input(document.querySelector('input[name="timeoutSecs"]') as HTMLInputElement, { target: { value: '12' } });
    await startRun(backend);
    expect(starts(backend)[0].options).toEqual({
      deployments: ['gpt-4o', 'o3-mini'],
      only: ['chat', 'stream'],
      timeoutSecs: 12,
      concurrency: 4,
    });
  });

  it('will not run with no check chosen or an out-of-range timeout, and says why', async () => {
    await openChecks();
    await choose('d-apim');
    const timeout = document.querySelector('input[name="timeoutSecs"]') as HTMLInputElement;
    await fireEvent.input(timeout, { target: { value: '601' } });
    expect(runButton().disabled).toBe(true);
    expect(screen.getByText(/timeout must be 1–600 seconds/)).toBeTruthy();
    await fireEvent.input(timeout, { target: { value: '20' } });
    expect(runButton().disabled).toBe(false);
  });

  it('Ctrl+Enter runs; Cancel and Esc call checkRunCancel with the run id', async () => {
    const backend = await openChecks();
    await choose('d-apim');
    await fireEvent.keyDown(window, { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(starts(backend)).toHaveLength(1));
    await emit(backend, { event: 'started', id: 'chat', deployment: 'gpt-4o' });

    await fireEvent.click(await screen.findByTestId('checks-cancel'));
    await waitFor(() => expect(backend.callsTo('check_run_cancel')).toHaveLength(1));
    expect(backend.callsTo('check_run_cancel')[0].args).toEqual({ runId: 'run-new-1' });
    expect(screen.getByTestId('checks-summary').textContent).toMatch(/Cancelling…/);

    await emit(
      backend,
      { event: 'finished', result: result('chat', 'skip', { deployment: 'gpt-4o', message: 'cancelled' }) },
      { event: 'done', outcome: 'cancelled' },
    );
    expect(screen.getByTestId('checks-summary').textContent).toMatch(/Cancelled/);
    expect(row('chat', 'gpt-4o')!.dataset.status).toBe('skip');

    // A second run, cancelled with Esc.
    await fireEvent.click(runButton());
    await waitFor(() => expect(starts(backend)).toHaveLength(2));
    await screen.findByTestId('checks-cancel');
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(backend.callsTo('check_run_cancel')).toHaveLength(2));
    expect(backend.callsTo('check_run_cancel')[1].args).toEqual({ runId: 'run-new-2' });
  });

  it('moves between result rows with the arrow keys', async () => {
    const backend = await openChecks();
    await choose('d-apim');
    await startRun(backend);
    await emit(
      backend,
      { event: 'finished', result: result('config', 'pass') },
      { event: 'finished', result: result('reachability', 'pass') },
      { event: 'done', outcome: 'passed' },
    );
    head(row('config')!).focus();
    await fireEvent.keyDown(head(row('config')!), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(head(row('reachability')!));
    await fireEvent.keyDown(head(row('reachability')!), { key: 'ArrowUp' });
    expect(document.activeElement).toBe(head(row('config')!));
    expect(head(row('config')!).getAttribute('aria-expanded')).toBe('false');
  });
});

describe('exchanges', () => {
  it('loads an exchange only when opened, shows it redacted, and drops it when closed', async () => {
    const summary = traceSummary('x-stream', 'stream:gpt-4o', { method: 'POST', status: 200, totalMs: 830 });
    const full = exchangeFor(summary, {
      requestHeaders: [
        { name: 'api-key', value: '<redacted>' },
        { name: 'x-team', value: 'platform' },
      ],
      requestBody: '{"stream":true,"messages":[]}',
      response: {
        status: 200,
        headers: [{ name: 'content-type', value: 'text/event-stream' }],
        body: 'data: {"choices":[]}\n\ndata: [DONE]\n\n',
        bodySize: 11_000_000,
        declaredLength: null,
        capReached: true,
        bodyCut: true,
        redirects: [{ status: 307, from: 'https://old.contoso.com/v1', to: 'https://llm-gw.contoso.com/v1' }],
        blockedRedirect: null,
        sseEvents: [
          { atMs: 312, event: null, data: '{"choices":[{"delta":{"content":"O"}}]}' },
          { atMs: 330, event: null, data: '[DONE]' },
        ],
      },
    });
    const backend = await openChecks({ checks: { exchanges: [full] } });
    await choose('d-apim');
    await startRun(backend);
    await emit(
      backend,
      { event: 'exchange', exchange: summary },
      { event: 'finished', result: result('stream', 'pass', { deployment: 'gpt-4o', exchanges: ['x-stream'], firstTokenMs: 312 }) },
      { event: 'done', outcome: 'passed' },
    );
    await fireEvent.click(head(row('stream', 'gpt-4o')!));
    const item = within(row('stream', 'gpt-4o')!).getByTestId('exchange-item');
    expect(item.textContent).toMatch(/POST/);
    expect(item.textContent).toMatch(/contoso-apim\.azure-api\.net/);
    expect(item.textContent).toMatch(/200/);
    expect(item.textContent).toMatch(/830 ms/);
    expect(backend.callsTo('trace_exchange_get')).toHaveLength(0);

    await fireEvent.click(item.querySelector('button') as HTMLElement);
    await waitFor(() => expect(within(item).getByTestId('exchange-detail')).toBeTruthy());
    expect(backend.callsTo('trace_exchange_get')[0].args).toEqual({ id: 'x-stream' });
    const detail = within(item).getByTestId('exchange-detail');
    expect(detail.textContent).toMatch(/text\/event-stream/);
    expect(within(detail).getByTestId('body-capped').textContent).toMatch(/Body capped/);
    expect(within(detail).getByTestId('redirects').textContent).toMatch(/307.*old\.contoso\.com/);
    expect(within(detail).getByTestId('response-body').textContent).toMatch(/\[DONE\]/);

    const request = within(detail).getByTestId('exchange-request');
    expect(request.textContent).toMatch(/api-key/);
    expect(request.textContent).toMatch(/<redacted>/);
    expect(request.textContent).toMatch(/x-team/);
    expect(within(detail).getByTestId('request-body').textContent).toMatch(/"stream": true/);

    const events = within(detail).getByTestId('sse-events');
    expect(events.textContent).toMatch(/312 ms/);
    expect(events.textContent).toMatch(/\[DONE\]/);

    // Closing drops it; opening again fetches it again.
    await fireEvent.click(item.querySelector('button') as HTMLElement);
    expect(within(item).queryByTestId('exchange-detail')).toBeNull();
    await fireEvent.click(item.querySelector('button') as HTMLElement);
    await waitFor(() => expect(backend.callsTo('trace_exchange_get')).toHaveLength(2));
  });

  it('shows a failed exchange with the phase it failed in', async () => {
    const summary = traceSummary('x-reach', 'reachability', { method: 'GET', status: null, error: 'connection refused' });
    const backend = await openChecks({
      checks: { exchanges: [exchangeFor(summary, { error: { kind: 'connect', phase: 'tcp', message: 'connection refused (os error 111)' } })] },
    });
    await choose('d-apim');
    await startRun(backend);
    await emit(
      backend,
      { event: 'exchange', exchange: summary },
      {
        event: 'finished',
        result: result('reachability', 'fail', {
          message: 'cannot connect to contoso-apim.azure-api.net:443',
          hint: 'Check the target host and port.',
          exchanges: ['x-reach'],
          details: ['dns: 1 address', 'tcp: refused'],
        }),
      },
      { event: 'done', outcome: 'failed' },
    );
    await fireEvent.click(head(row('reachability')!));
    expect(row('reachability')!.textContent).toMatch(/tcp: refused/);
    const item = within(row('reachability')!).getByTestId('exchange-item');
    expect(item.textContent).toMatch(/failed/);
    await fireEvent.click(item.querySelector('button') as HTMLElement);
    const error = await within(item).findByTestId('exchange-error');
    expect(error.dataset.phase).toBe('tcp');
    expect(error.textContent).toMatch(/TCP connect/);
    expect(error.textContent).toMatch(/connection refused \(os error 111\)/);
    expect(item.textContent).toMatch(/No response/);
  });
});

describe('history', () => {
  it('lists earlier runs of the connection and shows one read-only', async () => {
    const older = storedRun('run-old', 'd-apim', Date.UTC(2025, 0, 2, 9, 30), [
      result('config', 'pass'),
      result('chat', 'fail', { deployment: 'gpt-4o', message: '401 Unauthorized', hint: 'Check the API key header name.' }),
    ]);
    const other = storedRun('run-other', 'd-gw', Date.UTC(2025, 0, 3), [result('config', 'pass')]);
    const backend = await openChecks({ checks: { runs: [older, other] } });
    await choose('d-apim');
    await waitFor(() => expect(document.querySelectorAll('[data-testid="history-item"]')).toHaveLength(1));
    expect(backend.callsTo('check_run_list').at(-1)!.args).toEqual({ draftId: 'd-apim' });
    const item = document.querySelector('[data-run-id="run-old"]') as HTMLElement;
    expect(item.textContent).toMatch(/Failed/);
    expect(item.textContent).toMatch(/1 passed/);
    expect(item.textContent).toMatch(/1 failed/);

    await fireEvent.click(item);
    await screen.findByTestId('history-view');
    expect(backend.callsTo('check_run_get')[0].args).toEqual({ runId: 'run-old' });
    expect(item.getAttribute('aria-current')).toBe('true');
    expect(row('chat', 'gpt-4o')!.dataset.status).toBe('fail');
    expect(screen.getByTestId('checks-summary').textContent).toMatch(/Failed/);
    await fireEvent.click(head(row('chat', 'gpt-4o')!));
    expect(within(row('chat', 'gpt-4o')!).getByTestId('check-hint').textContent).toMatch(/Check the API key header name/);
  });

  it('moves between the runs with ↑/↓, Home and End', async () => {
    const runs = ['run-1', 'run-2', 'run-3'].map((id, i) => storedRun(id, 'd-apim', Date.UTC(2025, 0, 3 - i), [result('config', 'pass')]));
    await openChecks({ checks: { runs } });
    await choose('d-apim');
    const items = () => [...document.querySelectorAll<HTMLElement>('[data-testid="history-item"]')];
    await waitFor(() => expect(items()).toHaveLength(3));
    const focused = () => (document.activeElement as HTMLElement).dataset.runId;
    items()[0].focus();
    await fireEvent.keyDown(items()[0], { key: 'ArrowDown' });
    expect(focused()).toBe('run-2');
    await fireEvent.keyDown(items()[1], { key: 'End' });
    expect(focused()).toBe('run-3');
    await fireEvent.keyDown(items()[2], { key: 'ArrowDown' });
    expect(focused()).toBe('run-3');
    await fireEvent.keyDown(items()[2], { key: 'Home' });
    expect(focused()).toBe('run-1');
  });

  it('adds a run to the history once it starts, and updates it when done', async () => {
    const backend = await openChecks();
    await choose('d-apim');
    await waitFor(() => expect(screen.getByTestId('checks-history').textContent).toMatch(/No runs/));
    await startRun(backend);
    await waitFor(() => expect(document.querySelector('[data-run-id="run-new-1"]')).toBeTruthy());
    await emit(backend, { event: 'finished', result: result('config', 'pass') }, { event: 'done', outcome: 'passed' });
    await waitFor(() => expect(document.querySelector('[data-run-id="run-new-1"]')!.textContent).toMatch(/Passed/));
  });
});

describe('discovered models', () => {
  it('opens the connection in the editor with them as an unsaved static list', async () => {
    const backend = await openChecks();
    await choose('d-gw');
    expect(screen.getByText(/first deployment that discovery returns/)).toBeTruthy();
    await startRun(backend);
    expect(starts(backend)[0].options.deployments).toEqual([]);
    await emit(
      backend,
      {
        event: 'finished',
        result: result('discovery-list', 'pass', {
          message: '2 models',
          discovered: [
            { deploymentName: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-11-20', format: 'OpenAI' },
            { deploymentName: 'llama-3', modelName: null, modelVersion: null, format: null },
          ],
        }),
      },
      { event: 'done', outcome: 'passed' },
    );
    await fireEvent.click(head(row('discovery-list')!));
    expect(within(row('discovery-list')!).getByTestId('discovered-models').textContent).toMatch(/llama-3/);
    await fireEvent.click(screen.getByTestId('add-discovered-models'));

    const editor = await screen.findByTestId('connection-editor');
    await waitFor(() => expect((editor.querySelector('[name="name"]') as HTMLInputElement).value).toBe('litellm'));
    await waitFor(() => expect(editor.querySelectorAll('[data-model-row]')).toHaveLength(2));
    expect((editor.querySelector('[data-models-mode="static"]') as HTMLInputElement).checked).toBe(true);
    const names = [...editor.querySelectorAll<HTMLInputElement>('[data-model-row] [name="deploymentName"]')].map((i) => i.value);
    expect(names).toEqual(['gpt-4o', 'llama-3']);
    const second = editor.querySelectorAll('[data-model-row]')[1];
    expect((second.querySelector('[name="modelName"]') as HTMLInputElement).value).toBe('llama-3');
    // Unsaved: the marker shows, the list row says so, and nothing was saved.
    expect(screen.getByTestId('dirty')).toBeTruthy();
    expect(screen.getByTestId('status').textContent).toMatch(/2 discovered models are now the static list/);
    expect(backend.callsTo('connection_save')).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(backend.callsTo('connection_save')).toHaveLength(1));
    const saved = backend.callsTo('connection_save')[0].args as { id: string; connection: Connection; secrets: SecretValue[] };
    expect(saved.id).toBe('d-gw');
    expect(saved.connection.metadata.modelDiscovery).toBeNull();
    expect(saved.connection.metadata.models).toEqual([
      { deploymentName: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-11-20', format: 'OpenAI', extra: {}, propertiesExtra: {}, modelExtra: {} },
      { deploymentName: 'llama-3', modelName: 'llama-3', modelVersion: '', format: 'OpenAI', extra: {}, propertiesExtra: {}, modelExtra: {} },
    ]);
  });

  it('can be undone with Revert, back to discovery', async () => {
    const backend = await openChecks();
    await choose('d-gw');
    await startRun(backend);
    await emit(
      backend,
      {
        event: 'finished',
        result: result('discovery-list', 'pass', {
          discovered: [{ deploymentName: 'gpt-4o', modelName: null, modelVersion: null, format: null }],
        }),
      },
      { event: 'done', outcome: 'passed' },
    );
    await fireEvent.click(head(row('discovery-list')!));
    await fireEvent.click(screen.getByTestId('add-discovered-models'));
    const editor = await screen.findByTestId('connection-editor');
    await waitFor(() => expect(screen.queryByTestId('dirty')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('revert'));
    await waitFor(() => expect(screen.queryByTestId('dirty')).toBeNull());
    expect((editor.querySelector('[data-models-mode="dynamic"]') as HTMLInputElement).checked).toBe(true);
  });
});

describe('managed identity', () => {
  it('offers the stand-in token only for ProjectManagedIdentity, and sends it for that run only', async () => {
    const backend = await openChecks();
    await choose('d-apim');
    expect(screen.queryByTestId('bearer-token')).toBeNull();

    await choose('d-pmi');
    const field = screen.getByTestId('bearer-token');
    expect(field.textContent).toMatch(/Stand-in bearer token/);
    expect(field.textContent).toMatch(/az account get-access-token --resource https:\/\/cognitiveservices\.azure\.com/);
    expect(field.textContent).toMatch(/this run only/);
    const input = field.querySelector('input[name="bearerToken"]') as HTMLInputElement;
    expect(input.type).toBe('password');
    await fireEvent.input(input, { target: { value: '  eyJ.token  ' } });
    await startRun(backend);
    expect(starts(backend)[0].bearerToken).toBe('eyJ.token');
    expect(starts(backend)[0].options.deployments).toEqual([]);
    await emit(backend, { event: 'done', outcome: 'passed' });

    await choose('d-gw');
    expect(screen.queryByTestId('bearer-token')).toBeNull();
    // Not stored anywhere: back on the PMI connection the field is empty.
    await choose('d-pmi');
    expect((screen.getByTestId('bearer-token').querySelector('input') as HTMLInputElement).value).toBe('');
    expect(backend.callsTo('settings_set')).toHaveLength(0);
    expect(backend.callsTo('connection_save')).toHaveLength(0);
  });
});

describe('states', () => {
  it('has an empty state that leads to creating a connection', async () => {
    await openChecks({ drafts: [] });
    const empty = await screen.findByTestId('checks-empty');
    expect(empty.textContent).toMatch(/No connections to check/);
    await fireEvent.click(within(empty).getByTestId('checks-create-connection'));
    await screen.findByTestId('connections-empty');
    expect(window.location.hash).toBe('#/connections');
  });

  it('shows a loading state until the connections arrive', async () => {
    await openChecks();
    expect(screen.getByTestId('checks-loading')).toBeTruthy();
    await screen.findByTestId('checks-connection');
    expect(screen.queryByTestId('checks-loading')).toBeNull();
  });

  it('says a CA bundle cannot be read and links to Settings → Network', async () => {
    const startError: AppError = {
      kind: 'invalidInput',
      message: 'cannot read the CA bundle /etc/ssl/corp.pem: No such file or directory (os error 2). Fix the path in Settings → Network (or --ca-bundle)',
      details: { field: 'caBundles' },
    };
    const backend = await openChecks({ checks: { startError } });
    await choose('d-apim');
    await fireEvent.click(runButton());
    const error = await screen.findByTestId('checks-error');
    expect(error.dataset.field).toBe('caBundles');
    expect(error.textContent).toMatch(/A CA bundle in Settings → Network cannot be read/);
    expect(error.textContent).toMatch(/\/etc\/ssl\/corp\.pem/);
    expect(runButton().disabled).toBe(false);
    expect(backend.callsTo('check_run_start')).toHaveLength(1);

    await fireEvent.click(within(error).getByTestId('open-network-settings'));
    await screen.findByTestId('settings-network');
    expect(window.location.hash).toBe('#/settings');
  });

  it('comes back to the run in progress after visiting another page', async () => {
    const backend = await openChecks();
    await choose('d-apim');
    await startRun(backend);
    await emit(backend, { event: 'started', id: 'chat', deployment: 'gpt-4o' });
    window.location.hash = '#/traces';
    await waitFor(() => expect(document.querySelector('[data-page="traces"]')).toBeTruthy());
    await emit(backend, { event: 'finished', result: result('chat', 'pass', { deployment: 'gpt-4o' }) });
    window.location.hash = '#/checks';
    await waitFor(() => expect(row('chat', 'gpt-4o')?.dataset.status).toBe('pass'));
    expect(screen.getByTestId('checks-cancel')).toBeTruthy();
    expect((screen.getByTestId('checks-connection') as HTMLSelectElement).value).toBe('d-apim');
  });
});

describe('between pages', () => {
  it('Edit opens the selected connection in the editor', async () => {
    await openChecks();
    await choose('d-gw');
    await fireEvent.click(screen.getByTestId('checks-edit'));
    const editor = await screen.findByTestId('connection-editor');
    await waitFor(() => expect((editor.querySelector('[name="name"]') as HTMLInputElement).value).toBe('litellm'));
    expect(screen.queryByTestId('dirty')).toBeNull();
  });

  it('the editor’s Test panel opens this connection in Checks', async () => {
    const backend = fakeBackend({ connections: { drafts: [APIM, GATEWAY] } });
    window.history.replaceState(null, '', '/#/connections');
    render(App);
    await waitFor(() => expect(document.querySelector('[data-connection-id="d-gw"]')).toBeTruthy());
    await fireEvent.click(document.querySelector('[data-connection-id="d-gw"]') as HTMLElement);
    await waitFor(() => expect((screen.getByTestId('connection-editor').querySelector('[name="name"]') as HTMLInputElement).value).toBe('litellm'));
    await fireEvent.click(screen.getByTestId('editor-test'));
    await waitFor(() => expect(backend.callsTo('check_run_start')).toHaveLength(1));
    await emit(backend, { event: 'done', outcome: 'passed' });
    await fireEvent.click(within(screen.getByTestId('test-panel')).getByRole('button', { name: 'Open in Checks' }));
    await waitFor(() => expect((screen.getByTestId('checks-connection') as HTMLSelectElement).value).toBe('d-gw'));
    // The editor's run is in this connection's history.
    await waitFor(() => expect(document.querySelector('[data-run-id="run-new-1"]')).toBeTruthy());
  });
});
