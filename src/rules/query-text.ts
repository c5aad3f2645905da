// Reading tree-sitter query text without compiling it: its tokens, its top-level patterns, its
// captures. Compiling a query for the Python grammar is slow, so a rubric compiles all its rules'
// queries together once, and uses these readings to know which pattern belongs to which rule.
// Everything here reads the text through one tokenizer, so strings and comments are skipped the
// same way everywhere.

export type QueryToken = { start: number; end: number } & (
  | { kind: 'open' | 'close' | 'openAlt' | 'closeAlt' | 'anchor' | 'quantifier' }
  | { kind: 'capture' | 'string' | 'field' | 'negatedField' | 'word' | 'predicate'; value: string }
);

const BRACKETS = { '(': 'open', ')': 'close', '[': 'openAlt', ']': 'closeAlt' } as const;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', 0: '\0' };

/** The tokens of a query; comments and whitespace are dropped. Throws on a character no query has. */
export function tokenizeQuery(query: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index] ?? '';
    const start = index;
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === ';') {
      while (index < query.length && query[index] !== '\n') index += 1;
    } else if (char === '(' || char === ')' || char === '[' || char === ']') {
      index += 1;
      tokens.push({ kind: BRACKETS[char], start, end: index });
    } else if (char === '.') {
      index += 1;
      tokens.push({ kind: 'anchor', start, end: index });
    } else if (char === '*' || char === '+' || char === '?') {
      index += 1;
      tokens.push({ kind: 'quantifier', start, end: index });
    } else if (char === '"') {
      let value = '';
      index += 1;
      while (index < query.length && query[index] !== '"') {
        if (query[index] === '\\') {
          const next = query[index + 1] ?? '';
          value += ESCAPES[next] ?? next;
          index += 2;
        } else {
          value += query[index];
          index += 1;
        }
      }
      if (index >= query.length) throw new Error('unterminated string in query');
      index += 1;
      tokens.push({ kind: 'string', value, start, end: index });
    } else {
      const word = /^[@#!]?[A-Za-z_][\w.?!-]*:?/.exec(query.slice(index, index + 200))?.[0];
      if (!word) throw new Error(`unexpected \`${char}\` in query`);
      index += word.length;
      if (word.startsWith('@')) tokens.push({ kind: 'capture', value: word.slice(1), start, end: index });
      else if (word.startsWith('#')) tokens.push({ kind: 'predicate', value: word.slice(1), start, end: index });
      else if (word.startsWith('!')) tokens.push({ kind: 'negatedField', value: word.slice(1), start, end: index });
      else if (word.endsWith(':')) tokens.push({ kind: 'field', value: word.slice(0, -1), start, end: index });
      else tokens.push({ kind: 'word', value: word, start, end: index });
    }
  }
  return tokens;
}

/** The query's tokens, or undefined when its text cannot be read or its brackets do not pair up. */
function readableTokens(query: string): QueryToken[] | undefined {
  let tokens: QueryToken[];
  try {
    tokens = tokenizeQuery(query);
  } catch {
    return undefined;
  }
  const open: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'open' || token.kind === 'openAlt') open.push(token.kind === 'open' ? 'close' : 'closeAlt');
    if ((token.kind === 'close' || token.kind === 'closeAlt') && open.pop() !== token.kind) return undefined;
  }
  return open.length === 0 ? tokens : undefined;
}

/** True when the query's text can be read and every `(`/`[` is closed, in order. */
export function balanced(query: string): boolean {
  return readableTokens(query) !== undefined;
}

/**
 * Splits a query into its top-level patterns (with their captures and quantifiers), comments
 * dropped and whitespace between tokens folded to one space (strings kept as written), so equal
 * patterns of different rules compare equal. Unreadable text comes back as one pattern.
 */
export function splitPatterns(query: string): string[] {
  const tokens = readableTokens(query);
  if (!tokens) return query.trim() === '' ? [] : [query];
  const patterns: QueryToken[][] = [];
  let depth = 0;
  for (const token of tokens) {
    const startsPattern = depth === 0 && (token.kind === 'open' || token.kind === 'openAlt' || token.kind === 'string' || token.kind === 'word');
    if (startsPattern || patterns.length === 0) patterns.push([]);
    patterns[patterns.length - 1]?.push(token);
    if (token.kind === 'open' || token.kind === 'openAlt') depth += 1;
    if (token.kind === 'close' || token.kind === 'closeAlt') depth -= 1;
  }
  return patterns.map((pattern) => pattern.map((token) => query.slice(token.start, token.end)).join(' '));
}

/** Capture names a query defines: `@name` outside strings and comments. */
export function queryCaptures(query: string): Set<string> {
  let tokens: QueryToken[];
  try {
    tokens = tokenizeQuery(query);
  } catch {
    return new Set();
  }
  return new Set(tokens.flatMap((token) => (token.kind === 'capture' ? [token.value] : [])));
}

/** Offset of a `(#predicate? …)` at nesting depth 0, outside strings and comments. */
export function topLevelPredicateOffset(query: string): number | undefined {
  let depth = 0;
  let previous: QueryToken | undefined;
  for (const token of readableTokens(query) ?? []) {
    if (token.kind === 'predicate' && previous?.kind === 'open' && depth === 1) return previous.start;
    if (token.kind === 'open' || token.kind === 'openAlt') depth += 1;
    if (token.kind === 'close' || token.kind === 'closeAlt') depth -= 1;
    previous = token;
  }
  return undefined;
}

/**
 * The pattern with its captures renamed `@_0`, `@_1`, … in order of first appearance, so patterns
 * that differ only in capture names compare equal; `names[i]` is the original name of `@_i`.
 */
export function canonicalPattern(pattern: string): { text: string; names: string[] } {
  const names: string[] = [];
  let text = '';
  let copied = 0;
  for (const token of tokenizeQuery(pattern)) {
    if (token.kind !== 'capture') continue;
    let position = names.indexOf(token.value);
    if (position === -1) position = names.push(token.value) - 1;
    text += `${pattern.slice(copied, token.start)}@_${position}`;
    copied = token.end;
  }
  return { text: text + pattern.slice(copied), names };
}
