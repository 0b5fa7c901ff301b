import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, settingsWith, type FakeBackend } from '../test/backend';
import { ARM_NOT_FOUND, CREDENTIAL_EXPIRED, SANDBOX_SCOPE, type AzureOptions } from '../test/azure';
import { draft } from '../test/connections';
import { connectionRow, filterRows } from './rows';
import { armConnection } from '../test/azure';

afterEach(resetWindow);

function openAzure(azure: AzureOptions = {}, drafts = [GATEWAY_DRAFT]): FakeBackend {
  const backend = fakeBackend({ settings: settingsWith({ cloud: 'public' }), azure, connections: { drafts } });
  window.history.replaceState(null, '', '/#/azure');
  render(App);
  return backend;
}

const GATEWAY_DRAFT = draft(
  'd-new',
  (c) => {
    c.category = 'ModelGateway';
    c.name = 'litellm-prod';
    c.target = 'https://llm.contoso.com/v1';
    c.metadata.models = [
      { deploymentName: 'gpt-4o', modelName: 'gpt-4o', modelVersion: '', format: 'OpenAI', extra: {}, propertiesExtra: {}, modelExtra: {} },
    ];
  },
  ['apiKey'],
);

const picker = (level: string) => screen.getByTestId(`azure-picker-${level}`);
const rowNames = () => screen.queryAllByTestId('azure-connection-row').map((r) => r.getAttribute('data-name'));

async function pick(level: string, value: string) {
  // The list may still be loading: the trigger is enabled once there is something to pick.
  const trigger = within(picker(level)).getByRole('button', { expanded: false });
  await waitFor(() => expect(picker(level).getAttribute('data-state')).toBe('ready'));
  await fireEvent.click(trigger);
  const option = await waitFor(() => {
    const o = picker(level).querySelector(`[role="option"][data-value="${value}"]`);
    expect(o, `${level} ${value}: ${picker(level).textContent}`).not.toBeNull();
    return o as HTMLElement;
  });
  await fireEvent.click(option);
}

describe('Azure page', () => {
  it('restores the remembered pick level by level and lists gateway connections first', async () => {
    openAzure();
    await waitFor(() => expect(picker('project').getAttribute('data-value')).toBe('sandbox-project'));
    expect(picker('subscription').textContent).toContain('Sandbox subscription');
    expect(picker('resource-group').textContent).toContain('rg-gateway-sandbox');
    expect(picker('account').textContent).toContain('sandbox-foundry');
    await waitFor(() => expect(rowNames()).toEqual(['sandbox-apim', 'sandbox-openai', 'blob-storage']));
    const apim = screen.getAllByTestId('azure-connection-row')[0];
    expect(apim.textContent).toContain('ApiManagement');
    expect(apim.textContent).toContain('2 models');
    expect(within(apim).getByTestId('azure-open')).toBeTruthy();
    // A non-gateway connection is listed, but there is nothing to edit in it here.
    const blob = screen.getAllByTestId('azure-connection-row')[2];
    expect(within(blob).queryByTestId('azure-open')).toBeNull();
    expect(screen.getByTestId('azure-identity').textContent).toContain('Sandbox');
  });

  it('walks the cascade from the top when nothing is remembered, and saves the pick', async () => {
    const backend = openAzure({ noScope: true });
    await waitFor(() => expect(screen.getByTestId('azure-pick-prompt')).toBeTruthy());
    expect(within(picker('resource-group')).getByRole('button').hasAttribute('disabled')).toBe(true);

    await pick('subscription', SANDBOX_SCOPE.subscriptionId);
    await pick('resource-group', 'rg-gateway-sandbox');
    // A non-Foundry account is shown, but cannot be picked.
    await fireEvent.click(within(picker('account')).getByRole('button'));
    await waitFor(() => expect(picker('account').querySelector('[data-value="legacy-openai"]')).not.toBeNull());
    expect(picker('account').querySelector('[data-value="legacy-openai"]')!.getAttribute('aria-disabled')).toBe('true');
    await fireEvent.click(picker('account').querySelector('[data-value="sandbox-foundry"]')!);
    await pick('project', '');

    await waitFor(() => expect(rowNames()).toEqual(['shared-gateway']));
    expect(backend.azure.scope).toEqual({ ...SANDBOX_SCOPE, project: null });
  });

  it('filters the pickers with the keyboard: type, arrows, Enter', async () => {
    openAzure({ noScope: true });
    await pick('subscription', SANDBOX_SCOPE.subscriptionId);
    const trigger = within(picker('resource-group')).getByRole('button');
    await waitFor(() => expect(trigger.hasAttribute('disabled')).toBe(false));
    await fireEvent.keyDown(trigger, { key: 'ArrowDown' });
    const filter = await within(picker('resource-group')).findByRole('combobox');
    await fireEvent.input(filter, { target: { value: 'other' } });
    expect(picker('resource-group').querySelectorAll('[role="option"]')).toHaveLength(1);
    await fireEvent.keyDown(filter, { key: 'Enter' });
    await waitFor(() => expect(picker('resource-group').getAttribute('data-value')).toBe('rg-other'));
    // rg-other has no account: the empty state says so.
    await fireEvent.click(within(picker('account')).getByRole('button'));
    await waitFor(() => expect(picker('account').textContent).toContain('No Cognitive Services account'));
  });

  it('filters the connections table', async () => {
    openAzure();
    await waitFor(() => expect(rowNames()).toHaveLength(3));
    await fireEvent.input(screen.getByTestId('azure-filter'), { target: { value: 'modelgateway' } });
    expect(rowNames()).toEqual(['sandbox-openai']);
    await fireEvent.input(screen.getByTestId('azure-filter'), { target: { value: 'nothing-like-this' } });
    expect(screen.getByTestId('azure-connections').textContent).toContain('No connection matches');
  });

  it('opens a connection as a linked draft in the editor', async () => {
    const backend = openAzure();
    await waitFor(() => expect(rowNames()).toHaveLength(3));
    await fireEvent.click(within(screen.getAllByTestId('azure-connection-row')[1]).getByTestId('azure-open'));
    await waitFor(() => expect(document.querySelector('[data-page]')?.getAttribute('data-page')).toBe('connections'));
    await waitFor(() =>
      expect((document.querySelector('[data-testid="connection-editor"] [name="name"]') as HTMLInputElement)?.value).toBe('sandbox-openai'),
    );
    expect(screen.getByTestId('linked').textContent).toContain('sandbox-project');
    expect(backend.callsTo('azure_connection_open')[0].args).toEqual({
      parent: { account: { subscriptionId: SANDBOX_SCOPE.subscriptionId, resourceGroup: 'rg-gateway-sandbox', account: 'sandbox-foundry' }, project: 'sandbox-project' },
      name: 'sandbox-openai',
    });
  });

  it('deletes only after a confirmation that names the connection and the level', async () => {
    const backend = openAzure();
    await waitFor(() => expect(rowNames()).toHaveLength(3));
    await fireEvent.click(within(screen.getAllByTestId('azure-connection-row')[0]).getByTestId('azure-delete'));
    const dialog = screen.getByTestId('azure-delete-dialog');
    await waitFor(() => expect(dialog.textContent).toContain('sandbox-apim'));
    expect(dialog.textContent).toContain('project sandbox-project of sandbox-foundry');
    expect(backend.callsTo('azure_connection_delete')).toHaveLength(0);
    await fireEvent.click(within(dialog).getByTestId('delete-confirm'));
    await waitFor(() => expect(rowNames()).toEqual(['sandbox-openai', 'blob-storage']));
    expect(screen.getByTestId('azure-notice').textContent).toContain('sandbox-apim was deleted');
  });

  it('shows an ARM error with the missing level, the correlation id and the exchanges', async () => {
    openAzure({ errors: { azure_connections: ARM_NOT_FOUND } });
    const note = await screen.findByTestId('azure-connections-error');
    expect(note.textContent).toContain('Foundry account not found');
    expect(note.textContent).toContain('pick it again on the Azure page');
    expect(within(note).getByTestId('correlation-id').textContent).toContain('c0ffee00-1111-2222-3333-444455556666');
    await fireEvent.click(within(note).getByTestId('arm-exchanges'));
    await waitFor(() => expect(note.textContent).toContain('404'));
  });

  it('explains a sign-in failure with the command that fixes it', async () => {
    openAzure({ errors: { azure_whoami: CREDENTIAL_EXPIRED, azure_subscriptions: CREDENTIAL_EXPIRED } });
    const note = await screen.findByTestId('azure-sign-in-error');
    expect(note.textContent).toContain('login has expired');
    expect(note.querySelector('.command code')?.textContent).toBe('az login --tenant contoso.onmicrosoft.com');
    expect(within(note).getByRole('button', { name: 'Open sign-in settings' })).toBeTruthy();
  });

  it('lists the account’s model deployments', async () => {
    openAzure();
    await waitFor(() => expect(rowNames()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('azure-tab-deployments'));
    const rows = screen.getAllByTestId('azure-deployment-row');
    expect(rows.map((r) => r.getAttribute('data-name'))).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(rows[0].textContent).toContain('GlobalStandard');
  });
});

describe('deploy dialog', () => {
  async function openDeploy(azure: AzureOptions = {}) {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'public' }), azure, connections: { drafts: [GATEWAY_DRAFT] } });
    window.history.replaceState(null, '', '/#/connections');
    render(App);
    await waitFor(() => expect((document.querySelector('[name="name"]') as HTMLInputElement)?.value).toBe('litellm-prod'));
    await fireEvent.click(screen.getByTestId('deploy-button'));
    const dialog = screen.getByTestId('deploy-dialog');
    return { backend, dialog };
  }

  it('shows the plan, deploys, links the draft and lists it on the Azure page', async () => {
    const { backend, dialog } = await openDeploy();
    await waitFor(() => expect(within(dialog).getByTestId('deploy-action').getAttribute('data-action')).toBe('create'));
    expect(dialog.textContent).toContain('project sandbox-project of sandbox-foundry');
    // A create lists its fields on request (all of them are new).
    expect(within(dialog).queryByTestId('deploy-changes')).toBeNull();
    await fireEvent.click(within(dialog).getByRole('button', { name: /The 2 fields it will have/ }));
    expect(within(dialog).getByTestId('deploy-changes').textContent).toContain('********');
    await fireEvent.click(within(dialog).getByTestId('deploy-confirm'));
    await waitFor(() => expect(within(dialog).getByTestId('deploy-done').textContent).toContain('litellm-prod was created'));
    expect(backend.callsTo('azure_deploy')[0].args).toMatchObject({ draftId: 'd-new', confirmed: false });
    await waitFor(() => expect(screen.getByTestId('linked')).toBeTruthy());

    await fireEvent.click(within(dialog).getByTestId('deploy-show'));
    await waitFor(() => expect(document.querySelector('[data-page]')?.getAttribute('data-page')).toBe('azure'));
    await waitFor(() => expect(rowNames()).toContain('litellm-prod'));
  });

  it('keeps Deploy disabled while a blocker stands', async () => {
    const { backend, dialog } = await openDeploy({
      blockers: [{ code: 'secret-missing', message: 'The API key is not in the keyring.', fix: 'Type the key in the editor and save.' }],
    });
    const blockers = await within(dialog).findByTestId('deploy-blockers');
    expect(blockers.textContent).toContain('Type the key in the editor and save.');
    expect((within(dialog).getByTestId('deploy-confirm') as HTMLButtonElement).disabled).toBe(true);
    expect(backend.callsTo('azure_deploy')).toHaveLength(0);
  });

  it('asks for every confirmation before it sends, then sends confirmed', async () => {
    const { backend, dialog } = await openDeploy({
      confirmations: [{ code: 'field-removed', message: 'metadata.customHeaders exists on Azure and is not in the draft.', fix: 'Add it back, or confirm.' }],
    });
    const list = await within(dialog).findByTestId('deploy-confirmations');
    const deployButton = within(dialog).getByTestId('deploy-confirm') as HTMLButtonElement;
    expect(deployButton.disabled).toBe(true);
    await fireEvent.click(within(list).getByRole('checkbox'));
    await waitFor(() => expect(deployButton.disabled).toBe(false));
    await fireEvent.click(deployButton);
    await waitFor(() => expect(within(dialog).getByTestId('deploy-done')).toBeTruthy());
    expect(backend.callsTo('azure_deploy')[0].args).toMatchObject({ confirmed: true });
  });

  it('asks to save unsaved changes first (the deploy sends the saved draft)', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'public' }), connections: { drafts: [GATEWAY_DRAFT] } });
    window.history.replaceState(null, '', '/#/connections');
    render(App);
    const name = await waitFor(() => {
      const el = document.querySelector('[name="name"]') as HTMLInputElement;
      expect(el?.value).toBe('litellm-prod');
      return el;
    });
    await fireEvent.input(name, { target: { value: 'litellm-renamed' } });
    await fireEvent.click(screen.getByTestId('deploy-button'));
    const dialog = screen.getByTestId('deploy-dialog');
    await within(dialog).findByTestId('deploy-unsaved');
    expect(backend.callsTo('azure_deploy_plan')).toHaveLength(0);
    await fireEvent.click(within(dialog).getByTestId('deploy-save'));
    await waitFor(() => expect(within(dialog).getByTestId('deploy-action')).toBeTruthy());
    expect(backend.connections.drafts.get('d-new')!.connection.name).toBe('litellm-renamed');
  });

  it('says where to pick a target when there is none', async () => {
    const { dialog } = await openDeploy({ noScope: true });
    await within(dialog).findByTestId('deploy-no-target');
  });
});

describe('account deployments as model rows', () => {
  it('adds the picked deployments to the static list, skipping those already there', async () => {
    fakeBackend({ settings: settingsWith({ cloud: 'public' }), connections: { drafts: [GATEWAY_DRAFT] } });
    window.history.replaceState(null, '', '/#/connections');
    render(App);
    await waitFor(() => expect((document.querySelector('[name="name"]') as HTMLInputElement)?.value).toBe('litellm-prod'));
    await fireEvent.click(screen.getByTestId('models-from-deployments'));
    const dialog = screen.getByTestId('account-deployments-dialog');
    const box = await waitFor(() => {
      const b = dialog.querySelector('[data-deployment="gpt-4o-mini"]') as HTMLInputElement;
      expect(b).not.toBeNull();
      return b;
    });
    expect((dialog.querySelector('[data-deployment="gpt-4o"]') as HTMLInputElement).disabled).toBe(true);
    await fireEvent.click(box);
    await fireEvent.click(within(dialog).getByTestId('account-deployments-add'));
    await waitFor(() =>
      expect([...document.querySelectorAll('[data-testid="connection-editor"] [name="deploymentName"]')].map((e) => (e as HTMLInputElement).value)).toContain('gpt-4o-mini'),
    );
  });
});

describe('sign-in settings', () => {
  it('stores a service principal with its secret sent once, to the keyring', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'public' }) });
    window.history.replaceState(null, '', '/#/settings');
    render(App);
    const card = await screen.findByTestId('sign-in-card');
    await fireEvent.click(within(card).getByTestId('sign-in-servicePrincipal'));
    await fireEvent.input(within(card).getByTestId('sign-in-tenant'), { target: { value: 'contoso.onmicrosoft.com' } });
    await fireEvent.input(within(card).getByTestId('sign-in-client-id'), { target: { value: '00000000-aaaa-bbbb-cccc-111111111111' } });
    await fireEvent.input(within(card).getByTestId('sign-in-client-secret'), { target: { value: 's3cr3t-value' } });
    await fireEvent.click(within(card).getByTestId('sign-in-save'));
    await waitFor(() => expect(within(card).getByTestId('sign-in-secret-stored')).toBeTruthy());
    expect(backend.azure.secrets).toEqual(['s3cr3t-value']);
    expect(backend.azure.signIn.method).toEqual({ kind: 'servicePrincipal', tenantId: 'contoso.onmicrosoft.com', clientId: '00000000-aaaa-bbbb-cccc-111111111111' });
    expect(card.textContent).not.toContain('s3cr3t-value');

    await fireEvent.click(within(card).getByTestId('sign-in-test'));
    await waitFor(() => expect(within(card).getByTestId('sign-in-identity').textContent).toContain('Sandbox'));
  });

  it('names the field the backend refused', async () => {
    fakeBackend({ settings: settingsWith({ cloud: 'public' }) });
    window.history.replaceState(null, '', '/#/settings');
    render(App);
    const card = await screen.findByTestId('sign-in-card');
    await fireEvent.click(within(card).getByTestId('sign-in-servicePrincipal'));
    await fireEvent.click(within(card).getByTestId('sign-in-save'));
    const error = await within(card).findByTestId('sign-in-save-error');
    expect(error.textContent).toContain('method.tenantId');
    expect(within(card).getByTestId('sign-in-tenant').getAttribute('aria-invalid')).toBe('true');
  });

  it('shows the custom cloud endpoints only for the Custom cloud', async () => {
    fakeBackend({ settings: settingsWith({ cloud: 'custom' }) });
    window.history.replaceState(null, '', '/#/settings');
    render(App);
    const card = await screen.findByTestId('sign-in-card');
    expect(within(card).getByTestId('custom-armEndpoint')).toBeTruthy();
  });
});

describe('rows', () => {
  it('reads model counts from the JSON-encoded metadata and filters on every word', () => {
    const rows = [
      armConnection('a', 'ApiManagement', 'project', { metadata: { models: '[{"name":"x"}]' } }),
      armConnection('b', 'ModelGateway', 'account', { metadata: { models: 'not json' } }),
    ].map(connectionRow);
    expect(rows.map((r) => r.models)).toEqual(['1 model', '—']);
    expect(filterRows(rows, 'gateway b').map((r) => r.name)).toEqual(['b']);
  });
});
