import { render } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import { describe, expect, it } from 'vitest';
import type { Phase } from '../api';
import HeaderList from './HeaderList.svelte';
import { phaseLabel } from './phases';
import SectionTitle from './SectionTitle.svelte';
import SseEvents from './SseEvents.svelte';

describe('the shared exchange pieces', () => {
  it('names a phase, and shows one it does not know as it came', () => {
    expect(phaseLabel('tcp')).toBe('TCP connect');
    expect(phaseLabel('quic' as Phase)).toBe('quic');
  });

  it('marks redacted header values, and says when there are none', () => {
    const { container, getByLabelText, rerender } = render(HeaderList, {
      headers: [
        { name: 'api-key', value: '<redacted>' },
        { name: 'x-team', value: 'platform' },
      ],
      label: 'Request headers',
    });
    const dds = getByLabelText('Request headers').querySelectorAll('dd');
    expect([...dds].map((d) => d.classList.contains('redacted'))).toEqual([true, false]);
    expect(dds[0].querySelector('svg')).not.toBeNull();
    rerender({ headers: [], label: 'Request headers' });
    expect(container.textContent).toContain('No headers.');
  });

  it('shows the time between events only when asked', () => {
    const events = [
      { atMs: 100, event: null, data: 'a' },
      { atMs: 250, event: 'done', data: 'b' },
    ];
    // `events` is also a mount option, so the props go under `props`.
    const plain = render(SseEvents, { props: { events } });
    expect(plain.getByTestId('sse-events').querySelectorAll('th')).toHaveLength(3);
    plain.unmount();
    const withDeltas = render(SseEvents, { props: { events, deltas: true } });
    const table = withDeltas.getByTestId('sse-events');
    expect(table.querySelectorAll('th')).toHaveLength(4);
    expect(table.textContent).toContain('+150 ms');
    expect(table.textContent).toContain('message');
  });

  it('keeps a space between a title and its note', () => {
    const children = createRawSnippet(() => ({ render: () => '<span>Body</span>' }));
    const { container } = render(SectionTitle, { note: '1.2 kB', children });
    expect(container.querySelector('h5')?.textContent).toBe('Body 1.2 kB');
  });
});
