import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { buildRubric, parseRuleFile, RubricError } from '../../src/rules/load.ts';

const course = readFileSync(new URL('../../rules/course.yml', import.meta.url), 'utf8');
// A frozen copy of a real rule, so these tests do not change when the shipped rule is refined.
const validRule = readFileSync(new URL('./sample-rule.yml', import.meta.url), 'utf8');
const FILE = 'rules/08/http-call-without-timeout.yml';

function problemsOf(text: string, file = FILE): string[] {
  return parseRuleFile(file, text).problems.map((problem) => `${problem.line}:${problem.column}: ${problem.message}`);
}

describe('rule files', () => {
  it('loads a valid rule', () => {
    const { rule, problems } = parseRuleFile(FILE, validRule);
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({ id: 'http-call-without-timeout', chapter: 8, kind: 'violation', severity: 'error' });
  });

  it('reports an unknown property at its line and column', () => {
    const text = validRule.replace('severity: error\n', 'severity: error\nseverty: error\n');
    const line = text.split('\n').findIndex((candidate) => candidate.startsWith('severty')) + 1;
    expect(problemsOf(text)).toEqual([`${line}:1: unknown property \`severty\` in the file`]);
  });

  it('reports a wrong enum value at the value', () => {
    const text = validRule.replace('severity: error', 'severity: fatal');
    const line = text.split('\n').findIndex((candidate) => candidate.startsWith('severity')) + 1;
    expect(problemsOf(text)).toEqual([`${line}:11: \`severity\` must be one of: error, warning, info`]);
  });

  it('requires every docs section', () => {
    const text = validRule.replace(/\n {2}instead: \|\n(?: {4}.*\n|\n)+/, '\n');
    expect(problemsOf(text).join('\n')).toContain('`docs` is missing the required property `instead`');
  });

  it('requires the id to equal the file name and the folder to match the chapter', () => {
    expect(problemsOf(validRule, 'rules/08/other-name.yml')).toEqual(['1:5: id `http-call-without-timeout` must equal the file name `other-name`']);
    expect(problemsOf(validRule, 'rules/07/http-call-without-timeout.yml')[0]).toMatch(/chapter 8 belongs in folder `08\/`/);
  });

  it('fails on an unknown predicate, an unknown parameter and a missing one, at load time', () => {
    const unknownPredicate = validRule.replace('- lacks-keyword:', '- lacks-keywords:');
    expect(problemsOf(unknownPredicate).join('\n')).toMatch(/unknown predicate `lacks-keywords`; known: calls, not-calls/);
    const unknownParam = validRule.replace('lacks-keyword: { capture: call, names: [timeout] }', 'lacks-keyword: { capture: call, names: [timeout], kind: x }');
    expect(problemsOf(unknownParam).join('\n')).toMatch(/predicate `lacks-keyword` has no parameter `kind`/);
    const missingParam = validRule.replace('lacks-keyword: { capture: call, names: [timeout] }', 'lacks-keyword: { capture: call }');
    expect(problemsOf(missingParam).join('\n')).toMatch(/predicate `lacks-keyword` needs parameter `names`/);
  });

  it('fails when a predicate names a capture the query does not define', () => {
    const text = validRule.replace('lacks-keyword: { capture: call,', 'lacks-keyword: { capture: callee,');
    expect(problemsOf(text).join('\n')).toMatch(/names capture `callee`, which the query does not define \(it has: call\)/);
  });

  it('checks the capture names inside `any-of` too', () => {
    const text = validRule.replace(/ {4}- lacks-keyword: \{ capture: call,([^\n]*)\n/, '    - any-of:\n        of:\n          - lacks-keyword: { capture: cal,$1\n');
    expect(text).toContain('capture: cal,');
    const line = text.split('\n').findIndex((candidate) => candidate.includes('capture: cal,')) + 1;
    expect(problemsOf(text)).toEqual([`${line}:39: \`lacks-keyword.capture\` names capture \`cal\`, which the query does not define (it has: call)`]);
  });

  it('points at the offending token of a broken tree-sitter query', () => {
    const text = validRule.replace('(call function: [(attribute) (identifier)]) @call', '(call functon: (attribute)) @call');
    const line = text.split('\n').findIndex((candidate) => candidate.includes('functon')) + 1;
    expect(problemsOf(text)).toEqual([`${line}:11: unknown field name in the tree-sitter query near \`functon: (attribute)\``]);
  });

  it('rejects a query predicate that stands outside its pattern, which tree-sitter would ignore', () => {
    const text = validRule.replace('(call function: [(attribute) (identifier)]) @call', '(call function: (identifier) @fn) @call (#eq? @fn "get")');
    const line = text.split('\n').findIndex((candidate) => candidate.includes('#eq?')) + 1;
    expect(problemsOf(text)).toEqual([`${line}:45: this query predicate stands outside any pattern, so tree-sitter ignores it; wrap the pattern and its predicate together: \`((call …) @x (#eq? @name "…"))\``]);
    const wrapped = validRule.replace('(call function: [(attribute) (identifier)]) @call', '((call function: (identifier) @fn) @call (#eq? @fn "get"))');
    expect(problemsOf(wrapped).filter((problem) => problem.includes('outside'))).toEqual([]);
  });

  it('reports a placeholder that names no capture', () => {
    const text = validRule.replace('message: "`{call}` has', 'message: "`{url}` has');
    expect(problemsOf(text).join('\n')).toMatch(/placeholder `\{url\}` names no capture/);
  });

  it('reports YAML syntax errors with a position', () => {
    expect(problemsOf('id: x\n  bad: [\n')[0]).toMatch(/^\d+:\d+: YAML: /);
  });
});

describe('rubric', () => {
  it('reports a broken query in one rule beside a schema error in another, at once', () => {
    const broken = validRule.replace('id: http-call-without-timeout', 'id: http-call-without-timeout-copy')
      .replace('(call function: [(attribute) (identifier)]) @call', '(call functon: (attribute)) @call');
    const invalid = validRule.replace('severity: error', 'severity: fatal');
    let error: unknown;
    try {
      buildRubric([{ file: FILE, text: invalid }, { file: 'rules/08/http-call-without-timeout-copy.yml', text: broken }], { file: 'rules/course.yml', text: course });
    } catch (caught) {
      error = caught;
    }
    expect((error as RubricError).message).toContain(`${FILE}:`);
    expect((error as RubricError).message).toContain('rules/08/http-call-without-timeout-copy.yml:');
    expect((error as RubricError).message).toContain('unknown field name in the tree-sitter query');
  });

  it('compiles all queries together, and still names the rule whose query is broken', () => {
    const broken = validRule.replace('id: http-call-without-timeout', 'id: http-call-without-timeout-copy')
      .replace('(call function: [(attribute) (identifier)]) @call', '(call functon: (attribute)) @call');
    const line = broken.split('\n').findIndex((candidate) => candidate.includes('functon')) + 1;
    let error: unknown;
    try {
      buildRubric([{ file: FILE, text: validRule }, { file: 'rules/08/http-call-without-timeout-copy.yml', text: broken }], { file: 'rules/course.yml', text: course });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RubricError);
    expect((error as RubricError).message).toContain(`rules/08/http-call-without-timeout-copy.yml:${line}:11: unknown field name in the tree-sitter query near \`functon: (attribute)\``);
    expect((error as RubricError).message).not.toContain(`${FILE}:`);
  });

  it('rejects a course that grades an unknown requirement, with its position', () => {
    const broken = course.replace(/rule: has-tests\b/, 'rule: has-testz');
    const line = broken.split('\n').findIndex((candidate) => candidate.includes('has-testz')) + 1;
    let error: unknown;
    try {
      buildRubric([{ file: FILE, text: validRule }], { file: 'rules/course.yml', text: broken });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RubricError);
    const column = (broken.split('\n')[line - 1] ?? '').indexOf('has-testz') + 1;
    expect((error as RubricError).message).toContain(`rules/course.yml:${line}:${column}: unknown requirement \`has-testz\``);
  });
});
