import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, fakeBackend, READY_INFO, resetWindow, SCHEMA_TOO_NEW, settingsWith } from '../test/backend';
import { SANDBOX_START_FAILED } from '../test/cloud';
import { draft } from '../test/connections';
import App from './App.svelte';

afterEach(resetWindow);

function start(hash = '') {
  window.history.replaceState(null, '', `/${hash}`);
  return render(App);
}

const welcome = () => screen.queryByTestId('welcome') as HTMLDialogElement | null;
const firstRun = () => document.querySelector('.shell')?.getAttribute('data-first-run');

/** The first-run question has been decided one way or the other. */
async function decided() {
  await waitFor(() => expect(firstRun()).not.toBe('pending'));
}

describe('first-run screen: when it shows', () => {
  it('shows on a fresh install with no connection, as a modal with focus on the sandbox', async () => {
    fakeBackend({ settings: DEFAULT_SETTINGS });
    start();
    const dialog = await screen.findByTestId('welcome');
    expect((dialog as HTMLDialogElement).open).toBe(true);
    expect(within(dialog).getByRole('heading', { level: 1 }).textContent).toBe('Welcome to Gateway Studio');
    expect(document.activeElement).toBe(screen.getByTestId('welcome-sandbox'));
    // Each choice is a button named by its title and described by its sentence.
    const sandbox = screen.getByRole('button', { name: /Try the sandbox/ });
    expect(sandbox.getAttribute('aria-describedby')).toBeTruthy();
    expect(sandbox.textContent).toMatch(/Azure Resource Manager, the Foundry Agent Service and two sample gateways/);
    expect(sandbox.textContent).toMatch(/nothing leaves this machine/);
    expect(screen.getByRole('button', { name: 'Import a connection file' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Start from scratch' })).toBeTruthy();
    expect(screen.getByTestId('welcome-skip')).toBeTruthy();
  });

  it('does not show once answered', async () => {
    const backend = fakeBackend({ settings: settingsWith({ welcomed: true }) });
    start();
    await decided();
    expect(firstRun()).toBe('no');
    expect(welcome()).toBeNull();
    // Answered is enough: the drafts are not even asked for.
    expect(backend.callsTo('connection_list').length).toBeLessThanOrEqual(1);
  });

  it('does not show when connections already exist (an upgrade), even if never answered', async () => {
    fakeBackend({
      settings: DEFAULT_SETTINGS,
      connections: { drafts: [draft('d-1', (c) => (c.name = 'existing-gw'))] },
    });
    start();
    await decided();
    expect(welcome()).toBeNull();
    expect(await screen.findByDisplayValue('existing-gw')).toBeTruthy();
  });

  it('does not show when the settings cannot be read (the answer could not be saved)', async () => {
    fakeBackend({
      settings: DEFAULT_SETTINGS,
      appInfo: { ...READY_INFO, storage: { status: 'unavailable', error: SCHEMA_TOO_NEW } },
      settingsError: SCHEMA_TOO_NEW,
    });
    start();
    await decided();
    expect(welcome()).toBeNull();
  });

  it('keeps the page shortcuts away while it shows', async () => {
    fakeBackend({ settings: DEFAULT_SETTINGS });
    start('#/connections');
    await screen.findByTestId('welcome');
    await fireEvent.keyDown(window, { key: '2', code: 'Digit2', ctrlKey: true });
    expect(window.location.hash).toBe('#/connections');
  });
});

describe('first-run screen: the choices', () => {
  it('"Try the sandbox" shows progress, then lands on Connections with the two seeded drafts', async () => {
    const backend = fakeBackend({ settings: DEFAULT_SETTINGS });
    start('#/settings');
    const button = await screen.findByTestId('welcome-sandbox');
    const release = backend.cloud.hold();
    await fireEvent.click(button);

    await waitFor(() => expect(button.getAttribute('aria-busy')).toBe('true'));
    expect(button.textContent).toMatch(/Starting the sandbox…/);
    expect((screen.getByTestId('welcome-skip') as HTMLButtonElement).disabled).toBe(true);
    // Escape does not walk away from a start in progress.
    await fireEvent.keyDown(welcome()!, { key: 'Escape' });
    expect(welcome()).not.toBeNull();

    release();
    await waitFor(() => expect(welcome()).toBeNull());
    expect(backend.callsTo('cloud_select').map((c) => c.args)).toEqual([{ cloud: 'sandbox' }]);
    expect(backend.settings()).toMatchObject({ cloud: 'sandbox', welcomed: true });
    expect(window.location.hash).toBe('#/connections');

    const list = await screen.findByTestId('connection-list');
    await waitFor(() => expect(list.textContent).toContain('sandbox-openai'));
    expect(list.textContent).toContain('sandbox-apim');
    expect((await screen.findByTestId('sandbox-banner')).getAttribute('data-state')).toBe('running');
    // One of them is open in the editor.
    await screen.findByTestId('connection-editor');
  });

  it('a failed start stays on the screen with the message, the hint and a retry that works', async () => {
    const backend = fakeBackend({ settings: DEFAULT_SETTINGS, cloud: { startFailures: [SANDBOX_START_FAILED] } });
    start();
    await fireEvent.click(await screen.findByTestId('welcome-sandbox'));

    const error = await screen.findByTestId('welcome-error');
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toMatch(/The sandbox could not start/);
    expect(error.textContent).toMatch(/address in use/);
    expect(error.textContent).toMatch(/falls back to free ports/);
    expect(welcome()).not.toBeNull();
    expect(backend.settings()).toMatchObject({ cloud: 'public', welcomed: false });
    const retry = screen.getByTestId('welcome-retry');
    await waitFor(() => expect(document.activeElement).toBe(retry));

    await fireEvent.click(retry);
    await waitFor(() => expect(welcome()).toBeNull());
    expect(backend.cloud.starts).toBe(2);
    expect(backend.settings()).toMatchObject({ cloud: 'sandbox', welcomed: true });
    expect((await screen.findByTestId('sandbox-banner')).getAttribute('data-state')).toBe('running');
  });

  it('skipping after a failed start leaves no failure behind', async () => {
    fakeBackend({ settings: DEFAULT_SETTINGS, cloud: { startFailures: [SANDBOX_START_FAILED] } });
    start();
    await fireEvent.click(await screen.findByTestId('welcome-sandbox'));
    await screen.findByTestId('welcome-error');
    await fireEvent.click(screen.getByTestId('welcome-skip'));
    await waitFor(() => expect(welcome()).toBeNull());
    expect(screen.queryByTestId('sandbox-banner')).toBeNull();
  });

  it('"Import a connection file" answers the question and opens the import dialog', async () => {
    const backend = fakeBackend({ settings: DEFAULT_SETTINGS });
    start();
    await fireEvent.click(await screen.findByTestId('welcome-import'));
    await waitFor(() => expect(welcome()).toBeNull());
    const dialog = await screen.findByRole('dialog', { name: /Import/ });
    expect((dialog as HTMLDialogElement).open).toBe(true);
    expect(backend.settings().welcomed).toBe(true);
    expect(backend.callsTo('cloud_select')).toHaveLength(0);
  });

  it('"Start from scratch" opens the new-connection menu on Connections', async () => {
    const backend = fakeBackend({ settings: DEFAULT_SETTINGS });
    start('#/history');
    await fireEvent.click(await screen.findByTestId('welcome-scratch'));
    await waitFor(() => expect(window.location.hash).toBe('#/connections'));
    const menu = await screen.findByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent)).toEqual(
      expect.arrayContaining([expect.stringContaining('ApiManagement'), expect.stringContaining('ModelGateway')]),
    );
    expect(backend.settings().welcomed).toBe(true);
  });

  it.each([
    ['the Skip button', async () => fireEvent.click(screen.getByTestId('welcome-skip'))],
    ['Escape', async () => fireEvent.keyDown(welcome()!, { key: 'Escape' })],
  ])('%s closes it for good, and keeps the theme and network settings', async (_, dismiss) => {
    const stored = { ...DEFAULT_SETTINGS, theme: 'dark' as const, network: { caBundles: ['/etc/ca.pem'], checkTimeoutSecs: 90 } };
    const backend = fakeBackend({ settings: stored });
    const view = start('#/checks');
    await screen.findByTestId('welcome');
    await dismiss();
    await waitFor(() => expect(welcome()).toBeNull());
    expect(backend.settings()).toEqual({ ...stored, welcomed: true });
    expect(backend.callsTo('cloud_select')).toHaveLength(0);
    await waitFor(() => expect(document.activeElement?.id).toBe('main-content'));
    expect(window.location.hash).toBe('#/connections');

    view.unmount();
    start();
    await decided();
    expect(welcome()).toBeNull();
  });

  it('a theme saved after the answer does not bring the screen back', async () => {
    const backend = fakeBackend({ settings: DEFAULT_SETTINGS });
    start();
    await fireEvent.click(await screen.findByTestId('welcome-skip'));
    await waitFor(() => expect(backend.settings().welcomed).toBe(true));
    window.location.hash = '#/settings';
    const dark = await waitFor(() => {
      const option = document.querySelector<HTMLElement>('[data-theme-option="dark"]');
      expect(option).not.toBeNull();
      return option!;
    });
    await fireEvent.click(dark);
    await waitFor(() => expect(backend.settings().theme).toBe('dark'));
    expect(backend.settings().welcomed).toBe(true);
  });
});
