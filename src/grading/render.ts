// Renders the combined grade and the tests part: Markdown for the check-run summary and the PR
// comment, plain text for `opsgrade grade`. Render stage, pure; words come from messages.ts.

import { codeSpan, GITHUB_SUMMARY_LIMIT, inline } from '../report/markdown.ts';
import { chapterHeading, formatPercent, formatPoints, pluralize } from '../report/shared.ts';
import { formatInstant, HIDDEN_NOTE, MISSING_TEST_MESSAGE, PRACTICE_NOTE, rateLimitedNote, STATIC_STILL_REPORTED, TESTS_PROBLEM_HEADLINES, UNGRADED_NOTE } from './messages.ts';
import type { CombinedGrade, GroupScore, TestsPart, TestsScore, TestStatus, TestView } from './score.ts';

/** Per group, at most this many tests are listed; the rest are counted. */
const MAX_TESTS_LISTED = 50;

const MARKDOWN_STATUS: Record<TestStatus, string> = { passed: '✅', failed: '❌', error: '💥', skipped: '⏭️', missing: '❔' };
const TEXT_STATUS: Record<TestStatus, string> = { passed: '✓', failed: '✗', error: '!', skipped: '-', missing: '?' };
const STATUS_ORDER: Record<TestStatus, number> = { error: 0, failed: 1, missing: 2, skipped: 3, passed: 4 };

function verdictOf(grade: CombinedGrade): { mark: string; headline: string } {
  const { tests } = grade;
  switch (tests.status) {
    case 'graded':
    case 'practice':
    case 'not-configured': {
      const percent = grade.percent ?? grade.static.percent;
      return { mark: grade.passed ? '✅' : '❌', headline: `${formatPercent(percent)}/100, ${grade.passed ? 'passed' : 'not passed yet'}` };
    }
    case 'errored':
      return { mark: '⚠️', headline: 'tests errored' };
    case 'rate-limited':
      return { mark: '⏳', headline: 'tests not run yet' };
  }
}

/**
 * The share each part has in the grade: the configured weights when the tests count or will count
 * once they have a result; 100/0 when they never count (practice, no tests for the chapter).
 */
function weightShare(grade: CombinedGrade, part: 'static' | 'tests'): string {
  const tests = grade.tests.status;
  const weighted = grade.testsCounted || tests === 'errored' || tests === 'rate-limited';
  if (!weighted) return part === 'static' ? '100%' : '0%';
  const total = grade.weights.static + grade.weights.tests;
  return `${formatPercent(Math.round((1000 * grade.weights[part]) / total) / 10)}%`;
}

/** One cell describing the tests part's score. */
function testsCell(tests: TestsPart): string {
  switch (tests.status) {
    case 'graded':
      return `${formatPercent(tests.score.percent)}/100`;
    case 'practice':
      return `${formatPercent(tests.score.percent)}/100 (practice, not counted)`;
    case 'errored':
      return 'errored';
    case 'rate-limited':
      return 'not run (rate limit)';
    case 'not-configured':
      return 'none for this chapter';
  }
}

/** The check-run summary of the tests check run: combined grade, then the tests part. */
export function renderGradeMarkdown(grade: CombinedGrade, options: { title?: string; maxLength?: number } = {}): string {
  const { mark, headline } = verdictOf(grade);
  const lines = [
    `## ${mark} ${inline(options.title ?? 'OpsGrade grade')}: ${headline}`,
    `${inline(chapterHeading(grade))} · pass mark ${formatPercent(grade.threshold)}`,
    '',
    '| Part | Score | Weight |',
    '| --- | --- | --- |',
    `| Static review | ${formatPercent(grade.static.percent)}/100 | ${weightShare(grade, 'static')} |`,
    `| Tests | ${testsCell(grade.tests)} | ${weightShare(grade, 'tests')} |`,
    `| **Combined** | **${grade.percent === undefined ? '—' : `${formatPercent(grade.percent)}/100`}** | |`,
    '',
    renderTestsMarkdown(grade.tests),
  ];
  return fit(`${lines.join('\n').trimEnd()}\n`, options.maxLength ?? GITHUB_SUMMARY_LIMIT);
}

/** The tests section alone, e.g. to append to the static review's PR summary comment. */
export function renderTestsMarkdown(tests: TestsPart): string {
  switch (tests.status) {
    case 'graded':
      return scoreMarkdown(tests.score, undefined);
    case 'practice':
      return scoreMarkdown(tests.score, PRACTICE_NOTE);
    case 'errored': {
      const lines = ['### Tests: errored', '', TESTS_PROBLEM_HEADLINES[tests.problem]];
      if (tests.detail !== undefined) lines.push('', `> ${inline(tests.detail)}`);
      lines.push('', STATIC_STILL_REPORTED);
      return `${lines.join('\n')}\n`;
    }
    case 'rate-limited':
      return `### Tests: not run\n\n${rateLimitedNote(tests.runsPerHour, formatInstant(new Date(tests.nextRunAt)))}\n`;
    case 'not-configured':
      return '### Tests\n\nThis chapter is graded by the static review alone.\n';
  }
}

function scoreMarkdown(score: TestsScore, note: string | undefined): string {
  const lines = [`### Tests: ${formatPoints(score.points)}/${formatPoints(score.maxPoints)} points, ${score.passed} of ${pluralize(score.total, 'test')} passed`, ''];
  if (note !== undefined) lines.push(note, '');
  lines.push('| Group | Passed | Points |', '| --- | --- | --- |');
  for (const group of score.groups) {
    lines.push(`| ${inline(group.label, { table: true })} | ${group.passed} of ${group.total} | ${formatPoints(group.points)}/${formatPoints(group.maxPoints)}${group.scoring === 'all-or-nothing' ? ' (all or nothing)' : ''} |`);
  }
  for (const group of score.groups) {
    lines.push('', ...groupMarkdown(group, score.revealAt));
  }
  for (const error of score.collectionErrors) {
    lines.push('', `💥 ${codeSpan(error.module)} could not be imported, so its tests did not run: ${codeSpan(error.message)}`);
  }
  if (score.hiddenCollectionErrors > 0) lines.push('', HIDDEN_NOTE.collectionErrors(score.hiddenCollectionErrors));
  if (score.ungradedTests > 0) lines.push('', UNGRADED_NOTE(score.ungradedTests));
  return `${lines.join('\n')}\n`;
}

function groupMarkdown(group: GroupScore, revealAt: string | undefined): string[] {
  if (group.withheld) {
    const lines = [`**${inline(group.label)}**`, `- ${hiddenNote(revealAt)}`];
    if (group.hint !== undefined) lines.push(`- Hint: ${inline(group.hint)}`);
    return lines;
  }
  const lines = [`**${inline(group.label)}**`];
  const listed = orderTests(group.tests);
  for (const test of listed.slice(0, MAX_TESTS_LISTED)) {
    const message = testMessage(test);
    lines.push(`- ${MARKDOWN_STATUS[test.status]} ${codeSpan(test.nodeId)}${message === undefined ? '' : `: ${codeSpan(message)}`}`);
  }
  if (listed.length > MAX_TESTS_LISTED) lines.push(`- … and ${listed.length - MAX_TESTS_LISTED} more`);
  if (group.tests.length === 0) lines.push('- No test matched this group.');
  return lines;
}

function hiddenNote(revealAt: string | undefined): string {
  return revealAt === undefined ? HIDDEN_NOTE.indefinitely : HIDDEN_NOTE.untilDate(formatInstant(new Date(revealAt)));
}

function orderTests(tests: readonly TestView[]): TestView[] {
  return [...tests].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

function testMessage(test: TestView): string | undefined {
  if (test.status === 'missing') return MISSING_TEST_MESSAGE;
  return test.message;
}

function fit(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const note = '\n\n_The summary was shortened to fit GitHub\'s limit; run `opsgrade grade` locally for every test._\n';
  const lines = text.slice(0, Math.max(0, maxLength - note.length)).split('\n');
  lines.pop();
  return `${lines.join('\n')}${note}`.slice(0, maxLength);
}

// ---------------------------------------------------------------------------------------------
// Plain text for the terminal

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text + ' '.repeat(width - text.length);
}

/** `opsgrade grade` output after the static review: the combined grade, then every group and test. */
export function renderGradeText(grade: CombinedGrade): string {
  const tests = grade.tests;
  const testsScore = tests.status === 'graded' || tests.status === 'practice' ? tests.score : undefined;
  const cells = [`${formatPercent(grade.static.percent)}/100`, testsCell(tests), grade.percent === undefined ? '—' : `${formatPercent(grade.percent)}/100`];
  const width = Math.max(...cells.map((cell) => cell.length)) + 3;
  const verdict = grade.percent === undefined ? 'no combined grade until the tests have run'
    : grade.passed ? `passed (pass mark ${formatPercent(grade.threshold)})` : `below the pass mark of ${formatPercent(grade.threshold)}`;
  const lines = [
    `Grade for ${chapterHeading(grade).replace(/^Chapter/, 'chapter').replace(/^Final/, 'final')}`,
    `  ${pad('Static review', 15)}${pad(cells[0] ?? '', width)}weight ${weightShare(grade, 'static')}`,
    `  ${pad('Tests', 15)}${pad(cells[1] ?? '', width)}weight ${weightShare(grade, 'tests')}` +
      `${testsScore ? `   ${testsScore.passed} of ${pluralize(testsScore.total, 'test')} passed` : ''}`,
    `  ${pad('Combined', 15)}${pad(cells[2] ?? '', width)}${verdict}`,
    '',
    ...testsText(tests),
  ];
  return `${lines.join('\n')}\n`;
}

function testsText(tests: TestsPart): string[] {
  switch (tests.status) {
    case 'graded':
      return scoreText(tests.score, undefined);
    case 'practice':
      return scoreText(tests.score, PRACTICE_NOTE);
    case 'errored':
      return ['Tests: errored', `  ${TESTS_PROBLEM_HEADLINES[tests.problem]}`, ...(tests.detail === undefined ? [] : [`  ${tests.detail}`]), `  ${STATIC_STILL_REPORTED}`];
    case 'rate-limited':
      return ['Tests: not run', `  ${rateLimitedNote(tests.runsPerHour, formatInstant(new Date(tests.nextRunAt)))}`];
    case 'not-configured':
      return ['Tests: none for this chapter; the static review alone is the grade.'];
  }
}

function scoreText(score: TestsScore, note: string | undefined): string[] {
  const lines = [`Tests: ${formatPoints(score.points)}/${formatPoints(score.maxPoints)} points`];
  if (note !== undefined) lines.push(`  ${note}`);
  const width = Math.max(...score.groups.map((group) => group.label.length), 5) + 2;
  for (const group of score.groups) {
    lines.push(`  ${pad(group.label, width)}${pad(`${group.passed} of ${group.total}`, 9)}${formatPoints(group.points)}/${formatPoints(group.maxPoints)} points${group.scoring === 'all-or-nothing' ? ' (all or nothing)' : ''}`);
    if (group.withheld) {
      lines.push(`    ${hiddenNote(score.revealAt)}`);
      if (group.hint !== undefined) lines.push(`    Hint: ${group.hint}`);
      continue;
    }
    for (const test of orderTests(group.tests)) {
      const message = testMessage(test);
      lines.push(`    ${TEXT_STATUS[test.status]} ${test.nodeId}${message === undefined ? '' : ` — ${message}`}`);
    }
  }
  for (const error of score.collectionErrors) lines.push(`  ! ${error.module} could not be imported, so its tests did not run: ${error.message}`);
  if (score.hiddenCollectionErrors > 0) lines.push(`  ${HIDDEN_NOTE.collectionErrors(score.hiddenCollectionErrors)}`);
  if (score.ungradedTests > 0) lines.push(`  ${UNGRADED_NOTE(score.ungradedTests)}`);
  return lines;
}
