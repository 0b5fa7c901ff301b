// ↑/↓/Home/End in a vertical list of buttons: one step at a time, stopping at the ends.

/** Where a key moves from item `at` (-1: from outside the list) of `count`; null for other keys. */
export function stepIndex(key: string, at: number, count: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return Math.min(at + 1, count - 1);
    case 'ArrowUp':
      return Math.max(at - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** Moves the focus from `from` to the item the key points at; a key from outside `items` is left alone. */
export function moveFocus(event: KeyboardEvent, items: HTMLElement[], from: EventTarget | null): void {
  const at = items.indexOf(from as HTMLElement);
  if (at < 0) return;
  const next = stepIndex(event.key, at, items.length);
  if (next === null) return;
  event.preventDefault();
  items[next]?.focus();
}
