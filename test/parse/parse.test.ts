import { describe, expect, it } from 'vitest';

import { parsePython } from '../../src/parse/parse.ts';

const parse = (text: string) => parsePython({ path: 'x.py', text, bytes: text.length });

describe('syntax problems', () => {
  it('points at the line where the parser got stuck, not at the start of a wrapping ERROR node', () => {
    const parsed = parse('import shutil\n\ndef usage(path):\n    return shutil.disk_usage(path)\n\ndef check_disk(path)\n    return 1\n');
    expect(parsed.syntaxProblem).toMatchObject({ line: 6 });
  });

  it('reports a bracket that is never closed, at the bracket', () => {
    expect(parse('print("a"\nx = 1\n').syntaxProblem).toMatchObject({ line: 1, column: 6, description: '`(` is never closed' });
  });

  it('has no problem for valid code', () => {
    expect(parse('x = [1, 2]\n').syntaxProblem).toBeUndefined();
  });

  it('survives 10,000 nested brackets and a multi-megabyte file without recursion', () => {
    const deep = `x = ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    expect(parse(deep).tree.rootNode.type).toBe('module');
    const unbalanced = `x = ${'('.repeat(10_000)}\n`;
    expect(parse(unbalanced).syntaxProblem).toBeDefined();
    const big = 'value = 1\n'.repeat(500_000);
    expect(parse(big).tree.rootNode.namedChildCount).toBe(500_000);
  });
});
