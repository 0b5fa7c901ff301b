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

describe('Traces links', () => {
  it('reads the run and the exchange from the hash, for the Traces page only', async () => {
    const { tracesLinkFromHash, tracesHref } = await import('./routes');
    expect(tracesLinkFromHash('#/traces?run=r-1&id=x-2')).toEqual({ run: 'r-1', id: 'x-2' });
    expect(tracesLinkFromHash('#/traces?run=r-1')).toEqual({ run: 'r-1', id: null });
    expect(tracesLinkFromHash('#/traces')).toBeNull();
    expect(tracesLinkFromHash('#/checks?run=r-1')).toBeNull();
    expect(tracesHref('r 1', 'x')).toBe('#/traces?run=r+1&id=x');
    expect(tracesLinkFromHash(tracesHref('r 1', 'x'))).toEqual({ run: 'r 1', id: 'x' });
    expect(pageFromHash('#/traces?run=r-1')).toBe('traces');
  });
});
