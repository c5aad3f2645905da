// The "OpsGrade tests" check run bodies: exact titles and conclusions for each outcome, and the
// in-progress body that carries the correlation id as external_id.

import { describe, expect, it } from 'vitest';

import { testsCheckRunCompleted, testsCheckRunStarted } from '../../src/grading/check-run.ts';
import { combineGrade } from '../../src/grading/score.ts';
import type { TestsPart, TestsScore } from '../../src/grading/score.ts';
import type { ChapterGrade } from '../../src/report/model.ts';
import { CORRELATION_ID, pendingDispatch } from './support/runs.ts';

const STATIC: ChapterGrade = { chapter: 8, title: 'HTTP and REST APIs', percent: 55.6, points: 50, maxPoints: 90, threshold: 70, passed: false, requirements: [], deductions: [] };
const SCORE: TestsScore = { points: 70, maxPoints: 100, percent: 70, passed: 5, total: 7, groups: [], revealAt: undefined, collectionErrors: [], hiddenCollectionErrors: 0, ungradedTests: 0 };
const completed = (tests: TestsPart) => {
  const { conclusion, title } = testsCheckRunCompleted(combineGrade(STATIC, tests, { static: 50, tests: 50 }));
  return [conclusion, title];
};

describe('tests check run', () => {
  it('starts in progress, named and keyed by the correlation id', () => {
    expect(testsCheckRunStarted(pendingDispatch(), { runUrl: 'https://github.com/opsgrade-demo/opsgrade-grader/actions/runs/14820391227' })).toEqual({
      name: 'OpsGrade tests',
      external_id: CORRELATION_ID,
      title: 'Running the tests',
      summary: "The tests for commit `a1b2c3d` are running in the instructor's grading workflow ([run](https://github.com/opsgrade-demo/opsgrade-grader/actions/runs/14820391227)), started 2025-05-06 09:00 UTC. " +
        'The static review is already in the OpsGrade check run; the combined grade appears here when the tests finish.',
    });
  });

  it('concludes with a title that says the grade, or why there is none', () => {
    expect(completed({ status: 'graded', score: SCORE })).toEqual(['failure', 'Grade 62.8/100 (static 55.6, tests 70): not passed yet']);
    expect(completed({ status: 'graded', score: { ...SCORE, percent: 85 } })).toEqual(['success', 'Grade 70.3/100 (static 55.6, tests 85): passed']);
    expect(completed({ status: 'practice', score: SCORE })).toEqual(['neutral', 'Practice tests 70/100, not counted; grade 55.6/100 from the static review']);
    expect(completed({ status: 'errored', problem: 'could-not-start', detail: undefined })).toEqual(['action_required', 'Tests could not start: the instructor must fix the grading workflow']);
    expect(completed({ status: 'errored', problem: 'no-result', detail: undefined })).toEqual(['timed_out', 'Tests errored: no combined grade for this commit']);
    expect(completed({ status: 'rate-limited', runsPerHour: 3, nextRunAt: '2025-05-06T10:00:00.000Z' })).toEqual(['neutral', 'Tests not run: the next graded run is possible at 2025-05-06 10:00 UTC']);
    expect(completed({ status: 'not-configured' })).toEqual(['skipped', 'No tests for this chapter']);
  });
});
