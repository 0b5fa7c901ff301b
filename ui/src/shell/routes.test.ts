import { describe, expect, it } from 'vitest';
import { PAGES, hrefFor, pageFromHash } from './routes';

describe('pageFromHash', () => {
  it.each([
    ['#/connections', 'connections'],
    ['#/azure', 'azure'],
    ['#/checks', 'checks'],
    ['#/playground', 'playground'],
    ['#/traces', 'traces'],
    ['#/history', 'history'],
    ['#/settings', 'settings'],
    ['#/settings/storage', 'settings'],
    ['#settings', 'settings'],
  ])('%s shows %s', (hash, page) => {
    expect(pageFromHash(hash)).toBe(page);
  });

  it.each(['', '#', '#/', '#/nope', '#/Connections-old', '#main-content'])('unknown %j falls back to Connections', (hash) => {
    expect(pageFromHash(hash)).toBe('connections');
  });

  it('round-trips every page through its href', () => {
    for (const page of PAGES) expect(pageFromHash(hrefFor(page.id))).toBe(page.id);
  });

  it('keeps the sidebar order, Settings last', () => {
    expect(PAGES.map((p) => p.title)).toEqual([
      'Connections',
      'Azure',
      'Checks',
      'Agent playground',
      'Traces',
      'History',
      'Settings',
    ]);
  });
});
