import Parser from 'tree-sitter';
import { describe, expect, it } from 'vitest';

import { balanced, canonicalPattern, queryCaptures, splitPatterns, topLevelPredicateOffset } from '../../src/rules/query-text.ts';
import { pythonLanguage } from '../../src/parse/parse.ts';

describe('reading query text', () => {
  it('splits top-level patterns, folding whitespace between tokens but never inside strings', () => {
    const query = '; two patterns\n((comment) @c\n   (#eq? @c "#  two  spaces"))\n(call\n  function: (identifier) @f) @call\n';
    expect(splitPatterns(query)).toEqual([
      '( ( comment ) @c ( #eq? @c "#  two  spaces" ) )',
      '( call function: ( identifier ) @f ) @call',
    ]);
    // What comes out is still a query, with the same number of patterns as tree-sitter counts.
    const compiled = new Parser.Query(pythonLanguage, splitPatterns(query).join('\n')) as unknown as { predicates: unknown[] };
    expect(compiled.predicates).toHaveLength(2);
  });

  it('skips comments before strings, so a quote in a comment hides no capture', () => {
    const query = '; a 12" screen\n(call) @c\n; say "hi\n(string) @s';
    expect([...queryCaptures(query)]).toEqual(['c', 's']);
    expect(splitPatterns(query)).toEqual(['( call ) @c', '( string ) @s']);
  });

  it('finds a predicate written outside any pattern, and none inside one', () => {
    expect(topLevelPredicateOffset('(call function: (identifier) @fn) @call (#eq? @fn "get")')).toBe(40);
    expect(topLevelPredicateOffset('((call function: (identifier) @fn) @call (#eq? @fn "get"))')).toBeUndefined();
    expect(topLevelPredicateOffset('(string) @s ; (#eq? @s "x")')).toBeUndefined();
  });

  it('tells unbalanced or unreadable text apart', () => {
    expect(balanced('(call (argument_list) @a)')).toBe(true);
    expect(balanced('(call (argument_list) @a')).toBe(false);
    expect(balanced('(call [(a) (b)) @x')).toBe(false);
    expect(balanced('(string) @s (#eq? @s "open')).toBe(false);
    expect(splitPatterns('(call (argument_list) @a')).toEqual(['(call (argument_list) @a']);
  });

  it('renames captures canonically and leaves string literals alone', () => {
    expect(canonicalPattern('((call function: (identifier) @fn) @call (#eq? @fn "a@b"))')).toEqual({
      text: '((call function: (identifier) @_0) @_1 (#eq? @_0 "a@b"))', names: ['fn', 'call'],
    });
  });
});
