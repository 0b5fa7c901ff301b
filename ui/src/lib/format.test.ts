import { describe, expect, it } from 'vitest';
import { formatBytes } from './format';

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [98_304, '96 KiB'],
    [10 * 1024 * 1024, '10 MiB'],
    [123.4 * 1024 * 1024, '123 MiB'],
    [3 * 1024 ** 3 + 1, '3.0 GiB'],
    [-1, '—'],
  ])('%d bytes reads %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
