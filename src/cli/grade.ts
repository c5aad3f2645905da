// `opsgrade grade --tests <dir> [path]`: the static review, the instructor's pytest tests and the
// combined grade on this machine, with the same points, hiding and weights as the GitHub App, so a
// learner sees the same numbers before pushing. A thin entry point over src/grading.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';

import { chapterTests, GRADING_DEFAULTS, parseGradingConfig } from '../grading/config.ts';
import type { ChapterTests, TestGradingConfig } from '../grading/config.ts';
import { JUnitError, parseJUnit } from '../grading/junit.ts';
import { pytestExitMeaning } from '../grading/messages.ts';
import { PytestUnavailableError, runPytest } from '../grading/pytest.ts';
import type { PytestRun } from '../grading/pytest.ts';
import { renderGradeMarkdown, renderGradeText } from '../grading/render.ts';
import { combineGrade, scoreTests } from '../grading/score.ts';
import type { TestsPart } from '../grading/score.ts';
import { renderJson, renderMarkdown, renderText } from '../report/index.ts';
import { chapterLabel } from '../rubric/course.ts';
import { EXIT, reviewDirectory, UsageError, useColor } from './commands.ts';
import type { CliIO } from './commands.ts';

export const GRADE_FORMATS = ['text', 'json', 'markdown'] as const;
export type GradeFormat = (typeof GRADE_FORMATS)[number];

/** Without an instructor configuration every test is worth the same: one visible group of 100 points. */
export const EVERY_TEST_EQUAL: ChapterTests = {
  exercise: '',
  groups: [{ name: 'All tests', tests: ['**'], markers: [], points: 100, scoring: 'partial', hidden: false, hint: undefined }],
};

/**
 * Options (as commander passes them): `tests` (required), `config`, `chapter`, `format`
 * (text|json|markdown), `python`, `timeLimit` (minutes), and the review's `rules`, `course`,
 * `color`, `jobs`, `maxFileBytes`, `maxFiles`, `maxTotalBytes`.
 */
export async function runGrade(io: CliIO, target: string, options: Record<string, unknown>): Promise<number> {
  const format = gradeFormat(options.format);
  const testsDir = await testsDirectory(io, options.tests);
  const grading = typeof options.config === 'string' ? await loadGradingConfigFile(path.resolve(io.cwd, options.config), options.config) : undefined;

  const { snapshot, report } = await reviewDirectory(io, target, options);
  if (report.chapter === 'all') {
    throw new UsageError('grade needs one chapter: pass --chapter, or set `chapter:` in the repository\'s .opsgrade.yml');
  }
  const chapter = grading === undefined ? EVERY_TEST_EQUAL : chapterTests(grading, report.chapter);
  if (chapter === undefined) {
    throw new UsageError(`${String(options.config)}: \`testGrading.chapters\` has no tests for ${chapterLabel(report.chapter)}`);
  }
  const timeLimitMinutes = typeof options.timeLimit === 'number' ? options.timeLimit : grading?.timeLimitMinutes ?? GRADING_DEFAULTS.timeLimitMinutes;

  let run: PytestRun;
  try {
    run = await runPytest({
      learnerDir: path.resolve(io.cwd, target),
      testsDir,
      timeLimitMs: timeLimitMinutes * 60_000,
      ...(typeof options.python === 'string' ? { python: options.python } : {}),
      env: { ...process.env, ...io.env },
    });
  } catch (error) {
    if (error instanceof PytestUnavailableError) throw new UsageError(error.message);
    throw error;
  }
  const tests = testsPartFromPytest(run, chapter, timeLimitMinutes, grading);
  const staticGrade = report.grades.find((candidate) => candidate.chapter === report.chapter);
  if (staticGrade === undefined) throw new Error(`the review graded no ${chapterLabel(report.chapter)}`);
  const grade = combineGrade(staticGrade, tests, grading?.weights ?? { ...GRADING_DEFAULTS.weights });

  switch (format) {
    case 'text': {
      const sources = (file: string) => snapshot.files.get(file)?.text;
      io.stdout(`${renderText(report, sources, { color: useColor(io, options.color) })}\n${renderGradeText(grade)}`);
      break;
    }
    case 'markdown':
      io.stdout(`${renderMarkdown(report)}\n${renderGradeMarkdown(grade)}`);
      break;
    case 'json':
      io.stdout(`${JSON.stringify({ grade, report: JSON.parse(renderJson(report)) as unknown }, null, 2)}\n`);
      break;
  }
  return grade.passed ? EXIT.pass : EXIT.findings;
}

/** Local pytest outcome → tests part, by the same rules as a grading run's manifest. */
export function testsPartFromPytest(run: PytestRun, chapter: ChapterTests, timeLimitMinutes: number, grading: TestGradingConfig | undefined, now = new Date()): TestsPart {
  if (run.timedOut) return { status: 'errored', problem: 'tests-timed-out', detail: `pytest was stopped after ${timeLimitMinutes} minute${timeLimitMinutes === 1 ? '' : 's'}.` };
  if (run.exitCode !== 0 && run.exitCode !== 1) {
    const lastLine = run.output.trim().split('\n').at(-1) ?? '';
    return { status: 'errored', problem: 'tests-did-not-run', detail: `pytest exit code ${run.exitCode ?? '?'}: ${pytestExitMeaning(run.exitCode ?? -1)}.${lastLine === '' ? '' : ` ${lastLine}`}` };
  }
  if (run.junitXml === undefined) return { status: 'errored', problem: 'malformed-results', detail: 'pytest wrote no JUnit XML report.' };
  try {
    const score = scoreTests(parseJUnit(run.junitXml), chapter, { now, revealHiddenAt: grading?.revealHiddenAt });
    return { status: 'graded', score };
  } catch (error) {
    if (error instanceof JUnitError) return { status: 'errored', problem: 'malformed-results', detail: error.message };
    throw error;
  }
}

function gradeFormat(value: unknown): GradeFormat {
  if (value === undefined) return 'text';
  const found = GRADE_FORMATS.find((format) => format === value);
  if (found === undefined) throw new UsageError(`--format: ${JSON.stringify(value)} is not one of ${GRADE_FORMATS.join(', ')}`);
  return found;
}

async function testsDirectory(io: CliIO, value: unknown): Promise<string> {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError('--tests <dir> is required: the folder with the pytest tests to grade against');
  }
  const dir = path.resolve(io.cwd, value);
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new UsageError(`--tests: ${value} does not exist`);
  if (!info.isDirectory()) throw new UsageError(`--tests: ${value} is not a directory`);
  return dir;
}

/**
 * Reads the `testGrading:` block of an instructor's `.github/opsgrade.yml` (or a file that is just
 * the block); problems come back as `file:line:col: message`.
 */
export async function loadGradingConfigFile(file: string, shown: string): Promise<TestGradingConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`--config: cannot read ${shown}`);
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${shown}:${line}:${col}`;
  };
  if (document.errors.length > 0) {
    const error = document.errors[0];
    throw new UsageError(`${at(error?.pos[0] ?? 0)}: YAML: ${error?.message.split('\n')[0] ?? ''}`);
  }
  const whole: unknown = document.toJS();
  const nested = isMap(document.contents) && document.contents.has('testGrading');
  const data = nested ? (whole as Record<string, unknown>).testGrading : whole;
  const parsed = parseGradingConfig(data, nested ? ['testGrading'] : []);
  if (parsed.ok) return parsed.config;
  const located = parsed.problems.map((problem) => `${at(offsetOf(document.contents, problem.path))}: ${problem.message}`);
  throw new UsageError(`the grading configuration has ${located.length} problem${located.length === 1 ? '' : 's'}:\n${located.join('\n')}`);
}

/** Where the deepest existing node on `keys` starts; map keys match by text, so `8:` and `"8":` both match `8`. */
function offsetOf(root: unknown, keys: readonly (string | number)[]): number {
  let node = root as YamlNode | undefined;
  let offset = node?.range?.[0] ?? 0;
  for (const key of keys) {
    let next: unknown;
    if (isMap(node)) next = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key))?.value;
    else if (isSeq(node)) next = node.items[Number(key)];
    const child = next as YamlNode | undefined;
    if (child?.range == null) break;
    node = child;
    offset = child.range[0];
  }
  return offset;
}
