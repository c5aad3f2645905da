// Score stage for tests: maps pytest results to the instructor's points (partial credit, hidden
// groups withheld until their reveal date) and combines them with the static review's chapter grade.
// Pure: the caller passes `now`; points come only from the instructor's configuration.

import type { ChapterGrade, Report } from '../report/model.ts';
import type { ChapterId } from '../rules/rule.ts';
import type { ChapterTests, GroupScoring, TestGroup, TestGradingConfig } from './config.ts';
import type { CollectionError, JUnitResults, TestCaseResult } from './junit.ts';
import type { TestsProblem } from './messages.ts';

export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped' | 'missing';

export interface TestView {
  nodeId: string;
  status: TestStatus;
  /** First line of the failure, error or skip message. */
  message: string | undefined;
}

export interface GroupScore {
  /** The group's name, or `Hidden tests N` while it is withheld. */
  label: string;
  /** Hidden and not yet revealed: `tests` is empty and only counts and the hint are shown. */
  withheld: boolean;
  hint: string | undefined;
  scoring: GroupScoring;
  points: number;
  maxPoints: number;
  passed: number;
  total: number;
  tests: TestView[];
}

export interface TestsScore {
  points: number;
  maxPoints: number;
  percent: number;
  passed: number;
  total: number;
  groups: GroupScore[];
  /** ISO instant when withheld groups are revealed; undefined when none is withheld or no date is set. */
  revealAt: string | undefined;
  /** Modules that failed to import, for visible tests only. */
  collectionErrors: CollectionError[];
  /** Modules that failed to import and may hold hidden tests: counted, never named. */
  hiddenCollectionErrors: number;
  /** Tests that ran but belong to no group: they earn nothing. */
  ungradedTests: number;
}

export interface ScoreOptions {
  now: Date;
  revealHiddenAt: Date | undefined;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const round1 = (value: number) => Math.round(value * 10) / 10;

/**
 * Glob over pytest node ids: `*` matches within one path segment (so `test_health.py::*` is every
 * test of that file, classes included), `**` matches anything, `?` one character; brackets and
 * everything else are literal, because parametrised ids contain them (`test_x[1.5]`).
 */
export function nodeIdPattern(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const character = glob[index] ?? '';
    if (character === '*' && glob[index + 1] === '*') {
      source += '.*';
      index += 1;
    } else if (character === '*') {
      source += '[^/]*';
    } else if (character === '?') {
      source += '[^/]';
    } else {
      source += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

const isLiteral = (glob: string) => !/[*?]/.test(glob);

function belongsTo(group: TestGroup, test: TestCaseResult, patterns: readonly RegExp[]): boolean {
  return patterns.some((pattern) => pattern.test(test.nodeId)) || test.markers.some((marker) => group.markers.includes(marker));
}

function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const line = text.split('\n').find((candidate) => candidate.trim() !== '')?.trim();
  if (line === undefined) return undefined;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Points for one chapter's tests, exactly as the instructor's groups say. */
export function scoreTests(results: JUnitResults, chapter: ChapterTests, options: ScoreOptions): TestsScore {
  const revealed = options.revealHiddenAt !== undefined && options.now.getTime() >= options.revealHiddenAt.getTime();
  const patterns = chapter.groups.map((group) => group.tests.map(nodeIdPattern));
  const members = chapter.groups.map((): TestView[] => []);
  let ungradedTests = 0;

  // Each test counts once, in the first group that claims it.
  for (const test of results.tests) {
    const index = chapter.groups.findIndex((group, position) => belongsTo(group, test, patterns[position] ?? []));
    if (index === -1) {
      ungradedTests += 1;
      continue;
    }
    members[index]?.push({ nodeId: test.nodeId, status: test.outcome, message: test.outcome === 'passed' ? undefined : firstLine(test.message) });
  }
  // A test the instructor named exactly but that never ran (its module failed to import) still counts, as failed.
  const seen = new Set(results.tests.map((test) => test.nodeId));
  chapter.groups.forEach((group, index) => {
    for (const glob of group.tests) {
      if (isLiteral(glob) && !seen.has(glob)) members[index]?.push({ nodeId: glob, status: 'missing', message: undefined });
    }
  });

  let hiddenNumber = 0;
  const groups: GroupScore[] = chapter.groups.map((group, index) => {
    const tests = members[index] ?? [];
    const passed = tests.filter((test) => test.status === 'passed').length;
    const total = tests.length;
    const earned = total === 0 ? 0
      : group.scoring === 'partial' ? (group.points * passed) / total
      : passed === total ? group.points : 0;
    const withheld = group.hidden && !revealed;
    if (withheld) hiddenNumber += 1;
    return {
      label: withheld ? `Hidden tests ${hiddenNumber}` : group.name,
      withheld,
      hint: withheld ? group.hint : undefined,
      scoring: group.scoring,
      points: round2(earned),
      maxPoints: group.points,
      passed,
      total,
      tests: withheld ? [] : tests,
    };
  });

  const { visible, hidden } = splitCollectionErrors(results.collectionErrors, chapter, revealed);
  const points = round2(groups.reduce((sum, group) => sum + group.points, 0));
  const maxPoints = round2(chapter.groups.reduce((sum, group) => sum + group.points, 0));
  const anyWithheld = groups.some((group) => group.withheld);
  return {
    points,
    maxPoints,
    percent: maxPoints === 0 ? 100 : round1((100 * points) / maxPoints),
    passed: groups.reduce((sum, group) => sum + group.passed, 0),
    total: groups.reduce((sum, group) => sum + group.total, 0),
    groups,
    revealAt: anyWithheld && options.revealHiddenAt ? options.revealHiddenAt.toISOString() : undefined,
    collectionErrors: visible,
    hiddenCollectionErrors: hidden,
    ungradedTests,
  };
}

/**
 * An import error's traceback quotes the test module, so it is shown only when the module can
 * belong to visible groups alone: named by a visible group's pattern and by no withheld one, and
 * no withheld group selects by marker (markers are unknown for a module that never imported).
 */
function splitCollectionErrors(errors: readonly CollectionError[], chapter: ChapterTests, revealed: boolean): { visible: CollectionError[]; hidden: number } {
  const withheld = chapter.groups.filter((group) => group.hidden && !revealed);
  if (withheld.length === 0) return { visible: [...errors], hidden: 0 };
  const modulePatterns = (groups: readonly TestGroup[]) => groups.flatMap((group) => group.tests.map((glob) => nodeIdPattern(glob.split('::')[0] ?? glob)));
  const hiddenPatterns = modulePatterns(withheld);
  const visiblePatterns = modulePatterns(chapter.groups.filter((group) => !withheld.includes(group)));
  const markerHidden = withheld.some((group) => group.markers.length > 0);
  const visible: CollectionError[] = [];
  let hidden = 0;
  for (const error of errors) {
    const canBeHidden = markerHidden || hiddenPatterns.some((pattern) => pattern.test(error.module));
    if (!canBeHidden && visiblePatterns.some((pattern) => pattern.test(error.module))) visible.push(error);
    else hidden += 1;
  }
  return { visible, hidden };
}

// ---------------------------------------------------------------------------------------------
// The tests part of a grade, and the combined grade

export type TestsPart =
  /** Results from a trusted run: they count. */
  | { status: 'graded'; score: TestsScore }
  /** Learner-repository mode: shown, never counted. */
  | { status: 'practice'; score: TestsScore }
  | { status: 'errored'; problem: TestsProblem; detail: string | undefined }
  | { status: 'rate-limited'; runsPerHour: number; nextRunAt: string }
  /** The chapter has no tests in the instructor's configuration. */
  | { status: 'not-configured' };

export interface CombinedGrade {
  chapter: ChapterId;
  title: string;
  threshold: number;
  static: { percent: number; passed: boolean };
  tests: TestsPart;
  weights: { static: number; tests: number };
  /**
   * `(static × weights.static + tests × weights.tests) ÷ (weights.static + weights.tests)` when the
   * tests are graded; the static percent when there are no tests to count (practice, not configured);
   * undefined when the tests part has no result yet (errored, rate-limited).
   */
  percent: number | undefined;
  passed: boolean;
  /** Whether the tests part is in `percent`. */
  testsCounted: boolean;
}

/** One chapter's grade from its static grade and its tests part. */
export function combineGrade(grade: ChapterGrade, tests: TestsPart, weights: { static: number; tests: number }): CombinedGrade {
  const base = {
    chapter: grade.chapter,
    title: grade.title,
    threshold: grade.threshold,
    static: { percent: grade.percent, passed: grade.passed },
    tests,
    weights: { ...weights },
  };
  switch (tests.status) {
    case 'graded': {
      const total = weights.static + weights.tests;
      const percent = round1((grade.percent * weights.static + tests.score.percent * weights.tests) / total);
      return { ...base, percent, passed: percent >= grade.threshold, testsCounted: true };
    }
    case 'practice':
    case 'not-configured':
      return { ...base, percent: grade.percent, passed: grade.passed, testsCounted: false };
    case 'errored':
    case 'rate-limited':
      return { ...base, percent: undefined, passed: false, testsCounted: false };
  }
}

/** The combined grade of the chapter a report graded; a report over every chapter has no single exercise. */
export function combineReport(report: Report, tests: TestsPart, config: Pick<TestGradingConfig, 'weights'>): CombinedGrade {
  const grade = report.chapter === 'all' ? undefined : report.grades.find((candidate) => candidate.chapter === report.chapter);
  if (!grade) throw new Error(`combineReport needs a report of one chapter, not "${String(report.chapter)}"`);
  return combineGrade(grade, tests, config.weights);
}

export type TestsConclusion = 'success' | 'failure' | 'neutral' | 'action_required' | 'cancelled' | 'skipped' | 'timed_out';

/** The conclusion of the "OpsGrade tests" check run for a combined grade. */
export function testsConclusion(grade: CombinedGrade): TestsConclusion {
  const { tests } = grade;
  switch (tests.status) {
    case 'graded':
      return grade.passed ? 'success' : 'failure';
    case 'practice':
    case 'rate-limited':
      return 'neutral';
    case 'not-configured':
      return 'skipped';
    case 'errored':
      return erroredConclusion(tests.problem);
  }
}

function erroredConclusion(problem: TestsProblem): TestsConclusion {
  switch (problem) {
    case 'could-not-start':
      return 'action_required';
    case 'cancelled':
    case 'rate-limited':
      return 'cancelled';
    case 'tests-timed-out':
    case 'no-result':
      return 'timed_out';
    case 'run-failed':
    case 'malformed-results':
    case 'tests-did-not-run':
    case 'untrusted-results':
      return 'failure';
  }
}
