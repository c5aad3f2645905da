// Every sentence grading shows learners and instructors, in one table: why the tests part has no
// result, what practice mode means, when the next graded run can happen. Renderers only fill in values.

/** Why the tests part of a grade has no result. */
export type TestsProblem =
  | 'could-not-start'
  | 'run-failed'
  | 'cancelled'
  | 'tests-timed-out'
  | 'no-result'
  | 'rate-limited'
  | 'malformed-results'
  | 'tests-did-not-run'
  | 'untrusted-results';

export const TESTS_PROBLEM_HEADLINES = {
  'could-not-start': 'The tests could not start: the grading workflow needs a fix from your instructor.',
  'run-failed': 'The grading run failed before it produced test results. This is a problem with the run, not a verdict on your code.',
  cancelled: 'The grading run was cancelled before it finished, so the tests part has no result for this commit. Push a new commit, or use "Re-run review", to run the tests again.',
  'tests-timed-out': 'The tests did not finish within the time limit and were stopped. Look for code that can wait forever (a network call without `timeout=`, a loop that never ends, a prompt for input), then push again.',
  'no-result': 'No test results arrived in time, so the tests part timed out. Push a new commit, or use "Re-run review", to run the tests again.',
  'rate-limited': 'GitHub\'s API limit for this organisation was used up, so the tests could not start. Nothing is wrong with your code: push again or use "Re-run review" later to run them.',
  'malformed-results': 'The test results could not be read. This is a problem with the grading run, not a verdict on your code.',
  'tests-did-not-run': 'pytest stopped before it could run the tests.',
  'untrusted-results': 'The results that arrived do not belong to this commit, so they were not counted.',
} as const satisfies Record<TestsProblem, string>;

/** What pytest's exit codes mean (https://docs.pytest.org/en/stable/reference/exit-codes.html). */
export function pytestExitMeaning(code: number): string {
  switch (code) {
    case 0:
      return 'all tests passed';
    case 1:
      return 'some tests failed';
    case 2:
      return 'the run was interrupted';
    case 3:
      return 'pytest hit an internal error';
    case 4:
      return 'pytest was called with bad arguments';
    case 5:
      return 'no tests were collected';
    default:
      return 'pytest ended unexpectedly';
  }
}

export const STATIC_STILL_REPORTED = 'The static review is still reported; the combined grade appears once the tests have run.';

export const PRACTICE_NOTE =
  'Practice only: these tests ran in your own repository (learner-repository mode), where the tests and the workflow can be edited, so they do not change your grade.';

export const HIDDEN_NOTE = {
  untilDate: (date: string) => `Test names and output stay hidden until ${date}.`,
  indefinitely: 'Test names and output are hidden.',
  collectionErrors: (count: number) => `${count === 1 ? 'A hidden test module' : `${count} hidden test modules`} could not be imported; its tests count as failed.`,
} as const;

export function rateLimitedNote(runsPerHour: number, nextRunAt: string): string {
  return `The tests were not run for this commit: this repository has used its ${runsPerHour} graded run${runsPerHour === 1 ? '' : 's'} for this hour. ` +
    `The next graded run is possible at ${nextRunAt}. Static review is not limited.`;
}

export const UNGRADED_NOTE = (count: number) => `${count === 1 ? '1 test is' : `${count} tests are`} not part of any graded group and earned no points.`;

export const MISSING_TEST_MESSAGE = 'did not run (not found in the results)';

/** `2025-06-30 23:59 UTC`: one way to write an instant everywhere learners read it. */
export function formatInstant(instant: Date): string {
  return `${instant.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
