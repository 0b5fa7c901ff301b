// Global keyboard shortcuts, as a pure function of the key event so it can be tested and
// listed in the help dialog from one place.

import { PAGES, type PageId } from './routes';

export type ShortcutAction = { type: 'page'; page: PageId } | { type: 'help' };

export type KeyLike = Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/**
 * Ctrl+1…7 (⌘ on macOS, either is accepted) go to a page; `?` and Ctrl+/ open the help.
 * `typing` is true when focus is in a text field, where a bare `?` is just a character.
 */
export function shortcutFor(e: KeyLike, typing: boolean): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    if (!e.shiftKey) {
      // `code` keeps the digit row working on layouts where the key is not a digit (AZERTY).
      const digit = /^[1-9]$/.test(e.key) ? e.key : /^Digit([1-9])$/.exec(e.code)?.[1];
      const index = digit === undefined ? -1 : Number(digit) - 1;
      if (index >= 0 && index < PAGES.length) return { type: 'page', page: PAGES[index].id };
    }
    // On some layouts "/" itself needs Shift (German: Shift+7), so accept the key with or without it.
    if (e.key === '/' || e.key === '?' || e.code === 'Slash') return { type: 'help' };
    return null;
  }
  if (!mod && !e.altKey && e.key === '?' && !typing) return { type: 'help' };
  return null;
}

/** True when keys typed now would go into a field. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  }
  return false;
}
