// Tamper resistance, one attack per test: each is GitHub's own `workflow_run` example turned into
// what the attacker can actually produce, and each must leave the grade alone with an exact reason.

import { describe, expect, it } from 'vitest';

import { packResultsArtifact } from '../../src/grading/artifact.ts';
import type { ChapterTests } from '../../src/grading/config.ts';
import { PendingGrades } from '../../src/grading/pending.ts';
import { assessWorkflowRun, testsPartFromArtifact } from '../../src/grading/results.ts';
import { isRunFor, judgeManifest, judgeRun, parseRunTitle, runNameFor } from '../../src/grading/trust.ts';
import {
  CORRELATION_ID, DISPATCHED_AT, GRADER_REPOSITORY, HEAD_SHA, LEARNER_REPOSITORY, manifestFor, OTHER_SHA, pendingDispatch, RUN_ID, workflowRunEvent,
} from './support/runs.ts';

const JUNIT_ALL_PASS = '<testsuites><testsuite><testcase classname="test_exit" name="test_a" file="test_exit.py"/></testsuite></testsuites>';
const CHAPTER: ChapterTests = { exercise: 'chapter-8', groups: [{ name: 'Exit code', tests: ['test_exit.py::*'], markers: [], points: 30, scoring: 'partial', hidden: false, hint: undefined }] };
const NOW = new Date('2025-05-06T09:02:00Z');

function gradeFrom(event: ReturnType<typeof workflowRunEvent>, manifest = manifestFor(event), pending = pendingDispatch()) {
  return testsPartFromArtifact({ pending, event, artifact: packResultsArtifact({ junitXml: JUNIT_ALL_PASS, manifest }), chapter: CHAPTER, now: NOW, revealHiddenAt: undefined });
}

describe('a genuine grading run', () => {
  it('counts: our dispatch, the grader repository, the configured workflow, first attempt, the exact commit', () => {
    const event = workflowRunEvent();
    expect(judgeRun(pendingDispatch(), event)).toEqual({ verdict: 'counts' });
    expect(assessWorkflowRun(pendingDispatch(), event)).toEqual({ action: 'download', artifactName: 'opsgrade-results' });
    const part = gradeFrom(event);
    expect(part.status === 'graded' && [part.score.points, part.score.maxPoints]).toEqual([30, 30]);
  });

  it('counts when matched by correlation id alone (GitHub Enterprise Server refused return_run_details)', () => {
    const pending = pendingDispatch({ runId: undefined });
    const event = workflowRunEvent({ id: 99 });
    expect(isRunFor(pending, event)).toBe(true);
    expect(judgeRun(pending, event)).toEqual({ verdict: 'counts' });
  });

  it('names runs so that the correlation id, repository and commit can be read back', () => {
    const title = runNameFor({ correlation_id: CORRELATION_ID, learner_repository: LEARNER_REPOSITORY, learner_sha: HEAD_SHA });
    expect(title).toBe(`opsgrade ${CORRELATION_ID} ${LEARNER_REPOSITORY}@${HEAD_SHA}`);
    expect(parseRunTitle(title)).toEqual({ correlationId: CORRELATION_ID, learnerRepository: LEARNER_REPOSITORY, learnerSha: HEAD_SHA });
    expect(parseRunTitle('ci(action): update actions/setup-node digest to 8c91899')).toBeUndefined();
  });
});

describe('attacks that must not change a grade', () => {
  it('a learner workflow that uploads a fake results artifact: the run is in the learner repository', () => {
    // The learner copies grade.yml into their own repository, names the run like ours and uploads a perfect junit.xml.
    const event = workflowRunEvent({ repository: LEARNER_REPOSITORY, id: 555 });
    const pending = pendingDispatch({ runId: undefined });
    expect(judgeRun(pending, event)).toEqual({
      verdict: 'rejected',
      reason: 'wrong-repository',
      message: `Run 555 ran in ${LEARNER_REPOSITORY}, not in the grader repository ${GRADER_REPOSITORY}; only the instructor's grading workflow can grade, so its results do not count.`,
    });
    expect(assessWorkflowRun(pending, event)).toMatchObject({ action: 'ignore', reason: 'wrong-repository' });
    // Even handed the artifact directly, it is not graded.
    expect(gradeFrom(event, manifestFor(event), pending)).toMatchObject({ status: 'errored', problem: 'untrusted-results' });
  });

  it('a run for another SHA: the run name and the manifest both name the commit', () => {
    const otherTitle = runNameFor({ correlation_id: CORRELATION_ID, learner_repository: LEARNER_REPOSITORY, learner_sha: OTHER_SHA });
    expect(judgeRun(pendingDispatch(), workflowRunEvent({ displayTitle: otherTitle }))).toEqual({
      verdict: 'rejected',
      reason: 'sha-mismatch',
      message: `Run ${RUN_ID} tested ${LEARNER_REPOSITORY}@0f9e8d7, not ${LEARNER_REPOSITORY}@a1b2c3d; its results do not count.`,
    });
    const event = workflowRunEvent();
    expect(judgeManifest(pendingDispatch(), event, manifestFor(event, { learnerSha: OTHER_SHA }))).toEqual({
      verdict: 'rejected',
      reason: 'sha-mismatch',
      message: `The results of run ${RUN_ID} are for ${LEARNER_REPOSITORY}@0f9e8d7, not ${LEARNER_REPOSITORY}@a1b2c3d; they do not count.`,
    });
    expect(gradeFrom(event, manifestFor(event, { learnerSha: OTHER_SHA }))).toEqual({
      status: 'errored',
      problem: 'untrusted-results',
      detail: `The results of run ${RUN_ID} are for ${LEARNER_REPOSITORY}@0f9e8d7, not ${LEARNER_REPOSITORY}@a1b2c3d; they do not count.`,
    });
  });

  it('a re-run of an old run: a second attempt is refused', () => {
    expect(judgeRun(pendingDispatch(), workflowRunEvent({ runAttempt: 2 }))).toEqual({
      verdict: 'rejected',
      reason: 're-run',
      message: `Run ${RUN_ID} is attempt 2: a re-run repeats an old grading run, so only the first attempt counts.`,
    });
  });

  it('a re-run of an old run: a run created before our dispatch is refused', () => {
    const pending = pendingDispatch({ runId: undefined });
    expect(judgeRun(pending, workflowRunEvent({ createdAt: '2025-05-06T07:58:11Z' }))).toEqual({
      verdict: 'rejected',
      reason: 'started-before-dispatch',
      message: `Run ${RUN_ID} was created at 2025-05-06T07:58:11Z, before OpsGrade's dispatch at ${DISPATCHED_AT}; its results do not count.`,
    });
  });

  it('a re-run of an old run: once a grade is settled, a later run for it matches nothing', () => {
    const pending = new PendingGrades<{ checkRunId: number }>();
    pending.add(pendingDispatch(), { checkRunId: 7 }, 30);
    expect(pending.forRun(workflowRunEvent())?.data).toEqual({ checkRunId: 7 });
    pending.settle(CORRELATION_ID);
    expect(pending.forRun(workflowRunEvent())).toBeUndefined();
  });

  it('a run of another dispatch or id: run id and correlation id must be ours', () => {
    expect(judgeRun(pendingDispatch(), workflowRunEvent({ id: 42 }))).toEqual({
      verdict: 'rejected',
      reason: 'run-id-mismatch',
      message: `Run 42 is not run ${RUN_ID}, which OpsGrade started for ${LEARNER_REPOSITORY}@a1b2c3d; its results do not count.`,
    });
    expect(judgeRun(pendingDispatch({ runId: undefined }), workflowRunEvent({ displayTitle: 'OpsGrade grade' }))).toEqual({
      verdict: 'rejected',
      reason: 'correlation-mismatch',
      message: `Run ${RUN_ID} is named "OpsGrade grade", which does not carry the correlation id ${CORRELATION_ID} of OpsGrade's dispatch; its results do not count.`,
    });
  });

  it('a workflow edited in the learner repository, in grader-repository mode: only the grader repository counts', () => {
    // The learner edits their own copy of the workflow so every test passes, and triggers it by hand.
    const event = workflowRunEvent({ repository: LEARNER_REPOSITORY, path: '.github/workflows/opsgrade-tests.yml' });
    expect(judgeRun(pendingDispatch(), event)).toMatchObject({ verdict: 'rejected', reason: 'wrong-repository' });
  });

  it('a workflow edited in the learner repository, in learner-repository mode: results are practice only', () => {
    const pending = pendingDispatch({ mode: 'learner-repository', workflowRepository: LEARNER_REPOSITORY, workflowPath: '.github/workflows/opsgrade-tests.yml' });
    const event = workflowRunEvent({ repository: LEARNER_REPOSITORY, path: '.github/workflows/opsgrade-tests.yml' });
    expect(judgeRun(pending, event)).toEqual({ verdict: 'practice' });
    const part = gradeFrom(event, manifestFor(event), pending);
    expect(part.status).toBe('practice');
  });

  it('another workflow file in the grader repository does not count', () => {
    expect(judgeRun(pendingDispatch(), workflowRunEvent({ path: '.github/workflows/experiment.yml' }))).toEqual({
      verdict: 'rejected',
      reason: 'wrong-workflow',
      message: `Run ${RUN_ID} comes from .github/workflows/experiment.yml, not from the configured workflow .github/workflows/grade.yml; its results do not count.`,
    });
  });

  it('a run started by a push or a repository_dispatch, not by our workflow_dispatch, does not count', () => {
    expect(judgeRun(pendingDispatch(), workflowRunEvent({ event: 'repository_dispatch' }))).toEqual({
      verdict: 'rejected',
      reason: 'not-dispatched',
      message: `Run ${RUN_ID} was started by a repository_dispatch event, not by OpsGrade's workflow_dispatch; its results do not count.`,
    });
  });

  it('a manifest that describes another run does not count', () => {
    const event = workflowRunEvent();
    expect(judgeManifest(pendingDispatch(), event, manifestFor(event, { correlationId: 'aaaaaaaa-0000-0000-0000-000000000000', workflow: { repository: GRADER_REPOSITORY, path: '.github/workflows/grade.yml', runId: 1, runAttempt: 1 } }))).toEqual({
      verdict: 'rejected',
      reason: 'manifest-mismatch',
      message: `The manifest of run ${RUN_ID} does not describe that run (correlation id aaaaaaaa-0000-0000-0000-000000000000 instead of ${CORRELATION_ID}; run 1 instead of ${RUN_ID}); its results do not count.`,
    });
  });

  it('points cannot be smuggled in through the manifest or the XML', () => {
    const event = workflowRunEvent();
    const withPoints = JSON.stringify({ ...manifestFor(event), points: 1000 });
    expect(testsPartFromArtifact({ pending: pendingDispatch(), event, artifact: packResultsArtifact({ junitXml: JUNIT_ALL_PASS, manifest: withPoints }), chapter: CHAPTER, now: NOW, revealHiddenAt: undefined }))
      .toEqual({ status: 'errored', problem: 'malformed-results', detail: '`manifest.json` does not match the manifest schema: manifest must NOT have additional properties `points`' });
    const bragging = '<testsuites><testsuite><testcase classname="test_exit" name="test_a" file="test_exit.py"><properties><property name="points" value="1000"/><property name="marker" value="bonus"/></properties></testcase>' +
      '<testcase classname="test_extra" name="test_free_points" file="test_extra.py"/></testsuite></testsuites>';
    const part = testsPartFromArtifact({ pending: pendingDispatch(), event, artifact: packResultsArtifact({ junitXml: bragging, manifest: manifestFor(event) }), chapter: CHAPTER, now: NOW, revealHiddenAt: undefined });
    expect(part.status === 'graded' && [part.score.points, part.score.maxPoints, part.score.ungradedTests]).toEqual([30, 30, 1]);
  });

  it('results are read only from completed runs', () => {
    expect(judgeRun(pendingDispatch(), workflowRunEvent({ action: 'requested' }))).toMatchObject({ verdict: 'rejected', reason: 'not-completed' });
  });
});

describe('assessWorkflowRun', () => {
  it('concludes without downloading when the run failed, was cancelled or timed out', () => {
    expect(assessWorkflowRun(pendingDispatch(), workflowRunEvent({ conclusion: 'failure' }))).toEqual({
      action: 'conclude', tests: { status: 'errored', problem: 'run-failed', detail: `Run ${RUN_ID} concluded \`failure\`; its log is in ${GRADER_REPOSITORY} (Actions tab).` },
    });
    expect(assessWorkflowRun(pendingDispatch(), workflowRunEvent({ conclusion: 'cancelled' }))).toEqual({
      action: 'conclude', tests: { status: 'errored', problem: 'cancelled', detail: `Run ${RUN_ID} was cancelled.` },
    });
    expect(assessWorkflowRun(pendingDispatch(), workflowRunEvent({ conclusion: 'timed_out' }))).toEqual({
      action: 'conclude', tests: { status: 'errored', problem: 'tests-timed-out', detail: `Run ${RUN_ID} hit its job time limit.` },
    });
  });
});

describe('testsPartFromArtifact', () => {
  const event = workflowRunEvent();
  const part = (junitXml: string | undefined, pytest: { exitCode: number; timedOut: boolean }, artifact = true) => testsPartFromArtifact({
    pending: pendingDispatch(), event, artifact: artifact ? packResultsArtifact({ junitXml, manifest: manifestFor(event, { pytest }) }) : undefined, chapter: CHAPTER, now: NOW, revealHiddenAt: undefined,
  });

  it('reports each way the results can be unusable', () => {
    expect(part(JUNIT_ALL_PASS, { exitCode: 1, timedOut: false }, false)).toEqual({ status: 'errored', problem: 'malformed-results', detail: `Run ${RUN_ID} uploaded no \`opsgrade-results\` artifact.` });
    expect(part(undefined, { exitCode: 124, timedOut: true })).toEqual({ status: 'errored', problem: 'tests-timed-out', detail: undefined });
    expect(part(undefined, { exitCode: 5, timedOut: false })).toEqual({ status: 'errored', problem: 'tests-did-not-run', detail: 'pytest exit code 5: no tests were collected.' });
    expect(part(undefined, { exitCode: 1, timedOut: false })).toEqual({ status: 'errored', problem: 'malformed-results', detail: 'pytest exited with 1 but wrote no `junit.xml` into the results artifact.' });
    expect(part('<testsuites><testsuite>', { exitCode: 1, timedOut: false })).toEqual({
      status: 'errored', problem: 'malformed-results', detail: 'The JUnit XML is malformed: it ends before <testsuites>, <testsuite> are closed (was the report cut short?).',
    });
  });
});
