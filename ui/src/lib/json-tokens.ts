// Splits JSON text into tokens for tinting with CSS classes: no HTML is ever built from the text.
// Lenient: text that is not JSON still comes back whole, just less coloured.

export type TokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space' | 'other';
export type Token = { kind: TokenKind; text: string };

const PATTERNS: [RegExp, TokenKind][] = [
  [/\s+/y, 'space'],
  [/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y, 'number'],
  [/(?:true|false|null)\b/y, 'literal'],
  [/[{}[\]:,]/y, 'punct'],
];

export function tokenizeJson(text: string): Token[] {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, t: string) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind && (kind === 'space' || kind === 'other')) last.text += t;
    else tokens.push({ kind, text: t });
  };
  let i = 0;
  outer: while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, text.length);
      // A key is a string followed (after blanks) by a colon.
      let k = end;
      while (text[k] === ' ' || text[k] === '\t') k += 1;
      push(text[k] === ':' ? 'key' : 'string', text.slice(i, end));
      i = end;
      continue;
    }
    for (const [re, kind] of PATTERNS) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m) {
        push(kind, m[0]);
        i += m[0].length;
        continue outer;
      }
    }
    push('other', text[i]);
    i += 1;
  }
  return tokens;
}
