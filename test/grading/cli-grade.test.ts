// `opsgrade grade --tests <dir> [path]` in-process with a fake CliIO: the combined grade a learner
// sees before pushing, its exit codes, the formats, and usage errors (which main.ts turns into 2).

import { chmod, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { runGrade } from '../../src/cli/grade.ts';
import { UsageError } from '../../src/cli/commands.ts';
import type { CliIO } from '../../src/cli/commands.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PINNED = { rules: 'fixtures/grading/rubric/rules', course: 'fixtures/grading/rubric/course.yml' };
const WITH_CONFIG = { tests: 'fixtures/grading/grader-tests', config: 'fixtures/grading/opsgrade.yml', ...PINNED };

async function grade(target: string, options: Record<string, unknown>) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; }, isTTY: false, env: {}, cwd: ROOT, exitCode: 0 };
  const code = await runGrade(io, target, options);
  return { code, stdout, stderr };
}

async function fixedLearner(): Promise<string> {
  const learner = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-cli-'));
  await cp(path.join(ROOT, 'fixtures/grading/learner'), learner, { recursive: true });
  const source = await readFile(path.join(learner, 'healthcheck.py'), 'utf8');
  await writeFile(path.join(learner, 'healthcheck.py'), source.replace('0 if any(results.values()) else 1', '0 if all(results.values()) else 1'));
  return learner;
}

describe('opsgrade grade', () => {
  it('prints the static review, then the combined grade and every test; exits 1 below the pass mark', async () => {
    const result = await grade('fixtures/grading/learner', WITH_CONFIG);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Chapter 8 (HTTP and REST APIs): 55.6/100 — below the pass mark of 70');
    expect(result.stdout.slice(result.stdout.indexOf('Grade for chapter 8'))).toBe(`Grade for chapter 8 (HTTP and REST APIs)
  Static review  55.6/100   weight 50%
  Tests          70/100     weight 50%   5 of 7 tests passed
  Combined       62.8/100   below the pass mark of 70

Tests: 70/100 points
  Health URL      2 of 2   20/20 points
    ✓ test_health.py::test_health_url_adds_path
    ✓ test_health.py::test_health_url_ignores_trailing_slash
  Exit code       1 of 2   15/30 points
    ✗ test_exit.py::test_one_unhealthy_exits_one — AssertionError: assert 0 == 1
    ✓ test_exit.py::test_all_healthy_exits_zero
  Timeouts        1 of 1   20/20 points (all or nothing)
    ✓ test_health.py::test_request_has_timeout
  Hidden tests 1  1 of 2   15/30 points
    Test names and output stay hidden until 2999-01-01 00:00 UTC.
    Hint: What should a health check report when the connection itself breaks, not only when the server says no?
`);
    expect(result.stderr).toBe('');
  });

  it('exits 0 when the combined grade reaches the pass mark', async () => {
    const result = await grade(await fixedLearner(), WITH_CONFIG);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('  Combined       70.3/100   passed (pass mark 70)\n');
  });

  it("ignores the learner's own .opsgrade.yml attempt to set weights and points", async () => {
    const learner = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-cli-'));
    await cp(path.join(ROOT, 'fixtures/grading/learner'), learner, { recursive: true });
    expect(await readFile(path.join(learner, '.opsgrade.yml'), 'utf8')).toContain('weights: { static: 0, tests: 100 }');
    await writeFile(path.join(learner, '.opsgrade.yml'), 'chapter: 8\n');
    const withAttempt = JSON.parse((await grade('fixtures/grading/learner', { ...WITH_CONFIG, format: 'json' })).stdout) as { grade: { percent: number } };
    const without = JSON.parse((await grade(learner, { ...WITH_CONFIG, format: 'json' })).stdout) as { grade: { percent: number } };
    expect([withAttempt.grade.percent, without.grade.percent]).toEqual([62.8, 62.8]);
  });

  it('prints JSON with the combined grade and the report', async () => {
    const result = await grade('fixtures/grading/learner', { ...WITH_CONFIG, format: 'json' });
    const output = JSON.parse(result.stdout) as { grade: { percent: number; passed: boolean; weights: object; tests: { status: string; score: { points: number; groups: { label: string; tests: unknown[] }[] } } }; report: { chapter: number; suppressed: unknown[] } };
    expect([output.grade.percent, output.grade.passed, output.grade.weights, output.grade.tests.status, output.grade.tests.score.points]).toEqual([62.8, false, { static: 50, tests: 50 }, 'graded', 70]);
    expect(output.grade.tests.score.groups.map((group) => [group.label, group.tests.length])).toEqual([['Health URL', 2], ['Exit code', 2], ['Timeouts', 1], ['Hidden tests 1', 0]]);
    expect([output.report.chapter, output.report.suppressed.length]).toEqual([8, 1]);
    expect(result.stdout).not.toMatch(/test_network|Network errors/);
  });

  it('prints Markdown: the review summary, then the grade summary', async () => {
    const result = await grade('fixtures/grading/learner', { ...WITH_CONFIG, format: 'markdown' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('\n## ❌ OpsGrade grade: 62.8/100, not passed yet\nChapter 8 (HTTP and REST APIs) · pass mark 70\n');
  });

  it('without an instructor configuration, every test is worth the same', async () => {
    const result = await grade('fixtures/grading/learner', { tests: 'fixtures/grading/grader-tests', ...PINNED });
    expect(result.stdout.slice(result.stdout.indexOf('Grade for chapter 8')).split('\n').slice(0, 7)).toEqual([
      'Grade for chapter 8 (HTTP and REST APIs)',
      '  Static review  55.6/100   weight 50%',
      '  Tests          71.4/100   weight 50%   5 of 7 tests passed',
      '  Combined       63.5/100   below the pass mark of 70',
      '',
      'Tests: 71.43/100 points',
      '  All tests  5 of 7   71.43/100 points',
    ]);
  });

  it('reports usage errors clearly (exit code 2 through main)', async () => {
    await expect(grade('fixtures/grading/learner', { ...PINNED })).rejects.toThrow(new UsageError('--tests <dir> is required: the folder with the pytest tests to grade against'));
    await expect(grade('fixtures/grading/learner', { ...WITH_CONFIG, tests: 'no/such/tests' })).rejects.toThrow(new UsageError('--tests: no/such/tests does not exist'));
    await expect(grade('fixtures/grading/learner', { ...WITH_CONFIG, tests: 'fixtures/grading/opsgrade.yml' })).rejects.toThrow(new UsageError('--tests: fixtures/grading/opsgrade.yml is not a directory'));
    await expect(grade('fixtures/grading/learner', { ...WITH_CONFIG, chapter: 'all' })).rejects.toThrow(new UsageError("grade needs one chapter: pass --chapter, or set `chapter:` in the repository's .opsgrade.yml"));
    const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-cli-'));
    const otherChapter = path.join(dir, 'opsgrade.yml');
    await writeFile(otherChapter, 'testGrading:\n  graderRepository: { repository: opsgrade-grader }\n  chapters:\n    "9": { groups: [{ name: All, tests: ["**"], points: 10 }] }\n');
    await expect(grade('fixtures/grading/learner', { ...WITH_CONFIG, config: otherChapter })).rejects.toThrow(new UsageError(`${otherChapter}: \`testGrading.chapters\` has no tests for chapter 8`));
    await expect(grade('fixtures/grading/learner', { ...WITH_CONFIG, format: 'sarif' })).rejects.toThrow(new UsageError('--format: "sarif" is not one of text, json, markdown'));
  });

  it('points at the line of a broken grading configuration', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-cli-'));
    const config = path.join(dir, 'opsgrade.yml');
    await writeFile(config, 'testGrading:\n  graderRepository:\n    repository: opsgrade-grader\n  chapters:\n    8:\n      groups:\n        - name: All\n          tests: ["**"]\n          points: lots\n');
    await expect(grade('fixtures/grading/learner', { ...WITH_CONFIG, config })).rejects.toThrow(new UsageError(
      `the grading configuration has 1 problem:\n${config}:9:19: \`testGrading.chapters.8.groups.0.points\`: must be a number`,
    ));
  });

  it('says what to install when pytest is missing', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-cli-'));
    const python = path.join(bin, 'python3');
    await writeFile(python, '#!/bin/sh\nexit 1\n');
    await chmod(python, 0o755);
    await expect(grade('fixtures/grading/learner', { ...WITH_CONFIG, python })).rejects.toThrow(new UsageError(
      `pytest is not installed for ${python}: install python3-pytest (Debian/Ubuntu: apt-get install python3-pytest) or run \`${python} -m pip install pytest\``,
    ));
  });
});
