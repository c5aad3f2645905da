// Unit tests for the vocabulary added for the project-structure, exit-code and subprocess rules:
// the `scope-mentions` predicates (regex templates over other captures) and the repository checks
// `paths-present` (folders reported once) and `module-name-shadowing` (scripts named like modules).

import Parser from 'tree-sitter';
import { describe, expect, it } from 'vitest';

import { convertParam, PREDICATES } from '../../src/analysis/predicates.ts';
import { REPOSITORY_CHECKS } from '../../src/analysis/repository-checks.ts';

const REQUIREMENT_CHECK = REPOSITORY_CHECKS['requirements-unpinned'];
import { SemanticModel } from '../../src/analysis/semantic.ts';
import { parsePython, pythonLanguage } from '../../src/parse/parse.ts';
import type { Snapshot } from '../../src/snapshot/snapshot.ts';

const assignmentQuery = new Parser.Query(pythonLanguage, '(assignment left: (identifier) @name right: (call) @call)');

/** Runs one predicate on every `name = call(...)` of `source`; returns the names it accepts. */
function acceptedNames(source: string, name: 'scope-mentions' | 'scope-not-mentions', regex: string): string[] {
  const file = parsePython({ path: 'tool.py', text: source, bytes: source.length });
  const model = new SemanticModel(file.tree);
  const predicate = PREDICATES[name].compile({ capture: 'call', regex });
  const names: string[] = [];
  for (const match of assignmentQuery.matches(file.tree.rootNode)) {
    const captures = new Map(match.captures.map((capture) => [capture.name, capture.node]));
    if (predicate({ file, model, captures })) names.push(captures.get('name')?.text ?? '');
  }
  return names;
}

const source = [
  'import subprocess',
  'def checked():',
  '    proc = subprocess.run(["ls"])',
  '    return proc.returncode',
  'def unchecked():',
  '    proc = subprocess.run(["ls"])',
  '    print(proc.stdout)',
  'handle = open("a.txt")',
  'other = open("b.txt")',
  'handle.close()',
].join('\n');

describe('scope-mentions', () => {
  it('substitutes the capture text into the regex and searches the enclosing function, or the file at module level', () => {
    expect(acceptedNames(source, 'scope-mentions', '\\b{@name}\\.(returncode|close)\\b')).toEqual(['proc', 'handle']);
    expect(acceptedNames(source, 'scope-not-mentions', '\\b{@name}\\.(returncode|close)\\b')).toEqual(['proc', 'other']);
  });

  it('escapes regex characters in the capture text', () => {
    expect(acceptedNames('a = f()\nx = "f()"\n', 'scope-mentions', '"{@call}"')).toEqual(['a']);
    // Unescaped, `"f()"` would match `"f"` (an empty group).
    expect(acceptedNames('a = f()\nx = "f"\n', 'scope-mentions', '"{@call}"')).toEqual([]);
  });

  it('is false in both forms when a placeholder names a capture the match lacks', () => {
    expect(acceptedNames(source, 'scope-mentions', '{@missing}')).toEqual([]);
    expect(acceptedNames(source, 'scope-not-mentions', '{@missing}')).toEqual([]);
  });

  it('rejects templates that are not regular expressions once the placeholders are filled', () => {
    expect(convertParam({ type: 'template' }, '\\b{@name}\\.close\\(')).toEqual({ value: '\\b{@name}\\.close\\(' });
    expect(convertParam({ type: 'template' }, '({@name}')).toHaveProperty('error');
    expect(convertParam({ type: 'template' }, 3)).toEqual({ error: 'must be a regular expression in a string' });
  });
});

describe('parent-type', () => {
  const stringQuery = new Parser.Query(pythonLanguage, '(string) @string');

  function strings(source: string, name: 'parent-type' | 'not-parent-type'): string[] {
    const file = parsePython({ path: 'tool.py', text: source, bytes: source.length });
    const model = new SemanticModel(file.tree);
    const predicate = PREDICATES[name].compile({ capture: 'string', types: ['concatenated_string'] });
    return stringQuery.matches(file.tree.rootNode)
      .map((match) => new Map(match.captures.map((found) => [found.name, found.node])))
      .filter((captures) => predicate({ file, model, captures }))
      .map((captures) => captures.get('string')?.text ?? '');
  }

  it('tells the parts of an implicit concatenation from standalone strings', () => {
    const source = 'a = "x" f"{y}"\nb = "z"\n';
    expect(strings(source, 'parent-type')).toEqual(['"x"', 'f"{y}"']);
    expect(strings(source, 'not-parent-type')).toEqual(['"z"']);
  });
});

function snapshotOf(paths: string[]): Snapshot {
  const files = new Map(paths.filter((path) => path.endsWith('.py')).map((path) => [path, { path, text: '', bytes: 0 }]));
  return { source: 'test', files, paths, notices: [] };
}

describe('paths-present', () => {
  const check = REPOSITORY_CHECKS['paths-present'].compile({ globs: ['**/__pycache__', 'dist/*.whl'], exclude: ['.venv/**'] });

  it('reports a matching folder once, at its first file, and matching files one by one', () => {
    expect(check(snapshotOf([
      'src/tool/__pycache__/a.cpython-311.pyc',
      'src/tool/__pycache__/b.cpython-311.pyc',
      '__pycache__/x.pyc',
      'dist/tool-1.0-py3-none-any.whl',
      'dist/tool-1.0.tar.gz',
      '.venv/lib/__pycache__/y.pyc',
      'src/tool/cli.py',
    ]))).toEqual([
      { path: 'src/tool/__pycache__/a.cpython-311.pyc', values: { path: 'src/tool/__pycache__/' } },
      { path: '__pycache__/x.pyc', values: { path: '__pycache__/' } },
      { path: 'dist/tool-1.0-py3-none-any.whl', values: { path: 'dist/tool-1.0-py3-none-any.whl' } },
    ]);
  });
});

describe('module-name-shadowing', () => {
  const check = REPOSITORY_CHECKS['module-name-shadowing'].compile({ modules: ['json', 'requests', 'logging'], exclude: ['**/site-packages/**'] });

  it('reports modules and packages outside packages, and leaves package modules and src/<package>/ alone', () => {
    expect(check(snapshotOf([
      'json.py',
      'exercises/requests.py',
      'requests/__init__.py',
      'tool/__init__.py',
      'tool/logging.py',
      'tool/sub/json.py',
      'src/tool/logging.py',
      'src/json.py',
      '.venv/lib/python3.11/site-packages/requests/__init__.py',
      'jsonutil.py',
    ])).map((hit) => hit.path)).toEqual(['json.py', 'exercises/requests.py', 'requests/__init__.py', 'src/json.py']);
  });
});

describe('requirements-unpinned', () => {
  const check = REQUIREMENT_CHECK.compile({ globs: ['requirements*.txt'] });

  it('accepts hash-pinned pip-compile output and reports loose lines', () => {
    const text = [
      'requests==2.32.3 \\',
      '    --hash=sha256:70761cfe03c773ceb22aa2f671b4757976145175cdfca038c02654d061d6dcc6',
      'urllib3==2.2.2 --hash=sha256:a448b2f64d686155468037e1ace9f2d2199776e17f0a46610480d311f73e3472',
      'boto3>=1.28 \\',
      'PyYAML',
    ].join('\n');
    const snapshot: Snapshot = { source: 'test', files: new Map([['requirements.txt', { path: 'requirements.txt', text, bytes: text.length }]]), paths: ['requirements.txt'], notices: [] };
    expect(check(snapshot).map((hit) => [hit.line, hit.values.requirement])).toEqual([[4, 'boto3>=1.28'], [5, 'PyYAML']]);
  });
});

