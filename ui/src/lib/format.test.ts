import { describe, expect, it } from 'vitest';
import { formatBytes, formatMs, httpClass, prettyJson } from './format';

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

describe('formatMs, prettyJson and httpClass', () => {
  it.each([
    [0, '0 ms'],
    [312.4, '312 ms'],
    [1240, '1.24 s'],
    [12_430, '12.4 s'],
    [125_000, '2 min 5 s'],
    [120_000, '2 min'],
    [-1, '—'],
  ])('%d ms reads "%s"', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });

  it('pretty-prints JSON bodies only', () => {
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyJson('data: {"a":1}')).toBeNull();
    expect(prettyJson('{"cut": ')).toBeNull();
    expect(prettyJson('')).toBeNull();
    expect(prettyJson(`[${'1,'.repeat(150_000)}1]`)).toBeNull();
  });

  it('classes HTTP statuses', () => {
    expect([204, 302, 404, 503, null].map(httpClass)).toEqual(['ok', 'redirect', 'client', 'server', 'none']);
  });
});
