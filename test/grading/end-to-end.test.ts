// Local proof of the whole grading path as the app will run it: rate limit → dispatch plan → (the
// grading run: real pytest on the fixtures, the manifest, the artifact zip) → workflow_run matched →
// artifact → trust → points → combined with the static review → check-run summary and conclusion.

import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { packResultsArtifact } from '../../src/grading/artifact.ts';
import type { ResultsManifest } from '../../src/grading/artifact.ts';
import { chapterTests, parseGradingConfig } from '../../src/grading/config.ts';
import { planDispatch, withRunId } from '../../src/grading/dispatch.ts';
import { PendingGrades } from '../../src/grading/pending.ts';
import { runPytest } from '../../src/grading/pytest.ts';
import { SlidingWindowLimiter } from '../../src/grading/rate-limit.ts';
import { renderGradeMarkdown } from '../../src/grading/render.ts';
import { assessWorkflowRun, testsPartFromArtifact } from '../../src/grading/results.ts';
import { combineReport, testsConclusion } from '../../src/grading/score.ts';
import { runNameFor } from '../../src/grading/trust.ts';
import { reviewSnapshot } from '../../src/review.ts';
import { loadRubric } from '../../src/rules/load.ts';
import { snapshotFromDirectory } from '../../src/snapshot/index.ts';
import { CORRELATION_ID, GRADER_REPOSITORY, HEAD_SHA, ORG, workflowRunEvent } from './support/runs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'fixtures/grading');
const RUN_ID = 14_820_391_227;

const CONFIG = (() => {
  const file = parseYaml(readFileSync(path.join(FIXTURES, 'opsgrade.yml'), 'utf8')) as { testGrading: unknown };
  const parsed = parseGradingConfig(file.testGrading);
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('\n'));
  return parsed.config;
})();

/** Everything from the review of a commit to the concluded tests check run, for one learner directory. */
async function gradeCommit(learnerDir: string) {
  const now = new Date('2025-05-06T09:00:00Z');
  const limiter = new SlidingWindowLimiter({ runsPerWindow: CONFIG.rateLimit.runsPerHour });
  const pending = new PendingGrades<{ checkRunId: number }>();

  // 1. On review: the rate limit allows a graded run; the app dispatches the grader workflow.
  expect(await limiter.tryAcquire(`${ORG}/ch08-health-ada`, now)).toEqual({ allowed: true, remaining: 2 });
  const planned = planDispatch(CONFIG, { owner: ORG, repo: 'ch08-health-ada', headSha: HEAD_SHA, chapter: 8, defaultBranch: 'main' }, { correlationId: CORRELATION_ID, now });
  if (!planned) throw new Error('chapter 8 has tests');
  expect([planned.request.owner, planned.request.repo, planned.request.workflow_id]).toEqual([ORG, 'opsgrade-grader', 'grade.yml']);
  pending.add(withRunId(planned.pending, RUN_ID), { checkRunId: 4242 }, CONFIG.resultTimeoutMinutes);

  // 2. In GitHub Actions: the grader workflow runs pytest and uploads junit.xml + manifest.json.
  const run = await runPytest({ learnerDir, testsDir: path.join(FIXTURES, 'grader-tests'), timeLimitMs: CONFIG.timeLimitMinutes * 60_000 });
  const manifest: ResultsManifest = {
    schemaVersion: 1,
    learnerRepository: planned.request.inputs.learner_repository,
    learnerSha: planned.request.inputs.learner_sha,
    chapter: planned.request.inputs.chapter,
    exercise: planned.request.inputs.exercise,
    correlationId: planned.request.inputs.correlation_id,
    workflow: { repository: GRADER_REPOSITORY, path: '.github/workflows/grade.yml', runId: RUN_ID, runAttempt: 1 },
    pytest: { exitCode: run.exitCode ?? -1, timedOut: run.timedOut },
  };
  const artifact = packResultsArtifact({ junitXml: run.junitXml, manifest });

  // 3. workflow_run.completed arrives: match, judge, download, read, score.
  const event = workflowRunEvent({ id: RUN_ID, displayTitle: runNameFor(planned.request.inputs) });
  const entry = pending.forRun(event);
  if (!entry) throw new Error('the run did not match the pending grade');
  expect(entry.data).toEqual({ checkRunId: 4242 });
  expect(assessWorkflowRun(entry.dispatch, event)).toEqual({ action: 'download', artifactName: 'opsgrade-results' });
  const tests = testsPartFromArtifact({ pending: entry.dispatch, event, artifact, chapter: chapterTests(CONFIG, 8)!, now: new Date('2025-05-06T09:02:00Z'), revealHiddenAt: CONFIG.revealHiddenAt });
  pending.settle(entry.dispatch.correlationId);

  // 4. Combined with the static review of the same commit (pinned rubric), rendered for the check run.
  const rubric = await loadRubric({ rulesDir: path.join(FIXTURES, 'rubric/rules'), courseFile: path.join(FIXTURES, 'rubric/course.yml') });
  const report = reviewSnapshot(await snapshotFromDirectory(learnerDir), { rubric, chapter: 8 });
  const grade = combineReport(report, tests, CONFIG);
  return { grade, report, conclusion: testsConclusion(grade), summary: renderGradeMarkdown(grade), pendingLeft: pending.size };
}

describe('grading end to end on the fixtures', () => {
  it('grades the learner with one bug: 55.6 static and 70 tests make 62.8, below the pass mark', async () => {
    const { grade, report, conclusion, summary, pendingLeft } = await gradeCommit(path.join(FIXTURES, 'learner'));
    expect(report.grades[0]?.percent).toBe(55.6);
    // The suppression comment explains the finding; it does not buy the points back.
    expect(report.suppressed.map((finding) => finding.ruleId)).toEqual(['http-call-without-timeout']);
    expect([grade.static.percent, grade.tests.status === 'graded' && grade.tests.score.percent, grade.percent, grade.passed]).toEqual([55.6, 70, 62.8, false]);
    expect(conclusion).toBe('failure');
    expect(pendingLeft).toBe(0);
    expect(summary.split('\n').slice(0, 16)).toEqual([
      '## ❌ OpsGrade grade: 62.8/100, not passed yet',
      'Chapter 8 (HTTP and REST APIs) · pass mark 70',
      '',
      '| Part | Score | Weight |',
      '| --- | --- | --- |',
      '| Static review | 55.6/100 | 50% |',
      '| Tests | 70/100 | 50% |',
      '| **Combined** | **62.8/100** | |',
      '',
      '### Tests: 70/100 points, 5 of 7 tests passed',
      '',
      '| Group | Passed | Points |',
      '| --- | --- | --- |',
      '| Health URL | 2 of 2 | 20/20 |',
      '| Exit code | 1 of 2 | 15/30 |',
      '| Timeouts | 1 of 1 | 20/20 (all or nothing) |',
    ]);
    expect(summary).toContain('**Hidden tests 1**\n- Test names and output stay hidden until 2999-01-01 00:00 UTC.\n- Hint: What should a health check report when the connection itself breaks, not only when the server says no?\n');
    expect(summary).not.toMatch(/test_network|reset_connection|Network errors/);
  });

  it('grades the static part the same with or without the suppression comment', async () => {
    const learner = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-unsuppressed-'));
    await cp(path.join(FIXTURES, 'learner'), learner, { recursive: true });
    const source = await readFile(path.join(learner, 'healthcheck.py'), 'utf8');
    await writeFile(path.join(learner, 'healthcheck.py'), source.replace(/ {2}# opsgrade: ignore\[[^\n]*/, ''));
    const rubric = await loadRubric({ rulesDir: path.join(FIXTURES, 'rubric/rules'), courseFile: path.join(FIXTURES, 'rubric/course.yml') });
    const review = async (dir: string) => reviewSnapshot(await snapshotFromDirectory(dir), { rubric, chapter: 8 });
    const [suppressed, plain] = [await review(path.join(FIXTURES, 'learner')), await review(learner)];
    expect([suppressed.suppressed.length, plain.suppressed.length, plain.findings.some((finding) => finding.ruleId === 'http-call-without-timeout')]).toEqual([1, 0, true]);
    expect([suppressed.grades[0]?.percent, plain.grades[0]?.percent]).toEqual([55.6, 55.6]);
  });

  it('passes once the exit-code bug is fixed: 55.6 static and 85 tests make 70.3', async () => {
    const learner = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-fixed-'));
    await cp(path.join(FIXTURES, 'learner'), learner, { recursive: true });
    const source = await readFile(path.join(learner, 'healthcheck.py'), 'utf8');
    await writeFile(path.join(learner, 'healthcheck.py'), source.replace('0 if any(results.values()) else 1', '0 if all(results.values()) else 1'));
    const { grade, conclusion } = await gradeCommit(learner);
    expect([grade.static.percent, grade.tests.status === 'graded' && grade.tests.score.points, grade.percent, grade.passed]).toEqual([55.6, 85, 70.3, true]);
    expect(conclusion).toBe('success');
  });
});
