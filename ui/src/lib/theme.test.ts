import { afterEach, describe, expect, it } from 'vitest';
import { fakeColorScheme, resetWindow } from '../test/backend';
import { applyTheme, resolveTheme, watchSystemTheme } from './theme';

afterEach(resetWindow);

describe('resolveTheme', () => {
  it('follows the system when the choice is "system"', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
  });

  it('keeps an explicit choice whatever the system says', () => {
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });
});

describe('applyTheme', () => {
  it('writes the resolved theme to <html data-theme> using prefers-color-scheme', () => {
    fakeColorScheme(true);
    expect(applyTheme('system')).toBe('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');

    expect(applyTheme('light')).toBe('light');
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('reports live changes of the system preference until unsubscribed', () => {
    const scheme = fakeColorScheme(false);
    const seen: boolean[] = [];
    const stop = watchSystemTheme((dark) => seen.push(dark));
    scheme.setDark(true);
    scheme.setDark(false);
    stop();
    scheme.setDark(true);
    expect(seen).toEqual([true, false]);
  });
});
