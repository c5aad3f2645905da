// What each `opsgrade` subcommand does, written against a small I/O interface so tests can run
// them in-process and assert on exact output and exit codes.

import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';

import { renderReport } from '../report/index.ts';
import type { OutputFormat } from '../report/index.ts';
import type { Report } from '../report/model.ts';
import { ReviewError, reviewSnapshotAsync, helpUri } from '../review.ts';
import { chapterLabel, parseChapterId } from '../rubric/course.ts';
import { activeRuleIds } from '../rubric/score.ts';
import { runRuleFixtures } from '../rules/fixtures.ts';
import { DEFAULT_RULES_DIR, loadRubric, RubricError } from '../rules/load.ts';
import type { Rubric } from '../rules/load.ts';
import type { ChapterId, Severity } from '../rules/rule.ts';
import { snapshotFromDirectory, SnapshotError } from '../snapshot/index.ts';
import type { Snapshot } from '../snapshot/index.ts';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  exitCode: number;
}

export const EXIT = { pass: 0, findings: 1, usage: 2 } as const;

/** A mistake in how the command was called or configured: exit code 2 with this message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };
const FAIL_ON_RANK: Record<string, number> = { error: 3, warning: 2, info: 1, never: Number.POSITIVE_INFINITY };

async function loadRubricOrExplain(options: Record<string, unknown>): Promise<Rubric> {
  try {
    return await loadRubric({ rulesDir: options.rules as string | undefined, courseFile: options.course as string | undefined });
  } catch (error) {
    if (error instanceof RubricError) {
      throw new UsageError(`the rubric has ${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}:\n${error.message}`);
    }
    throw error;
  }
}

function chapterOption(value: unknown, origin: string): ChapterId | 'all' | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
  if (text.trim() === 'all') return 'all';
  const chapter = parseChapterId(text);
  if (chapter === undefined) {
    throw new UsageError(`${origin}: "${text}" is not a chapter; use 1-23, project-1..project-4 or all`);
  }
  return chapter;
}

/** The repository's own `.opsgrade.yml` may say which chapter it is an exercise of. */
async function chapterFromRepository(root: string): Promise<ChapterId | 'all' | undefined> {
  const file = path.join(root, '.opsgrade.yml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (data === null || data === undefined) return undefined;
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`${file}: expected a mapping such as "chapter: 7"`);
  return chapterOption((data as Record<string, unknown>).chapter, `${file}: chapter`);
}

export function useColor(io: CliIO, requested: unknown): boolean {
  if (requested === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.isTTY && io.env.TERM !== 'dumb';
}

export async function reviewDirectory(io: CliIO, target: string, options: Record<string, unknown>):
  Promise<{ snapshot: Snapshot; report: Report }> {
  const root = path.resolve(io.cwd, target);
  let snapshot: Snapshot;
  try {
    const limits: Record<string, number> = {};
    if (options.maxFileBytes !== undefined) limits.maxFileBytes = options.maxFileBytes as number;
    if (options.maxFiles !== undefined) limits.maxFiles = options.maxFiles as number;
    if (options.maxTotalBytes !== undefined) limits.maxTotalBytes = options.maxTotalBytes as number;
    snapshot = await snapshotFromDirectory(root, { limits });
  } catch (error) {
    if (error instanceof SnapshotError) throw new UsageError(error.message);
    throw error;
  }
  const chapter = chapterOption(options.chapter, '--chapter') ?? (await chapterFromRepository(root)) ?? 'all';
  const rubric = await loadRubricOrExplain(options);
  try {
    // One thread by default: on 2 cores, two workers do the per-file work 1.5× faster, but each
    // loads the rubric again, so the standard library takes as long and 2.5× the memory; see the README.
    const parallel = { workers: (options.jobs as number | undefined) ?? 1 };
    const report = await reviewSnapshotAsync({ ...snapshot, source: target }, { rubric, chapter }, parallel);
    return { snapshot, report };
  } catch (error) {
    if (error instanceof ReviewError) throw new UsageError(error.message);
    throw error;
  }
}

export async function runReview(io: CliIO, target: string, options: Record<string, unknown>): Promise<number> {
  const { snapshot, report } = await reviewDirectory(io, target, options);
  const sources = (file: string) => snapshot.files.get(file)?.text;
  io.stdout(renderReport(options.format as OutputFormat, report, sources, { color: useColor(io, options.color) }));
  const threshold = FAIL_ON_RANK[options.failOn as string] ?? FAIL_ON_RANK.warning ?? 2;
  const failing = report.findings.some((finding) => SEVERITY_RANK[finding.severity] >= threshold);
  return failing ? EXIT.findings : EXIT.pass;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export async function runRulesList(io: CliIO, options: Record<string, unknown>): Promise<number> {
  const rubric = await loadRubricOrExplain(options);
  const chapter = chapterOption(options.chapter, '--chapter');
  const active = chapter === undefined ? undefined : activeRuleIds(rubric.rules, rubric.course, chapter);
  const rules = rubric.rules.filter((rule) => !active || active.has(rule.id));
  if (options.format === 'json') {
    io.stdout(`${JSON.stringify(rules.map((rule) => ({
      id: rule.id, chapter: rule.chapter, kind: rule.kind, area: rule.area, severity: rule.severity, title: rule.title,
      equivalents: rule.equivalents, helpUri: helpUri(rule, rubric.course.docsUrl),
    })), null, 2)}\n`);
    return EXIT.pass;
  }
  const idWidth = Math.max(...rules.map((rule) => rule.id.length), 2);
  io.stdout(`${pad('ID', idWidth)}  CHAPTER    KIND         SEVERITY  TITLE\n`);
  for (const rule of rules) {
    io.stdout(`${pad(rule.id, idWidth)}  ${pad(String(rule.chapter), 9)}  ${pad(rule.kind, 11)}  ${pad(rule.severity, 8)}  ${rule.title}\n`);
  }
  io.stdout(`\n${rules.length} rules${chapter === undefined ? '' : ` reported in ${chapter === 'all' ? 'every chapter' : chapterLabel(chapter)}`}.\n`);
  return EXIT.pass;
}

/** Edit distance, to suggest the rule a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

export async function runRulesExplain(io: CliIO, id: string, options: Record<string, unknown>): Promise<number> {
  const rubric = await loadRubricOrExplain(options);
  const rule = rubric.rules.find((candidate) => candidate.id === id);
  if (!rule) {
    const suggestions = rubric.rules
      .map((candidate) => ({ id: candidate.id, score: candidate.id.includes(id) ? 0 : distance(id, candidate.id) }))
      .sort((a, b) => a.score - b.score).slice(0, 3).map((candidate) => candidate.id);
    throw new UsageError(`no rule "${id}". Did you mean: ${suggestions.join(', ')}? (\`opsgrade rules list\` shows them all)`);
  }
  const indent = (text: string) => text.trimEnd().split('\n').map((line) => (line.trim() === '' ? '' : `    ${line}`)).join('\n');
  const lines = [
    `${rule.id}: ${rule.title}`,
    `${rule.kind === 'requirement' ? 'Requirement' : 'Violation'} · ${rule.severity} · ${chapterLabel(rule.chapter)} · ${rule.area}`,
    '',
    'What it detects',
    indent(rule.docs.what),
    '',
    'Why it matters',
    indent(rule.docs.why),
    '',
    'Example',
    indent(rule.docs.example),
    '',
    'Use instead',
    indent(rule.docs.instead),
    '',
    'How to fix',
    indent(rule.fix.hint),
  ];
  if (rule.equivalents.length > 0) lines.push('', `Equivalent checks: ${rule.equivalents.join(', ')}`);
  lines.push('', `Reference: ${helpUri(rule, rubric.course.docsUrl)}`, '');
  io.stdout(lines.join('\n'));
  return EXIT.pass;
}

export async function runRulesTest(io: CliIO, ids: string[], options: Record<string, unknown>): Promise<number> {
  const rubric = await loadRubricOrExplain(options);
  const rulesDir = path.resolve(io.cwd, (options.rules as string | undefined) ?? DEFAULT_RULES_DIR);
  const fixtures = path.resolve(io.cwd, (options.fixtures as string | undefined) ?? path.join(rulesDir, '..', 'fixtures', 'rules'));
  const known = new Set(rubric.rules.map((rule) => rule.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new UsageError(`unknown rule${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}`);
  const outcomes = await runRuleFixtures(rubric, fixtures, ids.length > 0 ? new Set(ids) : undefined);
  const byRule = new Map<string, typeof outcomes>();
  for (const outcome of outcomes) byRule.set(outcome.ruleId, [...(byRule.get(outcome.ruleId) ?? []), outcome]);
  let passed = 0;
  let failed = 0;
  for (const [ruleId, results] of byRule) {
    const problems = results.flatMap((result) => result.problems.map((problem) => `${result.fixture}: ${problem}`));
    const expects = results.reduce((sum, result) => sum + result.expects, 0);
    const oks = results.reduce((sum, result) => sum + result.oks, 0);
    if (expects === 0) problems.push('no `# expect:` annotation or expect- case: show at least one place the rule reports');
    if (oks === 0) problems.push('no `# ok:` annotation or ok- case: show at least one near-miss the rule must not report');
    if (problems.length === 0) {
      passed += 1;
      continue;
    }
    failed += 1;
    io.stdout(`FAIL ${ruleId}\n${problems.map((problem) => `  ${problem}`).join('\n')}\n`);
  }
  io.stdout(`rules: ${passed} passed, ${failed} failed\n`);
  return failed > 0 ? EXIT.findings : EXIT.pass;
}
