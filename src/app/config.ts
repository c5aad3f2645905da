// Course configuration for the GitHub App: the instructor's `.github/opsgrade.yml` (validated against
// schema/opsgrade-config.schema.json, errors with file:line:col; its `testGrading:` block by the grading
// core), the learner's `.opsgrade.yml` (which may only pick a chapter or exercise), and the Course the
// review runs with. Pure; no I/O.

import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import picomatch from 'picomatch';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';

import schema from '../../schema/opsgrade-config.schema.json' with { type: 'json' };
import { parseGradingConfig } from '../grading/config.ts';
import type { TestGradingConfig, TestGradingConfigFile } from '../grading/config.ts';
import type { Course, CourseChapter } from '../rubric/course.ts';
import { parseChapterId } from '../rubric/course.ts';
import type { ChapterId, Rule, Severity } from '../rules/rule.ts';

export type ChapterChoice = ChapterId | 'all';
export type LearnerChoice = 'chapter' | 'exercise';

export interface ExerciseMapping {
  name?: string;
  chapter: ChapterChoice;
  repositories?: string[];
  topics?: string[];
}

export interface ChapterOverrides {
  threshold?: number;
  requirements?: Record<string, number>;
  points?: Record<string, number>;
}

/** The instructor's file as written; every key optional. Mirrors the JSON Schema (see the drift test). */
export interface InstructorConfigFile {
  course?: 'default' | { file: string };
  exercises?: ExerciseMapping[];
  otherRepositories?: 'report' | 'skip';
  learnerConfig?: { allow?: LearnerChoice[] };
  grading?: {
    threshold?: number;
    deduction?: Partial<Record<Severity, number>>;
    chapters?: Record<string, ChapterOverrides>;
  };
  rules?: { disable?: string[]; enable?: string[] };
  pullRequests?: { comments?: boolean; maxComments?: number; suggestions?: boolean; summaryComment?: boolean };
  checkRun?: { maxAnnotations?: number };
  /** Dynamic grading: the instructor's pytest tests run in GitHub Actions (docs/grading.md). */
  testGrading?: TestGradingConfigFile;
}

/** The configuration with every default filled in. */
export interface InstructorConfig {
  course: 'default' | { file: string };
  exercises: ExerciseMapping[];
  otherRepositories: 'report' | 'skip';
  learnerConfig: { allow: LearnerChoice[] };
  grading: NonNullable<InstructorConfigFile['grading']>;
  rules: { disable: string[]; enable: string[] };
  pullRequests: { comments: boolean; maxComments: number; suggestions: boolean; summaryComment: boolean };
  checkRun: { maxAnnotations: number };
  /** Undefined when the course runs no tests: the static review alone is the grade. */
  testGrading: TestGradingConfig | undefined;
}

export const DEFAULT_MAX_COMMENTS = 20;
export const DEFAULT_MAX_ANNOTATIONS = 200;

export const INSTRUCTOR_CONFIG_PATH = '.github/opsgrade.yml';
export const LEARNER_CONFIG_PATHS = ['.opsgrade.yml', '.opsgrade.yaml'] as const;

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const JSON_SCHEMA: object = schema;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validateInstructorConfig = ajv.compile(schema);

/** Messages for the schema's alternatives, where Ajv's per-branch errors would only confuse. */
const ALTERNATIVE_MESSAGES: Record<string, string> = {
  '#/properties/course/oneOf': 'must be `default` or `{ file: <path in the .github repository> }`',
  '#/properties/exercises/items/anyOf': 'needs `repositories`, `topics` or `name` to say which repositories it covers',
  '#/definitions/chapterOrAll/oneOf': 'must be a chapter number 1–23, `project-1` … `project-4`, or `all`',
};

export function defaultInstructorConfig(): InstructorConfig {
  return resolveDefaults({});
}

function resolveDefaults(file: InstructorConfigFile, testGrading?: TestGradingConfig): InstructorConfig {
  return {
    course: file.course ?? 'default',
    exercises: file.exercises ?? [],
    otherRepositories: file.otherRepositories ?? 'report',
    learnerConfig: { allow: file.learnerConfig?.allow ?? [] },
    grading: file.grading ?? {},
    rules: { disable: file.rules?.disable ?? [], enable: file.rules?.enable ?? [] },
    pullRequests: {
      comments: file.pullRequests?.comments ?? true,
      maxComments: file.pullRequests?.maxComments ?? DEFAULT_MAX_COMMENTS,
      suggestions: file.pullRequests?.suggestions ?? true,
      summaryComment: file.pullRequests?.summaryComment ?? true,
    },
    checkRun: { maxAnnotations: file.checkRun?.maxAnnotations ?? DEFAULT_MAX_ANNOTATIONS },
    testGrading,
  };
}

/** A parsed YAML file that turns a property path into `file:line:col`. */
export class YamlLocator {
  readonly file: string;
  readonly document: Document;
  private readonly lines = new LineCounter();

  constructor(file: string, text: string) {
    this.file = file;
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  at(offset: number): Omit<ConfigProblem, 'message'> {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** The node at `keys`, matching map keys by their text so `7:` and `"7":` both match `7`. */
  private node(keys: readonly (string | number)[]): YamlNode | undefined {
    let node: unknown = this.document.contents;
    for (const key of keys) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
        node = pair?.value;
      } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items)) {
        node = (node as { items: unknown[] }).items[Number(key)];
      } else {
        return undefined;
      }
    }
    return node as YamlNode | undefined;
  }

  /** Where the value at `keys` starts; with `key`, where that key of the map at `keys` starts. */
  problem(keys: readonly (string | number)[], message: string, key?: string): ConfigProblem {
    for (let depth = keys.length; depth >= 0; depth -= 1) {
      const node = this.node(keys.slice(0, depth));
      if (!node?.range) continue;
      if (key !== undefined && depth === keys.length && isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
        const keyNode = pair?.key as YamlNode | undefined;
        if (keyNode?.range) return { ...this.at(keyNode.range[0]), message };
      }
      return { ...this.at(node.range[0]), message };
    }
    return { file: this.file, line: 1, column: 1, message };
  }
}

export type ParsedInstructorConfig =
  | { ok: true; config: InstructorConfig; locator: YamlLocator }
  | { ok: false; problems: ConfigProblem[] };

/** Parses and validates the instructor's configuration file. */
export function parseInstructorConfig(text: string, file: string): ParsedInstructorConfig {
  const locator = new YamlLocator(file, text);
  if (locator.document.errors.length > 0) {
    return { ok: false, problems: locator.document.errors.map((error) => ({ ...locator.at(error.pos[0]), message: `YAML: ${error.message.split('\n')[0] ?? ''}` })) };
  }
  const data: unknown = locator.document.toJS() ?? {};
  // The grading core checks its own block, with messages written for it (and its defaults).
  const { testGrading, ...rest } = isPlainObject(data) ? data : { testGrading: undefined };
  const problems = validateInstructorConfig(isPlainObject(data) ? rest : data) ? [] : schemaProblems(locator, validateInstructorConfig.errors ?? []);
  let grading: TestGradingConfig | undefined;
  if (testGrading !== undefined) {
    const parsed = parseGradingConfig(testGrading, ['testGrading']);
    if (parsed.ok) grading = parsed.config;
    else problems.push(...parsed.problems.map((problem) => locator.problem(problem.path, problem.message)));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: resolveDefaults(rest, grading), locator };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathKeys(instancePath: string): (string | number)[] {
  return instancePath.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')));
}

function schemaProblems(locator: YamlLocator, errors: readonly ErrorObject[]): ConfigProblem[] {
  // Collapse alternatives: keep a branch's errors only where they point deeper than the alternative.
  const dropped = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;
    const branches = errors.filter((other) => other.schemaPath.startsWith(`${error.schemaPath}/`));
    const deeper = branches.filter((other) => other.instancePath.length > error.instancePath.length);
    if (deeper.length > 0) {
      dropped.add(error);
      for (const branch of branches) if (!deeper.includes(branch)) dropped.add(branch);
    } else {
      for (const branch of branches) dropped.add(branch);
    }
  }
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (dropped.has(error)) continue;
    // `propertyNames` reports the failing name twice: once from the name's own schema.
    if ('propertyName' in error && error.keyword !== 'propertyNames') continue;
    const keys = pathKeys(error.instancePath);
    const where = keys.length > 0 ? `\`${keys.join('.')}\`: ` : '';
    let problem: ConfigProblem;
    switch (error.keyword) {
      case 'additionalProperties': {
        const name = String((error.params as { additionalProperty: string }).additionalProperty);
        problem = locator.problem(keys, `${where}unknown key \`${name}\``, name);
        break;
      }
      case 'propertyNames': {
        const name = String((error.params as { propertyName: string }).propertyName);
        const what = keys[keys.length - 1] === 'chapters' ? 'a chapter (1–23 or project-1 … project-4)' : 'a rule id';
        problem = locator.problem(keys, `${where}\`${name}\` is not ${what}`, name);
        break;
      }
      case 'required':
        problem = locator.problem(keys, `${where}is missing \`${String((error.params as { missingProperty: string }).missingProperty)}\``);
        break;
      case 'enum':
        problem = locator.problem(keys, `${where}must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues).map((value) => `\`${String(value)}\``).join(', ')}`);
        break;
      case 'oneOf':
      case 'anyOf':
        problem = locator.problem(keys, `${where}${ALTERNATIVE_MESSAGES[error.schemaPath] ?? error.message ?? 'is not valid'}`);
        break;
      default:
        problem = locator.problem(keys, `${where}${error.message ?? 'is not valid'}`);
    }
    const id = `${problem.line}:${problem.column}:${problem.message}`;
    if (!seen.has(id)) problems.push(problem);
    seen.add(id);
  }
  return problems;
}

/**
 * The course the review runs with: `base` with the instructor's points, thresholds and rule
 * switches applied. Unknown chapters or rule ids are configuration errors, located in the file.
 */
export function applyInstructorConfig(base: Course, rules: readonly Pick<Rule, 'id' | 'kind'>[], config: InstructorConfig, locator: YamlLocator | undefined):
  { ok: true; course: Course } | { ok: false; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const report = (keys: (string | number)[], message: string, key?: string) => {
    problems.push(locator ? locator.problem(keys, message, key) : { file: INSTRUCTOR_CONFIG_PATH, line: 1, column: 1, message });
  };
  const kinds = new Map(rules.map((rule) => [rule.id, rule.kind]));
  const course: Course = structuredClone(base);
  const chapterById = new Map(course.chapters.map((chapter) => [String(chapter.id), chapter]));

  const grading = config.grading;
  if (grading.threshold !== undefined) course.threshold = grading.threshold;
  if (grading.deduction) course.deduction = { ...course.deduction, ...grading.deduction };
  for (const [key, overrides] of Object.entries(grading.chapters ?? {})) {
    const chapter = chapterById.get(String(parseChapterId(key)));
    if (!chapter) {
      report(['grading', 'chapters'], `\`grading.chapters\`: chapter \`${key}\` is not part of the course`, key);
      continue;
    }
    applyChapterOverrides(chapter, key, overrides, kinds, report);
  }

  const disable = new Set(config.rules.disable);
  config.rules.disable.forEach((id, index) => {
    if (!kinds.has(id)) report(['rules', 'disable', index], `\`rules.disable\`: unknown rule \`${id}\``);
  });
  config.rules.enable.forEach((id, index) => {
    if (!kinds.has(id)) report(['rules', 'enable', index], `\`rules.enable\`: unknown rule \`${id}\``);
    else if (disable.has(id)) report(['rules', 'enable', index], `\`rules.enable\`: \`${id}\` is also in \`rules.disable\``);
  });
  for (const chapter of course.chapters) {
    const disabled = new Set(chapter.disabled ?? []);
    for (const id of config.rules.enable) disabled.delete(id);
    for (const id of disable) disabled.add(id);
    chapter.disabled = [...disabled].sort();
    chapter.requirements = chapter.requirements.filter((requirement) => !disable.has(requirement.rule));
  }

  config.exercises.forEach((exercise, index) => {
    if (exercise.chapter !== 'all' && !chapterById.has(String(parseChapterId(exercise.chapter)))) {
      report(['exercises', index, 'chapter'], `\`exercises.${index}.chapter\`: chapter \`${String(exercise.chapter)}\` is not part of the course`);
    }
  });
  const names = new Set<string>();
  config.exercises.forEach((exercise, index) => {
    if (exercise.name === undefined) return;
    if (names.has(exercise.name)) report(['exercises', index, 'name'], `\`exercises.${index}.name\`: \`${exercise.name}\` is used by an earlier exercise`);
    names.add(exercise.name);
  });

  return problems.length > 0 ? { ok: false, problems } : { ok: true, course };
}

function applyChapterOverrides(
  chapter: CourseChapter,
  key: string,
  overrides: ChapterOverrides,
  kinds: ReadonlyMap<string, Rule['kind']>,
  report: (keys: (string | number)[], message: string, key?: string) => void,
): void {
  if (overrides.threshold !== undefined) chapter.threshold = overrides.threshold;
  for (const [ruleId, points] of Object.entries(overrides.requirements ?? {})) {
    const keys = ['grading', 'chapters', key, 'requirements'];
    const kind = kinds.get(ruleId);
    if (kind === undefined) report(keys, `unknown rule \`${ruleId}\``, ruleId);
    else if (kind !== 'requirement') report(keys, `\`${ruleId}\` is a violation rule: set its deduction under \`points\``, ruleId);
    else {
      const existing = chapter.requirements.find((requirement) => requirement.rule === ruleId);
      if (existing) existing.points = points;
      else chapter.requirements.push({ rule: ruleId, points });
    }
  }
  for (const [ruleId, points] of Object.entries(overrides.points ?? {})) {
    const keys = ['grading', 'chapters', key, 'points'];
    const kind = kinds.get(ruleId);
    if (kind === undefined) report(keys, `unknown rule \`${ruleId}\``, ruleId);
    else if (kind !== 'violation') report(keys, `\`${ruleId}\` is a requirement: set the points it earns under \`requirements\``, ruleId);
    else chapter.points = { ...chapter.points, [ruleId]: points };
  }
}

// ——— The learner's own file ———

export interface LearnerSettings {
  chapter?: ChapterId;
  exercise?: string;
  /** What was ignored and why, for the summary. */
  notes: string[];
}

/**
 * Reads the learner's `.opsgrade.yml`. Only `chapter` and `exercise` can count, and only those the
 * instructor allows; everything else is listed as ignored, so a learner cannot change the grading.
 */
export function readLearnerSettings(text: string | undefined, file: string, config: InstructorConfig): LearnerSettings {
  const settings: LearnerSettings = { notes: [] };
  if (text === undefined) return settings;
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    settings.notes.push(`\`${file}\` was ignored: it is not valid YAML.`);
    return settings;
  }
  const data: unknown = document.toJS();
  if (data === null || data === undefined) return settings;
  if (typeof data !== 'object' || Array.isArray(data)) {
    settings.notes.push(`\`${file}\` was ignored: it is not a YAML mapping of settings.`);
    return settings;
  }
  const allowed = new Set(config.learnerConfig.allow);
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (key === 'chapter' && allowed.has('chapter')) {
      const chapter = parseChapterId(value as string | number);
      if (chapter === undefined) settings.notes.push(`\`${file}\`: \`chapter: ${String(value)}\` was ignored: use a chapter number 1–23 or \`project-1\` … \`project-4\`.`);
      else settings.chapter = chapter;
    } else if (key === 'exercise' && allowed.has('exercise')) {
      const name = String(value);
      if (config.exercises.some((exercise) => exercise.name === name)) settings.exercise = name;
      else settings.notes.push(`\`${file}\`: \`exercise: ${name}\` was ignored: the course has no exercise with that name.`);
    } else {
      ignored.push(key);
    }
  }
  if (ignored.length > 0) {
    const list = ignored.map((key) => `\`${key}\``).join(', ');
    settings.notes.push(`\`${file}\`: ${list} ${ignored.length === 1 ? 'was' : 'were'} ignored. In the GitHub App only your instructor's course configuration sets chapters, points, thresholds and rules${allowed.size > 0 ? `; this course lets your file choose only ${[...allowed].map((key) => `\`${key}\``).join(' and ')}` : ''}.`);
  }
  return settings;
}

// ——— Which chapter a repository is graded against ———

export interface RepositoryFacts {
  name: string;
  topics: readonly string[];
}

export type ExerciseDecision =
  | { graded: true; chapter: ChapterChoice; reason: string }
  | { graded: false; mode: 'report' | 'skip'; reason: string };

export function resolveExercise(config: InstructorConfig, repository: RepositoryFacts, learner: LearnerSettings): ExerciseDecision {
  if (learner.exercise !== undefined) {
    const exercise = config.exercises.find((candidate) => candidate.name === learner.exercise);
    if (exercise) return { graded: true, chapter: chapterFromConfig(exercise.chapter), reason: `exercise \`${learner.exercise}\`, chosen in the repository's \`.opsgrade.yml\`` };
  }
  if (learner.chapter !== undefined) return { graded: true, chapter: learner.chapter, reason: 'chapter chosen in the repository\'s `.opsgrade.yml`' };
  for (const exercise of config.exercises) {
    const label = exercise.name ? `exercise \`${exercise.name}\`` : `the exercise for ${exercise.chapter === 'all' ? 'all chapters' : `chapter ${String(exercise.chapter)}`}`;
    if (exercise.repositories?.some((pattern) => picomatch.isMatch(repository.name, pattern, { nocase: true, dot: true }))) {
      return { graded: true, chapter: chapterFromConfig(exercise.chapter), reason: `${label}, matched by repository name` };
    }
    const topic = exercise.topics?.find((candidate) => repository.topics.includes(candidate));
    if (topic !== undefined) return { graded: true, chapter: chapterFromConfig(exercise.chapter), reason: `${label}, matched by topic \`${topic}\`` };
  }
  return {
    graded: false,
    mode: config.otherRepositories,
    reason: `No exercise in the course configuration matches the repository \`${repository.name}\`.`,
  };
}

/** Chapter values in the YAML are numbers or strings; the review wants a ChapterId. */
export function chapterFromConfig(choice: string | number): ChapterChoice {
  if (choice === 'all') return 'all';
  return parseChapterId(choice) ?? 'all';
}
