import { describe, expect, it } from 'vitest';
import { stepIndex } from './list-keys';

describe('stepIndex', () => {
  it('steps one at a time and stops at the ends', () => {
    expect(stepIndex('ArrowDown', 0, 3)).toBe(1);
    expect(stepIndex('ArrowDown', 2, 3)).toBe(2);
    expect(stepIndex('ArrowUp', 0, 3)).toBe(0);
    expect(stepIndex('Home', 2, 3)).toBe(0);
    expect(stepIndex('End', 0, 3)).toBe(2);
  });

  it('enters the list at its first item, and ignores other keys', () => {
    expect(stepIndex('ArrowDown', -1, 3)).toBe(0);
    expect(stepIndex('ArrowUp', -1, 3)).toBe(0);
    expect(stepIndex('Enter', 1, 3)).toBeNull();
  });
});
