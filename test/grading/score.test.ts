// Test points and the combined grade: exact points for partial and all-or-nothing groups, hidden
// groups withheld until their reveal date, and the weighting with the static chapter grade.

import { describe, expect, it } from 'vitest';

import type { ChapterTests, TestGroup } from '../../src/grading/config.ts';
import type { JUnitResults, TestCaseResult } from '../../src/grading/junit.ts';
import { combineGrade, nodeIdPattern, scoreTests, testsConclusion } from '../../src/grading/score.ts';
import type { TestsPart, TestsScore } from '../../src/grading/score.ts';
import type { ChapterGrade } from '../../src/report/model.ts';

const group = (fields: Partial<TestGroup> & Pick<TestGroup, 'name' | 'points'>): TestGroup =>
  ({ tests: [], markers: [], scoring: 'partial', hidden: false, hint: undefined, ...fields });
const test = (nodeId: string, outcome: TestCaseResult['outcome'], extra: Partial<TestCaseResult> = {}): TestCaseResult =>
  ({ nodeId, outcome, message: outcome === 'passed' ? undefined : `${outcome} here\nmore detail`, markers: [], ...extra });

const CHAPTER: ChapterTests = {
  exercise: 'chapter-8',
  groups: [
    group({ name: 'Health URL', tests: ['test_health.py::test_health_url_*'], points: 20 }),
    group({ name: 'Exit code', tests: ['test_exit.py::*'], points: 30 }),
    group({ name: 'Timeouts', markers: ['timeouts'], points: 20, scoring: 'all-or-nothing' }),
    group({ name: 'Network errors', tests: ['test_network.py::*'], points: 30, hidden: true, hint: 'Think about broken connections.' }),
  ],
};

const RESULTS: JUnitResults = {
  tests: [
    test('test_exit.py::test_all_healthy_exits_zero', 'passed'),
    test('test_exit.py::test_one_unhealthy_exits_one', 'failed'),
    test('test_health.py::test_health_url_adds_path', 'passed'),
    test('test_health.py::test_health_url_ignores_trailing_slash', 'passed'),
    test('test_health.py::test_request_has_timeout', 'passed', { markers: ['timeouts'] }),
    test('test_network.py::test_refused_connection_is_unhealthy', 'passed'),
    test('test_network.py::test_reset_connection_is_unhealthy', 'failed'),
  ],
  collectionErrors: [],
};

const BEFORE_REVEAL = { now: new Date('2025-05-01T00:00:00Z'), revealHiddenAt: new Date('2025-06-30T23:59:00Z') };
const AFTER_REVEAL = { now: new Date('2025-06-30T23:59:00Z'), revealHiddenAt: new Date('2025-06-30T23:59:00Z') };

const summary = (score: TestsScore) => score.groups.map((scored) => [scored.label, scored.passed, scored.total, scored.points, scored.maxPoints]);

describe('scoreTests', () => {
  it('gives partial credit per group and all-or-nothing where configured', () => {
    const score = scoreTests(RESULTS, CHAPTER, BEFORE_REVEAL);
    expect(summary(score)).toEqual([
      ['Health URL', 2, 2, 20, 20],
      ['Exit code', 1, 2, 15, 30],
      ['Timeouts', 1, 1, 20, 20],
      ['Hidden tests 1', 1, 2, 15, 30],
    ]);
    expect([score.points, score.maxPoints, score.percent, score.passed, score.total]).toEqual([70, 100, 70, 5, 7]);
    const timeouts = scoreTests({ ...RESULTS, tests: RESULTS.tests.map((result) => (result.markers.includes('timeouts') ? { ...result, outcome: 'failed' as const } : result)) }, CHAPTER, BEFORE_REVEAL);
    expect(timeouts.groups[2]?.points).toBe(0);
  });

  it('withholds hidden groups before the reveal date: no names, no output, only counts and the hint', () => {
    const hidden = scoreTests(RESULTS, CHAPTER, BEFORE_REVEAL).groups[3];
    expect(hidden).toEqual({ label: 'Hidden tests 1', withheld: true, hint: 'Think about broken connections.', scoring: 'partial', points: 15, maxPoints: 30, passed: 1, total: 2, tests: [] });
    expect(JSON.stringify(scoreTests(RESULTS, CHAPTER, BEFORE_REVEAL))).not.toMatch(/network|Network errors|reset_connection/);
    expect(scoreTests(RESULTS, CHAPTER, BEFORE_REVEAL).revealAt).toBe('2025-06-30T23:59:00.000Z');
  });

  it('reveals them from the reveal date on, and never without one', () => {
    const revealed = scoreTests(RESULTS, CHAPTER, AFTER_REVEAL);
    expect(revealed.groups[3]?.label).toBe('Network errors');
    expect(revealed.groups[3]?.hint).toBeUndefined();
    expect(revealed.groups[3]?.tests.map((view) => [view.nodeId, view.status, view.message])).toEqual([
      ['test_network.py::test_refused_connection_is_unhealthy', 'passed', undefined],
      ['test_network.py::test_reset_connection_is_unhealthy', 'failed', 'failed here'],
    ]);
    expect(revealed.revealAt).toBeUndefined();
    expect(scoreTests(RESULTS, CHAPTER, { now: new Date('2999-01-01T00:00:00Z'), revealHiddenAt: undefined }).groups[3]?.withheld).toBe(true);
  });

  it('counts each test once, in the first group that claims it; unclaimed tests earn nothing', () => {
    const overlapping: ChapterTests = { exercise: 'x', groups: [group({ name: 'Timeouts first', markers: ['timeouts'], points: 10 }), group({ name: 'Everything', tests: ['**'], points: 10 })] };
    const score = scoreTests(RESULTS, overlapping, BEFORE_REVEAL);
    expect(summary(score)).toEqual([['Timeouts first', 1, 1, 10, 10], ['Everything', 4, 6, 6.67, 10]]);
    const narrow = scoreTests(RESULTS, { exercise: 'x', groups: [group({ name: 'Exit', tests: ['test_exit.py::*'], points: 10 })] }, BEFORE_REVEAL);
    expect(narrow.ungradedTests).toBe(5);
  });

  it('counts a named test that never ran as failed ("missing"), and skipped tests as not passed', () => {
    const chapter: ChapterTests = { exercise: 'x', groups: [group({ name: 'Named', tests: ['test_exit.py::test_all_healthy_exits_zero', 'test_gone.py::test_vanished'], points: 10 })] };
    const score = scoreTests(RESULTS, chapter, BEFORE_REVEAL);
    expect(score.groups[0]?.tests.map((view) => [view.nodeId, view.status])).toEqual([
      ['test_exit.py::test_all_healthy_exits_zero', 'passed'],
      ['test_gone.py::test_vanished', 'missing'],
    ]);
    expect(score.groups[0]?.points).toBe(5);
    // A learner's code that calls pytest.skip() does not turn failures into free points.
    const skipped = scoreTests({ tests: [test('test_exit.py::a', 'skipped'), test('test_exit.py::b', 'passed')], collectionErrors: [] }, { exercise: 'x', groups: [group({ name: 'Exit', tests: ['test_exit.py::*'], points: 10 })] }, BEFORE_REVEAL);
    expect([skipped.groups[0]?.passed, skipped.groups[0]?.total, skipped.points]).toEqual([1, 2, 5]);
  });

  it('gives a group whose tests never ran 0 points, and shows import errors only for visible modules', () => {
    const results: JUnitResults = {
      tests: RESULTS.tests.filter((result) => !result.nodeId.startsWith('test_exit.py') && !result.nodeId.startsWith('test_network.py')),
      collectionErrors: [
        { module: 'test_exit.py', message: "ImportError: cannot import name 'exit_code' from 'healthcheck'" },
        { module: 'test_network.py', message: "NameError: name 'opener' is not defined" },
      ],
    };
    const before = scoreTests(results, CHAPTER, BEFORE_REVEAL);
    expect(summary(before)).toEqual([['Health URL', 2, 2, 20, 20], ['Exit code', 0, 0, 0, 30], ['Timeouts', 1, 1, 20, 20], ['Hidden tests 1', 0, 0, 0, 30]]);
    expect([before.collectionErrors, before.hiddenCollectionErrors]).toEqual([[{ module: 'test_exit.py', message: "ImportError: cannot import name 'exit_code' from 'healthcheck'" }], 1]);
    const after = scoreTests(results, CHAPTER, AFTER_REVEAL);
    expect([after.collectionErrors.length, after.hiddenCollectionErrors]).toEqual([2, 0]);
    // A hidden group chosen by marker could live in any module: every import error is withheld.
    const byMarker: ChapterTests = { exercise: 'x', groups: [group({ name: 'Visible', tests: ['test_exit.py::*'], points: 10 }), group({ name: 'Secret', markers: ['secret'], points: 10, hidden: true })] };
    expect(scoreTests(results, byMarker, BEFORE_REVEAL).hiddenCollectionErrors).toBe(2);
  });

  it('takes points from the instructor configuration only, whatever the XML claims', () => {
    const claims: JUnitResults = {
      tests: [...RESULTS.tests, test('test_bonus.py::test_points', 'passed', { markers: ['points', 'bonus'] })],
      collectionErrors: [],
    };
    const score = scoreTests(claims, CHAPTER, BEFORE_REVEAL);
    expect([score.points, score.maxPoints, score.percent, score.ungradedTests]).toEqual([70, 100, 70, 1]);
  });
});

describe('nodeIdPattern', () => {
  it('matches within a path segment with *, across segments with **, and brackets literally', () => {
    expect(nodeIdPattern('test_health.py::*').test('test_health.py::TestUrls::test_slash')).toBe(true);
    expect(nodeIdPattern('*.py::*').test('sub/test_a.py::test_b')).toBe(false);
    expect(nodeIdPattern('**/test_a.py::*').test('sub/dir/test_a.py::test_b')).toBe(true);
    expect(nodeIdPattern('test_p.py::test_x[1.5]').test('test_p.py::test_x[1.5]')).toBe(true);
    expect(nodeIdPattern('test_p.py::test_x[1.5]').test('test_p.py::test_x1')).toBe(false);
    expect(nodeIdPattern('test_?.py::t').test('test_a.py::t')).toBe(true);
  });
});

const STATIC: ChapterGrade = { chapter: 8, title: 'HTTP and REST APIs', percent: 55.6, points: 50, maxPoints: 90, threshold: 70, passed: false, requirements: [], deductions: [] };
const graded = (percent: number): TestsPart => ({ status: 'graded', score: { ...scoreTests(RESULTS, CHAPTER, BEFORE_REVEAL), percent } });

describe('combineGrade', () => {
  it('weights the static and the tests percent, 50/50 by default, and judges against the chapter pass mark', () => {
    expect(combineGrade(STATIC, graded(70), { static: 50, tests: 50 })).toMatchObject({ percent: 62.8, passed: false, testsCounted: true });
    expect(combineGrade(STATIC, graded(85), { static: 50, tests: 50 })).toMatchObject({ percent: 70.3, passed: true });
    expect(combineGrade(STATIC, graded(70), { static: 1, tests: 3 })).toMatchObject({ percent: 66.4, passed: false });
    expect(combineGrade(STATIC, graded(70), { static: 0, tests: 100 })).toMatchObject({ percent: 70, passed: true });
  });

  it('keeps the static grade for practice runs and chapters without tests, and gives none while the tests have no result', () => {
    const practice: TestsPart = { status: 'practice', score: scoreTests(RESULTS, CHAPTER, BEFORE_REVEAL) };
    expect(combineGrade(STATIC, practice, { static: 50, tests: 50 })).toMatchObject({ percent: 55.6, passed: false, testsCounted: false });
    expect(combineGrade({ ...STATIC, percent: 80, passed: true }, { status: 'not-configured' }, { static: 50, tests: 50 })).toMatchObject({ percent: 80, passed: true });
    expect(combineGrade(STATIC, { status: 'errored', problem: 'run-failed', detail: undefined }, { static: 50, tests: 50 })).toMatchObject({ percent: undefined, passed: false, static: { percent: 55.6, passed: false } });
    expect(combineGrade(STATIC, { status: 'rate-limited', runsPerHour: 3, nextRunAt: '2025-05-01T10:00:00.000Z' }, { static: 50, tests: 50 }).percent).toBeUndefined();
  });

  it('maps each outcome to the tests check run conclusion', () => {
    const weights = { static: 50, tests: 50 };
    const conclusions = [
      combineGrade(STATIC, graded(85), weights),
      combineGrade(STATIC, graded(70), weights),
      combineGrade(STATIC, { status: 'practice', score: scoreTests(RESULTS, CHAPTER, BEFORE_REVEAL) }, weights),
      combineGrade(STATIC, { status: 'not-configured' }, weights),
      combineGrade(STATIC, { status: 'rate-limited', runsPerHour: 3, nextRunAt: '2025-05-01T10:00:00.000Z' }, weights),
      ...(['could-not-start', 'run-failed', 'cancelled', 'tests-timed-out', 'no-result', 'malformed-results', 'tests-did-not-run', 'untrusted-results'] as const)
        .map((problem) => combineGrade(STATIC, { status: 'errored', problem, detail: undefined }, weights)),
    ].map(testsConclusion);
    expect(conclusions).toEqual(['success', 'failure', 'neutral', 'skipped', 'neutral', 'action_required', 'failure', 'cancelled', 'timed_out', 'timed_out', 'failure', 'failure', 'failure']);
  });
});
