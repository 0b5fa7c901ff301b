import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, Finding, SecretValue } from '../lib/api';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, type FakeBackend } from '../test/backend';
import { defaultFindings, draft, type ConnectionOptions } from '../test/connections';

afterEach(resetWindow);

const APIM = draft(
  'd-apim',
  (c) => {
    c.name = 'apim-prod';
    c.target = 'https://contoso-apim.azure-api.net/openai';
    c.auth = { kind: 'apiKey', key: { slot: 'apiKey' } };
    c.metadata.models = [
      { deploymentName: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '2024-11-20', format: 'OpenAI', extra: {}, propertiesExtra: {}, modelExtra: {} },
      { deploymentName: 'mini', modelName: 'gpt-4o-mini', modelVersion: '', format: 'OpenAI', extra: {}, propertiesExtra: {}, modelExtra: {} },
    ];
  },
  ['apiKey'],
);

const GATEWAY = draft('d-gw', (c) => {
  c.category = 'ModelGateway';
  c.name = 'litellm';
  c.target = 'http://llm-gw.contoso.com/v1';
  c.metadata.deploymentInPath = false;
  c.metadata.inferenceAPIVersion = '';
  c.auth = { kind: 'oauth2', clientId: 'app', clientSecret: null, tokenUrl: 'https://login/token', scopes: ['api://gw/.default'] };
  c.metadata.modelDiscovery = { listModelsEndpoint: '/models', getModelEndpoint: '/models/{deploymentName}', deploymentProvider: 'OpenAI', extra: {} };
});

async function openPage(options: ConnectionOptions = { drafts: [APIM, GATEWAY] }): Promise<FakeBackend> {
  const backend = fakeBackend({ connections: options });
  window.history.replaceState(null, '', '/#/connections');
  render(App);
  await screen.findByTestId('connection-list');
  return backend;
}

const editor = () => screen.getByTestId('connection-editor');
const field = <T extends HTMLElement = HTMLInputElement>(name: string) =>
  editor().querySelector(`[name="${name}"]`) as T;
const item = (id: string) => document.querySelector(`[data-connection-id="${id}"]`) as HTMLElement;
const type = (el: HTMLElement, value: string) => fireEvent.input(el, { target: { value } });
const lastInspected = (b: FakeBackend) => (b.callsTo('connection_inspect').at(-1)!.args as { connection: Connection }).connection;
const saves = (b: FakeBackend) =>
  b.callsTo('connection_save').map((c) => c.args as { id: string | null; connection: Connection; secrets: SecretValue[] });

async function newConnection(category: 'ApiManagement' | 'ModelGateway') {
  await fireEvent.click(screen.getByTestId('new-connection'));
  await fireEvent.click(document.querySelector(`[data-new-category="${category}"]`) as HTMLElement);
  await waitFor(() => expect(editor().textContent).toMatch(/New, not saved yet/));
}

describe('list', () => {
  it('shows each draft’s name, category, host, auth, models and finding counts', async () => {
    await openPage();
    const list = screen.getByTestId('connection-list');
    await waitFor(() => expect(list.querySelectorAll('[data-connection-id]')).toHaveLength(2));
    const apim = item('d-apim');
    expect(apim.textContent).toMatch(/apim-prod/);
    expect(apim.textContent).toMatch(/APIM/);
    expect(apim.textContent).toMatch(/contoso-apim\.azure-api\.net/);
    expect(apim.textContent).toMatch(/API key/);
    expect(apim.textContent).toMatch(/2 models/);
    const gw = item('d-gw');
    expect(gw.textContent).toMatch(/Model gateway/);
    expect(gw.textContent).toMatch(/OAuth2\s*·\s*Discovery/);
    // http target: the fake backend warns, and the row counts it.
    expect(gw.querySelector('.count.warning')?.textContent).toBe('1');
  });

  it('filters by name, host, category or auth type', async () => {
    await openPage();
    const filter = screen.getByRole('searchbox', { name: 'Filter connections' });
    await type(filter, 'litellm');
    expect(document.querySelectorAll('[data-connection-id]')).toHaveLength(1);
    await type(filter, 'oauth2');
    expect(item('d-gw')).toBeTruthy();
    expect(item('d-apim')).toBeNull();
    await type(filter, 'contoso-apim');
    expect(item('d-apim')).toBeTruthy();
    await type(filter, 'nothing like it');
    expect(screen.getByText(/No connections match/)).toBeTruthy();
  });

  it('opens the most recent draft, and another on click; arrows move and Enter opens', async () => {
    await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    expect(item('d-apim').getAttribute('aria-selected')).toBe('true');
    item('d-apim').focus();
    await fireEvent.keyDown(item('d-apim'), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(item('d-gw'));
    await fireEvent.keyDown(item('d-gw'), { key: 'Enter' });
    await waitFor(() => expect(field('name').value).toBe('litellm'));
    expect(item('d-gw').getAttribute('aria-selected')).toBe('true');
  });

  it('has an empty state with both ways to start', async () => {
    const backend = await openPage({ drafts: [] });
    const empty = await screen.findByTestId('connections-empty');
    expect(within(empty).getByRole('button', { name: /Import/ })).toBeTruthy();
    await fireEvent.click(within(empty).getByRole('button', { name: /ModelGateway/ }));
    await screen.findByTestId('connection-editor');
    expect(backend.callsTo('connection_template')[0].args).toEqual({ category: 'ModelGateway' });
  });
});

describe('new connection', () => {
  it('starts from the category’s template', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ApiManagement');
    expect(backend.callsTo('connection_template').at(-1)!.args).toEqual({ category: 'ApiManagement' });
    expect(field('name').value).toBe('');
    expect(field('inferenceAPIVersion').value).toBe('2024-10-21');
    expect(field('deploymentInPath').checked).toBe(true);
    expect((editor().querySelector('[data-category="ApiManagement"]') as HTMLInputElement).checked).toBe(true);
    expect((editor().querySelector('[data-scope="project"]') as HTMLInputElement).checked).toBe(true);
    expect((editor().querySelector('[data-auth="apiKey"]') as HTMLInputElement).checked).toBe(true);
    expect((editor().querySelector('[data-models-mode="defaults"]') as HTMLInputElement).checked).toBe(true);
    // Managed identity is offered for APIM, OAuth2 is not.
    expect((editor().querySelector('[data-auth="projectManagedIdentity"]') as HTMLInputElement).disabled).toBe(false);
    expect((editor().querySelector('[data-auth="oauth2"]') as HTMLInputElement).disabled).toBe(true);
    expect(editor().textContent).toMatch(/only for ModelGateway connections|ModelGateway only/);
  });

  it('shows the finding for a bad name beside the name field, and drops it once fixed', async () => {
    await openPage({ drafts: [] });
    await newConnection('ApiManagement');
    await type(field('name'), 'a!');
    const nameField = editor().querySelector('[data-field="name"]') as HTMLElement;
    const shown = await waitFor(() => {
      const el = nameField.querySelector('[data-finding-path="name"]');
      expect(el?.getAttribute('data-code')).toBe('name-pattern');
      return el!;
    });
    expect(shown.getAttribute('data-severity')).toBe('error');
    expect(shown.textContent).toMatch(/breaks the pattern/);
    expect(field('name').getAttribute('aria-invalid')).toBe('true');

    await type(field('name'), 'apim-gw');
    await waitFor(() => expect(nameField.querySelector('[data-finding-path]')).toBeNull());
    expect(screen.getByTestId('findings-summary').textContent).toMatch(/2 errors/);
  });

  it('lists findings it cannot place in a field above the form', async () => {
    await openPage({
      drafts: [],
      inspect: (c) => [
        ...defaultFindings(c),
        { severity: 'warning', code: 'unknown-key', path: 'properties.metadata.foo', message: 'Unknown key foo.' },
      ],
    });
    await newConnection('ModelGateway');
    const other = await waitFor(() => {
      const el = editor().querySelector('[data-field="other"] [data-finding-path="properties.metadata.foo"]');
      expect(el).toBeTruthy();
      return el!;
    });
    expect(other.getAttribute('data-severity')).toBe('warning');
  });

  it('moves to another category through the backend', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ApiManagement');
    await fireEvent.click(editor().querySelector('[data-auth="projectManagedIdentity"]') as HTMLElement);
    await fireEvent.click(editor().querySelector('[data-category="ModelGateway"]') as HTMLElement);
    await waitFor(() => expect(backend.callsTo('connection_with_category')).toHaveLength(1));
    const args = backend.callsTo('connection_with_category')[0].args as { connection: Connection; category: string };
    expect(args.category).toBe('ModelGateway');
    expect(args.connection.auth.kind).toBe('projectManagedIdentity');
    await waitFor(() => expect(field('inferenceAPIVersion').value).toBe(''));
    expect(field('deploymentInPath').checked).toBe(false);
    // The backend moved the forbidden auth type to an API key.
    expect((editor().querySelector('[data-auth="apiKey"]') as HTMLInputElement).checked).toBe(true);
    expect((editor().querySelector('[data-auth="projectManagedIdentity"]') as HTMLInputElement).disabled).toBe(true);
    await waitFor(() => expect(lastInspected(backend).category).toBe('ModelGateway'));
  });
});

describe('authentication', () => {
  it('maps the key header presets to metadata.authConfig', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ModelGateway');
    const preset = field<HTMLSelectElement>('authHeaderPreset');
    expect(preset.value).toBe('default');

    await fireEvent.change(preset, { target: { value: 'bearer' } });
    await waitFor(() =>
      expect(lastInspected(backend).metadata.authConfig).toEqual({
        kind: 'api_key',
        headerName: 'Authorization',
        format: 'Bearer {api_key}',
        extra: {},
      }),
    );
    await fireEvent.change(preset, { target: { value: 'ocpApim' } });
    await waitFor(() => expect(lastInspected(backend).metadata.authConfig?.headerName).toBe('Ocp-Apim-Subscription-Key'));

    await fireEvent.change(preset, { target: { value: 'custom' } });
    await type(field('authConfigName'), 'X-Gateway-Key');
    await type(field('authConfigFormat'), 'Token {api_key}');
    await waitFor(() =>
      expect(lastInspected(backend).metadata.authConfig).toEqual({
        kind: 'api_key',
        headerName: 'X-Gateway-Key',
        format: 'Token {api_key}',
        extra: {},
      }),
    );

    await fireEvent.change(preset, { target: { value: 'default' } });
    await waitFor(() => expect(lastInspected(backend).metadata.authConfig).toBeNull());
    expect(field('authConfigName')).toBeNull();

    await fireEvent.change(preset, { target: { value: 'xApiKey' } });
    await fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(saves(backend)).toHaveLength(1));
    expect(saves(backend)[0].connection.metadata.authConfig).toEqual({
      kind: 'api_key',
      headerName: 'x-api-key',
      format: '{api_key}',
      extra: {},
    });
  });

  it('shows portal-style header settings of an imported draft, editable', async () => {
    const portal = draft('d-portal', (c) => {
      c.category = 'ModelGateway';
      c.name = 'portal';
      c.metadata.authHeaderName = 'x-api-key';
      c.metadata.authHeaderFormat = '{api_key}';
    });
    const backend = await openPage({ drafts: [portal] });
    await waitFor(() => expect(field('authHeaderName').value).toBe('x-api-key'));
    expect(editor().textContent).toMatch(/Portal-style key header/);
    await type(field('authHeaderName'), 'api-key');
    await waitFor(() => expect(lastInspected(backend).metadata.authHeaderName).toBe('api-key'));
  });

  it('OAuth2 sends client id, token URL and scopes', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ModelGateway');
    await fireEvent.click(editor().querySelector('[data-auth="oauth2"]') as HTMLElement);
    await type(field('clientId'), '00000000-0000-0000-0000-000000000001');
    await type(field('tokenUrl'), 'https://login.microsoftonline.com/t/oauth2/v2.0/token');
    await fireEvent.click(screen.getByRole('button', { name: /Add scope/ }));
    await type(field('scope'), 'api://gw/.default');
    await waitFor(() =>
      expect(lastInspected(backend).auth).toEqual({
        kind: 'oauth2',
        clientId: '00000000-0000-0000-0000-000000000001',
        clientSecret: null,
        tokenUrl: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
        scopes: ['api://gw/.default'],
      }),
    );
  });
});

describe('models', () => {
  const models = (b: FakeBackend) => lastInspected(b).metadata.models?.map((m) => m.deploymentName);
  const rows = () => [...editor().querySelectorAll<HTMLElement>('[data-model-row]')];
  const rowInput = (row: HTMLElement, name: string) => row.querySelector(`[name="${name}"]`) as HTMLInputElement;
  const action = (row: HTMLElement, name: string) => row.querySelector(`[data-action="${name}"]`) as HTMLElement;

  it('adds, fills, reorders, duplicates and removes rows', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ModelGateway');
    await fireEvent.click(editor().querySelector('[data-models-mode="static"]') as HTMLElement);
    await fireEvent.click(screen.getByTestId('add-model'));
    await fireEvent.click(screen.getByTestId('add-model'));
    expect(rows()).toHaveLength(2);
    await type(rowInput(rows()[0], 'deploymentName'), 'a');
    await type(rowInput(rows()[0], 'modelName'), 'model-a');
    await type(rowInput(rows()[0], 'modelVersion'), '1');
    await fireEvent.change(rowInput(rows()[0], 'format'), { target: { value: 'Anthropic' } });
    await type(rowInput(rows()[1], 'deploymentName'), 'b');
    await waitFor(() => expect(models(backend)).toEqual(['a', 'b']));
    expect(lastInspected(backend).metadata.models![0]).toMatchObject({
      deploymentName: 'a',
      modelName: 'model-a',
      modelVersion: '1',
      format: 'Anthropic',
    });

    await fireEvent.click(action(rows()[1], 'up'));
    await waitFor(() => expect(models(backend)).toEqual(['b', 'a']));

    // Alt+↓ moves the row with the keyboard.
    await fireEvent.keyDown(rowInput(rows()[0], 'deploymentName'), { key: 'ArrowDown', altKey: true });
    await waitFor(() => expect(models(backend)).toEqual(['a', 'b']));

    await fireEvent.click(action(rows()[0], 'duplicate'));
    await waitFor(() => expect(models(backend)).toEqual(['a', 'a', 'b']));
    expect(lastInspected(backend).metadata.models![1].format).toBe('Anthropic');

    await fireEvent.click(action(rows()[2], 'remove'));
    await waitFor(() => expect(models(backend)).toEqual(['a', 'a']));
  });

  it('pastes a JSON models array, and explains bad JSON', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ApiManagement');
    await fireEvent.click(editor().querySelector('[data-models-mode="static"]') as HTMLElement);
    await fireEvent.click(screen.getByTestId('paste-models'));
    const dialog = screen.getByTestId('paste-models-dialog');
    const area = dialog.querySelector('textarea[name="modelsJson"]') as HTMLTextAreaElement;

    await type(area, '[{"name": "x",]');
    await fireEvent.click(dialog.querySelector('[data-paste="replace"]') as HTMLElement);
    expect(screen.getByTestId('paste-error').textContent).toMatch(/not valid JSON/);
    expect(rows()).toHaveLength(0);

    await type(
      area,
      '[{"name":"gpt-4o","properties":{"model":{"name":"gpt-4o","version":"2024-11-20","format":"OpenAI"}}},' +
        '{"name":"claude","properties":{"model":{"name":"claude-sonnet","format":"Anthropic"}}}]',
    );
    await fireEvent.click(dialog.querySelector('[data-paste="replace"]') as HTMLElement);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(rowInput(rows()[1], 'modelName').value).toBe('claude-sonnet');
    await waitFor(() => expect(models(backend)).toEqual(['gpt-4o', 'claude']));
  });

  it('fills dynamic discovery from a preset', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ModelGateway');
    await fireEvent.click(editor().querySelector('[data-models-mode="dynamic"]') as HTMLElement);
    expect(field('listModelsEndpoint').value).toBe('/models');
    await fireEvent.click(editor().querySelector('[data-discovery-preset="apim"]') as HTMLElement);
    expect(field('getModelEndpoint').value).toBe('/deployments/{deploymentName}');
    await waitFor(() =>
      expect(lastInspected(backend).metadata.modelDiscovery).toEqual({
        listModelsEndpoint: '/deployments',
        getModelEndpoint: '/deployments/{deploymentName}',
        deploymentProvider: 'AzureOpenAI',
        extra: {},
      }),
    );
    expect(lastInspected(backend).metadata.models).toBeNull();
  });

  it('tells an empty api-version from an omitted one', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ApiManagement');
    await type(field('inferenceAPIVersion'), '');
    await waitFor(() => expect(lastInspected(backend).metadata.inferenceAPIVersion).toBe(''));
    expect(editor().textContent).toMatch(/\(none\): no api-version is sent/);
    await fireEvent.click(within(editor().querySelector('[data-field="inferenceAPIVersion"]') as HTMLElement).getByRole('button', { name: 'Omit' }));
    await waitFor(() => expect(lastInspected(backend).metadata.inferenceAPIVersion).toBeNull());
  });
});

describe('saving', () => {
  it('sends a secret only when one was typed, then shows it as stored', async () => {
    const backend = await openPage({ drafts: [] });
    await newConnection('ApiManagement');
    await type(field('name'), 'apim-gw');
    await fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(saves(backend)).toHaveLength(1));
    expect(saves(backend)[0]).toMatchObject({ id: null, secrets: [] });
    expect(saves(backend)[0].connection.auth).toEqual({ kind: 'apiKey', key: null });
    await waitFor(() => expect(screen.getByTestId('status').textContent).toMatch(/Saved/));
    // Errors remain (no target, no key): saved as a draft, with a note.
    expect(screen.getByTestId('status').textContent).toMatch(/errors?: Azure would not accept it/);

    await type(field('apiKey'), 's3cret');
    await waitFor(() => expect(lastInspected(backend).auth).toEqual({ kind: 'apiKey', key: { slot: 'apiKey' } }));
    // The typed key never goes to inspect.
    expect(JSON.stringify(backend.callsTo('connection_inspect'))).not.toContain('s3cret');
    await fireEvent.keyDown(window, { key: 's', ctrlKey: true });
    await waitFor(() => expect(saves(backend)).toHaveLength(2));
    expect(saves(backend)[1]).toMatchObject({ id: 'draft-1', secrets: [{ slot: 'apiKey', value: 's3cret' }] });
    await screen.findByTestId('apiKey-stored');
    expect(field('apiKey')).toBeNull();

    await fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(saves(backend)).toHaveLength(3));
    expect(saves(backend)[2].secrets).toEqual([]);
    expect(saves(backend)[2].connection.auth).toEqual({ kind: 'apiKey', key: { slot: 'apiKey' } });
    await waitFor(() => expect(item('draft-1')).toBeTruthy());
  });

  it('replaces a stored key only when a new one is typed', async () => {
    const backend = await openPage();
    await waitFor(() => expect(screen.getByTestId('apiKey-stored').textContent).toMatch(/Stored in the OS keyring/));
    await fireEvent.click(within(screen.getByTestId('apiKey-stored')).getByRole('button', { name: 'Replace' }));
    await type(field('apiKey'), 'new-key');
    await fireEvent.click(screen.getByTestId('save'));
    await waitFor(() => expect(saves(backend)).toHaveLength(1));
    expect(saves(backend)[0]).toMatchObject({ id: 'd-apim', secrets: [{ slot: 'apiKey', value: 'new-key' }] });
  });

  it('says so prominently when the OS keyring is unavailable', async () => {
    await openPage({
      drafts: [APIM],
      saveError: {
        kind: 'keyring',
        message: 'no Secret Service provider is running',
        details: { available: false },
      },
    });
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    await type(field('name'), 'apim-prod-2');
    await fireEvent.click(screen.getByTestId('save'));
    const status = await screen.findByTestId('status');
    expect(status.getAttribute('role')).toBe('alert');
    expect(status.getAttribute('data-kind')).toBe('keyring');
    expect(status.textContent).toMatch(/OS keyring is not available/);
    expect(status.textContent).toMatch(/No Secret Service provider is running/);
    expect(status.textContent).toMatch(/Nothing was saved/);
    // Still dirty: nothing was saved.
    expect(screen.getByTestId('dirty')).toBeTruthy();
  });

  it('reverts to what was saved', async () => {
    await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    expect(screen.getByTestId<HTMLButtonElement>('revert').disabled).toBe(true);
    await type(field('name'), 'changed');
    expect(screen.getByTestId('dirty')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('revert'));
    expect(field('name').value).toBe('apim-prod');
    expect(screen.queryByTestId('dirty')).toBeNull();
  });

  it('deletes after confirmation', async () => {
    const backend = await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    await fireEvent.click(screen.getByTestId('delete'));
    const dialog = screen.getByTestId('confirm-delete-dialog') as HTMLDialogElement;
    await waitFor(() => expect(dialog.open).toBe(true));
    expect(dialog.textContent).toMatch(/apim-prod/);
    await fireEvent.click(screen.getByTestId('confirm-delete'));
    await waitFor(() => expect(backend.callsTo('connection_delete')[0]?.args).toEqual({ id: 'd-apim' }));
    await waitFor(() => expect(item('d-apim')).toBeNull());
    // The next draft opens.
    await waitFor(() => expect(field('name').value).toBe('litellm'));
  });
});

describe('unsaved changes', () => {
  async function choose(choice: 'save' | 'discard' | 'cancel') {
    const dialog = screen.getByTestId('unsaved-dialog') as HTMLDialogElement;
    await waitFor(() => expect(dialog.open).toBe(true));
    await fireEvent.click(dialog.querySelector(`[data-choice="${choice}"]`) as HTMLElement);
    await waitFor(() => expect(dialog.open).toBe(false));
  }

  it('asks before switching drafts: cancel stays, discard goes', async () => {
    const backend = await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    await type(field('name'), 'apim-edited');
    await fireEvent.click(item('d-gw'));
    await choose('cancel');
    expect(field('name').value).toBe('apim-edited');
    expect(backend.callsTo('connection_get').map((c) => c.args)).toEqual([{ id: 'd-apim' }]);

    await fireEvent.click(item('d-gw'));
    await choose('discard');
    await waitFor(() => expect(field('name').value).toBe('litellm'));
    expect(saves(backend)).toHaveLength(0);
  });

  it('asks before leaving the page, and can save first', async () => {
    const backend = await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    await type(field('name'), 'apim-edited');

    window.location.hash = '#/checks';
    await choose('cancel');
    expect(document.querySelector('[data-page]')?.getAttribute('data-page')).toBe('connections');
    expect(window.location.hash).toBe('#/connections');

    await fireEvent.keyDown(window, { key: '3', code: 'Digit3', ctrlKey: true });
    await choose('save');
    await waitFor(() => expect(document.querySelector('[data-page]')?.getAttribute('data-page')).toBe('checks'));
    expect(saves(backend)).toHaveLength(1);
    expect(saves(backend)[0].connection.name).toBe('apim-edited');
  });

  it('does not ask when nothing changed', async () => {
    await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    window.location.hash = '#/history';
    await waitFor(() => expect(document.querySelector('[data-page]')?.getAttribute('data-page')).toBe('history'));
  });
});

describe('export and import', () => {
  it('shows the export text for each format', async () => {
    const backend = await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    await fireEvent.click(screen.getByTestId('export'));
    const dialog = screen.getByTestId('export-dialog');
    await waitFor(() => expect(within(dialog).getByTestId('export-output').textContent).toMatch(/^# arm export of apim-prod/));
    expect(dialog.textContent).toMatch(/placeholders/);
    for (const format of ['az', 'bicep', 'terraform', 'parameters']) {
      await fireEvent.click(dialog.querySelector(`[data-format="${format}"]`) as HTMLElement);
      await waitFor(() =>
        expect(within(dialog).getByTestId('export-output').textContent).toMatch(new RegExp(`^# ${format} export`)),
      );
    }
    expect(backend.callsTo('connection_export').map((c) => (c.args as { format: string }).format)).toEqual([
      'arm',
      'az',
      'bicep',
      'terraform',
      'parameters',
    ]);
  });

  it('Ctrl+E opens the export dialog', async () => {
    await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    await fireEvent.keyDown(window, { key: 'e', ctrlKey: true });
    await waitFor(() => expect((screen.getByTestId('export-dialog') as HTMLDialogElement).open).toBe(true));
  });

  it('imports pasted JSON, opens the new draft and shows the file’s findings', async () => {
    const imported = draft('d-imported', (c) => {
      c.category = 'ModelGateway';
      c.name = 'from-file';
      c.target = 'https://gw.example.com';
    });
    const fileFinding: Finding = {
      severity: 'warning',
      code: 'metadata-value-not-string',
      path: 'properties.metadata.deploymentInPath',
      message: 'deploymentInPath was a boolean; it is now the string "false".',
    };
    const backend = await openPage({
      drafts: [APIM],
      importResult: (text) =>
        text.includes('properties')
          ? { draft: imported, findings: [fileFinding] }
          : {
              kind: 'invalidFile',
              message: 'The file is not valid JSON: expected value (line 1, column 2).',
              details: { path: '$', code: 'invalid-json' },
            },
    });
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    await fireEvent.click(screen.getByTestId('import-connection'));
    const dialog = screen.getByTestId('import-dialog');
    const area = dialog.querySelector('textarea[name="importText"]') as HTMLTextAreaElement;

    await type(area, 'nope');
    await fireEvent.click(within(dialog).getByTestId('import-submit'));
    await waitFor(() => expect(within(dialog).getByTestId('import-error').textContent).toMatch(/not valid JSON: expected value \(line 1/));

    await type(area, '{"properties": {"category": "ModelGateway"}}');
    await fireEvent.click(within(dialog).getByTestId('import-submit'));
    await waitFor(() => expect(field('name').value).toBe('from-file'));
    expect(backend.callsTo('connection_import').at(-1)!.args).toEqual({
      text: '{"properties": {"category": "ModelGateway"}}',
    });
    await waitFor(() => expect(item('d-imported')?.getAttribute('aria-selected')).toBe('true'));
    expect(screen.getByTestId('status').textContent).toMatch(/Imported/);
    await waitFor(() =>
      expect(editor().querySelector('[data-finding-path="properties.metadata.deploymentInPath"]')?.textContent).toMatch(
        /was a boolean/,
      ),
    );
  });
});

describe('ARM preview', () => {
  it('shows the masked body from inspect, tinted with spans', async () => {
    await openPage();
    await waitFor(() => expect(field('name').value).toBe('apim-prod'));
    if (!document.querySelector('[data-testid="arm-preview"]')) {
      await fireEvent.click(screen.getByRole('button', { name: 'Findings and ARM body' }));
    }
    const preview = await screen.findByTestId('arm-preview');
    await waitFor(() => expect(preview.textContent).toMatch(/"category": "ApiManagement"/));
    expect(preview.textContent).toContain('"key": "********"');
    expect(preview.querySelector('.key')?.textContent).toBe('"name"');
    await type(field('name'), 'renamed');
    await waitFor(() => expect(preview.textContent).toMatch(/"name": "renamed"/));
  });
});
