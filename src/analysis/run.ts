// Rule stage: runs every active rule's matcher over the parsed files and the snapshot, and
// returns raw hits. All Python rules run as ONE combined tree-sitter query per file (see plan.ts
// for how patterns are routed), so the tree is walked once in C whatever the number of rules;
// predicates then filter the matches in JS.

import Parser from 'tree-sitter';

import { nodeKey, nodeText, queryMatches } from '../parse/node-fields.ts';
import { pythonLanguage } from '../parse/parse.ts';
import type { ParsedFile, SyntaxNode } from '../parse/parse.ts';
import type { Snapshot, SnapshotFile } from '../snapshot/snapshot.ts';
import type { CompiledText, LoadedRule, Rubric } from '../rules/load.ts';
import type { Range } from '../rules/finding.ts';
import { planRules } from './plan.ts';
import type { PythonRule, RulePlan } from './plan.ts';
import { SemanticModel } from './semantic.ts';


/** One place a rule matched. Plain data, so worker threads can send it back. */
export interface RuleHit {
  ruleId: string;
  path?: string;
  range?: Range;
  /** Placeholder values for the rule's message, hint and replacement. */
  values: Record<string, string>;
  /** Where the rule's `fix.replacement` applies, when it has one. */
  replacementRange?: Range;
}

const ruleQueries = new WeakMap<PythonRule, Parser.Query>();

/** The rule's call-indexed patterns as one query, compiled the first time a call needs it. */
function calleeQuery(plan: RulePlan, rule: PythonRule): Parser.Query | undefined {
  let query = ruleQueries.get(rule);
  if (!query) {
    const source = plan.calleeIndexed.get(rule);
    if (source === undefined) return undefined;
    query = new Parser.Query(pythonLanguage, source);
    ruleQueries.set(rule, query);
  }
  return query;
}

/** Matches of a query anchored at `node` (patterns must start at the node itself). */
function queryOf(query: Parser.Query | undefined, node: SyntaxNode): Parser.QueryMatch[] {
  return query ? queryMatches(query, node, 0) : [];
}

export function nodeRange(node: SyntaxNode): Range {
  return {
    start: { line: node.startPosition.row + 1, column: node.startPosition.column + 1 },
    end: { line: node.endPosition.row + 1, column: node.endPosition.column + 1 },
  };
}

const LAST_NAME = /([\p{L}_][\p{L}\p{N}_]*)\s*$/u;

/** Rules whose call-indexed patterns could match a call with this qualified name and callee text. */
function callCandidates(plan: RulePlan, qualifiedName: string | undefined, calleeText: string): Set<PythonRule> {
  const candidates = new Set<PythonRule>();
  const addAll = (rules: readonly PythonRule[] | undefined) => {
    if (rules) for (const rule of rules) candidates.add(rule);
  };
  if (qualifiedName !== undefined) {
    addAll(plan.byQualifiedName.get(qualifiedName));
    for (let dot = qualifiedName.indexOf('.'); dot !== -1; dot = qualifiedName.indexOf('.', dot + 1)) {
      addAll(plan.byQualifiedPrefix.get(qualifiedName.slice(0, dot + 1)));
    }
  }
  const name = LAST_NAME.exec(calleeText)?.[1] ?? calleeText;
  addAll(plan.byCalleeName.get(name));
  addAll(plan.byCalleeText.get(calleeText));
  for (const entry of plan.calleeRegexes) {
    if (entry.regex.test(entry.onName ? name : calleeText)) candidates.add(entry.rule);
  }
  return candidates;
}

/** Runs the Python rules in `active` over one file. */
export function runPythonRules(rubric: Rubric, file: ParsedFile, active: ReadonlySet<string>): RuleHit[] {
  if (!rubric.rules.some((rule) => rule.compiled.kind === 'python')) return [];
  const plan = planRules(rubric.rules);
  const matches = queryMatches(plan.query, file.tree.rootNode);
  // Matches come in document order, so bindings and rule matches interleave: split them.
  const bindings: Parser.QueryMatch[] = [];
  const ruleMatches: Parser.QueryMatch[] = [];
  for (const match of matches) {
    if (match.pattern >= plan.bindingPatterns) {
      ruleMatches.push(match);
      continue;
    }
    bindings.push(match);
    if (plan.anchors[match.pattern] !== undefined || plan.nativeMembers[match.pattern] !== undefined) ruleMatches.push(match);
  }
  const model = new SemanticModel(file.tree, bindings);
  const hits: RuleHit[] = [];
  const seen = new Set<string>();
  const applies = new Map<PythonRule, boolean>();
  const runsHere = (rule: PythonRule) => {
    let result = applies.get(rule);
    if (result === undefined) {
      result = active.has(rule.id) && rule.compiled.appliesTo(file.path);
      applies.set(rule, result);
    }
    return result;
  };
  const evaluate = (rule: PythonRule, captures: Map<string, SyntaxNode>) => {
    const context = { file, model, captures };
    if (!rule.compiled.predicates.every((predicate) => predicate(context))) return;
    const reported = captures.get(rule.compiled.report);
    if (!reported) return;
    // Two patterns of a rule, or one pattern matching several ways (`(call (argument_list (string) @s)) @call`
    // on a call with three strings), may report the same node: report it once.
    const key = `${rule.id}:${nodeKey(reported)}`;
    if (seen.has(key)) return;
    seen.add(key);
    const values: Record<string, string> = {};
    for (const { name, capture, qualified } of plan.placeholders.get(rule.id) ?? []) {
      const node = captures.get(capture);
      if (node) values[name] = qualified ? model.qualifiedName(node) ?? nodeText(node) : nodeText(node);
    }
    const hit: RuleHit = { ruleId: rule.id, path: file.path, range: nodeRange(reported), values };
    const replacement = rule.fix.replacement;
    const target = replacement ? captures.get(replacement.target ?? rule.compiled.report) : undefined;
    if (target) hit.replacementRange = nodeRange(target);
    hits.push(hit);
  };
  const ownCaptures = (match: Parser.QueryMatch, names?: readonly string[], index?: ReadonlyMap<string, number>) => {
    const captures = new Map<string, SyntaxNode>();
    for (const capture of match.captures) {
      // Shared patterns name captures canonically (`_0`, `_1`, … or a binding's names): the rule
      // knows them by its own names.
      const position = index ? index.get(capture.name) : Number(capture.name.slice(1));
      const name = names && position !== undefined ? names[position] : capture.name;
      if (name !== undefined && !captures.has(name)) captures.set(name, capture.node);
    }
    return captures;
  };
  const onAnchor = (type: string, node: SyntaxNode) => {
    for (const member of plan.trivialByType.get(type) ?? []) {
      if (runsHere(member.rule)) evaluate(member.rule, new Map(member.captures.map((name) => [name, node])));
    }
  };
  for (const match of ruleMatches) {
    if (match.pattern === plan.callAnchor) {
      const call = match.captures.find((capture) => capture.name === 'anchor.call')?.node;
      const callee = match.captures.find((capture) => capture.name === 'anchor.callee')?.node;
      if (!call || !callee) continue;
      onAnchor('call', call);
      const calleeText = nodeText(callee);
      for (const rule of callCandidates(plan, model.qualifiedName(call), calleeText)) {
        if (!runsHere(rule)) continue;
        // The rule's own patterns, anchored at this call, supply its captures.
        for (const own of queryOf(calleeQuery(plan, rule), call)) evaluate(rule, ownCaptures(own));
      }
      continue;
    }
    const anchor = plan.anchors[match.pattern];
    if (anchor) {
      const node = match.captures.find((capture) => capture.name === anchor.capture)?.node;
      if (node) onAnchor(anchor.type, node);
    }
    for (const member of plan.nativeMembers[match.pattern] ?? []) {
      if (runsHere(member.rule)) evaluate(member.rule, ownCaptures(match, member.names, plan.captureIndex[match.pattern]));
    }
  }
  return hits;
}

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

function positionAt(starts: number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
}

/** Never echo a secret back: show its first four characters. */
export function redact(secret: string): string {
  return secret.length <= 8 ? '****' : `${secret.slice(0, 4)}****`;
}

export function runTextRule(rule: LoadedRule & { compiled: CompiledText }, file: SnapshotFile): RuleHit[] {
  if (!rule.compiled.appliesTo(file.path)) return [];
  const hits: RuleHit[] = [];
  let starts: number[] | undefined;
  const seen = new Set<number>();
  for (const pattern of rule.compiled.patterns) {
    pattern.lastIndex = 0;
    for (const found of file.text.matchAll(pattern)) {
      const whole = found[0];
      const secret = found.groups?.secret ?? whole;
      if (secret === '') continue;
      if (rule.compiled.allow.some((allow) => allow.test(secret) || allow.test(whole))) continue;
      if (entropy(secret) < rule.compiled.minEntropy) continue;
      const offset = (found.index ?? 0) + (found.groups?.secret !== undefined ? whole.indexOf(secret) : 0);
      if (seen.has(offset)) continue;
      seen.add(offset);
      starts ??= lineStarts(file.text);
      const start = positionAt(starts, offset);
      const end = positionAt(starts, offset + secret.length);
      hits.push({ ruleId: rule.id, path: file.path, range: { start, end }, values: { redacted: redact(secret), path: file.path } });
    }
  }
  return hits;
}

export function runRepositoryRule(rule: LoadedRule, snapshot: Snapshot): RuleHit[] {
  if (rule.compiled.kind !== 'repository') return [];
  return rule.compiled.check(snapshot).map((hit) => {
    const result: RuleHit = { ruleId: rule.id, values: hit.values };
    if (hit.path !== undefined) result.path = hit.path;
    if (hit.line !== undefined) result.range = { start: { line: hit.line, column: 1 }, end: { line: hit.line, column: 1 } };
    return result;
  });
}
