// Unit tests for the text predicates added for the logging and retry rules: whole-file text
// (`file-text-matches`) and the text of the enclosing function (`scope-text-matches`).

import Parser from 'tree-sitter';
import { describe, expect, it } from 'vitest';

import { PREDICATES } from '../../src/analysis/predicates.ts';
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
