import { describe, expect, it } from 'vitest';
import { tokenizeJson } from './json-tokens';

describe('tokenizeJson', () => {
  it('tells keys from string values and keeps every character', () => {
    const text = '{\n  "name": "apim-gw",\n  "n": -1.5e3,\n  "ok": true,\n  "x": null,\n  "esc": "a\\"b"\n}';
    const tokens = tokenizeJson(text);
    expect(tokens.map((t) => t.text).join('')).toBe(text);
    expect(tokens.filter((t) => t.kind === 'key').map((t) => t.text)).toEqual(['"name"', '"n"', '"ok"', '"x"', '"esc"']);
    expect(tokens.filter((t) => t.kind === 'string').map((t) => t.text)).toEqual(['"apim-gw"', '"a\\"b"']);
    expect(tokens.find((t) => t.kind === 'number')?.text).toBe('-1.5e3');
    expect(tokens.filter((t) => t.kind === 'literal').map((t) => t.text)).toEqual(['true', 'null']);
  });

  it('survives text that is not JSON', () => {
    const text = 'not json: "unterminated\n- trueish';
    expect(tokenizeJson(text).map((t) => t.text).join('')).toBe(text);
  });
});
