// The instructor's `testGrading:` block: where the grading workflow lives, which tests earn which
// points, hidden tests, time limits, rate limits and weights. One JSON Schema (embedded by the app
// in schema/opsgrade-config.schema.json) and the TypeScript types it mirrors; pure, no I/O.

import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';

import type { ChapterId } from '../rules/rule.ts';

export type GradingMode = 'grader-repository' | 'learner-repository';
export type GroupScoring = 'partial' | 'all-or-nothing';

/** One group of tests and the points it is worth, as the instructor writes it. */
export interface TestGroupFile {
  name: string;
  /** Test node ids or globs, relative to the exercise's test folder: `test_health.py::*`. */
  tests?: string[];
  /** pytest markers; a test carrying any of them belongs to the group. */
  markers?: string[];
  points: number;
  scoring?: GroupScoring;
  hidden?: boolean;
  /** Shown for a hidden group instead of test names and output. */
  hint?: string;
}

export interface ChapterTestsFile {
  /** Folder under `tests/` in the grader repository; default `chapter-<key>`. */
  exercise?: string;
  groups: TestGroupFile[];
}

/** The block as written; every key but `chapters` optional. Mirrors `gradingConfigSchema` (drift test). */
export interface TestGradingConfigFile {
  mode?: GradingMode;
  graderRepository?: { repository: string; workflow?: string; ref?: string };
  learnerRepository?: { workflow?: string; ref?: string };
  timeLimitMinutes?: number;
  resultTimeoutMinutes?: number;
  rateLimit?: { runsPerHour?: number };
  weights?: { static: number; tests: number };
  hiddenTests?: { revealAt?: string };
  chapters: Record<string, ChapterTestsFile>;
}

export interface TestGroup {
  name: string;
  tests: string[];
  markers: string[];
  points: number;
  scoring: GroupScoring;
  hidden: boolean;
  hint: string | undefined;
}

export interface ChapterTests {
  exercise: string;
  groups: TestGroup[];
}

/** The block with every default filled in. */
export interface TestGradingConfig {
  mode: GradingMode;
  /** Set in grader-repository mode (required there). */
  graderRepository: { repository: string; workflow: string; ref: string } | undefined;
  learnerRepository: { workflow: string; ref: string | undefined };
  timeLimitMinutes: number;
  resultTimeoutMinutes: number;
  rateLimit: { runsPerHour: number };
  weights: { static: number; tests: number };
  /** Hidden groups show names and output from this moment; never when undefined. */
  revealHiddenAt: Date | undefined;
  /** Keyed by chapter as written: `8`, `project-1`. */
  chapters: Record<string, ChapterTests>;
}

export const GRADING_DEFAULTS = {
  mode: 'grader-repository',
  graderWorkflow: 'grade.yml',
  graderRef: 'main',
  learnerWorkflow: 'opsgrade-tests.yml',
  timeLimitMinutes: 10,
  resultTimeoutMinutes: 30,
  runsPerHour: 6,
  weights: { static: 50, tests: 50 },
} as const;

const REPOSITORY_PATTERN = '^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/)?[A-Za-z0-9._-]{1,100}$';
const WORKFLOW_PATTERN = '^(?:\\.github/workflows/)?[A-Za-z0-9._-]+\\.ya?ml$';
const REF_PATTERN = '^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]{1,200}$';
const EXERCISE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
const MARKER_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,99}$';
const CHAPTER_KEY_PATTERN = '^(?:[1-9]|1[0-9]|2[0-3]|project-[1-4])$';
/** ISO 8601 with a time zone, so "when" means the same for every learner. */
const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:\\d{2})$';

const testGroupSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'points'],
  anyOf: [{ required: ['tests'] }, { required: ['markers'] }],
  properties: {
    name: { description: 'What the group checks, as learners read it (hidden groups show a generic label until revealed).', type: 'string', minLength: 1, maxLength: 100 },
    tests: {
      description: 'pytest node ids relative to the exercise folder, or globs: `*` matches within one path segment (`test_health.py::*` is every test of the file), `**` matches anything. Brackets are literal.',
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1, maxLength: 300 },
    },
    markers: { description: 'pytest markers (`@pytest.mark.timeouts`); a test with any of them belongs to the group.', type: 'array', minItems: 1, items: { type: 'string', pattern: MARKER_PATTERN } },
    points: { description: 'Points the group is worth.', type: 'number', minimum: 0, maximum: 1000 },
    scoring: { description: '`partial` (default): points × passed ÷ tests. `all-or-nothing`: every test must pass.', enum: ['partial', 'all-or-nothing'] },
    hidden: { description: 'Until `hiddenTests.revealAt`, learners see only the pass count and the hint, never test names or output.', type: 'boolean' },
    hint: { description: 'A generic hint shown for a hidden group.', type: 'string', minLength: 1, maxLength: 300 },
  },
} as const;

/**
 * JSON Schema (draft-07, self-contained) of the `testGrading:` block of `.github/opsgrade.yml`.
 * The app embeds it as `properties.testGrading` of schema/opsgrade-config.schema.json.
 */
export const gradingConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'OpsGrade test grading',
  description: "Runs the instructor's pytest tests in GitHub Actions and folds the results into each chapter's grade.",
  type: 'object',
  additionalProperties: false,
  required: ['chapters'],
  properties: {
    mode: {
      description: '`grader-repository` (default): tests and workflow live in an instructor repository learners cannot edit. `learner-repository`: a workflow in the learner\'s own repository; open to tampering, so results are shown as practice and never change a grade.',
      enum: ['grader-repository', 'learner-repository'],
    },
    graderRepository: {
      description: 'The instructor repository with the grading workflow and the hidden tests (grader-repository mode).',
      type: 'object',
      additionalProperties: false,
      required: ['repository'],
      properties: {
        repository: { description: 'Repository name in the organisation (`opsgrade-grader`) or `owner/name`.', type: 'string', pattern: REPOSITORY_PATTERN },
        workflow: { description: 'Workflow file in `.github/workflows/` on the default branch (default `grade.yml`).', type: 'string', pattern: WORKFLOW_PATTERN },
        ref: { description: 'Branch or tag to run the workflow from (default `main`).', type: 'string', pattern: REF_PATTERN },
      },
    },
    learnerRepository: {
      description: "The workflow in each learner's repository (learner-repository mode).",
      type: 'object',
      additionalProperties: false,
      properties: {
        workflow: { description: 'Workflow file in `.github/workflows/` (default `opsgrade-tests.yml`).', type: 'string', pattern: WORKFLOW_PATTERN },
        ref: { description: "Branch to run it from (default: the repository's default branch).", type: 'string', pattern: REF_PATTERN },
      },
    },
    timeLimitMinutes: { description: 'Longest the tests may run; passed to the workflow as `timeout-minutes` (default 10).', type: 'integer', minimum: 1, maximum: 60 },
    resultTimeoutMinutes: { description: 'After this long without a result the tests part concludes `timed_out` (default 30).', type: 'integer', minimum: 2, maximum: 360 },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      properties: { runsPerHour: { description: 'Graded runs per learner repository per hour (default 6). Static review is never limited.', type: 'integer', minimum: 1, maximum: 100 } },
    },
    weights: {
      description: 'How the chapter grade combines the static review and the tests (default 50/50): (static × static-weight + tests × tests-weight) ÷ (sum of weights).',
      type: 'object',
      additionalProperties: false,
      required: ['static', 'tests'],
      properties: {
        static: { type: 'number', minimum: 0, maximum: 100 },
        tests: { type: 'number', minimum: 0, maximum: 100 },
      },
    },
    hiddenTests: {
      type: 'object',
      additionalProperties: false,
      properties: { revealAt: { description: 'When hidden groups show their test names and output, e.g. `2025-06-30T23:59:00Z`. Without it they stay hidden.', type: 'string', pattern: INSTANT_PATTERN } },
    },
    chapters: {
      description: 'Tests and points per chapter, keyed by chapter (`8`, `project-1`). Chapters not listed are graded by the static review alone.',
      type: 'object',
      propertyNames: { type: 'string', pattern: CHAPTER_KEY_PATTERN },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['groups'],
        properties: {
          exercise: { description: 'Folder under `tests/` in the grader repository (default `chapter-<key>`).', type: 'string', pattern: EXERCISE_PATTERN },
          groups: { type: 'array', minItems: 1, items: testGroupSchema },
        },
      },
    },
  },
  if: { not: { properties: { mode: { const: 'learner-repository' } }, required: ['mode'] } },
  then: { required: ['graderRepository'] },
} as const;

/** Messages for patterns and alternatives, where Ajv's own text would only quote a regex. */
const SCHEMA_MESSAGES: Record<string, string> = {
  '#/properties/graderRepository/properties/repository/pattern': 'must be a repository name such as `opsgrade-grader` or `my-org/opsgrade-grader`',
  '#/properties/graderRepository/properties/workflow/pattern': 'must be a workflow file name such as `grade.yml`',
  '#/properties/learnerRepository/properties/workflow/pattern': 'must be a workflow file name such as `opsgrade-tests.yml`',
  '#/properties/graderRepository/properties/ref/pattern': 'must be a branch or tag name such as `main`',
  '#/properties/learnerRepository/properties/ref/pattern': 'must be a branch or tag name such as `main`',
  '#/properties/hiddenTests/properties/revealAt/pattern': 'must be a date and time with a time zone, such as `2025-06-30T23:59:00Z`',
  '#/properties/chapters/propertyNames/pattern': 'is not a chapter (1–23 or project-1 … project-4)',
  '#/properties/chapters/additionalProperties/properties/exercise/pattern': 'must be a folder name such as `chapter-8`',
  '#/properties/chapters/additionalProperties/properties/groups/items/anyOf': 'needs `tests` (node ids or globs) or `markers` to say which tests it covers',
  '#/properties/chapters/additionalProperties/properties/groups/items/properties/markers/items/pattern': 'must be a pytest marker name such as `timeouts`',
};

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validateFile = ajv.compile<TestGradingConfigFile>(gradingConfigSchema as object);

/** A problem with the block: where (keys from the block's parent, for a YAML locator) and what. */
export interface GradingConfigProblem {
  path: (string | number)[];
  message: string;
}

export type ParsedGradingConfig =
  | { ok: true; config: TestGradingConfig }
  | { ok: false; problems: GradingConfigProblem[] };

/**
 * Validates the block (`data`) found at `basePath` of the instructor's file (default
 * `['testGrading']`); problems name the full key path, e.g. "`testGrading.weights`: is missing `tests`".
 */
export function parseGradingConfig(data: unknown, basePath: (string | number)[] = ['testGrading']): ParsedGradingConfig {
  if (!validateFile(data)) return { ok: false, problems: schemaProblems(validateFile.errors ?? [], basePath) };
  const problems = semanticProblems(data, basePath);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: resolveGradingConfig(data) };
}

function resolveGradingConfig(file: TestGradingConfigFile): TestGradingConfig {
  const chapters: Record<string, ChapterTests> = {};
  for (const [key, chapter] of Object.entries(file.chapters)) {
    chapters[key] = {
      exercise: chapter.exercise ?? defaultExercise(key),
      groups: chapter.groups.map((group) => ({
        name: group.name,
        tests: group.tests ?? [],
        markers: group.markers ?? [],
        points: group.points,
        scoring: group.scoring ?? 'partial',
        hidden: group.hidden ?? false,
        hint: group.hint,
      })),
    };
  }
  return {
    mode: file.mode ?? GRADING_DEFAULTS.mode,
    graderRepository: file.graderRepository === undefined ? undefined : {
      repository: file.graderRepository.repository,
      workflow: workflowFileName(file.graderRepository.workflow ?? GRADING_DEFAULTS.graderWorkflow),
      ref: file.graderRepository.ref ?? GRADING_DEFAULTS.graderRef,
    },
    learnerRepository: {
      workflow: workflowFileName(file.learnerRepository?.workflow ?? GRADING_DEFAULTS.learnerWorkflow),
      ref: file.learnerRepository?.ref,
    },
    timeLimitMinutes: file.timeLimitMinutes ?? GRADING_DEFAULTS.timeLimitMinutes,
    resultTimeoutMinutes: file.resultTimeoutMinutes ?? GRADING_DEFAULTS.resultTimeoutMinutes,
    rateLimit: { runsPerHour: file.rateLimit?.runsPerHour ?? GRADING_DEFAULTS.runsPerHour },
    weights: file.weights ?? { ...GRADING_DEFAULTS.weights },
    revealHiddenAt: file.hiddenTests?.revealAt === undefined ? undefined : new Date(file.hiddenTests.revealAt),
    chapters,
  };
}

/** `chapter-8`, `project-1`: the default test folder of a chapter. */
export function defaultExercise(chapterKey: string): string {
  return chapterKey.startsWith('project-') ? chapterKey : `chapter-${chapterKey}`;
}

/** `grade.yml` from `grade.yml` or `.github/workflows/grade.yml`: what the dispatch API takes. */
export function workflowFileName(workflow: string): string {
  return workflow.replace(/^\.github\/workflows\//, '');
}

/** The path GitHub reports in `workflow_run.path`. */
export function workflowPath(workflow: string): string {
  return `.github/workflows/${workflowFileName(workflow)}`;
}

/** The tests of one chapter, or undefined when the chapter is graded by the static review alone. */
export function chapterTests(config: TestGradingConfig, chapter: ChapterId): ChapterTests | undefined {
  return config.chapters[String(chapter)];
}

/** Checks the schema cannot express: dates that exist, weights that add up, names used once. */
function semanticProblems(file: TestGradingConfigFile, base: (string | number)[]): GradingConfigProblem[] {
  const problems: GradingConfigProblem[] = [];
  const report = (keys: (string | number)[], message: string) => {
    const path = [...base, ...keys];
    problems.push({ path, message: `\`${path.join('.')}\`: ${message}` });
  };
  const revealAt = file.hiddenTests?.revealAt;
  if (revealAt !== undefined && !isRealInstant(revealAt)) report(['hiddenTests', 'revealAt'], `\`${revealAt}\` is not a real date`);
  if (file.weights && file.weights.static + file.weights.tests === 0) report(['weights'], 'at least one weight must be above 0');
  const timeLimit = file.timeLimitMinutes ?? GRADING_DEFAULTS.timeLimitMinutes;
  const resultTimeout = file.resultTimeoutMinutes ?? GRADING_DEFAULTS.resultTimeoutMinutes;
  if (resultTimeout <= timeLimit) {
    report([file.resultTimeoutMinutes === undefined ? 'timeLimitMinutes' : 'resultTimeoutMinutes'],
      `the result timeout (${resultTimeout} min) must be longer than the time limit (${timeLimit} min): the run also needs time to start and upload its results`);
  }
  for (const [key, chapter] of Object.entries(file.chapters)) {
    const names = new Set<string>();
    chapter.groups.forEach((group, index) => {
      if (names.has(group.name)) report(['chapters', key, 'groups', index, 'name'], `\`${group.name}\` is the name of an earlier group in this chapter`);
      names.add(group.name);
      if (group.hint !== undefined && group.hidden !== true) report(['chapters', key, 'groups', index, 'hint'], 'a hint is shown only for hidden groups; add `hidden: true` or remove it');
    });
  }
  return problems;
}

/** `Date.parse` rolls 30 February over into March; a reveal date must exist as written. */
function isRealInstant(text: string): boolean {
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!parts || Number.isNaN(Date.parse(text))) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

function pathKeys(instancePath: string): (string | number)[] {
  return instancePath.split('/').slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')));
}

function schemaProblems(errors: readonly ErrorObject[], base: (string | number)[]): GradingConfigProblem[] {
  // An `anyOf` failure also reports each branch's `required`; the alternative's message says it better.
  const alternatives = errors.filter((error) => error.keyword === 'anyOf');
  const problems: GradingConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (alternatives.some((alternative) => error !== alternative && error.schemaPath.startsWith(`${alternative.schemaPath}/`))) continue;
    // `if`/`then` reports the `then` failure (missing graderRepository) and then the `if` itself.
    if (error.keyword === 'if') continue;
    if ('propertyName' in error && error.keyword !== 'propertyNames' && error.keyword !== 'pattern') continue;
    const keys = [...base, ...pathKeys(error.instancePath)];
    const where = `\`${keys.join('.')}\`: `;
    const known = SCHEMA_MESSAGES[error.schemaPath];
    let message: string;
    switch (error.keyword) {
      case 'additionalProperties':
        message = `unknown key \`${String((error.params as { additionalProperty: string }).additionalProperty)}\``;
        break;
      case 'required': {
        const missing = String((error.params as { missingProperty: string }).missingProperty);
        message = missing === 'graderRepository'
          ? 'is missing `graderRepository` (the repository with the grading workflow); set `mode: learner-repository` for practice runs instead'
          : `is missing \`${missing}\``;
        break;
      }
      case 'enum':
        message = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((value) => `\`${String(value)}\``).join(', ')}`;
        break;
      case 'propertyNames':
        continue;
      case 'pattern': {
        if ('propertyName' in error) {
          message = `\`${String((error as { propertyName: unknown }).propertyName)}\` ${known ?? 'is not a valid key'}`;
          break;
        }
        message = known ?? error.message ?? 'is not valid';
        break;
      }
      case 'minimum':
        message = `must be at least ${String((error.params as { limit: number }).limit)}`;
        break;
      case 'maximum':
        message = `must be at most ${String((error.params as { limit: number }).limit)}`;
        break;
      case 'minItems':
        message = 'must not be empty';
        break;
      case 'type': {
        const type = String((error.params as { type: string }).type);
        message = `must be ${type === 'integer' ? 'a whole number' : type === 'object' ? 'a mapping' : type === 'array' ? 'a list' : `a ${type}`}`;
        break;
      }
      default:
        message = known ?? error.message ?? 'is not valid';
    }
    const text = where + message;
    if (!seen.has(text)) problems.push({ path: keys, message: text });
    seen.add(text);
  }
  return problems;
}
