// The "OpsGrade tests" check run as data: what it shows while the grading run is under way and when
// it concludes. Render stage, pure; src/github sends these bodies. A separate check run from the
// static review's, so the review reports at once and a tests problem (action_required, timed_out)
// never hides or delays it.

import type { PendingDispatch } from './dispatch.ts';
import { formatInstant } from './messages.ts';
import { renderGradeMarkdown } from './render.ts';
import { testsConclusion } from './score.ts';
import type { CombinedGrade, TestsConclusion } from './score.ts';
import { formatPercent } from '../report/shared.ts';

export const TESTS_CHECK_RUN_NAME = 'OpsGrade tests';

export interface TestsCheckRunStart {
  name: string;
  /** The correlation id: finds the pending grade again (e.g. on `check_run.rerequested`). */
  external_id: string;
  title: string;
  summary: string;
}

export interface TestsCheckRunCompletion {
  conclusion: TestsConclusion;
  title: string;
  summary: string;
}

/** Body fields for creating the check run `in_progress` right after the dispatch. */
export function testsCheckRunStarted(pending: PendingDispatch, options: { runUrl?: string } = {}): TestsCheckRunStart {
  const where = pending.mode === 'grader-repository' ? "the instructor's grading workflow" : 'the practice workflow in this repository';
  const link = options.runUrl === undefined ? '' : ` ([run](${options.runUrl}))`;
  return {
    name: TESTS_CHECK_RUN_NAME,
    external_id: pending.correlationId,
    title: 'Running the tests',
    summary: `The tests for commit \`${pending.headSha.slice(0, 7)}\` are running in ${where}${link}, started ${formatInstant(new Date(pending.dispatchedAt))}. ` +
      'The static review is already in the OpsGrade check run; the combined grade appears here when the tests finish.',
  };
}

/** Conclusion, title and summary once the tests part is known (graded, practice or errored). */
export function testsCheckRunCompleted(grade: CombinedGrade): TestsCheckRunCompletion {
  return { conclusion: testsConclusion(grade), title: titleOf(grade), summary: renderGradeMarkdown(grade) };
}

function titleOf(grade: CombinedGrade): string {
  const { tests } = grade;
  switch (tests.status) {
    case 'graded':
      return `Grade ${formatPercent(grade.percent ?? 0)}/100 (static ${formatPercent(grade.static.percent)}, tests ${formatPercent(tests.score.percent)}): ${grade.passed ? 'passed' : 'not passed yet'}`;
    case 'practice':
      return `Practice tests ${formatPercent(tests.score.percent)}/100, not counted; grade ${formatPercent(grade.static.percent)}/100 from the static review`;
    case 'not-configured':
      return 'No tests for this chapter';
    case 'rate-limited':
      return `Tests not run: the next graded run is possible at ${formatInstant(new Date(tests.nextRunAt))}`;
    case 'errored':
      return tests.problem === 'could-not-start' ? 'Tests could not start: the instructor must fix the grading workflow' : 'Tests errored: no combined grade for this commit';
  }
}
