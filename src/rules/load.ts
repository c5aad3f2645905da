// Loads the rubric: every `rules/<chapter>/<id>.yml` plus the course file, validated against the
// strict schemas and the predicate vocabulary. Every problem is reported as `file:line:col: message`,
// all at once, before any review runs.

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import Parser from 'tree-sitter';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';

import { planRules } from '../analysis/plan.ts';
import { convertParam, PREDICATE_COSTS, PREDICATES, pathMatcher } from '../analysis/predicates.ts';
import type { CompiledPredicate, PredicateDefinition, PredicateName } from '../analysis/predicates.ts';
import { REPOSITORY_CHECKS } from '../analysis/repository-checks.ts';
import type { CompiledCheck, RepositoryCheckDefinition } from '../analysis/repository-checks.ts';
import { pythonLanguage } from '../parse/parse.ts';
import { chapterOrder, parseChapterId } from '../rubric/course.ts';
import type { Course, CourseChapter } from '../rubric/course.ts';
import type { ChapterId, PredicateCall, Rule, SourcePosition } from './rule.ts';
import { balanced, queryCaptures, splitPatterns, topLevelPredicateOffset } from './query-text.ts';
import { courseSchema, ruleSchema } from './schema.ts';
import { placeholdersIn } from './template.ts';


export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_RULES_DIR = path.join(PACKAGE_ROOT, 'rules');
export const DEFAULT_COURSE_FILE = path.join(DEFAULT_RULES_DIR, 'course.yml');

export interface RubricProblem extends SourcePosition {
  message: string;
}

export class RubricError extends Error {
  readonly problems: RubricProblem[];
  constructor(problems: RubricProblem[]) {
    super(problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`).join('\n'));
    this.name = 'RubricError';
    this.problems = problems;
  }
}

/**
 * One alternative of a call constraint: `calls` on `capture` with `names`, or (no `names`) another
 * predicate on `capture`, or `unknown` for a predicate that names no capture.
 */
export type CallAlternative = { capture: string; names?: string[] } | 'unknown';
export type CallConstraint = CallAlternative[];

function callAlternative(entry: unknown): CallAlternative {
  const pairs = typeof entry === 'object' && entry !== null ? Object.entries(entry as Record<string, unknown>) : [];
  const [name, args] = pairs[0] ?? [];
  if (pairs.length !== 1 || typeof args !== 'object' || args === null) return 'unknown';
  const { capture, names } = args as { capture?: unknown; names?: unknown };
  if (typeof capture !== 'string') return 'unknown';
  if (name !== 'calls') return { capture };
  const list = typeof names === 'string' ? [names] : names;
  return Array.isArray(list) && list.every((item) => typeof item === 'string') ? { capture, names: list } : { capture };
}

function callConstraintsOf(where: Record<string, unknown>[]): CallConstraint[] {
  const constraints: CallConstraint[] = [];
  for (const entry of where) {
    if ('calls' in entry) constraints.push([callAlternative(entry)]);
    const anyOf = (entry['any-of'] as { of?: unknown } | undefined)?.of;
    if (Array.isArray(anyOf)) constraints.push(anyOf.map(callAlternative));
  }
  return constraints;
}

export interface CompiledPython {
  kind: 'python';
  query: string;
  /**
   * What the rule's `calls` predicates require, for looking calls up by name: one entry per
   * top-level `calls` or `any-of` of `where:` (all must hold), each a list of alternatives.
   */
  callConstraints: CallConstraint[];
  /** How many patterns the query holds. */
  patternCount: number;
  report: string;
  predicates: CompiledPredicate[];
  appliesTo: (path: string) => boolean;
}

export interface CompiledText {
  kind: 'text';
  patterns: RegExp[];
  allow: RegExp[];
  minEntropy: number;
  appliesTo: (path: string) => boolean;
}

export type CompiledMatcher = CompiledPython | CompiledText | { kind: 'repository'; check: CompiledCheck } | { kind: 'engine' };

export interface LoadedRule extends Rule {
  compiled: CompiledMatcher;
}

export interface Rubric {
  rules: readonly LoadedRule[];
  course: Course;
  /** The files it was built from, so worker threads can rebuild it. */
  sources?: RubricSources;
}

export interface RubricSources {
  ruleFiles: RubricFile[];
  courseFile: RubricFile;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, discriminator: true });
const validateRule = ajv.compile(ruleSchema);
const validateCourse = ajv.compile(courseSchema);

const DEFAULT_PYTHON_PATHS = ['**/*.py'];

/** A parsed YAML file that can turn a property path into a `file:line:col` position. */
class YamlSource {
  readonly document: Document;
  readonly file: string;
  readonly text: string;
  private readonly lines = new LineCounter();
  constructor(file: string, text: string) {
    this.file = file;
    this.text = text;
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  node(keys: readonly (string | number)[]): YamlNode | undefined {
    return this.document.getIn(keys, true) as YamlNode | undefined;
  }

  /** Position of the value at `keys` (or of its key, for unknown properties), falling back to the parent. */
  positionOf(keys: readonly (string | number)[], pointAtKey?: string): SourcePosition {
    for (let depth = keys.length; depth >= 0; depth -= 1) {
      const node = this.node(keys.slice(0, depth));
      if (!node?.range) continue;
      if (pointAtKey && depth === keys.length && isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && item.key.value === pointAtKey);
        const keyNode = pair?.key as YamlNode | undefined;
        if (keyNode?.range) return this.at(keyNode.range[0]);
      }
      return this.at(node.range[0]);
    }
    return { file: this.file, line: 1, column: 1 };
  }

  /** Maps an offset inside a string value back to the file, for block scalars and plain strings. */
  positionInString(keys: readonly (string | number)[], offset: number): SourcePosition {
    const node = this.node(keys);
    if (!isScalar(node) || !node.range || typeof node.value !== 'string') return this.positionOf(keys);
    const before = node.value.slice(0, offset);
    const lineIndex = before.split('\n').length - 1;
    const column = before.length - (before.lastIndexOf('\n') + 1);
    const start = this.at(node.range[0]);
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      const fileLine = start.line + 1 + lineIndex;
      const lineText = this.text.split('\n')[fileLine - 1] ?? '';
      const indent = lineText.length - lineText.trimStart().length;
      return { file: this.file, line: fileLine, column: indent + column + 1 };
    }
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
    return { file: this.file, line: start.line + lineIndex, column: start.column + quoted + column };
  }
}

function schemaProblems(source: YamlSource, errors: ErrorObject[] | null | undefined): RubricProblem[] {
  const seen = new Set<string>();
  const problems: RubricProblem[] = [];
  for (const error of errors ?? []) {
    // `oneOf` over matcher kinds reports every branch; the branch-specific errors say more.
    if (error.keyword === 'oneOf') continue;
    const keys = error.instancePath.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')));
    const extra = error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty: string }).additionalProperty) : undefined;
    const where = error.instancePath === '' ? 'the file' : `\`${keys.join('.')}\``;
    let message: string;
    switch (error.keyword) {
      case 'additionalProperties': message = `unknown property \`${extra}\` in ${where}`; break;
      case 'required': message = `${where} is missing the required property \`${(error.params as { missingProperty: string }).missingProperty}\``; break;
      case 'enum': message = `${where} must be one of: ${((error.params as { allowedValues: unknown[] }).allowedValues).join(', ')}`; break;
      case 'propertyNames': continue;
      default: message = `${where} ${error.message ?? 'is invalid'}`;
    }
    const { propertyName } = error as ErrorObject & { propertyName?: string };
    if (error.keyword === 'enum' && propertyName !== undefined) {
      const vocabulary = error.instancePath.includes('/where/') ? 'predicate' : 'repository check';
      message = `unknown ${vocabulary} \`${propertyName}\`; known: ${((error.params as { allowedValues: unknown[] }).allowedValues).join(', ')}`;
    }
    const position = source.positionOf(keys, extra ?? propertyName);
    const key = `${position.line}:${position.column}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ ...position, message });
  }
  return problems;
}

/** Validates a `{ name: {args} }` call against a vocabulary; converts its arguments. */
function compileCall<T>(
  source: YamlSource,
  keys: (string | number)[],
  raw: Record<string, unknown>,
  vocabulary: Record<string, { params: PredicateDefinition['params']; compile(args: Record<string, unknown>): T }>,
  kind: string,
  problems: RubricProblem[],
  captures?: Set<string>,
): { call: PredicateCall; compiled: T } | undefined {
  const [name, rawArgs] = Object.entries(raw)[0] ?? [];
  if (name === undefined) return undefined;
  const definition = vocabulary[name];
  const at = source.positionOf(keys, name);
  if (!definition) {
    problems.push({ ...at, message: `unknown ${kind} \`${name}\`; known: ${Object.keys(vocabulary).join(', ')}` });
    return undefined;
  }
  const args = (rawArgs ?? {}) as Record<string, unknown>;
  const converted: Record<string, unknown> = {};
  let ok = true;
  for (const key of Object.keys(args)) {
    if (!(key in definition.params)) {
      problems.push({ ...source.positionOf([...keys, name], key), message: `${kind} \`${name}\` has no parameter \`${key}\`; it takes: ${Object.keys(definition.params).join(', ')}` });
      ok = false;
    }
  }
  for (const [key, param] of Object.entries(definition.params)) {
    if (!(key in args)) {
      if (param.required) {
        problems.push({ ...at, message: `${kind} \`${name}\` needs parameter \`${key}\` (${param.description})` });
        ok = false;
      }
      continue;
    }
    const result = convertParam(param.spec, args[key]);
    if ('error' in result) {
      problems.push({ ...source.positionOf([...keys, name, key]), message: `\`${name}.${key}\` ${result.error}` });
      ok = false;
      continue;
    }
    if (param.spec.type === 'capture' && captures && !captures.has(result.value as string)) {
      problems.push({ ...source.positionOf([...keys, name, key]), message: `\`${name}.${key}\` names capture \`${String(result.value)}\`, which the query does not define (it has: ${[...captures].join(', ') || 'none'})` });
      ok = false;
      continue;
    }
    converted[key] = result.value;
  }
  if (!ok) return undefined;
  return { call: { name, args: converted, at }, compiled: definition.compile(converted) };
}

const QUERY_ERROR = /^Query error of type (\w+) at position (\d+)/;
const QUERY_ERROR_TEXT: Record<string, string> = {
  TSQueryErrorSyntax: 'syntax error in the tree-sitter query',
  TSQueryErrorNodeType: 'unknown node type in the tree-sitter query',
  TSQueryErrorField: 'unknown field name in the tree-sitter query',
  TSQueryErrorCapture: 'unknown capture in a query predicate',
  TSQueryErrorStructure: 'impossible pattern structure in the tree-sitter query',
};

function queryPatternCount(source: YamlSource, query: string, problems: RubricProblem[]): number | undefined {
  try {
    return (new Parser.Query(pythonLanguage, query) as unknown as { predicates: unknown[] }).predicates.length;
  } catch (error) {
    const parsed = QUERY_ERROR.exec((error as Error).message);
    const offset = parsed ? Number(parsed[2]) : 0;
    const description = parsed ? QUERY_ERROR_TEXT[parsed[1] ?? ''] ?? parsed[1] : (error as Error).message;
    const near = query.slice(offset, offset + 20).split('\n')[0];
    problems.push({ ...source.positionInString(['match', 'query'], offset), message: `${description} near \`${near}\`` });
    return undefined;
  }
}

/**
 * The entries of an `any-of` name captures too: a misspelt one would make its entry silently false.
 * `compileCall` checks the arguments of top-level entries; this checks those nested in `any-of`.
 */
function checkAnyOfCaptures(source: YamlSource, keys: (string | number)[], raw: Record<string, unknown>, captures: Set<string>, problems: RubricProblem[]): boolean {
  const entries = (raw['any-of'] as { of?: unknown } | undefined)?.of;
  if (!Array.isArray(entries)) return true;
  let ok = true;
  entries.forEach((entry, position) => {
    const [name, args] = Object.entries((entry ?? {}) as Record<string, unknown>)[0] ?? [];
    const definition = name === undefined ? undefined : (PREDICATES as Record<string, PredicateDefinition>)[name];
    if (!definition || typeof args !== 'object' || args === null) return;
    const entryKeys = [...keys, 'any-of', 'of', position];
    const nestedKeys = [...entryKeys, name as string];
    if (!checkAnyOfCaptures(source, entryKeys, entry as Record<string, unknown>, captures, problems)) ok = false;
    for (const [key, param] of Object.entries(definition.params)) {
      const value = (args as Record<string, unknown>)[key];
      if (param.spec.type !== 'capture' || typeof value !== 'string' || captures.has(value)) continue;
      problems.push({ ...source.positionOf([...nestedKeys, key]), message: `\`${name as string}.${key}\` names capture \`${value}\`, which the query does not define (it has: ${[...captures].join(', ') || 'none'})` });
      ok = false;
    }
  });
  return ok;
}

/**
 * `checkQuery: false` trusts the query text and counts its patterns without compiling it; the
 * caller must then compile all rules' queries together (see `buildRubric`).
 */
function compilePython(source: YamlSource, match: Record<string, unknown>, problems: RubricProblem[], checkQuery: boolean): CompiledPython | undefined {
  const query = match.query as string;
  const patternCount = checkQuery || !balanced(query) ? queryPatternCount(source, query, problems) : splitPatterns(query).length;
  if (patternCount === undefined) return undefined;
  const stray = topLevelPredicateOffset(query);
  if (stray !== undefined) {
    problems.push({ ...source.positionInString(['match', 'query'], stray), message: 'this query predicate stands outside any pattern, so tree-sitter ignores it; wrap the pattern and its predicate together: `((call …) @x (#eq? @name "…"))`' });
    return undefined;
  }
  const captures = queryCaptures(query);
  const report = match.report as string;
  let ok = true;
  if (!captures.has(report)) {
    problems.push({ ...source.positionOf(['match', 'report']), message: `\`report\` names capture \`${report}\`, which the query does not define (it has: ${[...captures].join(', ')})` });
    ok = false;
  }
  const ranked: { cost: number; predicate: CompiledPredicate }[] = [];
  const where = (match.where as Record<string, unknown>[] | undefined) ?? [];
  where.forEach((raw, index) => {
    const compiled = compileCall(source, ['match', 'where', index], raw, PREDICATES, 'predicate', problems, captures);
    if (compiled) ranked.push({ cost: PREDICATE_COSTS[compiled.call.name as PredicateName], predicate: compiled.compiled });
    else ok = false;
    if (compiled && !checkAnyOfCaptures(source, ['match', 'where', index], raw, captures, problems)) ok = false;
  });
  if (!ok) return undefined;
  // All must hold and none has side effects, so the cheap ones run first and fail fast.
  const predicates = ranked.sort((a, b) => a.cost - b.cost).map((entry) => entry.predicate);
  const include = pathMatcher((match.paths as string[] | undefined) ?? DEFAULT_PYTHON_PATHS);
  const excludeGlobs = match['exclude-paths'] as string[] | undefined;
  const exclude = excludeGlobs ? pathMatcher(excludeGlobs) : () => false;
  return { kind: 'python', query, patternCount, report, predicates, callConstraints: callConstraintsOf(where), appliesTo: (file) => include(file) && !exclude(file) };
}

function compileRegexList(source: YamlSource, keys: (string | number)[], list: string[], problems: RubricProblem[]): RegExp[] {
  return list.flatMap((pattern, index) => {
    try {
      return [new RegExp(pattern, 'gmu')];
    } catch (error) {
      problems.push({ ...source.positionOf([...keys, index]), message: `invalid regular expression: ${(error as Error).message}` });
      return [];
    }
  });
}

function compileText(source: YamlSource, match: Record<string, unknown>, problems: RubricProblem[]): CompiledText | undefined {
  const before = problems.length;
  const patterns = compileRegexList(source, ['match', 'patterns'], match.patterns as string[], problems);
  const allow = compileRegexList(source, ['match', 'allow'], (match.allow as string[] | undefined) ?? [], problems)
    .map((regex) => new RegExp(regex.source, 'u'));
  if (problems.length > before) return undefined;
  const include = pathMatcher((match.paths as string[] | undefined) ?? ['**']);
  const excludeGlobs = match['exclude-paths'] as string[] | undefined;
  const exclude = excludeGlobs ? pathMatcher(excludeGlobs) : () => false;
  return { kind: 'text', patterns, allow, minEntropy: (match['min-entropy'] as number | undefined) ?? 0, appliesTo: (file) => include(file) && !exclude(file) };
}

function checkPlaceholders(source: YamlSource, keys: string[], template: string, captures: Set<string>, problems: RubricProblem[]): void {
  for (const { capture, index } of placeholdersIn(template)) {
    if (!captures.has(capture)) {
      problems.push({ ...source.positionInString(keys, index), message: `placeholder \`{${capture}}\` names no capture of the query (it has: ${[...captures].join(', ')})` });
    }
  }
}

/** Chapter folder names: `01`…`23`, `project-1`…`project-4`. */
export function chapterFolder(chapter: ChapterId): string {
  return typeof chapter === 'number' ? String(chapter).padStart(2, '0') : chapter;
}

export interface ParseRuleOptions {
  /** Compile the rule's tree-sitter query on its own (default); see `compilePython`. */
  checkQuery?: boolean;
}

export function parseRuleFile(file: string, text: string, options: ParseRuleOptions = {}): { rule?: LoadedRule; problems: RubricProblem[] } {
  const source = new YamlSource(file, text);
  const problems: RubricProblem[] = source.document.errors.map((error) => ({ ...source.at(error.pos[0]), message: `YAML: ${error.message.split('\n')[0]}` }));
  if (problems.length > 0) return { problems };
  const data = source.document.toJS() as Record<string, unknown> | null;
  if (!validateRule(data)) return { problems: schemaProblems(source, validateRule.errors) };
  const raw = data as Record<string, unknown> & { match: Record<string, unknown> };

  const expectedId = path.basename(file).replace(/\.ya?ml$/, '');
  if (raw.id !== expectedId) problems.push({ ...source.positionOf(['id']), message: `id \`${String(raw.id)}\` must equal the file name \`${expectedId}\`` });
  const chapter = parseChapterId(raw.chapter as string | number) as ChapterId;
  const folder = path.basename(path.dirname(file));
  if (folder !== chapterFolder(chapter) && folder !== 'rules') {
    problems.push({ ...source.positionOf(['chapter']), message: `chapter ${String(raw.chapter)} belongs in folder \`${chapterFolder(chapter)}/\`, not \`${folder}/\`` });
  }
  if ((raw.kind === 'requirement') !== (raw.requirement !== undefined)) {
    problems.push({ ...source.positionOf(['kind']), message: raw.kind === 'requirement' ? 'a requirement needs a `requirement:` block (with `met:`)' : 'only `kind: requirement` rules take a `requirement:` block' });
  }

  let compiled: CompiledMatcher | undefined;
  const match = raw.match;
  switch (match.kind as string) {
    case 'python': {
      compiled = compilePython(source, match, problems, options.checkQuery ?? true);
      if (compiled) {
        const captures = queryCaptures(compiled.query);
        // Requirements may also say how much evidence was found.
        const messageNames = raw.kind === 'requirement' ? new Set([...captures, 'count']) : captures;
        checkPlaceholders(source, ['message'], raw.message as string, messageNames, problems);
        const replacement = (raw.fix as { replacement?: { template: string; target?: string } }).replacement;
        if (replacement) {
          checkPlaceholders(source, ['fix', 'replacement', 'template'], replacement.template, captures, problems);
          if (replacement.target && !captures.has(replacement.target)) {
            problems.push({ ...source.positionOf(['fix', 'replacement', 'target']), message: `\`target\` names no capture of the query` });
          }
        }
      }
      break;
    }
    case 'text':
      compiled = compileText(source, match, problems);
      break;
    case 'repository': {
      const call = compileCall(source, ['match', 'check'], match.check as Record<string, unknown>, REPOSITORY_CHECKS as Record<string, RepositoryCheckDefinition>, 'repository check', problems);
      if (call) compiled = { kind: 'repository', check: call.compiled };
      break;
    }
    case 'engine':
      compiled = { kind: 'engine' };
      break;
  }
  if (!compiled || problems.length > 0) return { problems };

  const fix = raw.fix as { hint: string; replacement?: { template: string; safety: 'safe' | 'unsafe'; target?: string } };
  const docs = raw.docs as Rule['docs'];
  const requirement = raw.requirement as { 'min-count'?: number; 'unless-violated'?: string[]; met: string } | undefined;
  const rule: LoadedRule = {
    id: raw.id as string,
    chapter,
    kind: raw.kind as Rule['kind'],
    area: raw.area as Rule['area'],
    title: raw.title as string,
    severity: raw.severity as Rule['severity'],
    message: raw.message as string,
    docs,
    fix,
    equivalents: raw.equivalents as string[],
    match: toMatcher(match, compiled),
    source: { file, line: 1, column: 1 },
    compiled,
  };
  if (requirement) {
    rule.requirement = { minCount: requirement['min-count'] ?? 1, unlessViolated: requirement['unless-violated'] ?? [], metMessage: requirement.met };
  }
  return { rule, problems };
}

function toMatcher(match: Record<string, unknown>, compiled: CompiledMatcher): Rule['match'] {
  switch (compiled.kind) {
    case 'python':
      return {
        kind: 'python', query: compiled.query, report: compiled.report, where: [],
        paths: match.paths as string[] | undefined, excludePaths: match['exclude-paths'] as string[] | undefined,
      };
    case 'text':
      return {
        kind: 'text', patterns: match.patterns as string[], allow: match.allow as string[] | undefined,
        paths: match.paths as string[] | undefined, excludePaths: match['exclude-paths'] as string[] | undefined,
        minEntropy: match['min-entropy'] as number | undefined,
      };
    case 'repository': {
      const [name = '', args = {}] = Object.entries(match.check as Record<string, unknown>)[0] ?? [];
      return { kind: 'repository', check: { name, args: args as Record<string, unknown>, at: { file: '', line: 0, column: 0 } } };
    }
    case 'engine':
      return { kind: 'engine' };
  }
}

export function parseCourseFile(file: string, text: string, ruleIds: ReadonlySet<string>, requirementIds: ReadonlySet<string>):
  { course?: Course; problems: RubricProblem[] } {
  const source = new YamlSource(file, text);
  const problems: RubricProblem[] = source.document.errors.map((error) => ({ ...source.at(error.pos[0]), message: `YAML: ${error.message.split('\n')[0]}` }));
  if (problems.length > 0) return { problems };
  const data = source.document.toJS() as Record<string, unknown> | null;
  if (!validateCourse(data)) return { problems: schemaProblems(source, validateCourse.errors) };
  const raw = data as Record<string, unknown>;
  const seen = new Set<string>();
  const chapters: CourseChapter[] = (raw.chapters as Record<string, unknown>[]).map((chapter, index) => {
    const id = parseChapterId(chapter.id as string | number) as ChapterId;
    if (seen.has(String(id))) problems.push({ ...source.positionOf(['chapters', index, 'id']), message: `chapter ${String(id)} is listed twice` });
    seen.add(String(id));
    const requirements = chapter.requirements as { rule: string; points: number }[];
    requirements.forEach((requirement, position) => {
      if (!requirementIds.has(requirement.rule)) {
        problems.push({ ...source.positionOf(['chapters', index, 'requirements', position, 'rule']), message: ruleIds.has(requirement.rule) ? `\`${requirement.rule}\` is a violation rule, not a requirement` : `unknown requirement \`${requirement.rule}\`` });
      }
    });
    for (const key of [...Object.keys((chapter.points as object | undefined) ?? {}), ...((chapter.disabled as string[] | undefined) ?? [])]) {
      if (!ruleIds.has(key)) problems.push({ ...source.positionOf(['chapters', index]), message: `unknown rule \`${key}\` in chapter ${String(id)}` });
    }
    return {
      id, title: chapter.title as string, threshold: chapter.threshold as number | undefined, requirements,
      points: chapter.points as Record<string, number> | undefined, disabled: chapter.disabled as string[] | undefined,
    };
  });
  chapters.sort((a, b) => chapterOrder(a.id) - chapterOrder(b.id));
  const course: Course = {
    name: raw.name as string,
    docsUrl: raw['docs-url'] as string,
    threshold: raw.threshold as number,
    deduction: raw.deduction as Course['deduction'],
    maxFindingsPerRule: raw['max-findings-per-rule'] as number,
    violationBudget: raw['violation-budget'] as number,
    suppressionsRestorePoints: (raw['suppressions-restore-points'] as boolean | undefined) ?? false,
    chapters,
  };
  return { course, problems };
}

export interface RubricFile {
  file: string;
  text: string;
}

function plans(rules: readonly LoadedRule[]): boolean {
  try {
    planRules(rules);
    return true;
  } catch {
    return false;
  }
}

/** Builds a rubric from file contents (the CLI reads them from disk, the app may read them from GitHub). */
export function buildRubric(ruleFiles: readonly RubricFile[], courseFile: RubricFile): Rubric {
  const parseAll = (checkQuery: boolean) => {
    const problems: RubricProblem[] = [];
    const rules: LoadedRule[] = [];
    for (const { file, text } of ruleFiles) {
      const result = parseRuleFile(file, text, { checkQuery });
      problems.push(...result.problems);
      if (result.rule) rules.push(result.rule);
    }
    return { problems, rules };
  };
  // Compiling 150 queries one by one takes longer than the rest of loading. The rule plan compiles
  // every rule's patterns in the one query a review runs, which checks them all at once; only when
  // that fails are they compiled one by one, to say which rule is wrong and where.
  let { problems, rules } = parseAll(false);
  const sortRules = () => rules.sort((a, b) => chapterOrder(a.chapter) - chapterOrder(b.chapter) || a.id.localeCompare(b.id));
  // Any problem at all: check each query on its own too, so every problem is reported at once.
  if (problems.length > 0 || !plans(sortRules())) ({ problems, rules } = parseAll(true));
  const byId = new Map<string, LoadedRule>();
  for (const rule of rules) {
    if (byId.has(rule.id)) problems.push({ ...rule.source, message: `rule id \`${rule.id}\` is also defined in ${byId.get(rule.id)?.source.file}` });
    byId.set(rule.id, rule);
  }
  for (const rule of rules) {
    for (const id of rule.requirement?.unlessViolated ?? []) {
      if (byId.get(id)?.kind !== 'violation') problems.push({ ...rule.source, message: `\`unless-violated\` names \`${id}\`, which is not a violation rule` });
    }
  }
  const requirementIds = new Set(rules.filter((rule) => rule.kind === 'requirement').map((rule) => rule.id));
  const { course, problems: courseProblems } = parseCourseFile(courseFile.file, courseFile.text, new Set(byId.keys()), requirementIds);
  problems.push(...courseProblems);
  if (problems.length > 0 || !course) throw new RubricError(problems);
  planRules(sortRules());
  return { rules, course, sources: { ruleFiles: [...ruleFiles], courseFile } };
}

async function listRuleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name) && entry.parentPath !== dir)
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export interface LoadRubricOptions {
  rulesDir?: string;
  courseFile?: string;
}

export async function loadRubric(options: LoadRubricOptions = {}): Promise<Rubric> {
  const rulesDir = options.rulesDir ?? DEFAULT_RULES_DIR;
  const courseFile = options.courseFile ?? path.join(rulesDir, 'course.yml');
  const display = (file: string) => path.relative(process.cwd(), file) || file;
  let courseText: string;
  try {
    courseText = await readFile(courseFile, 'utf8');
  } catch {
    throw new RubricError([{ file: display(courseFile), line: 1, column: 1, message: 'cannot read the course file' }]);
  }
  let ruleFiles: RubricFile[];
  try {
    const files = await listRuleFiles(rulesDir);
    ruleFiles = await Promise.all(files.map(async (file) => ({ file: display(file), text: await readFile(file, 'utf8') })));
  } catch (error) {
    throw new RubricError([{ file: display(rulesDir), line: 1, column: 1, message: `cannot read the rules folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }]);
  }
  return buildRubric(ruleFiles, { file: display(courseFile), text: courseText });
}
