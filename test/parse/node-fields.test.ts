import Parser from 'tree-sitter';
import { describe, expect, it } from 'vitest';

import { nodeKey, nodeStart, nodeText, queryMatches } from '../../src/parse/node-fields.ts';
import { parsePython, pythonLanguage } from '../../src/parse/parse.ts';

describe('marshalled node fields', () => {
  it('agree with the addon getters for every node of a file with non-ASCII text', () => {
    const text = 's = "é ünïcode 🚀"\nclass C:\n    def f(self):\n        return requests.get(u, timeout=(1, 2))\n';
    const tree = parsePython({ path: 'x.py', text, bytes: text.length }).tree;
    const nodes = new Parser.Query(pythonLanguage, '(_) @node').matches(tree.rootNode).map((match) => match.captures[0]!.node);
    expect(nodes.length).toBeGreaterThan(20);
    const keys = new Set<string>();
    for (const node of nodes) {
      expect(nodeStart(node)).toBe(node.startIndex);
      keys.add(nodeKey(node));
    }
    expect(keys.size).toBe(new Set(nodes.map((node) => String(node.id))).size);
  });
});

describe('queryMatches', () => {
  const text = [
    'import subprocess as sp',
    'def run(cmd, *args, **kw):',
    '    """Runs é."""',
    '    result = sp.run(cmd, shell=True)',
    '    if result.returncode != 0 and (x := 1):',
    '        raise SystemExit(f"failed: {cmd!r}")',
    '    return [c for c in args if c]',
    'print(run("ls" "-l"))',
    'def broken(:',
  ].join('\n');
  const query = new Parser.Query(pythonLanguage, [
    '(call function: (_) @callee) @call',
    '(string) @string',
    '((identifier) @name (#match? @name "^[a-z]+$"))',
    '(function_definition name: (identifier) @def) @function',
    '(ERROR) @error',
  ].join('\n'));
  const shape = (matches: Parser.QueryMatch[]) => matches.map((match) => ({
    pattern: match.pattern,
    captures: match.captures.map((capture) => `${capture.name}=${capture.node.type}@${nodeKey(capture.node)}:${capture.node.text}`),
  }));

  it('returns what Query.matches returns: patterns, capture names, nodes and their text', () => {
    const tree = parsePython({ path: 'x.py', text, bytes: text.length }).tree;
    const expected = shape(query.matches(tree.rootNode));
    expect(expected.length).toBeGreaterThan(30);
    expect(shape(queryMatches(query, tree.rootNode))).toEqual(expected);
    const fast = queryMatches(query, tree.rootNode);
    for (const match of fast) for (const capture of match.captures) expect(nodeText(capture.node)).toBe(capture.node.text);
  });

  it('anchors at a node like maxStartDepth: 0', () => {
    const tree = parsePython({ path: 'x.py', text, bytes: text.length }).tree;
    const call = query.matches(tree.rootNode).find((match) => match.pattern === 0)?.captures.find((capture) => capture.name === 'call')?.node;
    expect(call).toBeDefined();
    if (!call) return;
    expect(shape(queryMatches(query, call, 0))).toEqual(shape(query.matches(call, { maxStartDepth: 0 })));
  });
});
