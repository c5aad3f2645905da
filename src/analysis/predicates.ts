// The predicate vocabulary: what a rule's `where:` list can say about tree-sitter captures beyond
// what the query itself can express. Each predicate declares typed parameters; rules that name an
// unknown predicate, an unknown parameter, a missing one or a wrong type fail when they load.

import picomatch from 'picomatch';

import { nodeStart, nodeText, textOf } from '../parse/node-fields.ts';

import type { ParsedFile, SyntaxNode } from '../parse/parse.ts';
import type { SemanticModel } from './semantic.ts';
import { callArguments, VALUE_KINDS, valueKinds } from './values.ts';
import type { ValueKind } from './values.ts';

export interface MatchContext {
  file: ParsedFile;
  model: SemanticModel;
  captures: ReadonlyMap<string, SyntaxNode>;
}

export type CompiledPredicate = (context: MatchContext) => boolean;

export const CONTEXT_KINDS = [
  'except', 'loop', 'while-true', 'finally', 'try', 'with', 'if', 'function', 'async-function', 'class',
  'main-guard', 'test-function', 'module-level', 'lambda',
] as const;
export type ContextKind = (typeof CONTEXT_KINDS)[number];

export const STATEMENT_KINDS = ['raise', 'return', 'break', 'continue', 'pass', 'ellipsis', 'assert', 'yield'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

type ParamType =
  | { type: 'capture' }
  | { type: 'string' }
  | { type: 'strings' }
  | { type: 'globs' }
  | { type: 'regex' }
  | { type: 'integer' }
  | { type: 'template' }
  | { type: 'predicates' }
  | { type: 'enum'; values: readonly string[] };

interface ParamSpec {
  spec: ParamType;
  required: boolean;
  description: string;
}

/**
 * Every predicate that takes a capture is false when the match has no such capture (all of them
 * start with `get(context, …)` and return false on undefined). The rule plan relies on it: an
 * `any-of` entry about a capture a pattern lacks can never hold for that pattern.
 * test/analysis/predicates-contract.test.ts checks it for every predicate.
 */
export interface PredicateDefinition {
  description: string;
  params: Record<string, ParamSpec>;
  /** Receives arguments already checked against `params`; returns the runtime test. */
  compile(args: Record<string, unknown>): CompiledPredicate;
}

const capture = (description: string): ParamSpec => ({ spec: { type: 'capture' }, required: true, description });
const required = (spec: ParamType, description: string): ParamSpec => ({ spec, required: true, description });
const optional = (spec: ParamType, description: string): ParamSpec => ({ spec, required: false, description });

const GLOBS = { type: 'globs' } as const;
const STRINGS = { type: 'strings' } as const;
const REGEX = { type: 'regex' } as const;
const INTEGER = { type: 'integer' } as const;
const STRING = { type: 'string' } as const;
const TEMPLATE = { type: 'template' } as const;
const PREDICATE_LIST = { type: 'predicates' } as const;
const VALUE_KIND_LIST = { type: 'enum', values: VALUE_KINDS } as const;
const CONTEXT_LIST = { type: 'enum', values: CONTEXT_KINDS } as const;
const STATEMENT_LIST = { type: 'enum', values: STATEMENT_KINDS } as const;

/** Qualified-name globs: `*` matches any characters, dots included (`requests.Session.*`). */
export function nameMatcher(globs: readonly string[]): (name: string | undefined) => boolean {
  const regexes = globs.map((glob) => new RegExp(`^${glob.split('*').map(escapeRegex).join('.*')}$`));
  return (name) => name !== undefined && regexes.some((regex) => regex.test(name));
}

export function pathMatcher(globs: readonly string[]): (path: string) => boolean {
  return picomatch(globs as string[], { dot: true });
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

const FUNCTION_BOUNDARY = new Set(['function_definition', 'lambda', 'class_definition']);

function isMainGuard(node: SyntaxNode): boolean {
  if (node.type !== 'if_statement') return false;
  const condition = node.childForFieldName('condition');
  if (condition?.type !== 'comparison_operator') return false;
  const text = nodeText(condition).replace(/\s+/g, '');
  return /^__name__==(['"])__main__\1$/.test(text) || /^(['"])__main__\1==__name__$/.test(text);
}

function hasContext(node: SyntaxNode, kind: ContextKind): boolean {
  const crossesFunctions = ['function', 'async-function', 'class', 'main-guard', 'test-function', 'module-level'].includes(kind);
  if (kind === 'module-level') {
    for (let current = node.parent; current; current = current.parent) {
      if (FUNCTION_BOUNDARY.has(current.type)) return false;
    }
    return true;
  }
  let child = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (!crossesFunctions && FUNCTION_BOUNDARY.has(current.type) && kind !== 'lambda') return false;
    switch (kind) {
      case 'except': if (current.type === 'except_clause' || current.type === 'except_group_clause') return true; break;
      case 'loop':
        // Only the body repeats: `for x in f():` calls f once.
        if ((current.type === 'for_statement' || current.type === 'while_statement') && child.type === 'block') return true;
        break;
      case 'while-true':
        if (current.type === 'while_statement' && child.type === 'block'
          && ['True', '1'].includes(textOf(current.childForFieldName('condition')) ?? '')) return true;
        break;
      case 'finally': if (current.type === 'finally_clause') return true; break;
      case 'try': if (current.type === 'try_statement' && child.type === 'block') return true; break;
      case 'with': if (current.type === 'with_statement') return true; break;
      case 'if': if (current.type === 'if_statement') return true; break;
      case 'lambda': if (current.type === 'lambda') return true; break;
      case 'function': if (current.type === 'function_definition') return true; break;
      case 'async-function':
        if (current.type === 'function_definition' && current.firstChild?.type === 'async') return true;
        break;
      case 'class': if (current.type === 'class_definition') return true; break;
      case 'main-guard': if (isMainGuard(current)) return true; break;
      case 'test-function':
        if (current.type === 'function_definition' && /^test/.test(textOf(current.childForFieldName('name')) ?? '')) return true;
        break;
    }
  }
  return false;
}

/** The block a clause or compound statement owns (its last `block` child), or the node if it is one. */
function bodyOf(node: SyntaxNode): SyntaxNode | undefined {
  if (node.type === 'block') return node;
  const body = node.childForFieldName('body') ?? node.childForFieldName('consequence');
  if (body) return body;
  for (let index = node.namedChildCount - 1; index >= 0; index -= 1) {
    const child = node.namedChild(index);
    if (child?.type === 'block') return child;
  }
  return undefined;
}

function statementKind(node: SyntaxNode): StatementKind | undefined {
  switch (node.type) {
    case 'raise_statement': return 'raise';
    case 'return_statement': return 'return';
    case 'break_statement': return 'break';
    case 'continue_statement': return 'continue';
    case 'pass_statement': return 'pass';
    case 'assert_statement': return 'assert';
    case 'expression_statement': {
      const expression = node.firstNamedChild;
      if (expression?.type === 'ellipsis') return 'ellipsis';
      if (expression?.type === 'yield') return 'yield';
      return undefined;
    }
    default: return undefined;
  }
}

const STATEMENT_NODE_TYPES: Record<StatementKind, string> = {
  raise: 'raise_statement', return: 'return_statement', break: 'break_statement', continue: 'continue_statement',
  pass: 'pass_statement', assert: 'assert_statement', ellipsis: 'ellipsis', yield: 'yield',
};

/** Calls and statements inside `node`, not counting nested function or class bodies. */
function containsAny(context: MatchContext, node: SyntaxNode, calls: ((name: string | undefined) => boolean) | undefined,
  statements: readonly StatementKind[]): boolean {
  const inOwnBody = (found: SyntaxNode): boolean => {
    for (let current = found.parent; current && current.id !== node.id; current = current.parent) {
      if (FUNCTION_BOUNDARY.has(current.type)) return false;
    }
    return true;
  };
  if (statements.length > 0) {
    const found = node.descendantsOfType(statements.map((kind) => STATEMENT_NODE_TYPES[kind]));
    if (found.some(inOwnBody)) return true;
  }
  if (calls) {
    for (const call of node.descendantsOfType('call')) {
      if (calls(context.model.qualifiedName(call)) && inOwnBody(call)) return true;
    }
  }
  return false;
}

function get(context: MatchContext, name: unknown): SyntaxNode | undefined {
  return context.captures.get(name as string);
}

function kindsOf(args: Record<string, unknown>, key: string): ValueKind[] | undefined {
  return args[key] as ValueKind[] | undefined;
}

function argumentOf(node: SyntaxNode, index: number | undefined, keyword: string | undefined):
  { value?: SyntaxNode; unknown: boolean } {
  const call = callArguments(node);
  if (keyword !== undefined && call.keywords.has(keyword)) return { value: call.keywords.get(keyword), unknown: false };
  if (index !== undefined && call.positional[index]) return { value: call.positional[index], unknown: false };
  const couldBeHidden = (index !== undefined && call.hasStarArgs) || (keyword !== undefined && call.hasStarKwargs);
  return { unknown: couldBeHidden };
}

function valueMatches(value: SyntaxNode, args: Record<string, unknown>): boolean {
  const kinds = kindsOf(args, 'kinds');
  const values = args.values as string[] | undefined;
  const regex = args.regex as RegExp | undefined;
  if (kinds && !kinds.some((kind) => valueKinds(value).has(kind))) return false;
  if (values && !values.includes(nodeText(value))) return false;
  if (regex && !regex.test(nodeText(value))) return false;
  return true;
}

function callPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate
      ? 'The call (or expression) does NOT resolve to any of the qualified names (globs; `*` crosses dots).'
      : 'The call (or expression) resolves, through imports and tracked receivers, to one of the qualified names.',
    params: {
      capture: capture('A call, identifier or attribute node.'),
      names: required(GLOBS, 'Qualified names, e.g. `requests.get`, `requests.Session.*`, `open`.'),
    },
    compile(args) {
      const matches = nameMatcher(args.names as string[]);
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        return matches(context.model.qualifiedName(node)) !== negate;
      };
    },
  };
}

function contextPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate
      ? 'The capture is inside none of the contexts.'
      : 'The capture is inside one of the contexts (loops and handlers stop at the enclosing function).',
    params: { capture: capture('Any node.'), kinds: required(CONTEXT_LIST, `Contexts: ${CONTEXT_KINDS.join(', ')}.`) },
    compile(args) {
      const kinds = args.kinds as ContextKind[];
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        return kinds.some((kind) => hasContext(node, kind)) !== negate;
      };
    },
  };
}

function bodyPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate
      ? 'The body of the captured clause/statement contains none of the calls or statements (nested defs excluded).'
      : 'The body of the captured clause/statement contains one of the calls or statements (nested defs excluded).',
    params: {
      capture: capture('A clause, compound statement or block.'),
      calls: optional(GLOBS, 'Qualified call names.'),
      statements: optional(STATEMENT_LIST, `Statements: ${STATEMENT_KINDS.join(', ')}.`),
    },
    compile(args) {
      const calls = args.calls ? nameMatcher(args.calls as string[]) : undefined;
      const statements = (args.statements as StatementKind[] | undefined) ?? [];
      return (context) => {
        const node = get(context, args.capture);
        const body = node && bodyOf(node);
        if (!body) return false;
        return containsAny(context, body, calls, statements) !== negate;
      };
    },
  };
}

function textPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate ? "The capture's source text does not match the regular expression."
      : "The capture's source text matches the regular expression.",
    params: { capture: capture('Any node.'), regex: required(REGEX, 'A JavaScript regular expression.') },
    compile(args) {
      const regex = args.regex as RegExp;
      return (context) => {
        const node = get(context, args.capture);
        return node ? regex.test(nodeText(node)) !== negate : false;
      };
    },
  };
}

function valueKindPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate ? 'The captured expression is of none of the value kinds.' : 'The captured expression is of one of the value kinds.',
    params: { capture: capture('An expression.'), kinds: required(VALUE_KIND_LIST, `Kinds: ${VALUE_KINDS.join(', ')}.`) },
    compile(args) {
      const kinds = args.kinds as ValueKind[];
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        const actual = valueKinds(node);
        return kinds.some((kind) => actual.has(kind)) !== negate;
      };
    },
  };
}

/** A test of the whole file, run once per file however many matches ask. */
function oncePerFile(test: (context: MatchContext) => boolean): CompiledPredicate {
  const results = new WeakMap<ParsedFile, boolean>();
  return (context) => {
    let result = results.get(context.file);
    if (result === undefined) {
      result = test(context);
      results.set(context.file, result);
    }
    return result;
  };
}

function fileCallPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate ? 'The file makes no call to any of the names.' : 'The file calls one of the names somewhere.',
    params: { names: required(GLOBS, 'Qualified call names.') },
    compile(args) {
      const matches = nameMatcher(args.names as string[]);
      return oncePerFile((context) => containsAny(context, context.file.tree.rootNode, matches, []) !== negate);
    },
  };
}

function importPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate ? 'The file imports none of the modules.' : 'The file imports one of the modules (or a submodule).',
    params: { modules: required(GLOBS, 'Module names, e.g. `logging`, `requests`, `boto3*`.') },
    compile(args) {
      const matches = nameMatcher((args.modules as string[]).flatMap((module) => [module, `${module}.*`]));
      return oncePerFile((context) => [...context.model.modules].some((module) => matches(module)) !== negate);
    },
  };
}

function pathPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate ? "The file's path matches none of the globs." : "The file's path matches one of the globs.",
    params: { globs: required(GLOBS, 'Repository-relative path globs, e.g. `tests/**`.') },
    compile(args) {
      const matches = pathMatcher(args.globs as string[]);
      return (context) => matches(context.file.path) !== negate;
    },
  };
}

function insideCallPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate ? 'The capture is not an argument (at any depth) of a call to one of the names.'
      : 'The capture is an argument (at any depth) of a call to one of the names.',
    params: { capture: capture('Any node.'), names: required(GLOBS, 'Qualified call names.') },
    compile(args) {
      const matches = nameMatcher(args.names as string[]);
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        for (let current = node.parent; current; current = current.parent) {
          if (FUNCTION_BOUNDARY.has(current.type) || current.type === 'block') break;
          if (current.type === 'call' && matches(context.model.qualifiedName(current))) return !negate;
        }
        return negate;
      };
    },
  };
}

function enclosingFunctionPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate ? 'The capture is not inside a function whose name matches.' : 'The capture is inside a function whose name matches.',
    params: { capture: capture('Any node.'), regex: required(REGEX, 'Regular expression over the function name.') },
    compile(args) {
      const regex = args.regex as RegExp;
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        for (let current = node.parent; current; current = current.parent) {
          if (current.type === 'function_definition') {
            return regex.test(textOf(current.childForFieldName('name')) ?? '') !== negate;
          }
        }
        return negate;
      };
    },
  };
}

/** The same pattern with `^`/`$` at line boundaries: file and scope texts span many lines. */
function multiline(regex: RegExp): RegExp {
  return new RegExp(regex.source, `${regex.flags.replace('m', '')}m`);
}

function fileTextPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate
      ? "The file's whole text does not match the regular expression (`^`/`$` match at line boundaries)."
      : "The file's whole text matches the regular expression (`^`/`$` match at line boundaries), e.g. a main guard or a `while True:` loop.",
    params: { regex: required(REGEX, 'A JavaScript regular expression over the file text.') },
    compile(args) {
      const regex = multiline(args.regex as RegExp);
      return oncePerFile((context) => regex.test(context.file.text) !== negate);
    },
  };
}

/** The innermost `def` around the node (lambdas and classes are not scopes here), or the module. */
function enclosingScopeText(context: MatchContext, node: SyntaxNode): string {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition') return nodeText(current);
  }
  return context.file.text;
}

function scopeTextPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate
      ? 'The text of the function around the capture (the whole file at module level) does not match the regular expression.'
      : 'The text of the function around the capture (the whole file at module level) matches the regular expression.',
    params: { capture: capture('Any node.'), regex: required(REGEX, 'A JavaScript regular expression (`^`/`$` at line boundaries).') },
    compile(args) {
      const regex = multiline(args.regex as RegExp);
      return (context) => {
        const node = get(context, args.capture);
        return node ? regex.test(enclosingScopeText(context, node)) !== negate : false;
      };
    },
  };
}

/** `{@name}` in a regex template stands for the source text of capture `name`. */
const TEMPLATE_PLACEHOLDER = /\{@([A-Za-z_][\w.-]*)\}/g;

function escapeRegexText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Like `scope-text-matches`, but the regex can name other captures: `\b{@handle}\.close\(` asks
 * whether the function that binds `handle` ever closes it. A missing capture makes it false.
 */
function scopeMentionsPredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate
      ? 'The text of the function around the capture (the whole file at module level) does not match the regex template, where `{@name}` is the escaped source text of capture `name`.'
      : 'The text of the function around the capture (the whole file at module level) matches the regex template, where `{@name}` is the escaped source text of capture `name`.',
    params: {
      capture: capture('Any node; the function around it (or the file) is searched.'),
      regex: required(TEMPLATE, 'A JavaScript regular expression (`^`/`$` at line boundaries) with `{@capture}` placeholders.'),
    },
    compile(args) {
      const template = args.regex as string;
      const compiled = new Map<string, RegExp>();
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        let missing = false;
        const source = template.replace(TEMPLATE_PLACEHOLDER, (_placeholder, name: string) => {
          const captured = context.captures.get(name);
          if (!captured) missing = true;
          return captured ? escapeRegexText(nodeText(captured)) : '';
        });
        if (missing) return false;
        let regex = compiled.get(source);
        if (!regex) {
          if (compiled.size > 500) compiled.clear();
          regex = new RegExp(source, 'mu');
          compiled.set(source, regex);
        }
        return regex.test(enclosingScopeText(context, node)) !== negate;
      };
    },
  };
}

/** OR over predicate calls, for rules whose query patterns need different conditions. */
function anyOfPredicate(): PredicateDefinition {
  return {
    description: 'At least one of the listed predicate calls holds; each entry is written like an entry of `where:`.',
    params: { of: required(PREDICATE_LIST, 'Predicate calls, e.g. `[{ lacks-keyword: {...} }, { keyword-value: {...} }]`.') },
    compile(args) {
      const alternatives = args.of as CompiledPredicate[];
      return (context) => alternatives.some((predicate) => predicate(context));
    },
  };
}

function parentTypePredicate(negate: boolean): PredicateDefinition {
  return {
    description: negate
      ? "The capture's parent node is of none of the tree-sitter node types (e.g. a `string` that is not part of a `concatenated_string`)."
      : "The capture's parent node is of one of the tree-sitter node types.",
    params: { capture: capture('Any node.'), types: required(STRINGS, 'tree-sitter node types, e.g. `concatenated_string`.') },
    compile(args) {
      const types = new Set(args.types as string[]);
      return (context) => {
        const parent = get(context, args.capture)?.parent;
        return parent ? types.has(parent.type) !== negate : false;
      };
    },
  };
}

/**
 * `def name(...)` statements directly in the module, before `node`. Decorated functions are left
 * out: their decorators (click, typer) decide what the call does.
 */
function moduleFunctionNamed(context: MatchContext, name: string, before: number): SyntaxNode | undefined {
  let found: SyntaxNode | undefined;
  for (const child of context.file.tree.rootNode.namedChildren) {
    if (child.startIndex >= before) break;
    if (child.type === 'function_definition' && textOf(child.childForFieldName('name')) === name) found = child;
  }
  return found;
}

export const PREDICATES = {
  calls: callPredicate(false),
  'not-calls': callPredicate(true),
  'has-keyword': {
    description: 'The call passes at least one of the keyword arguments.',
    params: { capture: capture('A call.'), names: required(STRINGS, 'Keyword names.') },
    compile(args) {
      const names = args.names as string[];
      return (context) => {
        const node = get(context, args.capture);
        return node ? names.some((name) => callArguments(node).keywords.has(name)) : false;
      };
    },
  },
  'lacks-keyword': {
    description: 'The call passes none of the keyword arguments. Unknown (never true) when the call has `**kwargs`.',
    params: {
      capture: capture('A call.'),
      names: required(STRINGS, 'Keyword names; any one of them satisfies the call.'),
      'positional-index': optional(INTEGER, 'The same parameter may be passed positionally at this index (0-based).'),
    },
    compile(args) {
      const names = args.names as string[];
      const index = args['positional-index'] as number | undefined;
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        const call = callArguments(node);
        if (call.hasStarKwargs) return false;
        if (index !== undefined && (call.positional.length > index || call.hasStarArgs)) return false;
        return !names.some((name) => call.keywords.has(name));
      };
    },
  },
  'keyword-value': {
    description: 'The call passes the keyword with a value of one of the kinds, one of the exact source texts, or matching the regex.',
    params: {
      capture: capture('A call.'),
      name: required(STRING, 'Keyword name.'),
      kinds: optional(VALUE_KIND_LIST, 'Value kinds.'),
      values: optional(STRINGS, 'Exact source texts, e.g. `True`.'),
      regex: optional(REGEX, 'Regular expression over the value source text.'),
    },
    compile(args) {
      return (context) => {
        const node = get(context, args.capture);
        const value = node && callArguments(node).keywords.get(args.name as string);
        return value ? valueMatches(value, args) : false;
      };
    },
  },
  argument: {
    description: 'The call has the argument (by position and/or keyword) and it has one of the kinds / texts / matches the regex.',
    params: {
      capture: capture('A call.'),
      index: optional(INTEGER, 'Positional index, 0-based.'),
      keyword: optional(STRING, 'Keyword name of the same parameter.'),
      kinds: optional(VALUE_KIND_LIST, 'Value kinds.'),
      values: optional(STRINGS, 'Exact source texts.'),
      regex: optional(REGEX, 'Regular expression over the argument source text.'),
    },
    compile(args) {
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        const { value } = argumentOf(node, args.index as number | undefined, args.keyword as string | undefined);
        return value ? valueMatches(value, args) : false;
      };
    },
  },
  'argument-absent': {
    description: 'The call does not pass the argument, and no `*args`/`**kwargs` could be passing it.',
    params: {
      capture: capture('A call.'),
      index: optional(INTEGER, 'Positional index, 0-based.'),
      keyword: optional(STRING, 'Keyword name of the same parameter.'),
    },
    compile(args) {
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        const { value, unknown } = argumentOf(node, args.index as number | undefined, args.keyword as string | undefined);
        return !value && !unknown;
      };
    },
  },
  'positional-count': {
    description: 'The call passes between min and max positional arguments. Unknown (never true) with `*args`.',
    params: { capture: capture('A call.'), min: optional(INTEGER, 'Minimum.'), max: optional(INTEGER, 'Maximum.') },
    compile(args) {
      const min = (args.min as number | undefined) ?? 0;
      const max = (args.max as number | undefined) ?? Number.POSITIVE_INFINITY;
      return (context) => {
        const node = get(context, args.capture);
        if (!node) return false;
        const call = callArguments(node);
        return !call.hasStarArgs && call.positional.length >= min && call.positional.length <= max;
      };
    },
  },
  'resolves-to': callPredicate(false),
  'not-resolves-to': callPredicate(true),
  inside: contextPredicate(false),
  'not-inside': contextPredicate(true),
  'body-contains': bodyPredicate(false),
  'body-lacks': bodyPredicate(true),
  'body-only': {
    description: 'The body of the captured clause is exactly one statement of the given kinds (comments ignored).',
    params: { capture: capture('A clause, compound statement or block.'), statements: required(STATEMENT_LIST, 'Statement kinds.') },
    compile(args) {
      const statements = args.statements as StatementKind[];
      return (context) => {
        const node = get(context, args.capture);
        const body = node && bodyOf(node);
        if (!body) return false;
        const children = body.namedChildren.filter((child) => child.type !== 'comment');
        const kind = children.length === 1 && children[0] ? statementKind(children[0]) : undefined;
        return kind !== undefined && statements.includes(kind);
      };
    },
  },
  'value-kind': valueKindPredicate(false),
  'not-value-kind': valueKindPredicate(true),
  'text-matches': textPredicate(false),
  'text-not-matches': textPredicate(true),
  'same-text': {
    description: 'Two captures have the same source text (ignoring whitespace).',
    params: { a: capture('First capture.'), b: capture('Second capture.') },
    compile(args) {
      return (context) => {
        const a = get(context, args.a);
        const b = get(context, args.b);
        return a !== undefined && b !== undefined && nodeText(a).replace(/\s+/g, '') === nodeText(b).replace(/\s+/g, '');
      };
    },
  },
  'number-outside': {
    description: 'The captured integer literal lies outside [min, max].',
    params: { capture: capture('An integer literal.'), min: required(INTEGER, 'Lowest allowed.'), max: required(INTEGER, 'Highest allowed.') },
    compile(args) {
      const min = args.min as number;
      const max = args.max as number;
      return (context) => {
        const node = get(context, args.capture);
        if (!node || !valueKinds(node).has('number')) return false;
        const value = Number(nodeText(node).replace(/_/g, ''));
        return Number.isInteger(value) && (value < min || value > max);
      };
    },
  },
  'result-discarded': {
    description: "The captured call is a statement of its own: its return value is thrown away.",
    params: { capture: capture('A call.') },
    compile(args) {
      return (context) => get(context, args.capture)?.parent?.type === 'expression_statement';
    },
  },
  'inside-call': insideCallPredicate(false),
  'not-inside-call': insideCallPredicate(true),
  'in-function-named': enclosingFunctionPredicate(false),
  'not-in-function-named': enclosingFunctionPredicate(true),
  'file-calls': fileCallPredicate(false),
  'file-lacks-call': fileCallPredicate(true),
  'file-imports': importPredicate(false),
  'file-not-imports': importPredicate(true),
  'path-matches': pathPredicate(false),
  'path-not-matches': pathPredicate(true),
  'file-text-matches': fileTextPredicate(false),
  'file-text-not-matches': fileTextPredicate(true),
  'scope-text-matches': scopeTextPredicate(false),
  'scope-text-not-matches': scopeTextPredicate(true),
  'scope-mentions': scopeMentionsPredicate(false),
  'scope-not-mentions': scopeMentionsPredicate(true),
  'any-of': anyOfPredicate(),
  'parent-type': parentTypePredicate(false),
  'not-parent-type': parentTypePredicate(true),
  'module-function-matches': {
    description: 'The captured identifier names a function defined earlier at module level (not decorated), and that definition\'s source text matches the regular expression. The last such definition counts.',
    params: { capture: capture('An identifier, e.g. the callee of a call.'), regex: required(REGEX, 'A JavaScript regular expression over the whole `def` (`^`/`$` at line boundaries).') },
    compile(args) {
      const regex = multiline(args.regex as RegExp);
      return (context) => {
        const node = get(context, args.capture);
        const definition = node && moduleFunctionNamed(context, nodeText(node), nodeStart(node));
        return definition ? regex.test(nodeText(definition)) : false;
      };
    },
  },
} satisfies Record<string, PredicateDefinition>;

export type PredicateName = keyof typeof PREDICATES;

/**
 * What a predicate costs to test, relatively: a rule's `where:` entries all must hold and have no
 * side effects, so the cheap ones run first and fail fast. 0: once per file or pure string tests;
 * 1: a capture's text; 2: name resolution, argument lists, a parent; 3: walks up the tree;
 * 4: searches a body, a scope or the whole file. A new predicate must be given a cost here.
 */
export const PREDICATE_COSTS = {
  'path-matches': 0, 'path-not-matches': 0, 'file-imports': 0, 'file-not-imports': 0,
  'file-text-matches': 0, 'file-text-not-matches': 0, 'file-calls': 0, 'file-lacks-call': 0,
  'text-matches': 1, 'text-not-matches': 1, 'same-text': 1, 'number-outside': 1, 'value-kind': 1, 'not-value-kind': 1,
  calls: 2, 'not-calls': 2, 'resolves-to': 2, 'not-resolves-to': 2, 'has-keyword': 2, 'lacks-keyword': 2,
  'keyword-value': 2, argument: 2, 'argument-absent': 2, 'positional-count': 2, 'result-discarded': 2,
  'parent-type': 2, 'not-parent-type': 2,
  inside: 3, 'not-inside': 3, 'inside-call': 3, 'not-inside-call': 3, 'in-function-named': 3,
  'not-in-function-named': 3, 'module-function-matches': 3, 'any-of': 3,
  'body-contains': 4, 'body-lacks': 4, 'body-only': 4, 'scope-text-matches': 4, 'scope-text-not-matches': 4,
  'scope-mentions': 4, 'scope-not-mentions': 4,
} satisfies Record<PredicateName, number>;

/** Checks one argument value against its declared type; returns the converted value or an error. */
export function convertParam(spec: ParamType, value: unknown): { value: unknown } | { error: string } {
  const isStringList = (list: unknown): list is string[] => Array.isArray(list) && list.every((item) => typeof item === 'string');
  switch (spec.type) {
    case 'capture':
    case 'string':
      return typeof value === 'string' && value !== '' ? { value } : { error: 'must be a non-empty string' };
    case 'strings':
    case 'globs':
      if (typeof value === 'string') return { value: [value] };
      return isStringList(value) && value.length > 0 ? { value } : { error: 'must be a string or a non-empty list of strings' };
    case 'regex':
      if (typeof value !== 'string') return { error: 'must be a regular expression in a string' };
      try {
        return { value: new RegExp(value, 'u') };
      } catch (error) {
        return { error: `is not a valid regular expression: ${(error as Error).message}` };
      }
    case 'integer':
      return Number.isInteger(value) ? { value } : { error: 'must be an integer' };
    case 'template':
      if (typeof value !== 'string' || value === '') return { error: 'must be a regular expression in a string' };
      try {
        new RegExp(value.replace(TEMPLATE_PLACEHOLDER, 'x'), 'u');
        return { value };
      } catch (error) {
        return { error: `is not a valid regular expression: ${(error as Error).message}` };
      }
    case 'predicates': return compilePredicateList(value);
    case 'enum': {
      const list = typeof value === 'string' ? [value] : value;
      if (!isStringList(list) || list.length === 0) return { error: `must be one or more of: ${spec.values.join(', ')}` };
      const unknown = list.filter((item) => !spec.values.includes(item));
      return unknown.length === 0 ? { value: list } : { error: `has unknown value ${unknown.map((item) => `"${item}"`).join(', ')}; expected one of: ${spec.values.join(', ')}` };
    }
  }
}

/** Checks and compiles the nested calls of `any-of` (capture names are checked when they run). */
function compilePredicateList(value: unknown): { value: unknown } | { error: string } {
  if (!Array.isArray(value) || value.length === 0) return { error: 'must be a non-empty list of predicate calls' };
  const compiled: CompiledPredicate[] = [];
  for (const [index, entry] of value.entries()) {
    const pairs = typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? Object.entries(entry as Record<string, unknown>) : [];
    const [name, rawArgs] = pairs[0] ?? [];
    if (pairs.length !== 1 || name === undefined) return { error: `entry ${index + 1} must be one \`{ predicate: {...} }\`` };
    const definition = (PREDICATES as Record<string, PredicateDefinition>)[name];
    if (!definition) return { error: `entry ${index + 1} names unknown predicate \`${name}\`` };
    const args = (rawArgs ?? {}) as Record<string, unknown>;
    const converted: Record<string, unknown> = {};
    for (const key of Object.keys(args)) {
      if (!(key in definition.params)) return { error: `entry ${index + 1}: predicate \`${name}\` has no parameter \`${key}\`` };
    }
    for (const [key, param] of Object.entries(definition.params)) {
      if (!(key in args)) {
        if (param.required) return { error: `entry ${index + 1}: predicate \`${name}\` needs parameter \`${key}\`` };
        continue;
      }
      const result = convertParam(param.spec, args[key]);
      if ('error' in result) return { error: `entry ${index + 1}: \`${name}.${key}\` ${result.error}` };
      converted[key] = result.value;
    }
    compiled.push(definition.compile(converted));
  }
  return { value: compiled };
}

export type { ParamSpec, ParamType };
