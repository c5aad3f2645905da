// What learners read: the exact check-run summary (Markdown) and terminal text for a graded run,
// a withheld hidden group, practice mode, errors with the static part still shown, and rate limits.

import { describe, expect, it } from 'vitest';

import type { ChapterTests } from '../../src/grading/config.ts';
import type { JUnitResults } from '../../src/grading/junit.ts';
import { renderGradeMarkdown, renderGradeText, renderTestsMarkdown } from '../../src/grading/render.ts';
import { combineGrade, scoreTests } from '../../src/grading/score.ts';
import type { TestsPart } from '../../src/grading/score.ts';
import type { ChapterGrade } from '../../src/report/model.ts';

const STATIC: ChapterGrade = { chapter: 8, title: 'HTTP and REST APIs', percent: 55.6, points: 50, maxPoints: 90, threshold: 70, passed: false, requirements: [], deductions: [] };
const WEIGHTS = { static: 50, tests: 50 };

const CHAPTER: ChapterTests = {
  exercise: 'chapter-8',
  groups: [
    { name: 'Exit code', tests: ['test_exit.py::*'], markers: [], points: 30, scoring: 'partial', hidden: false, hint: undefined },
    { name: 'Timeouts', tests: [], markers: ['timeouts'], points: 20, scoring: 'all-or-nothing', hidden: false, hint: undefined },
    { name: 'Network errors', tests: ['test_network.py::*'], markers: [], points: 30, scoring: 'partial', hidden: true, hint: 'What does a reset connection mean?' },
  ],
};
const RESULTS: JUnitResults = {
  tests: [
    { nodeId: 'test_exit.py::test_all_healthy_exits_zero', outcome: 'passed', message: undefined, markers: [] },
    { nodeId: 'test_exit.py::test_one_unhealthy_exits_one', outcome: 'failed', message: 'AssertionError: assert 0 == 1\n +  where 0 = exit_code(…)', markers: [] },
    { nodeId: 'test_health.py::test_request_has_timeout', outcome: 'passed', message: undefined, markers: ['timeouts'] },
    { nodeId: 'test_network.py::test_refused', outcome: 'passed', message: undefined, markers: [] },
    { nodeId: 'test_network.py::test_reset', outcome: 'failed', message: 'ConnectionResetError: [Errno 104]', markers: [] },
  ],
  collectionErrors: [{ module: 'test_extra.py', message: "ModuleNotFoundError: No module named 'yaml'" }],
};
const SCORE = scoreTests(RESULTS, CHAPTER, { now: new Date('2025-05-06T09:00:00Z'), revealHiddenAt: new Date('2025-06-30T23:59:00Z') });

describe('renderGradeMarkdown', () => {
  it('shows the combined grade, the weights, every visible test and only counts and a hint for hidden ones', () => {
    expect(renderGradeMarkdown(combineGrade(STATIC, { status: 'graded', score: SCORE }, WEIGHTS))).toBe(`## ❌ OpsGrade grade: 59.1/100, not passed yet
Chapter 8 (HTTP and REST APIs) · pass mark 70

| Part | Score | Weight |
| --- | --- | --- |
| Static review | 55.6/100 | 50% |
| Tests | 62.5/100 | 50% |
| **Combined** | **59.1/100** | |

### Tests: 50/80 points, 3 of 5 tests passed

| Group | Passed | Points |
| --- | --- | --- |
| Exit code | 1 of 2 | 15/30 |
| Timeouts | 1 of 1 | 20/20 (all or nothing) |
| Hidden tests 1 | 1 of 2 | 15/30 |

**Exit code**
- ❌ \`test_exit.py::test_one_unhealthy_exits_one\`: \`AssertionError: assert 0 == 1\`
- ✅ \`test_exit.py::test_all_healthy_exits_zero\`

**Timeouts**
- ✅ \`test_health.py::test_request_has_timeout\`

**Hidden tests 1**
- Test names and output stay hidden until 2025-06-30 23:59 UTC.
- Hint: What does a reset connection mean?

A hidden test module could not be imported; its tests count as failed.
`);
  });

  it('passes with a check mark when the combined grade reaches the pass mark', () => {
    const strong = combineGrade({ ...STATIC, percent: 90, passed: true }, { status: 'graded', score: SCORE }, WEIGHTS);
    expect(renderGradeMarkdown(strong).split('\n')[0]).toBe('## ✅ OpsGrade grade: 76.3/100, passed');
  });

  it('labels practice results and keeps the static grade', () => {
    const lines = renderGradeMarkdown(combineGrade(STATIC, { status: 'practice', score: SCORE }, WEIGHTS)).split('\n');
    expect(lines.slice(0, 10)).toEqual([
      '## ❌ OpsGrade grade: 55.6/100, not passed yet',
      'Chapter 8 (HTTP and REST APIs) · pass mark 70',
      '',
      '| Part | Score | Weight |',
      '| --- | --- | --- |',
      '| Static review | 55.6/100 | 100% |',
      '| Tests | 62.5/100 (practice, not counted) | 0% |',
      '| **Combined** | **55.6/100** | |',
      '',
      '### Tests: 50/80 points, 3 of 5 tests passed',
    ]);
    expect(lines[11]).toBe('Practice only: these tests ran in your own repository (learner-repository mode), where the tests and the workflow can be edited, so they do not change your grade.');
  });

  it('shows an errored tests part clearly, with the static part still reported', () => {
    const errored: TestsPart = { status: 'errored', problem: 'malformed-results', detail: 'The JUnit XML is malformed: it ends before <testsuites> is closed (was the report cut short?).' };
    expect(renderGradeMarkdown(combineGrade(STATIC, errored, WEIGHTS))).toBe(`## ⚠️ OpsGrade grade: tests errored
Chapter 8 (HTTP and REST APIs) · pass mark 70

| Part | Score | Weight |
| --- | --- | --- |
| Static review | 55.6/100 | 50% |
| Tests | errored | 50% |
| **Combined** | **—** | |

### Tests: errored

The test results could not be read. This is a problem with the grading run, not a verdict on your code.

> The JUnit XML is malformed: it ends before \\<testsuites\\> is closed (was the report cut short?).

The static review is still reported; the combined grade appears once the tests have run.
`);
  });

  it('says when the next graded run can happen', () => {
    expect(renderTestsMarkdown({ status: 'rate-limited', runsPerHour: 1, nextRunAt: '2025-05-06T10:00:00.000Z' })).toBe(
      '### Tests: not run\n\nThe tests were not run for this commit: this repository has used its 1 graded run for this hour. The next graded run is possible at 2025-05-06 10:00 UTC. Static review is not limited.\n');
  });

  it('says what went wrong for every other problem', () => {
    const headline = (problem: Extract<TestsPart, { status: 'errored' }>['problem']) => renderTestsMarkdown({ status: 'errored', problem, detail: undefined }).split('\n')[2];
    expect(headline('could-not-start')).toBe('The tests could not start: the grading workflow needs a fix from your instructor.');
    expect(headline('run-failed')).toBe('The grading run failed before it produced test results. This is a problem with the run, not a verdict on your code.');
    expect(headline('cancelled')).toBe('The grading run was cancelled before it finished, so the tests part has no result for this commit. Push a new commit, or use "Re-run review", to run the tests again.');
    expect(headline('tests-timed-out')).toBe('The tests did not finish within the time limit and were stopped. Look for code that can wait forever (a network call without `timeout=`, a loop that never ends, a prompt for input), then push again.');
    expect(headline('no-result')).toBe('No test results arrived in time, so the tests part timed out. Push a new commit, or use "Re-run review", to run the tests again.');
    expect(headline('tests-did-not-run')).toBe('pytest stopped before it could run the tests.');
    expect(headline('untrusted-results')).toBe('The results that arrived do not belong to this commit, so they were not counted.');
  });

  it('escapes learner-controlled text and stays within the limit it is given', () => {
    const sneaky = scoreTests({ tests: [{ nodeId: 'test_exit.py::test_`x`', outcome: 'failed', message: '@team <img src=x> | pipe', markers: [] }], collectionErrors: [] }, CHAPTER, { now: new Date(0), revealHiddenAt: undefined });
    const text = renderTestsMarkdown({ status: 'graded', score: sneaky });
    expect(text).toContain('- ❌ `` test_exit.py::test_`x` ``: `@team <img src=x> | pipe`');
    const short = renderGradeMarkdown(combineGrade(STATIC, { status: 'graded', score: SCORE }, WEIGHTS), { maxLength: 400 });
    expect(short.length).toBeLessThanOrEqual(400);
    expect(short.endsWith("_The summary was shortened to fit GitHub's limit; run `opsgrade grade` locally for every test._\n")).toBe(true);
  });
});

describe('renderGradeText', () => {
  it('prints the grade, then every group with its tests', () => {
    expect(renderGradeText(combineGrade(STATIC, { status: 'graded', score: SCORE }, WEIGHTS))).toBe(`Grade for chapter 8 (HTTP and REST APIs)
  Static review  55.6/100   weight 50%
  Tests          62.5/100   weight 50%   3 of 5 tests passed
  Combined       59.1/100   below the pass mark of 70

Tests: 50/80 points
  Exit code       1 of 2   15/30 points
    ✗ test_exit.py::test_one_unhealthy_exits_one — AssertionError: assert 0 == 1
    ✓ test_exit.py::test_all_healthy_exits_zero
  Timeouts        1 of 1   20/20 points (all or nothing)
    ✓ test_health.py::test_request_has_timeout
  Hidden tests 1  1 of 2   15/30 points
    Test names and output stay hidden until 2025-06-30 23:59 UTC.
    Hint: What does a reset connection mean?
  A hidden test module could not be imported; its tests count as failed.
`);
  });

  it('prints an errored tests part and no combined grade', () => {
    const text = renderGradeText(combineGrade(STATIC, { status: 'errored', problem: 'tests-timed-out', detail: 'pytest was stopped after 5 minutes.' }, WEIGHTS));
    expect(text.split('\n')).toEqual([
      'Grade for chapter 8 (HTTP and REST APIs)',
      '  Static review  55.6/100   weight 50%',
      '  Tests          errored    weight 50%',
      '  Combined       —          no combined grade until the tests have run',
      '',
      'Tests: errored',
      '  The tests did not finish within the time limit and were stopped. Look for code that can wait forever (a network call without `timeout=`, a loop that never ends, a prompt for input), then push again.',
      '  pytest was stopped after 5 minutes.',
      '  The static review is still reported; the combined grade appears once the tests have run.',
      '',
    ]);
  });
});
