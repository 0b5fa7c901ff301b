// Light or dark: the stored choice, resolved against the operating system when it is "system".
// The resolved value is written to <html data-theme>, and every colour in the CSS hangs off it.

import type { Theme } from './bindings';

export type ResolvedTheme = 'light' | 'dark';

export const DARK_QUERY = '(prefers-color-scheme: dark)';

export function resolveTheme(choice: Theme, systemPrefersDark: boolean): ResolvedTheme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light';
  return choice;
}

function darkQuery(): MediaQueryList | null {
  return typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null;
}

export function systemPrefersDark(): boolean {
  return darkQuery()?.matches ?? false;
}

export function applyTheme(choice: Theme, root: HTMLElement = document.documentElement): ResolvedTheme {
  const resolved = resolveTheme(choice, systemPrefersDark());
  root.dataset.theme = resolved;
  return resolved;
}

/** Calls `onChange` whenever the operating system switches between light and dark. */
export function watchSystemTheme(onChange: (prefersDark: boolean) => void): () => void {
  const query = darkQuery();
  if (!query) return () => {};
  const listener = (event: MediaQueryListEvent) => onChange(event.matches);
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}
