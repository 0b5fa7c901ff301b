import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, noBackend, READY_INFO, resetWindow, SCHEMA_TOO_NEW, settingsWith } from '../test/backend';
import App from './App.svelte';

afterEach(resetWindow);

function start(hash = '') {
  window.history.replaceState(null, '', `/${hash}`);
  return render(App);
}

function currentPage(): string | null {
  return document.querySelector('[data-page]')?.getAttribute('data-page') ?? null;
}

function navLink(id: string): HTMLElement {
  return document.querySelector(`[data-nav="${id}"]`) as HTMLElement;
}

describe('routing', () => {
  it.each([
    ['#/connections', 'connections', 'Connections'],
    ['#/checks', 'checks', 'Checks'],
    ['#/playground', 'playground', 'Agent playground'],
    ['#/traces', 'traces', 'Traces'],
    ['#/history', 'history', 'History'],
    ['#/settings', 'settings', 'Settings'],
  ])('%s opens %s', (hash, page, title) => {
    fakeBackend();
    start(hash);
    expect(currentPage()).toBe(page);
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(title);
    expect(navLink(page).getAttribute('aria-current')).toBe('page');
    expect(document.querySelectorAll('[aria-current="page"]')).toHaveLength(1);
  });

  it('opens Connections with no hash, and for an unknown hash, and says so in the address', () => {
    fakeBackend();
    start('#/no-such-page');
    expect(currentPage()).toBe('connections');
    expect(window.location.hash).toBe('#/connections');
  });

  it('follows hash changes, as back and forward make them', async () => {
    fakeBackend();
    start('#/checks');
    window.location.hash = '#/history';
    await waitFor(() => expect(currentPage()).toBe('history'));
    window.location.hash = '#/checks';
    await waitFor(() => expect(currentPage()).toBe('checks'));
    expect(navLink('checks').getAttribute('aria-current')).toBe('page');
  });

  it('lists the seven pages as links in the main navigation, Settings last', () => {
    fakeBackend();
    start();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((l) => l.getAttribute('href'))).toEqual([
      '#/connections',
      '#/azure',
      '#/checks',
      '#/playground',
      '#/traces',
      '#/history',
      '#/settings',
    ]);
  });

  it('has no page left that says its feature is not in this build', async () => {
    fakeBackend();
    start('#/checks');
    for (const page of ['traces', 'history'] as const) {
      window.location.hash = `#/${page}`;
      await waitFor(() => expect(currentPage()).toBe(page));
      expect(document.querySelector('[data-page]')?.textContent).not.toMatch(/not in this build/);
    }
  });
});

describe('keyboard', () => {
  it.each([
    [{ key: '2', code: 'Digit2', ctrlKey: true }, 'azure'],
    [{ key: '3', code: 'Digit3', ctrlKey: true }, 'checks'],
    [{ key: '7', code: 'Digit7', metaKey: true }, 'settings'],
  ])('%o switches to %s', async (keys, page) => {
    fakeBackend();
    start();
    await fireEvent.keyDown(window, keys);
    await waitFor(() => expect(currentPage()).toBe(page));
    expect(window.location.hash).toBe(`#/${page}`);
    expect(navLink(page).getAttribute('aria-current')).toBe('page');
  });

  it('Ctrl+1 goes back to Connections from anywhere', async () => {
    fakeBackend();
    start('#/traces');
    await fireEvent.keyDown(window, { key: '1', code: 'Digit1', ctrlKey: true });
    await waitFor(() => expect(currentPage()).toBe('connections'));
  });

  it('? opens the shortcuts dialog with focus inside it, Escape closes it', async () => {
    fakeBackend();
    start();
    const dialog = screen.getByTestId('shortcuts-dialog') as HTMLDialogElement;
    expect(dialog.open).toBe(false);

    await fireEvent.keyDown(document.body, { key: '?', shiftKey: true });
    await waitFor(() => expect(dialog.open).toBe(true));
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(within(dialog).getByText('Go to Agent playground')).toBeTruthy();

    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(dialog.open).toBe(false));
  });

  it('Ctrl+/ and the sidebar button open the same dialog', async () => {
    fakeBackend();
    start();
    const dialog = screen.getByTestId('shortcuts-dialog') as HTMLDialogElement;
    await fireEvent.keyDown(window, { key: '/', code: 'Slash', ctrlKey: true });
    await waitFor(() => expect(dialog.open).toBe(true));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(dialog.open).toBe(false));

    await fireEvent.click(screen.getByRole('button', { name: 'Keyboard shortcuts' }));
    await waitFor(() => expect(dialog.open).toBe(true));
  });

  it('has a skip link that moves focus to the main content without changing the page', async () => {
    fakeBackend();
    start('#/history');
    await fireEvent.click(screen.getByRole('link', { name: 'Skip to content' }));
    expect(document.activeElement?.id).toBe('main-content');
    expect(currentPage()).toBe('history');
    expect(window.location.hash).toBe('#/history');
  });
});

describe('start-up', () => {
  it('shows a banner when the database is newer than this build, and still renders pages', async () => {
    fakeBackend({
      appInfo: { ...READY_INFO, storage: { status: 'unavailable', error: SCHEMA_TOO_NEW } },
      settingsError: SCHEMA_TOO_NEW,
    });
    start('#/checks');
    const banner = await screen.findByTestId('storage-error');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toMatch(/schema version 7/);
    expect(banner.textContent).toMatch(/up to version 3/);
    expect(banner.textContent).toMatch(/left untouched/);
    expect(banner.textContent).toContain(SCHEMA_TOO_NEW.details.path);
    expect(currentPage()).toBe('checks');
    expect(await screen.findByTestId('checks-empty')).toBeTruthy();
  });

  it('shows no banner when storage is ready', async () => {
    const backend = fakeBackend();
    start();
    await waitFor(() => expect(backend.callsTo('app_info')).toHaveLength(1));
    await waitFor(() => expect(document.querySelector('.sidebar')?.textContent).toContain('v0.4.2'));
    expect(screen.queryByTestId('storage-error')).toBeNull();
    expect(screen.queryByTestId('backend-error')).toBeNull();
  });

  it('degrades to a banner, not a blank page, when there is no backend', async () => {
    noBackend();
    start('#/traces');
    const banner = await screen.findByTestId('backend-error');
    expect(banner.textContent).toMatch(/not connected to the Gateway Studio backend/);
    expect(currentPage()).toBe('traces');
  });

  it('applies the stored theme at start-up', async () => {
    fakeBackend({ settings: settingsWith({ theme: 'dark' }) });
    start();
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
  });
});
