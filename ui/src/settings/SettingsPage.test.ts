import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../shell/App.svelte';
import { fakeBackend, fakeColorScheme, PATHS, READY_INFO, resetWindow, SCHEMA_TOO_NEW } from '../test/backend';

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
    fakeBackend({ settings: { theme: 'light' } });
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
    expect(backend.callsTo('settings_set')[0].args).toEqual({ settings: { theme: 'dark' } });
    expect(option('dark').checked).toBe(true);
    expect(screen.queryByTestId('theme-save-error')).toBeNull();
  });

  it('"System" follows the operating system, live', async () => {
    const scheme = fakeColorScheme(true);
    fakeBackend({ settings: { theme: 'light' } });
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
    const backend = fakeBackend({ settings: { theme: 'dark' } });
    openSettings();
    expect(document.documentElement.dataset.theme).toBe('dark');
    await waitFor(() => expect(backend.callsTo('settings_get')).toHaveLength(1));
    expect(document.documentElement.dataset.theme).toBe('dark');
  });
});
