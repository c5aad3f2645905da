// Unit tests for the text predicates added for the logging and retry rules: whole-file text
// (`file-text-matches`) and the text of the enclosing function (`scope-text-matches`).

import Parser from 'tree-sitter';
import { describe, expect, it } from 'vitest';

import { convertParam, PREDICATES } from '../../src/analysis/predicates.ts';
import { SemanticModel } from '../../src/analysis/semantic.ts';
import { parsePython, pythonLanguage } from '../../src/parse/parse.ts';

const callQuery = new Parser.Query(pythonLanguage, '(call function: (attribute attribute: (identifier) @method)) @call');

/** Runs one predicate on every `x.method(...)` call of `source`; returns the method names it accepts. */
function accepted(source: string, name: keyof typeof PREDICATES, args: Record<string, unknown>): string[] {
  const file = parsePython({ path: 'tool.py', text: source, bytes: source.length });
  const model = new SemanticModel(file.tree);
  const compiled = { ...args };
  if (typeof compiled.regex === 'string') compiled.regex = new RegExp(compiled.regex, 'u');
  const predicate = PREDICATES[name].compile(compiled);
  const names: string[] = [];
  for (const match of callQuery.matches(file.tree.rootNode)) {
    const captures = new Map(match.captures.map((capture) => [capture.name, capture.node]));
    if (predicate({ file, model, captures })) names.push(captures.get('method')?.text ?? '');
  }
  return names;
}

const script = [
  'import logging',
  'logging.basicConfig()',
  'def probe(client):',
  '    client.exec_command("uptime")',
  'def checked(client):',
  '    _, out, _ = client.run("uptime")',
  '    return out.channel.recv_exit_status()',
  'if __name__ == "__main__":',
  '    logging.info("start")',
].join('\n');

describe('file-text-matches', () => {
  it('anchors ^ at line starts, so a main guard is found on any line', () => {
    const guard = { regex: '^if\\s+__name__\\s*==' };
    expect(accepted(script, 'file-text-matches', guard)).toEqual(['basicConfig', 'exec_command', 'run', 'recv_exit_status', 'info']);
    expect(accepted(script, 'file-text-not-matches', guard)).toEqual([]);
    expect(accepted('import x\nx.y()\n', 'file-text-matches', guard)).toEqual([]);
  });
});

describe('scope-text-matches', () => {
  it('reads the enclosing def, or the whole file at module level', () => {
    const status = { capture: 'call', regex: 'recv_exit_status' };
    // Module-level calls see the whole file, which mentions recv_exit_status in `checked`.
    expect(accepted(script, 'scope-text-matches', status)).toEqual(['basicConfig', 'run', 'recv_exit_status', 'info']);
    expect(accepted(script, 'scope-text-not-matches', status)).toEqual(['exec_command']);
  });

  it('anchors ^ at line starts inside the function text', () => {
    // `probe` has no return line; module-level calls see the file, which has one in `checked`.
    expect(accepted(script, 'scope-text-matches', { capture: 'call', regex: '^\\s+return ' })).toEqual(['basicConfig', 'run', 'recv_exit_status', 'info']);
  });
});

describe('any-of', () => {
  const source = [
    'import requests',
    'requests.get(u)',
    'requests.get(u, timeout=None)',
    'requests.get(u, timeout=5)',
    'requests.get(u, **options)',
  ].join('\n');
  const calls = new Parser.Query(pythonLanguage, '(call) @call');

  function lines(args: Record<string, unknown>): number[] {
    const file = parsePython({ path: 'tool.py', text: source, bytes: source.length });
    const model = new SemanticModel(file.tree);
    const converted = convertParam({ type: 'predicates' }, args.of);
    if ('error' in converted) throw new Error(converted.error);
    const predicate = PREDICATES['any-of'].compile({ of: converted.value });
    return calls.matches(file.tree.rootNode)
      .filter((match) => predicate({ file, model, captures: new Map([['call', match.captures[0]!.node]]) }))
      .map((match) => match.captures[0]!.node.startPosition.row + 1);
  }

  it('holds when any nested call holds', () => {
    expect(lines({ of: [
      { 'lacks-keyword': { capture: 'call', names: ['timeout'] } },
      { 'keyword-value': { capture: 'call', name: 'timeout', values: ['None'] } },
    ] })).toEqual([2, 3]);
  });

  it('rejects unknown predicates, unknown parameters and bad values with the entry number', () => {
    expect(convertParam({ type: 'predicates' }, [{ 'lacks-keywords': {} }])).toEqual({ error: 'entry 1 names unknown predicate `lacks-keywords`' });
    expect(convertParam({ type: 'predicates' }, [{ calls: { capture: 'c', names: ['x'] } }, { calls: { capture: 'c', name: 'x' } }]))
      .toEqual({ error: 'entry 2: predicate `calls` has no parameter `name`' });
    const badRegex = convertParam({ type: 'predicates' }, [{ 'text-matches': { capture: 'c', regex: '(' } }]);
    expect('error' in badRegex && badRegex.error).toMatch(/^entry 1: `text-matches.regex` is not a valid regular expression/);
    expect(convertParam({ type: 'predicates' }, [])).toEqual({ error: 'must be a non-empty list of predicate calls' });
  });
});
