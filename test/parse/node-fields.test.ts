import Parser from 'tree-sitter';
import { describe, expect, it } from 'vitest';

import { nodeKey, nodeStart } from '../../src/parse/node-fields.ts';
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
