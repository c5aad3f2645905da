// Shared set-up for the app's grading tests: the fixture learner repository (fixtures/grading/learner)
// as an exercise of chapter 8, the instructor's `testGrading` block (fixtures/grading/opsgrade.yml),
// the grader workflow on the fake GitHub, real pytest results packed as the run's artifact, and the
// `workflow_run.completed` delivery that reports the run.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { packResultsArtifact } from '../../../src/grading/artifact.ts';
import type { ResultsManifest } from '../../../src/grading/artifact.ts';
import { WORKFLOW_INPUT_NAMES } from '../../../src/grading/dispatch.ts';
import { runPytest } from '../../../src/grading/pytest.ts';
import type { PytestRun } from '../../../src/grading/pytest.ts';
import { runNameFor } from '../../../src/grading/trust.ts';
import { formatPercent } from '../../../src/report/shared.ts';
import type { DispatchState, FakeGitHub } from './fake-github.ts';
import type { Harness } from './harness.ts';
import { expectedReview, ROOT, serveCommit, setCourseConfig } from './scenario.ts';
import { DEFAULT_TARGET, GRADER_REPOSITORY, pullRequestPayload, pushPayload, workflowRunPayload } from './webhooks.ts';
import type { WorkflowRunFields } from './webhooks.ts';

export const LEARNER_DIR = path.join(ROOT, 'fixtures/grading/learner');
export const GRADER_TESTS = path.join(ROOT, 'fixtures/grading/grader-tests');
export const LEARNER_REPO = 'ch08-health-ada';
export const LEARNER_REPOSITORY = `${DEFAULT_TARGET.owner}/${LEARNER_REPO}`;
export { GRADER_REPOSITORY };

/** The instructor's file: chapter 8 for `ch08-*`, and the grading fixture's `testGrading` block (3 runs an hour, results within 20 minutes). */
export const GRADING_CONFIG = `exercises:
  - name: healthcheck
    chapter: 8
    repositories: ["ch08-*"]
${readFileSync(path.join(ROOT, 'fixtures/grading/opsgrade.yml'), 'utf8')}`;

/** When the tests start: the app's clock, fixed so times in summaries are exact. */
export const T0 = Date.parse('2025-05-06T09:00:00.000Z');

export class Clock {
  at = T0;
  readonly now = (): Date => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
}

let pytest: Promise<PytestRun> | undefined;

/** Real pytest: the instructor's fixture tests against the fixture learner (run once per test file). */
export function realPytestRun(): Promise<PytestRun> {
  pytest ??= runPytest({ learnerDir: LEARNER_DIR, testsDir: GRADER_TESTS, timeLimitMs: 120_000 });
  return pytest;
}

/** The organisation's configuration, the learner's commit and the grader workflow on the default branch. */
export async function setUpGrading(fake: FakeGitHub, options: { config?: string; sha: string; files?: Record<string, string> }): Promise<void> {
  setCourseConfig(fake, options.config ?? GRADING_CONFIG);
  await serveCommit(fake, { sha: options.sha, folder: LEARNER_DIR, repo: LEARNER_REPO, ...(options.files ? { files: options.files } : {}) });
  fake.workflows.set(`${GRADER_REPOSITORY}:grade.yml`, [...WORKFLOW_INPUT_NAMES]);
}

export function pushLearner(harness: Harness, sha: string, before?: string) {
  return harness.deliver('push', pushPayload({ repo: LEARNER_REPO, sha }, before));
}

export function openPullRequest(harness: Harness, sha: string, number: number) {
  return harness.deliver('pull_request', pullRequestPayload('opened', number, { repo: LEARNER_REPO, sha, branch: 'feature' }));
}

/** The manifest the grader workflow writes for a dispatch's run. */
export function manifestFor(dispatch: DispatchState, run: { id: number; repository?: string; path?: string; attempt?: number }, pytestResult: { exitCode: number; timedOut?: boolean }): ResultsManifest {
  return {
    schemaVersion: 1,
    learnerRepository: dispatch.inputs.learner_repository ?? '',
    learnerSha: dispatch.inputs.learner_sha ?? '',
    chapter: dispatch.inputs.chapter ?? '',
    exercise: dispatch.inputs.exercise ?? '',
    correlationId: dispatch.inputs.correlation_id ?? '',
    workflow: { repository: run.repository ?? GRADER_REPOSITORY, path: run.path ?? '.github/workflows/grade.yml', runId: run.id, runAttempt: run.attempt ?? 1 },
    pytest: { exitCode: pytestResult.exitCode, timedOut: pytestResult.timedOut ?? false },
  };
}

/** The run name the grading workflow's `run-name` gives a dispatch's run. */
export function runName(dispatch: DispatchState, overrides: { sha?: string; correlationId?: string } = {}): string {
  return runNameFor({
    correlation_id: overrides.correlationId ?? dispatch.inputs.correlation_id ?? '',
    learner_repository: dispatch.inputs.learner_repository ?? '',
    learner_sha: overrides.sha ?? dispatch.inputs.learner_sha ?? '',
  });
}

/** The results artifact the grading run of `dispatch` uploads: real pytest JUnit XML unless `junitXml` is given. */
export async function addResultsArtifact(harness: Harness, dispatch: DispatchState, options: { runId?: number; junitXml?: string | null; exitCode?: number; repository?: string; path?: string; attempt?: number } = {}): Promise<void> {
  const runId = options.runId ?? dispatch.runId;
  const pytestRun = await realPytestRun();
  const repository = options.repository ?? GRADER_REPOSITORY;
  const [owner = '', repo = ''] = repository.split('/');
  const junitXml = options.junitXml === undefined ? pytestRun.junitXml : options.junitXml ?? undefined;
  const manifest = manifestFor(dispatch, { id: runId, repository, ...(options.path ? { path: options.path } : {}), attempt: options.attempt ?? 1 }, { exitCode: options.exitCode ?? pytestRun.exitCode ?? -1 });
  harness.fake.addArtifact({ owner, repo, runId, name: 'opsgrade-results', zip: packResultsArtifact({ junitXml, manifest }) });
}

/**
 * The grading run of `dispatch` finishes: its artifact (see `addResultsArtifact`) is stored, unless
 * `artifact` is false, and `workflow_run.completed` is delivered. Returns the run's id.
 */
export async function completeRun(harness: Harness, dispatch: DispatchState, options: {
  runId?: number;
  junitXml?: string | null;
  exitCode?: number;
  createdAt?: string;
  run?: Partial<WorkflowRunFields>;
  artifact?: boolean;
} = {}): Promise<number> {
  const runId = options.runId ?? dispatch.runId;
  if (options.artifact ?? true) {
    await addResultsArtifact(harness, dispatch, {
      runId,
      ...(options.junitXml === undefined ? {} : { junitXml: options.junitXml }),
      ...(options.exitCode === undefined ? {} : { exitCode: options.exitCode }),
      ...(options.run?.repository ? { repository: options.run.repository } : {}),
      ...(options.run?.path ? { path: options.run.path } : {}),
      ...(options.run?.runAttempt ? { attempt: options.run.runAttempt } : {}),
    });
  }
  const payload = workflowRunPayload({
    id: runId,
    displayTitle: runName(dispatch),
    createdAt: options.createdAt ?? new Date(T0 + 4_000).toISOString(),
    ...options.run,
  });
  await harness.deliver('workflow_run', payload);
  await harness.settle();
  return runId;
}

/** The static percent the engine gives the learner's commit, and the combined grade with tests at 70. */
export async function expectedGrade(fake: FakeGitHub, sha: string): Promise<{ static: number; combined: number; passed: boolean; staticText: string; combinedText: string }> {
  const report = await expectedReview(fake, sha, 8, { repo: LEARNER_REPO });
  const percent = report.grades[0]?.percent ?? Number.NaN;
  const combined = Math.round(((percent * 50 + 70 * 50) / 100) * 10) / 10;
  return { static: percent, combined, passed: combined >= 70, staticText: formatPercent(percent), combinedText: formatPercent(combined) };
}

export function testsCheckRun(fake: FakeGitHub, sha: string) {
  return fake.checkRunsFor(sha).filter((run) => run.name === 'OpsGrade tests');
}

export function staticCheckRun(fake: FakeGitHub, sha: string) {
  return fake.checkRunsFor(sha).find((run) => run.name === 'OpsGrade');
}

export const calls = (fake: FakeGitHub, since = 0) => fake.apiRequests(since).map((request) => `${request.method} ${request.operationId ?? request.path}`);
