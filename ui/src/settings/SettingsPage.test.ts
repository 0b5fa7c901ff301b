import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../shell/App.svelte';
import { fakeBackend, fakeColorScheme, PATHS, READY_INFO, resetWindow, SCHEMA_TOO_NEW, settingsWith } from '../test/backend';
import { SANDBOX_START_FAILED, SANDBOX_VIEW } from '../test/cloud';

afterEach(resetWindow);

function openSettings() {
  window.history.replaceState(null, '', '/#/settings');
  return render(App);
}

function option(theme: string): HTMLInputElement {
  return document.querySelector(`[data-theme-option="${theme}"]`) as HTMLInputElement;
}

describe('Settings', () => {
  it('shows folders, database file, schema version and size from appInfo', async () => {
    fakeBackend();
    openSettings();
    await waitFor(() => expect(screen.getByTestId('data-dir').textContent).toBe(PATHS.dataDir));
    expect(screen.getByTestId('log-dir').textContent).toBe(PATHS.logDir);
    const db = screen.getByTestId('database-path');
    expect(db.textContent).toBe(PATHS.databasePath);
    expect(db.querySelector('code')?.getAttribute('title')).toBe(PATHS.databasePath);
    expect(screen.getByTestId('schema-version').textContent?.trim()).toBe('3 of 3');
    expect(screen.getByTestId('database-size').textContent?.trim()).toBe('96 KiB');
    expect(screen.getByTestId('version').textContent?.trim()).toBe(PATHS.version);
  });

  it('offers System, Light and Dark as a radio group with the stored choice checked', async () => {
    fakeBackend({ settings: settingsWith({ theme: 'light' }) });
    openSettings();
    const group = screen.getByRole('radiogroup', { name: 'Theme' });
    expect(group.querySelectorAll('input[type="radio"]')).toHaveLength(3);
    await waitFor(() => expect(option('light').checked).toBe(true));
    expect(option('system').checked).toBe(false);
  });

  it('saves a theme through settingsSet and applies it at once', async () => {
    fakeColorScheme(false);
    const backend = fakeBackend();
    openSettings();
    await waitFor(() => expect(backend.callsTo('settings_get')).toHaveLength(1));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));

    await fireEvent.click(option('dark'));

    expect(document.documentElement.dataset.theme).toBe('dark');
    await waitFor(() => expect(backend.callsTo('settings_set')).toHaveLength(1));
    // The network settings as read go along unchanged.
    expect(backend.callsTo('settings_set')[0].args).toEqual({ settings: settingsWith({ theme: 'dark' }) });
    expect(option('dark').checked).toBe(true);
    expect(screen.queryByTestId('theme-save-error')).toBeNull();
  });

  it('"System" follows the operating system, live', async () => {
    const scheme = fakeColorScheme(true);
    fakeBackend({ settings: settingsWith({ theme: 'light' }) });
    openSettings();
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));

    await fireEvent.click(option('system'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    scheme.setDark(false);
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('follows the system theme when storage is unavailable, and says a choice cannot be saved', async () => {
    fakeColorScheme(true);
    fakeBackend({
      appInfo: { ...READY_INFO, storage: { status: 'unavailable', error: SCHEMA_TOO_NEW } },
      settingsError: SCHEMA_TOO_NEW,
    });
    openSettings();
    await screen.findByTestId('storage-error');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(screen.getByTestId('schema-version').textContent).toMatch(/7 — newer than this build supports \(3\)/);

    await fireEvent.click(option('light'));
    expect(document.documentElement.dataset.theme).toBe('light');
    const note = await screen.findByTestId('theme-save-error');
    expect(note.textContent).toMatch(/this session only/);
  });

  it('applies the last choice before the backend answers, so there is no flash', async () => {
    fakeColorScheme(false);
    localStorage.setItem('gateway-studio.theme', 'dark');
    const backend = fakeBackend({ settings: settingsWith({ theme: 'dark' }) });
    openSettings();
    expect(document.documentElement.dataset.theme).toBe('dark');
    await waitFor(() => expect(backend.callsTo('settings_get')).toHaveLength(1));
    expect(document.documentElement.dataset.theme).toBe('dark');
  });
});

describe('Settings → Network', () => {
  const section = () => screen.getByTestId('settings-network');
  const caInput = () => section().querySelector('input[name="caBundle"]') as HTMLInputElement;
  const timeoutInput = () => section().querySelector('input[name="checkTimeoutSecs"]') as HTMLInputElement;
  const lastSaved = (backend: ReturnType<typeof fakeBackend>) =>
    (backend.callsTo('settings_set').at(-1)!.args as { settings: ReturnType<typeof settingsWith> }).settings;

  it('adds and removes CA bundle paths and saves the timeout, keeping the theme', async () => {
    const backend = fakeBackend({ settings: settingsWith({ theme: 'dark', network: { checkTimeoutSecs: 30 } }) });
    const view = openSettings();
    expect(section().textContent).toMatch(/Trusted in addition to the system’s CAs/);
    expect(section().textContent).toMatch(/Verification is never turned off/);
    expect(screen.getByTestId('proxy-env').textContent).toMatch(/HTTPS_PROXY.*NO_PROXY/s);
    await waitFor(() => expect(timeoutInput().value).toBe('30'));
    expect(screen.getByTestId('ca-bundles-empty')).toBeTruthy();

    // A pasted, quoted path is unquoted.
    await fireEvent.input(caInput(), { target: { value: '"/etc/ssl/certs/corp-root.pem"' } });
    await fireEvent.submit(caInput().form!);
    await waitFor(() => expect(backend.callsTo('settings_set')).toHaveLength(1));
    expect(lastSaved(backend)).toEqual(settingsWith({ theme: 'dark', network: { caBundles: ['/etc/ssl/certs/corp-root.pem'] } }));
    await waitFor(() => expect(screen.getByTestId('ca-bundles').textContent).toContain('/etc/ssl/certs/corp-root.pem'));
    expect(caInput().value).toBe('');
    await screen.findByTestId('network-saved');

    // The same path twice is refused without a save.
    await fireEvent.input(caInput(), { target: { value: '/etc/ssl/certs/corp-root.pem' } });
    await fireEvent.submit(caInput().form!);
    expect(section().textContent).toMatch(/already in the list/);
    expect(backend.callsTo('settings_set')).toHaveLength(1);

    await fireEvent.input(caInput(), { target: { value: 'C:\\certs\\lab.pem' } });
    await fireEvent.submit(caInput().form!);
    await waitFor(() => expect(backend.callsTo('settings_set')).toHaveLength(2));

    // Out of range: says so, saves nothing.
    await fireEvent.input(timeoutInput(), { target: { value: '0' } });
    await fireEvent.change(timeoutInput());
    expect(section().textContent).toMatch(/Between 1 and 600 whole seconds/);
    expect(timeoutInput().getAttribute('aria-invalid')).toBe('true');
    expect(backend.callsTo('settings_set')).toHaveLength(2);

    await fireEvent.input(timeoutInput(), { target: { value: '90' } });
    await fireEvent.change(timeoutInput());
    await waitFor(() => expect(backend.callsTo('settings_set')).toHaveLength(3));
    expect(lastSaved(backend).network).toEqual({ caBundles: ['/etc/ssl/certs/corp-root.pem', 'C:\\certs\\lab.pem'], checkTimeoutSecs: 90 });

    await fireEvent.click(within(screen.getByTestId('ca-bundles')).getByRole('button', { name: 'Remove /etc/ssl/certs/corp-root.pem' }));
    await waitFor(() => expect(backend.callsTo('settings_set')).toHaveLength(4));
    expect(lastSaved(backend)).toEqual(settingsWith({ theme: 'dark', network: { caBundles: ['C:\\certs\\lab.pem'], checkTimeoutSecs: 90 } }));

    // What was saved is what the next start reads.
    view.unmount();
    openSettings();
    await waitFor(() => expect(screen.getByTestId('ca-bundles').textContent).toContain('C:\\certs\\lab.pem'));
    expect(screen.getByTestId('ca-bundles').textContent).not.toContain('corp-root');
    expect(timeoutInput().value).toBe('90');
  });

  it('saving a theme keeps the stored network settings', async () => {
    const stored = settingsWith({ network: { caBundles: ['/etc/ca.pem'], checkTimeoutSecs: 120 } });
    const backend = fakeBackend({ settings: stored });
    openSettings();
    await waitFor(() => expect(timeoutInput().value).toBe('120'));
    await fireEvent.click(option('light'));
    await waitFor(() => expect(backend.callsTo('settings_set')).toHaveLength(1));
    expect(lastSaved(backend)).toEqual({ ...stored, theme: 'light' });
  });

  it('says when the network settings could not be saved', async () => {
    fakeBackend();
    openSettings();
    await waitFor(() => expect(timeoutInput().disabled).toBe(false));
    const failing = fakeBackend({ settingsError: SCHEMA_TOO_NEW });
    await fireEvent.input(caInput(), { target: { value: '/etc/ca.pem' } });
    await fireEvent.submit(caInput().form!);
    const error = await screen.findByTestId('network-save-error');
    expect(error.textContent).toMatch(/Not saved/);
    expect(failing.callsTo('settings_set')).toHaveLength(1);
  });
});

describe('Settings → Azure', () => {
  const section = () => screen.getByTestId('settings-azure');
  const cloudOption = (id: string) => section().querySelector(`[data-cloud-option="${id}"]`) as HTMLInputElement;
  const checked = () => (section().querySelector('[data-cloud-option]:checked') as HTMLInputElement | null)?.value ?? null;

  it('offers the five clouds as a radio group with the stored one checked', async () => {
    fakeBackend({ settings: settingsWith({ cloud: 'china' }) });
    openSettings();
    const group = within(section()).getByRole('radiogroup', { name: 'Cloud' });
    expect([...group.querySelectorAll('input[type="radio"]')].map((r) => (r as HTMLInputElement).value)).toEqual([
      'public',
      'usGovernment',
      'china',
      'custom',
      'sandbox',
    ]);
    expect(group.textContent).toContain('Azure US Government');
    expect(group.textContent).toContain('Sandbox (local emulation)');
    await waitFor(() => expect(checked()).toBe('china'));
    // A real cloud: how to sign in, with the Azure CLI as the default.
    await waitFor(() => expect((screen.getByTestId('sign-in-azureCli') as HTMLInputElement).checked).toBe(true));
    expect(screen.queryByTestId('settings-sandbox')).toBeNull();
  });

  it('choosing a cloud goes through cloudSelect and is what the next start reads', async () => {
    const backend = fakeBackend();
    const view = openSettings();
    await waitFor(() => expect(checked()).toBe('public'));
    await fireEvent.click(cloudOption('usGovernment'));
    await waitFor(() => expect(backend.settings().cloud).toBe('usGovernment'));
    expect(backend.callsTo('cloud_select').map((c) => c.args)).toEqual([{ cloud: 'usGovernment' }]);
    expect(backend.callsTo('settings_set')).toHaveLength(0);
    expect(screen.getByTestId('sidebar-cloud').textContent).toContain('Azure US Gov');

    view.unmount();
    openSettings();
    await waitFor(() => expect(checked()).toBe('usGovernment'));
  });

  it('choosing the Sandbox starts it, shows its details, and the Azure choice stops it again', async () => {
    const backend = fakeBackend();
    openSettings();
    await waitFor(() => expect(checked()).toBe('public'));
    const release = backend.cloud.hold();
    await fireEvent.click(cloudOption('sandbox'));
    await waitFor(() => expect(screen.getByTestId('cloud-sandbox-status').textContent).toMatch(/Starting/));
    expect(screen.getByTestId('sandbox-banner').getAttribute('data-state')).toBe('starting');
    expect(checked()).toBe('sandbox');

    release();
    await waitFor(() => expect(screen.getByTestId('cloud-sandbox-status').textContent).toMatch(/Running on this machine/));
    const details = screen.getByTestId('settings-sandbox');
    expect(details.textContent).toContain(SANDBOX_VIEW.armEndpoint);
    expect(details.textContent).toContain(SANDBOX_VIEW.projectEndpoint);
    expect(within(details).getAllByTestId('sandbox-gateway')).toHaveLength(2);
    expect(screen.queryByTestId('sign-in-card')).toBeNull();

    await fireEvent.click(cloudOption('public'));
    await waitFor(() => expect(screen.queryByTestId('settings-sandbox')).toBeNull());
    expect(screen.queryByTestId('sandbox-banner')).toBeNull();
    expect(backend.cloud.running).toBe(false);
    expect(backend.connections.drafts.size).toBe(2);
  });

  it('sends quick changes one at a time and ends on the last one', async () => {
    const backend = fakeBackend();
    openSettings();
    await waitFor(() => expect(checked()).toBe('public'));
    const release = backend.cloud.hold();
    await fireEvent.click(cloudOption('sandbox'));
    await fireEvent.click(cloudOption('china'));
    await fireEvent.click(cloudOption('usGovernment'));
    expect(backend.callsTo('cloud_select')).toHaveLength(1);
    release();
    await waitFor(() => expect(backend.settings().cloud).toBe('usGovernment'));
    expect(backend.callsTo('cloud_select').map((c) => (c.args as { cloud: string }).cloud)).toEqual(['sandbox', 'usGovernment']);
    expect(checked()).toBe('usGovernment');
    expect(backend.cloud.running).toBe(false);
  });

  it('a sandbox that cannot start: the previous choice stays, with the message, the hint and a retry', async () => {
    const backend = fakeBackend({ cloud: { startFailures: [SANDBOX_START_FAILED] } });
    openSettings();
    await waitFor(() => expect(checked()).toBe('public'));
    await fireEvent.click(cloudOption('sandbox'));
    const error = await screen.findByTestId('cloud-error');
    expect(error.textContent).toMatch(/The sandbox could not start/);
    expect(error.textContent).toMatch(/falls back to free ports/);
    await waitFor(() => expect(checked()).toBe('public'));
    expect(backend.settings().cloud).toBe('public');

    await fireEvent.click(screen.getByTestId('cloud-retry'));
    await waitFor(() => expect(checked()).toBe('sandbox'));
    await waitFor(() => expect(screen.queryByTestId('cloud-error')).toBeNull());
    expect(screen.getByTestId('sandbox-banner').getAttribute('data-state')).toBe('running');
  });

  it('the sidebar names the cloud and leads here', async () => {
    fakeBackend({ settings: settingsWith({ cloud: 'sandbox' }), cloud: { running: true } });
    window.history.replaceState(null, '', '/#/history');
    render(App);
    const chip = await screen.findByTestId('sidebar-cloud');
    await waitFor(() => expect(chip.getAttribute('data-state')).toBe('running'));
    expect(chip.textContent).toContain('Sandbox');
    expect(chip.getAttribute('href')).toBe('#/settings');
    await fireEvent.click(chip);
    window.location.hash = '#/settings';
    await waitFor(() => expect(document.querySelector('[data-page]')?.getAttribute('data-page')).toBe('settings'));
    // Settings opens at the cloud choice.
    await waitFor(() => expect((document.activeElement as HTMLInputElement | null)?.dataset.cloudOption).toBe('sandbox'));
  });
});
