// Rule stage: runs every active rule's matcher over the parsed files and the snapshot, and
// returns raw hits. All Python rules run as ONE combined tree-sitter query per file, so the tree
// is walked once in C whatever the number of rules; predicates then filter the matches in JS.

import Parser from 'tree-sitter';

import { nodeKey } from '../parse/node-fields.ts';
import { pythonLanguage } from '../parse/parse.ts';
import type { ParsedFile, SyntaxNode } from '../parse/parse.ts';
import type { Snapshot, SnapshotFile } from '../snapshot/snapshot.ts';
import type { CompiledPython, CompiledText, LoadedRule, Rubric } from '../rules/load.ts';
import type { Range } from '../rules/finding.ts';
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

type PythonRule = LoadedRule & { compiled: CompiledPython };

interface CombinedQuery {
  query: Parser.Query;
  /**
   * The rules each pattern of the combined query belongs to, by pattern index. Rules written with
   * the same pattern (dozens start from `(call) @call`) share one: tree-sitter then hands over each
   * match once instead of once per rule, and handing matches to JavaScript is the costly part.
   */
  rulesOfPattern: PythonRule[][];
  /** Rules with more than one pattern, which may match the same node twice. */
  multiPattern: Set<string>;
  /** Placeholder names each rule's message and fix use, so only those are computed. */
  placeholders: Map<string, string[]>;
  /** Pattern index of the one `(call)` pattern that feeds the call index, if any rule uses it. */
  callPattern?: number;
  /** Call-rooted rules by the exact qualified names their first `calls` predicate accepts… */
  callsByName: Map<string, PythonRule[]>;
  /** …and by the prefix of a trailing-`*` glob (`requests.Session.` for `requests.Session.*`). */
  callsByPrefix: Map<string, PythonRule[]>;
}

const CALL_ROOTED = /^\(call\b[\s\S]*\)\s*@([A-Za-z_][\w.-]*)$/;

/**
 * A rule joins the call index when every pattern is a `call` node captured as the capture its first
 * `calls` predicate tests, with names that are exact or end in `.*`. Such a rule is matched only at
 * calls whose resolved name it accepts, instead of being a pattern tree-sitter tries at every call.
 */
function callIndexNames(rule: PythonRule, patterns: readonly string[]): string[] | undefined {
  const first = rule.compiled.firstCalls;
  if (!first || patterns.length !== rule.compiled.patternCount) return undefined;
  if (!patterns.every((pattern) => CALL_ROOTED.exec(pattern)?.[1] === first.capture)) return undefined;
  if (!first.names.every((name) => !name.slice(0, -2).includes('*') && (!name.includes('*') || name.endsWith('.*')))) return undefined;
  return first.names;
}

const ruleQueries = new WeakMap<PythonRule, Parser.Query>();

function ruleQuery(rule: PythonRule): Parser.Query {
  let query = ruleQueries.get(rule);
  if (!query) {
    query = new Parser.Query(pythonLanguage, rule.compiled.query);
    ruleQueries.set(rule, query);
  }
  return query;
}

const PLACEHOLDER = /\{([A-Za-z_][\w.-]*(?::qualified)?)\}/g;

function placeholdersOf(rule: LoadedRule): string[] {
  const templates = [rule.message, rule.fix.hint, rule.fix.replacement?.template ?? ''];
  return [...new Set(templates.flatMap((template) => [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '')))];
}

function patternCount(query: Parser.Query): number {
  return (query as unknown as { predicates: unknown[] }).predicates.length;
}

/**
 * Splits a query into its top-level patterns (with their captures and quantifiers), comments
 * dropped and whitespace folded, so equal patterns of different rules compare equal.
 */
export function splitPatterns(query: string): string[] {
  const patterns: string[] = [];
  let current = '';
  let depth = 0;
  for (let index = 0; index < query.length; index += 1) {
    const char = query[index] ?? '';
    if (char === ';') {
      while (index < query.length && query[index] !== '\n') index += 1;
      current += ' ';
      continue;
    }
    if (char === '"') {
      let end = index + 1;
      while (end < query.length && query[end] !== '"') end += query[end] === '\\' ? 2 : 1;
      if (depth === 0 && current.trim() !== '' && !/[@*+?!.]\s*$/.test(current)) {
        patterns.push(current);
        current = '';
      }
      current += query.slice(index, end + 1);
      index = end;
      continue;
    }
    if ((char === '(' || char === '[') && depth === 0 && current.trim() !== '') {
      patterns.push(current);
      current = '';
    }
    if (char === '(' || char === '[') depth += 1;
    if (char === ')' || char === ']') depth -= 1;
    current += char;
  }
  if (current.trim() !== '') patterns.push(current);
  return patterns.map((pattern) => pattern.replace(/\s+/g, ' ').trim());
}

const combinedQueries = new WeakMap<readonly LoadedRule[], CombinedQuery | null>();

function combinedQuery(rules: readonly LoadedRule[]): CombinedQuery | null {
  const cached = combinedQueries.get(rules);
  if (cached !== undefined) return cached;
  const groups = new Map<string, PythonRule[]>();
  const multiPattern = new Set<string>();
  const placeholders = new Map<string, string[]>();
  const callsByName = new Map<string, PythonRule[]>();
  const callsByPrefix = new Map<string, PythonRule[]>();
  const add = (map: Map<string, PythonRule[]>, key: string, rule: PythonRule) => map.set(key, [...(map.get(key) ?? []), rule]);
  for (const candidate of rules) {
    if (candidate.compiled.kind !== 'python') continue;
    const rule = candidate as PythonRule;
    const expected = rule.compiled.patternCount;
    const indexed = callIndexNames(rule, splitPatterns(rule.compiled.query));
    if (indexed) {
      for (const name of new Set(indexed)) {
        if (name.endsWith('.*')) add(callsByPrefix, name.slice(0, -1), rule);
        else add(callsByName, name, rule);
      }
      if (expected > 1) multiPattern.add(rule.id);
      placeholders.set(rule.id, placeholdersOf(rule));
      continue;
    }
    let patterns = splitPatterns(rule.compiled.query);
    // Anything the splitter cannot cut cleanly stays one unit of its own.
    if (patterns.length !== expected) patterns = [rule.compiled.query];
    if (expected > 1) multiPattern.add(rule.id);
    for (const pattern of new Set(patterns)) groups.set(pattern, [...(groups.get(pattern) ?? []), rule]);
    placeholders.set(rule.id, placeholdersOf(rule));
  }
  const rulesOfPattern: PythonRule[][] = [];
  let source = '';
  for (const [pattern, members] of groups) {
    // A split pattern is one pattern; a unit the splitter left whole has its rule's count.
    const count = members[0] && pattern === members[0].compiled.query ? members[0].compiled.patternCount : 1;
    for (let index = 0; index < count; index += 1) rulesOfPattern.push(members);
    source += `${pattern}\n`;
  }
  let callPattern: number | undefined;
  if (callsByName.size > 0 || callsByPrefix.size > 0) {
    callPattern = rulesOfPattern.length;
    rulesOfPattern.push([]);
    source += '(call) @call\n';
  }
  if (rulesOfPattern.length === 0) {
    combinedQueries.set(rules, null);
    return null;
  }
  const query = new Parser.Query(pythonLanguage, source);
  if (patternCount(query) !== rulesOfPattern.length) throw new Error('combined rule query: pattern count does not match its rules');
  const combined: CombinedQuery = { query, rulesOfPattern, multiPattern, placeholders, callsByName, callsByPrefix };
  if (callPattern !== undefined) combined.callPattern = callPattern;
  combinedQueries.set(rules, combined);
  return combined;
}

export function nodeRange(node: SyntaxNode): Range {
  return {
    start: { line: node.startPosition.row + 1, column: node.startPosition.column + 1 },
    end: { line: node.endPosition.row + 1, column: node.endPosition.column + 1 },
  };
}

/** Runs the Python rules in `active` over one file. */
export function runPythonRules(rubric: Rubric, file: ParsedFile, active: ReadonlySet<string>): RuleHit[] {
  const combined = combinedQuery(rubric.rules);
  if (!combined) return [];
  const model = new SemanticModel(file.tree);
  const hits: RuleHit[] = [];
  const seen = new Set<string>();
  const applies = new Map<string, boolean>();
  const runsHere = (rule: PythonRule) => {
    let result = applies.get(rule.id);
    if (result === undefined) {
      result = active.has(rule.id) && rule.compiled.appliesTo(file.path);
      applies.set(rule.id, result);
    }
    return result;
  };
  const evaluate = (rule: PythonRule, captures: Map<string, SyntaxNode>) => {
    const context = { file, model, captures };
    if (!rule.compiled.predicates.every((predicate) => predicate(context))) return;
    const reported = captures.get(rule.compiled.report);
    if (!reported) return;
    if (combined.multiPattern.has(rule.id)) {
      // Two patterns of one rule may match the same node; report it once.
      const key = `${rule.id}:${nodeKey(reported)}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    const values: Record<string, string> = {};
    for (const name of combined.placeholders.get(rule.id) ?? []) {
      const [capture = '', qualified] = name.split(':');
      const node = captures.get(capture);
      if (node) values[name] = qualified ? model.qualifiedName(node) ?? node.text : node.text;
    }
    const hit: RuleHit = { ruleId: rule.id, path: file.path, range: nodeRange(reported), values };
    const replacement = rule.fix.replacement;
    const target = replacement ? captures.get(replacement.target ?? rule.compiled.report) : undefined;
    if (target) hit.replacementRange = nodeRange(target);
    hits.push(hit);
  };
  const capturesOf = (match: Parser.QueryMatch) => {
    const captures = new Map<string, SyntaxNode>();
    for (const capture of match.captures) if (!captures.has(capture.name)) captures.set(capture.name, capture.node);
    return captures;
  };
  for (const match of combined.query.matches(file.tree.rootNode)) {
    if (match.pattern === combined.callPattern) {
      const call = match.captures[0]?.node;
      const name = call ? model.qualifiedName(call) : undefined;
      if (!call || name === undefined) continue;
      const candidates = new Set(combined.callsByName.get(name) ?? []);
      for (let dot = name.indexOf('.'); dot !== -1; dot = name.indexOf('.', dot + 1)) {
        for (const rule of combined.callsByPrefix.get(name.slice(0, dot + 1)) ?? []) candidates.add(rule);
      }
      for (const rule of candidates) {
        if (!runsHere(rule)) continue;
        // The rule's own pattern, anchored at this call, supplies its captures.
        for (const own of ruleQuery(rule).matches(call, { maxStartDepth: 0 })) evaluate(rule, capturesOf(own));
      }
      continue;
    }
    const members = combined.rulesOfPattern[match.pattern];
    if (!members?.some(runsHere)) continue;
    const captures = capturesOf(match);
    for (const rule of members) if (runsHere(rule)) evaluate(rule, captures);
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
