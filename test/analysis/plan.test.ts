import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Parser from 'tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';

import { planRules } from '../../src/analysis/plan.ts';
import type { PythonRule } from '../../src/analysis/plan.ts';
import { patternShape } from '../../src/analysis/query-shape.ts';
import { nodeRange, runPythonRules } from '../../src/analysis/run.ts';
import type { RuleHit } from '../../src/analysis/run.ts';
import { SemanticModel } from '../../src/analysis/semantic.ts';
import { nodeKey } from '../../src/parse/node-fields.ts';
import { parsePython, pythonLanguage } from '../../src/parse/parse.ts';
import { loadRubric } from '../../src/rules/load.ts';
import type { Rubric } from '../../src/rules/load.ts';
import type { Range } from '../../src/rules/finding.ts';

describe('pattern shapes', () => {
  it('finds the root, its captures and a predicate on the callee name', () => {
    expect(patternShape('((call function: (attribute attribute: (identifier) @m) arguments: (argument_list) @args) @site (#eq? @m "add"))')).toEqual({
      rootType: 'call', rootCaptures: ['site'], trivial: false, functionCaptures: [], calleeNameCaptures: ['m'],
      predicates: [{ operator: 'eq?', capture: 'm', values: ['add'] }],
    });
  });

  it('takes a callee-name capture only when every alternative binds it', () => {
    expect(patternShape('(call function: [(attribute attribute: (identifier) @method) (identifier) @method]) @call').calleeNameCaptures).toEqual(['method']);
    expect(patternShape('(call function: [(attribute attribute: (identifier) @method) (identifier)]) @call').calleeNameCaptures).toEqual([]);
    expect(patternShape('(call function: (_) @source) @read')).toMatchObject({ functionCaptures: ['source'], calleeNameCaptures: [] });
  });

  it('calls `(type) @a @b` trivial, and nothing with structure, predicates or quantifiers', () => {
    expect(patternShape('(string) @url @path')).toMatchObject({ rootType: 'string', rootCaptures: ['url', 'path'], trivial: true });
    expect(patternShape('((string) @flag (#match? @flag "^x$"))').trivial).toBe(false);
    expect(patternShape('(string (string_start) @start) @string').trivial).toBe(false);
    expect(patternShape('(call)* @calls').trivial).toBe(false);
    expect(patternShape('[(string) (integer)] @value').rootType).toBeUndefined();
  });
});

/** Every Python file under fixtures/. */
function fixtureFiles(): string[] {
  const root = path.resolve(import.meta.dirname, '../../fixtures');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.py') && !file.endsWith('huge.py'))
    .map((file) => path.join(root, file))
    .sort();
}

const ownQueries = new Map<string, Parser.Query>();

const span = (range: Range | undefined) => (range ? `${range.start.line}:${range.start.column}-${range.end.line}:${range.end.column}` : '-');

/** One hit as a line to compare: rule, reported range, placeholder values, replacement range. */
function describeHit(hit: RuleHit): string {
  return `${hit.ruleId} ${span(hit.range)} ${JSON.stringify(hit.values)} ${span(hit.replacementRange)}`;
}

/** The reference: each rule's own query over the whole tree, then its predicates; a node once per rule. */
function naiveHits(rubric: Rubric, file: string, text: string): string[] {
  const parsed = parsePython({ path: file, text, bytes: text.length });
  const model = new SemanticModel(parsed.tree);
  const placeholders = planRules(rubric.rules).placeholders;
  const hits: string[] = [];
  for (const candidate of rubric.rules) {
    if (candidate.compiled.kind !== 'python' || !candidate.compiled.appliesTo(file)) continue;
    const rule = candidate as PythonRule;
    const seen = new Set<string>();
    let query = ownQueries.get(rule.id);
    if (!query) {
      query = new Parser.Query(pythonLanguage, rule.compiled.query);
      ownQueries.set(rule.id, query);
    }
    for (const match of query.matches(parsed.tree.rootNode)) {
      const captures = new Map<string, Parser.SyntaxNode>();
      for (const capture of match.captures) if (!captures.has(capture.name)) captures.set(capture.name, capture.node);
      if (!rule.compiled.predicates.every((predicate) => predicate({ file: parsed, model, captures }))) continue;
      const reported = captures.get(rule.compiled.report);
      if (!reported || seen.has(nodeKey(reported))) continue;
      seen.add(nodeKey(reported));
      const values: Record<string, string> = {};
      for (const { name, capture: captureName, qualified } of placeholders.get(rule.id) ?? []) {
        const node = captures.get(captureName);
        if (node) values[name] = qualified ? model.qualifiedName(node) ?? node.text : node.text;
      }
      const hit: RuleHit = { ruleId: rule.id, range: nodeRange(reported), values };
      const target = rule.fix.replacement ? captures.get(rule.fix.replacement.target ?? rule.compiled.report) : undefined;
      if (target) hit.replacementRange = nodeRange(target);
      hits.push(describeHit(hit));
    }
  }
  return hits.sort();
}

describe('rule plan', () => {
  let rubric: Rubric;
  beforeAll(async () => {
    rubric = await loadRubric();
  });

  it('routes call patterns by name and shares one pattern per node type for `(type) @x` patterns', () => {
    const plan = planRules(rubric.rules);
    const ids = (rules: readonly PythonRule[] | undefined) => (rules ?? []).map((rule) => rule.id);
    expect(ids(plan.byQualifiedName.get('requests.get'))).toContain('http-call-without-timeout');
    expect(ids(plan.byCalleeName.get('add'))).toContain('git-add-all');
    expect(plan.calleeRegexes.map((entry) => entry.rule.id)).toContain('mkdir-not-idempotent');
    expect((plan.trivialByType.get('string') ?? []).map((member) => member.rule.id)).toContain('invalid-escape-sequence');
    // Fewer patterns for tree-sitter to try than the rules hold.
    const rulePatterns = rubric.rules.reduce((sum, rule) => sum + (rule.compiled.kind === 'python' ? rule.compiled.patternCount : 0), 0);
    expect(plan.nativeMembers.length - plan.bindingPatterns).toBeLessThan(rulePatterns / 2);
  });

  it('finds exactly what running every rule on its own finds, on every fixture file', () => {
    const active = new Set(rubric.rules.map((rule) => rule.id));
    let compared = 0;
    for (const file of fixtureFiles()) {
      const text = readFileSync(file, 'utf8');
      const relative = path.relative(path.resolve(import.meta.dirname, '../..'), file);
      const parsed = parsePython({ path: relative, text, bytes: text.length });
      const routed = runPythonRules(rubric, parsed, active).map(describeHit).sort();
      expect(routed, relative).toEqual(naiveHits(rubric, relative, text));
      compared += routed.length;
    }
    expect(compared).toBeGreaterThan(300);
  });
});
