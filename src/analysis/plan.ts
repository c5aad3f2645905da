// How the Python rules of a rubric are matched, decided once per rubric. tree-sitter's query
// engine pays for every pattern at every node of the pattern's root type, and handing each match
// to JavaScript costs more than finding it. So each pattern goes to the cheapest route that finds
// all of its matches:
//   - by name: a pattern rooted at a call whose rule requires the call (or its callee) to resolve to
//     known qualified names, or whose own `#eq?`/`#any-of?`/`#match?` names the callee, runs only
//     at calls with such a name, anchored there;
//   - by type: `(string) @s`-style patterns share one `(type) @anchor` pattern per node type;
//   - natively: everything else, deduplicated across rules up to capture names.
// All routes run in ONE tree-sitter query per file, together with the semantic model's bindings.

import Parser from 'tree-sitter';

import { pythonLanguage } from '../parse/parse.ts';
import type { CallConstraint, CompiledPython, LoadedRule } from '../rules/load.ts';
import { canonicalPattern, queryCaptures, splitPatterns } from '../rules/query-text.ts';
import { placeholdersIn } from '../rules/template.ts';
import type { Placeholder } from '../rules/template.ts';
import { patternShape } from './query-shape.ts';
import type { PatternShape } from './query-shape.ts';
import { BINDING_ANCHORS, BINDINGS_QUERY } from './semantic.ts';

export type PythonRule = LoadedRule & { compiled: CompiledPython };

/**
 * A native pattern shared by rules: `names[i]` is the rule's own name for canonical capture `_i`;
 * without `names` the pattern is the rule's query as written, with the rule's capture names.
 */
export interface PatternMember {
  rule: PythonRule;
  names?: string[];
}

export interface TypeAnchorMember {
  rule: PythonRule;
  /** The pattern's captures, all on the anchored node. */
  captures: string[];
}

/** A pattern that matches every node of `type` once, with the node as capture `capture`. */
export interface PatternAnchor {
  type: string;
  capture: string;
}

export interface CalleeRegex {
  regex: RegExp;
  /** Tested against the callee's last name (`get` of `requests.get`) or, if false, its whole text. */
  onName: boolean;
  rule: PythonRule;
}

export interface RulePlan {
  query: Parser.Query;
  /** Patterns [0, bindingPatterns) are the semantic model's (some also anchor a node type). */
  bindingPatterns: number;
  /** Native patterns' members, by pattern index. */
  nativeMembers: (PatternMember[] | undefined)[];
  /** Patterns that hand over every node of a type, by pattern index. */
  anchors: (PatternAnchor | undefined)[];
  /**
   * For binding patterns that rule patterns share: the canonical index (`_i`) of each binding
   * capture name. Rule patterns of their own use canonical names, `_0`, `_1`, ….
   */
  captureIndex: (ReadonlyMap<string, number> | undefined)[];
  /** Pattern index of `(call function: (_) @anchor.callee) @anchor.call`, if any rule needs it. */
  callAnchor?: number;
  trivialByType: Map<string, TypeAnchorMember[]>;
  byQualifiedName: Map<string, PythonRule[]>;
  /** Keyed by the dotted part before the first `*`: `requests.Session.` for `requests.Session.*`. */
  byQualifiedPrefix: Map<string, PythonRule[]>;
  byCalleeName: Map<string, PythonRule[]>;
  byCalleeText: Map<string, PythonRule[]>;
  calleeRegexes: CalleeRegex[];
  /** The patterns of each rule that run anchored at a call, as one query source. */
  calleeIndexed: Map<PythonRule, string>;
  /** Placeholder names each rule's message and fix use, so only those are computed. */
  placeholders: Map<string, Placeholder[]>;
}

function placeholdersOf(rule: LoadedRule): Placeholder[] {
  const templates = [rule.message, rule.fix.hint, rule.fix.replacement?.template ?? ''];
  const byName = new Map(templates.flatMap(placeholdersIn).map((placeholder) => [placeholder.name, placeholder]));
  return [...byName.values()];
}

/**
 * How a qualified-name glob is looked up: an exact name, or the dotted prefix every match starts
 * with (`kubernetes.client.` for `kubernetes.client.*Api.*`). Undefined when no dot precedes the
 * first `*`, which leaves nothing to look up.
 */
function nameKey(name: string): { exact: string } | { prefix: string } | undefined {
  const star = name.indexOf('*');
  if (star === -1) return { exact: name };
  const dot = name.lastIndexOf('.', star);
  return dot > 0 ? { prefix: name.slice(0, dot + 1) } : undefined;
}

/**
 * Qualified names a call must resolve to for the pattern to produce a finding, or undefined if the
 * rule's `calls` predicates do not pin them down. An alternative on a capture the pattern does not
 * define is false (every capture predicate is false for a missing capture), so it adds no name.
 */
function qualifiedNameKeys(constraints: readonly CallConstraint[], shape: PatternShape, captures: ReadonlySet<string>): string[] | undefined {
  const onCall = new Set([...shape.rootCaptures, ...shape.functionCaptures]);
  for (const constraint of constraints) {
    const names: string[] = [];
    const usable = constraint.every((alternative) => {
      if (alternative === 'unknown') return false;
      if (!captures.has(alternative.capture)) return true;
      if (!alternative.names || !onCall.has(alternative.capture) || !alternative.names.every((name) => nameKey(name))) return false;
      names.push(...alternative.names);
      return true;
    });
    if (usable && names.length > 0) return names;
  }
  return undefined;
}

type CalleeKey = { kind: 'name' | 'text'; names: string[] } | { kind: 'regex'; regex: RegExp; onName: boolean };

/** The pattern's own `#eq?`/`#any-of?`/`#match?` on the callee's name or text, if it has one. */
function calleeKey(shape: PatternShape): CalleeKey | undefined {
  for (const predicate of shape.predicates) {
    const onName = shape.calleeNameCaptures.includes(predicate.capture);
    const onText = shape.functionCaptures.includes(predicate.capture);
    if (!onName && !onText) continue;
    if (predicate.operator === 'eq?' || predicate.operator === 'any-of?') return { kind: onName ? 'name' : 'text', names: predicate.values };
    if (predicate.operator === 'match?' && predicate.values[0] !== undefined) return { kind: 'regex', regex: new RegExp(predicate.values[0]), onName };
  }
  return undefined;
}

function patternCount(query: Parser.Query): number {
  return (query as unknown as { predicates: unknown[] }).predicates.length;
}

const plans = new WeakMap<readonly LoadedRule[], RulePlan>();

export function planRules(rules: readonly LoadedRule[]): RulePlan {
  const cached = plans.get(rules);
  if (cached) return cached;
  const add = <K>(map: Map<K, PythonRule[]>, key: K, rule: PythonRule) => {
    const list = map.get(key);
    if (!list) map.set(key, [rule]);
    else if (!list.includes(rule)) list.push(rule);
  };
  const native = new Map<string, { text: string; count: number; members: PatternMember[] }>();
  const trivialByType = new Map<string, TypeAnchorMember[]>();
  const byQualifiedName = new Map<string, PythonRule[]>();
  const byQualifiedPrefix = new Map<string, PythonRule[]>();
  const byCalleeName = new Map<string, PythonRule[]>();
  const byCalleeText = new Map<string, PythonRule[]>();
  const calleeRegexes: CalleeRegex[] = [];
  const calleeIndexed = new Map<PythonRule, string>();
  let indexedCount = 0;
  const placeholders = new Map<string, Placeholder[]>();

  for (const candidate of rules) {
    if (candidate.compiled.kind !== 'python') continue;
    const rule = candidate as PythonRule;
    placeholders.set(rule.id, placeholdersOf(rule));
    const patterns = splitPatterns(rule.compiled.query);
    if (patterns.length !== rule.compiled.patternCount) {
      // Anything the splitter cannot cut cleanly runs as written, as one unit.
      native.set(`rule:${rule.id}`, { text: rule.compiled.query, count: rule.compiled.patternCount, members: [{ rule }] });
      continue;
    }
    const indexed: string[] = [];
    for (const pattern of patterns) {
      let shape: PatternShape | undefined;
      try {
        shape = patternShape(pattern);
      } catch {
        shape = undefined;
      }
      if (shape?.rootType === 'call') {
        const names = qualifiedNameKeys(rule.compiled.callConstraints, shape, queryCaptures(pattern));
        const key = names ? undefined : calleeKey(shape);
        if (names) {
          for (const name of names) {
            const key = nameKey(name);
            if (key && 'exact' in key) add(byQualifiedName, key.exact, rule);
            else if (key) add(byQualifiedPrefix, key.prefix, rule);
          }
        } else if (key?.kind === 'regex') {
          if (!calleeRegexes.some((entry) => entry.rule === rule && entry.regex.source === key.regex.source && entry.onName === key.onName)) {
            calleeRegexes.push({ regex: key.regex, onName: key.onName, rule });
          }
        } else if (key) {
          for (const name of key.names) add(key.kind === 'name' ? byCalleeName : byCalleeText, name, rule);
        }
        if (names || key) {
          indexed.push(pattern);
          continue;
        }
      }
      if (shape?.trivial && shape.rootType) {
        const members = trivialByType.get(shape.rootType) ?? [];
        members.push({ rule, captures: shape.rootCaptures });
        trivialByType.set(shape.rootType, members);
        continue;
      }
      const canonical = canonicalPattern(pattern);
      const entry = native.get(canonical.text) ?? { text: canonical.text, count: 1, members: [] };
      entry.members.push({ rule, names: canonical.names });
      native.set(canonical.text, entry);
    }
    if (indexed.length > 0) calleeIndexed.set(rule, indexed.join('\n'));
    indexedCount += indexed.length;
  }

  let source = BINDINGS_QUERY;
  const bindings = splitPatterns(BINDINGS_QUERY);
  const bindingPatterns = bindings.length;
  const nativeMembers: (PatternMember[] | undefined)[] = [];
  const anchors: (PatternAnchor | undefined)[] = [];
  const captureIndex: (ReadonlyMap<string, number> | undefined)[] = [];
  for (const pattern of bindings) {
    // The bindings already hand over every def, class and lambda: rules' `(function_definition) @x`
    // patterns take their nodes from those matches instead of a pattern of their own.
    const shape = patternShape(pattern);
    const anchorCapture = shape.rootType === undefined ? undefined : BINDING_ANCHORS[shape.rootType];
    const anchored = anchorCapture !== undefined && shape.rootCaptures.includes(anchorCapture) && trivialByType.has(shape.rootType ?? '');
    anchors.push(anchored ? { type: shape.rootType ?? '', capture: anchorCapture } : undefined);
    // A rule pattern equal to a binding pattern up to capture names shares its matches.
    const canonical = canonicalPattern(pattern);
    const shared = native.get(canonical.text);
    native.delete(canonical.text);
    nativeMembers.push(shared?.members);
    captureIndex.push(shared ? new Map(canonical.names.map((name, index) => [name, index])) : undefined);
  }
  const anchoredByBindings = new Set(anchors.map((anchor) => anchor?.type));
  const push = (text: string, count: number, members: PatternMember[] | undefined, anchor: PatternAnchor | undefined) => {
    source += `${text}\n`;
    for (let index = 0; index < count; index += 1) {
      nativeMembers.push(members);
      anchors.push(anchor);
      captureIndex.push(undefined);
    }
  };
  for (const entry of native.values()) push(entry.text, entry.count, entry.members, undefined);
  let callAnchor: number | undefined;
  if (calleeIndexed.size > 0 || trivialByType.has('call')) {
    callAnchor = nativeMembers.length;
    push('(call function: (_) @anchor.callee) @anchor.call', 1, undefined, { type: 'call', capture: 'anchor.call' });
  }
  for (const type of trivialByType.keys()) {
    if (type !== 'call' && !anchoredByBindings.has(type)) push(`(${type}) @anchor`, 1, undefined, { type, capture: 'anchor' });
  }
  // The call-indexed patterns run from their own small queries, but they are compiled here too,
  // switched off, so that compiling this one query checks every pattern of every rule.
  const planned = nativeMembers.length;
  const indexedPatterns = [...calleeIndexed.values()].join('\n');
  const query = new Parser.Query(pythonLanguage, `${source}${indexedPatterns}`);
  const total = patternCount(query);
  if (total !== planned + indexedCount) throw new Error('rule plan: the combined query has a different number of patterns than planned');
  for (let index = planned; index < total; index += 1) query.disablePattern(index);
  const plan: RulePlan = {
    query, bindingPatterns, nativeMembers, anchors, captureIndex, trivialByType, byQualifiedName, byQualifiedPrefix,
    byCalleeName, byCalleeText, calleeRegexes, calleeIndexed, placeholders,
  };
  if (callAnchor !== undefined) plan.callAnchor = callAnchor;
  plans.set(rules, plan);
  return plan;
}
