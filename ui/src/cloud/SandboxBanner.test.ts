import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../shell/App.svelte';
import { fakeBackend, resetWindow, settingsWith } from '../test/backend';
import { SANDBOX_START_FAILED, SANDBOX_VIEW } from '../test/cloud';

afterEach(resetWindow);

function start(hash = '') {
  window.history.replaceState(null, '', `/${hash}`);
  return render(App);
}

const banner = () => screen.queryByTestId('sandbox-banner');
const bannerState = () => banner()?.getAttribute('data-state') ?? null;
const sidebarCloud = () => screen.getByTestId('sidebar-cloud');

describe('sandbox banner', () => {
  it('is absent for the Azure clouds', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'usGovernment' }) });
    start();
    await waitFor(() => expect(backend.callsTo('cloud_status')).toHaveLength(1));
    await waitFor(() => expect(sidebarCloud().getAttribute('data-cloud')).toBe('usGovernment'));
    expect(sidebarCloud().textContent).toContain('Azure US Gov');
    expect(banner()).toBeNull();
    expect(backend.callsTo('cloud_select')).toHaveLength(0);
  });

  it('starts a stored Sandbox again when the app opens: "starting", then "running" on every page', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'sandbox' }) });
    const release = backend.cloud.hold();
    start('#/checks');

    await waitFor(() => expect(bannerState()).toBe('starting'));
    expect(banner()!.textContent).toMatch(/Starting the sandbox…/);
    expect(sidebarCloud().getAttribute('data-state')).toBe('starting');
    expect(backend.callsTo('cloud_select').map((c) => c.args)).toEqual([{ cloud: 'sandbox' }]);

    release();
    await waitFor(() => expect(bannerState()).toBe('running'));
    const text = banner()!.textContent!.replace(/\s+/g, ' ');
    expect(text).toContain(
      'Sandbox — everything here runs on this machine: emulated Azure Resource Manager, Foundry Agent Service and two sample gateways. Nothing is sent to Azure.',
    );
    expect(sidebarCloud().getAttribute('data-state')).toBe('running');
    expect(sidebarCloud().getAttribute('aria-label')).toMatch(/Sandbox .*running on this machine/);

    // The Checks page on screen lists the drafts the start seeded.
    await waitFor(() => expect(document.querySelector('[data-page="checks"]')?.textContent).toContain('sandbox-'));

    for (const page of ['connections', 'traces', 'settings']) {
      window.location.hash = `#/${page}`;
      await waitFor(() => expect(document.querySelector('[data-page]')?.getAttribute('data-page')).toBe(page));
      expect(bannerState()).toBe('running');
    }
    // Not started twice.
    expect(backend.cloud.starts).toBe(1);
  });

  it('does not start a sandbox that already runs', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'sandbox' }), cloud: { running: true } });
    start();
    await waitFor(() => expect(bannerState()).toBe('running'));
    expect(backend.callsTo('cloud_select')).toHaveLength(0);
  });

  it('Details lists the emulated tenant and each gateway, copies endpoints, and opens a draft', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'sandbox' }) });
    start('#/settings');
    await waitFor(() => expect(bannerState()).toBe('running'));

    await fireEvent.click(within(banner()!).getByRole('button', { name: 'Details' }));
    const dialog = screen.getByTestId('sandbox-details') as HTMLDialogElement;
    await waitFor(() => expect(dialog.open).toBe(true));
    const text = dialog.textContent!;
    for (const value of [
      SANDBOX_VIEW.armEndpoint,
      SANDBOX_VIEW.subscriptionId,
      SANDBOX_VIEW.resourceGroup,
      SANDBOX_VIEW.account,
      SANDBOX_VIEW.project,
      SANDBOX_VIEW.projectEndpoint,
      SANDBOX_VIEW.tokenUrl,
    ]) {
      expect(text).toContain(value);
    }
    expect(within(dialog).getByTestId('sandbox-arm-endpoint').textContent).toContain(SANDBOX_VIEW.armEndpoint);

    const gateways = within(dialog).getAllByTestId('sandbox-gateway');
    expect(gateways.map((g) => g.getAttribute('data-gateway'))).toEqual(['sandbox-openai', 'sandbox-apim']);
    const apim = gateways[1];
    expect(apim.textContent).toContain('APIM-style');
    expect(apim.textContent).toContain('http://127.0.0.1:47113/openai');
    expect(apim.textContent).toContain('api-key: {api_key}');
    expect(apim.textContent).toContain('2025-03-01-preview');
    expect(apim.textContent).toContain('gpt-4o-mini');
    expect(gateways[0].textContent).toContain('Authorization: Bearer {api_key}');
    // No key reaches the window, so none can be shown.
    expect(text).not.toMatch(/demo-key|sandbox-key-/);

    // Endpoints are not secrets: they copy.
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (t: string) => void (copied = t) },
    });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Copy ARM endpoint' }));
    await waitFor(() => expect(copied).toBe(SANDBOX_VIEW.armEndpoint));

    // "Open draft" goes to Connections with that draft in the editor.
    const link = within(apim).getByRole('link', { name: /Open draft/ });
    await fireEvent.click(link);
    await waitFor(() => expect(dialog.open).toBe(false));
    await waitFor(() => expect(window.location.hash).toBe('#/connections'));
    const apimId = backend.cloud.view().gateways[1].draftId!;
    await waitFor(() =>
      expect(document.querySelector('[data-testid="connection-editor"] input[name="name"]')).toHaveProperty('value', 'sandbox-apim'),
    );
    expect(apimId).toBeTruthy();
  });

  it('"Open draft" also works while Connections is already on screen', async () => {
    fakeBackend({ settings: settingsWith({ cloud: 'sandbox' }) });
    start('#/connections');
    await waitFor(() => expect(bannerState()).toBe('running'));
    const name = () => (document.querySelector('[data-testid="connection-editor"] input[name="name"]') as HTMLInputElement | null)?.value;
    // The seeded drafts appear, and one opens by itself.
    await waitFor(() => expect(name()).toMatch(/^sandbox-/));
    const other = name() === 'sandbox-apim' ? 'sandbox-openai' : 'sandbox-apim';

    await fireEvent.click(within(banner()!).getByRole('button', { name: 'Details' }));
    const dialog = screen.getByTestId('sandbox-details');
    const gateway = within(dialog).getAllByTestId('sandbox-gateway').find((g) => g.getAttribute('data-gateway') === other)!;
    await fireEvent.click(within(gateway).getByRole('link', { name: /Open draft/ }));
    await waitFor(() => expect(name()).toBe(other));
  });

  it('"Leave sandbox" switches to Azure, keeps the drafts and removes the banner', async () => {
    const backend = fakeBackend({ settings: settingsWith({ cloud: 'sandbox' }) });
    start('#/connections');
    await waitFor(() => expect(bannerState()).toBe('running'));
    await waitFor(() => expect(screen.getByTestId('connection-list').textContent).toContain('sandbox-openai'));

    await fireEvent.click(screen.getByTestId('sandbox-leave'));
    await waitFor(() => expect(banner()).toBeNull());
    expect(backend.callsTo('cloud_select').at(-1)!.args).toEqual({ cloud: 'public' });
    expect(backend.settings().cloud).toBe('public');
    expect(backend.cloud.running).toBe(false);
    expect(sidebarCloud().getAttribute('data-cloud')).toBe('public');
    expect(screen.getByTestId('connection-list').textContent).toContain('sandbox-openai');
    expect(backend.connections.drafts.size).toBe(2);
  });

  it('a failed start shows the error and its hint; Retry starts it', async () => {
    const backend = fakeBackend({
      settings: settingsWith({ cloud: 'sandbox' }),
      cloud: { startFailures: [SANDBOX_START_FAILED] },
    });
    start();
    await waitFor(() => expect(bannerState()).toBe('failed'));
    const failed = banner()!;
    expect(failed.getAttribute('role')).toBe('alert');
    expect(failed.textContent).toMatch(/The sandbox could not start/);
    expect(failed.textContent).toMatch(/address in use/);
    expect(failed.textContent).toMatch(/try again \(it falls back to free ports\)/);
    expect(sidebarCloud().getAttribute('data-state')).toBe('failed');

    await fireEvent.click(within(failed).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(bannerState()).toBe('running'));
    expect(backend.cloud.starts).toBe(2);
  });

  it('after a failed start the sandbox can be left instead', async () => {
    const backend = fakeBackend({
      settings: settingsWith({ cloud: 'sandbox' }),
      cloud: { startFailures: [SANDBOX_START_FAILED] },
    });
    start();
    await waitFor(() => expect(bannerState()).toBe('failed'));
    await fireEvent.click(screen.getByTestId('sandbox-leave'));
    await waitFor(() => expect(banner()).toBeNull());
    expect(backend.settings().cloud).toBe('public');
  });
});
