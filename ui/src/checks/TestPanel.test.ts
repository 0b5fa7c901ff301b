import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckEvent, Connection } from '../lib/api';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, settingsWith, type FakeBackend } from '../test/backend';
import { result, type StartArgs } from '../test/checks';
import { draft } from '../test/connections';

afterEach(resetWindow);

// Saved without a key: the editor shows the key input, and a typed key is an unsaved secret.
const APIM = draft('d-apim', (c) => {
  c.name = 'apim-prod';
  c.target = 'https://contoso-apim.azure-api.net/openai';
  c.auth = { kind: 'apiKey', key: null };
  c.metadata.modelDiscovery = { listModelsEndpoint: '/deployments', getModelEndpoint: '/deployments/{deploymentName}', deploymentProvider: 'AzureOpenAI', extra: {} };
});

const PMI = draft('d-pmi', (c) => {
  c.name = 'apim-mi';
  c.target = 'https://contoso-apim.azure-api.net/openai';
  c.auth = { kind: 'projectManagedIdentity', audience: 'api://apim-gateway' };
});

async function openEditor(drafts = [APIM]): Promise<FakeBackend> {
  const backend = fakeBackend({
    connections: { drafts },
    settings: settingsWith({ network: { checkTimeoutSecs: 20 } }),
  });
  window.history.replaceState(null, '', '/#/connections');
  render(App);
  await waitFor(() => expect((screen.getByTestId('connection-editor').querySelector('[name="name"]') as HTMLInputElement).value).toBe(drafts[0].connection.name));
  return backend;
}

const editor = () => screen.getByTestId('connection-editor');
const field = (name: string) => editor().querySelector(`[name="${name}"]`) as HTMLInputElement;
const panel = () => screen.getByTestId('test-panel');
const starts = (b: FakeBackend) => b.callsTo('check_run_start').map((c) => c.args as StartArgs);
const row = (id: string, deployment = '') =>
  panel().querySelector<HTMLElement>(`[data-testid="check-row"][data-check-id="${id}"][data-deployment="${deployment}"]`);

async function emit(backend: FakeBackend, ...events: CheckEvent[]) {
  backend.checks.emit(...events);
  await tick();
}

describe('Test in the connection editor', () => {
  it('runs the checks on the connection as edited, unsaved changes and typed key included', async () => {
    const backend = await openEditor();
    await fireEvent.input(field('target'), { target: { value: 'https://contoso-apim.azure-api.net/v2' } });
    await fireEvent.input(field('apiKey'), { target: { value: 'sk-typed-not-saved' } });
    await waitFor(() => expect(screen.queryByTestId('dirty')).toBeTruthy());

    await fireEvent.click(screen.getByTestId('editor-test'));
    await waitFor(() => expect(starts(backend)).toHaveLength(1));
    const args = starts(backend)[0];
    expect(args.draftId).toBe('d-apim');
    expect((args.connection as Connection).target).toBe('https://contoso-apim.azure-api.net/v2');
    expect((args.connection as Connection).auth).toEqual({ kind: 'apiKey', key: { slot: 'apiKey' } });
    expect(args.secrets).toEqual([{ slot: 'apiKey', value: 'sk-typed-not-saved' }]);
    expect(args.bearerToken).toBeNull();
    expect(args.options).toEqual({ deployments: [], only: [], timeoutSecs: 20, concurrency: 4 });

    await emit(backend, { event: 'started', id: 'chat', deployment: 'gpt-4o' });
    expect(row('chat', 'gpt-4o')!.dataset.status).toBe('running');
    await emit(
      backend,
      { event: 'finished', result: result('chat', 'fail', { deployment: 'gpt-4o', message: '401 from the gateway', hint: 'Use the Ocp-Apim-Subscription-Key header.' }) },
      { event: 'done', outcome: 'failed' },
    );
    expect(row('chat', 'gpt-4o')!.dataset.status).toBe('fail');
    expect(within(panel()).getByTestId('checks-summary').textContent).toMatch(/1 failed/);
    await fireEvent.click(row('chat', 'gpt-4o')!.querySelector('button') as HTMLElement);
    expect(within(row('chat', 'gpt-4o')!).getByTestId('check-hint').textContent).toMatch(/Fix:.*Ocp-Apim-Subscription-Key/);

    // Nothing was saved by testing; the draft is still dirty.
    expect(backend.callsTo('connection_save')).toHaveLength(0);
    expect(screen.getByTestId('dirty')).toBeTruthy();

    await fireEvent.click(within(panel()).getByTestId('checks-run'));
    await waitFor(() => expect(starts(backend)).toHaveLength(2));
  });

  it('Ctrl+T tests, Esc cancels, and closing the panel stops the run', async () => {
    const backend = await openEditor();
    await fireEvent.keyDown(window, { key: 't', ctrlKey: true });
    await waitFor(() => expect(starts(backend)).toHaveLength(1));
    await emit(backend, { event: 'started', id: 'config', deployment: null });
    await fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(backend.callsTo('check_run_cancel')).toHaveLength(1));
    expect(backend.callsTo('check_run_cancel')[0].args).toEqual({ runId: 'run-new-1' });
    await emit(backend, { event: 'done', outcome: 'cancelled' });
    expect(within(panel()).getByTestId('checks-summary').textContent).toMatch(/Cancelled/);

    await fireEvent.keyDown(window, { key: 'Enter', metaKey: true });
    await waitFor(() => expect(starts(backend)).toHaveLength(2));
    await fireEvent.click(within(panel()).getByTestId('test-close'));
    expect(screen.queryByTestId('test-panel')).toBeNull();
    await waitFor(() => expect(backend.callsTo('check_run_cancel')).toHaveLength(2));
  });

  it('makes discovered models the static list right in the editor, unsaved', async () => {
    const backend = await openEditor();
    await fireEvent.click(screen.getByTestId('editor-test'));
    await waitFor(() => expect(starts(backend)).toHaveLength(1));
    await emit(
      backend,
      {
        event: 'finished',
        result: result('discovery-list', 'pass', {
          discovered: [
            { deploymentName: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-11-20', format: 'OpenAI' },
            { deploymentName: 'phi-4', modelName: 'Phi-4', modelVersion: '7', format: 'NonOpenAI' },
          ],
        }),
      },
      { event: 'done', outcome: 'passed' },
    );
    expect(screen.queryByTestId('dirty')).toBeNull();
    await fireEvent.click(row('discovery-list')!.querySelector('button') as HTMLElement);
    const action = within(panel()).getByTestId('add-discovered-models');
    expect(action.textContent).toMatch(/Use as the static models list/);
    await fireEvent.click(action);

    await waitFor(() => expect(editor().querySelectorAll('[data-model-row]')).toHaveLength(2));
    expect((editor().querySelector('[data-models-mode="static"]') as HTMLInputElement).checked).toBe(true);
    expect((editor().querySelectorAll('[data-model-row] [name="modelName"]')[1] as HTMLInputElement).value).toBe('Phi-4');
    expect(screen.getByTestId('dirty')).toBeTruthy();
    expect(window.location.hash).toBe('#/connections');
    expect(backend.callsTo('connection_save')).toHaveLength(0);
  });

  it('asks for a stand-in token first on a managed-identity connection', async () => {
    const backend = await openEditor([PMI]);
    await fireEvent.click(screen.getByTestId('editor-test'));
    const token = await within(panel()).findByTestId('bearer-token');
    expect(token.textContent).toMatch(/api:\/\/apim-gateway/);
    const input = token.querySelector('input') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(input));
    expect(starts(backend)).toHaveLength(0);

    await fireEvent.input(input, { target: { value: 'eyJ.stand-in' } });
    await fireEvent.click(within(panel()).getByTestId('checks-run'));
    await waitFor(() => expect(starts(backend)).toHaveLength(1));
    expect(starts(backend)[0].bearerToken).toBe('eyJ.stand-in');
    expect(starts(backend)[0].secrets).toEqual([]);
    await emit(backend, { event: 'done', outcome: 'passed' });

    // With the panel open, Ctrl+T runs at once, token or not.
    await fireEvent.input(input, { target: { value: '' } });
    await fireEvent.keyDown(window, { key: 't', ctrlKey: true });
    await waitFor(() => expect(starts(backend)).toHaveLength(2));
    expect(starts(backend)[1].bearerToken).toBeNull();
  });

  it('has no stand-in token field for other auth types', async () => {
    await openEditor();
    await fireEvent.click(screen.getByTestId('editor-test'));
    await screen.findByTestId('test-panel');
    expect(within(panel()).queryByTestId('bearer-token')).toBeNull();
  });
});
