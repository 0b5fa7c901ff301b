import { describe, expect, it } from 'vitest';
import { shortcutFor, type KeyLike } from './shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  code: /^[0-9]$/.test(k) ? `Digit${k}` : '',
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('shortcutFor', () => {
  it.each([
    ['1', 'connections'],
    ['2', 'azure'],
    ['3', 'checks'],
    ['4', 'playground'],
    ['5', 'traces'],
    ['6', 'history'],
    ['7', 'settings'],
  ])('Ctrl+%s goes to %s', (digit, page) => {
    expect(shortcutFor(key(digit, { ctrlKey: true }), false)).toEqual({ type: 'page', page });
  });

  it('accepts ⌘ (Meta) as well as Ctrl', () => {
    expect(shortcutFor(key('5', { metaKey: true }), false)).toEqual({ type: 'page', page: 'traces' });
  });

  it('works even while typing, since a modifier is held', () => {
    expect(shortcutFor(key('3', { ctrlKey: true }), true)).toEqual({ type: 'page', page: 'checks' });
  });

  it('uses the physical digit row on layouts where the key is not a digit', () => {
    expect(shortcutFor({ ...key('é', { ctrlKey: true }), code: 'Digit3' }, false)).toEqual({
      type: 'page',
      page: 'checks',
    });
  });

  it('ignores digits without a modifier, with Alt, and beyond the last page', () => {
    expect(shortcutFor(key('1'), false)).toBeNull();
    expect(shortcutFor(key('1', { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(shortcutFor(key('8', { ctrlKey: true }), false)).toBeNull();
    expect(shortcutFor(key('1', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
  });

  it('opens the help with ? or Ctrl+/', () => {
    expect(shortcutFor(key('?', { shiftKey: true }), false)).toEqual({ type: 'help' });
    expect(shortcutFor({ ...key('/', { ctrlKey: true }), code: 'Slash' }, false)).toEqual({ type: 'help' });
    expect(shortcutFor({ ...key('/', { metaKey: true }), code: 'Slash' }, true)).toEqual({ type: 'help' });
  });

  it('leaves a bare ? alone in a text field', () => {
    expect(shortcutFor(key('?', { shiftKey: true }), true)).toBeNull();
  });
});
