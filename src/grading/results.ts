// From a finished grading run to the tests part of a grade: what to do with a `workflow_run` event
// (ignore it, conclude without results, or download the artifact), then artifact → trust → JUnit →
// points. Pure; the app downloads, and every failure becomes an errored tests part, never a crash.

import { ArtifactError, readResultsArtifact, RESULTS_ARTIFACT_NAME } from './artifact.ts';
import type { ArtifactLimits } from './artifact.ts';
import type { ChapterTests } from './config.ts';
import { explainDispatchFailure } from './dispatch.ts';
import type { DispatchRequest, PendingDispatch } from './dispatch.ts';
import { JUnitError, parseJUnit } from './junit.ts';
import { formatInstant, pytestExitMeaning } from './messages.ts';
import type { RateDecision } from './rate-limit.ts';
import { scoreTests } from './score.ts';
import type { TestsPart } from './score.ts';
import { judgeManifest, judgeRun } from './trust.ts';
import type { RejectionReason, WorkflowRunEvent } from './trust.ts';

export type RunAssessment =
  /** Not a run whose results may count: leave the check run alone (log the message). */
  | { action: 'ignore'; reason: RejectionReason; message: string }
  /** Our run, but it produced no results to read: conclude with this tests part. */
  | { action: 'conclude'; tests: TestsPart }
  /** Our run finished: list its artifacts, download `artifactName` at once, then call `testsPartFromArtifact`. */
  | { action: 'download'; artifactName: string };

/** Step 1, on `workflow_run.completed` for a run `PendingGrades.forRun` matched. */
export function assessWorkflowRun(pending: PendingDispatch, event: WorkflowRunEvent): RunAssessment {
  const verdict = judgeRun(pending, event);
  if (verdict.verdict === 'rejected') return { action: 'ignore', reason: verdict.reason, message: verdict.message };
  const run = event.workflow_run;
  const conclusion = run.conclusion ?? 'unknown';
  switch (conclusion) {
    case 'success':
      return { action: 'download', artifactName: RESULTS_ARTIFACT_NAME };
    case 'cancelled':
      return { action: 'conclude', tests: { status: 'errored', problem: 'cancelled', detail: `Run ${run.id} was cancelled.` } };
    case 'timed_out':
      return { action: 'conclude', tests: { status: 'errored', problem: 'tests-timed-out', detail: `Run ${run.id} hit its job time limit.` } };
    default:
      return { action: 'conclude', tests: { status: 'errored', problem: 'run-failed', detail: `Run ${run.id} concluded \`${conclusion}\`; its log is in ${event.repository.full_name} (Actions tab).` } };
  }
}

export interface ArtifactInput {
  pending: PendingDispatch;
  event: WorkflowRunEvent;
  /** The artifact zip, or undefined when the run uploaded no `opsgrade-results` artifact. */
  artifact: Uint8Array | undefined;
  chapter: ChapterTests;
  now: Date;
  revealHiddenAt: Date | undefined;
  limits?: ArtifactLimits;
}

/** Step 2: the downloaded artifact → a graded (or practice) tests part, or an errored one saying why. */
export function testsPartFromArtifact(input: ArtifactInput): TestsPart {
  const { pending, event } = input;
  if (input.artifact === undefined) {
    return { status: 'errored', problem: 'malformed-results', detail: `Run ${event.workflow_run.id} uploaded no \`${RESULTS_ARTIFACT_NAME}\` artifact.` };
  }
  let artifact;
  try {
    artifact = readResultsArtifact(input.artifact, input.limits);
  } catch (error) {
    if (error instanceof ArtifactError) return { status: 'errored', problem: 'malformed-results', detail: error.message };
    throw error;
  }
  const verdict = judgeManifest(pending, event, artifact.manifest);
  if (verdict.verdict === 'rejected') return { status: 'errored', problem: 'untrusted-results', detail: verdict.message };

  const { pytest } = artifact.manifest;
  if (pytest.timedOut) return { status: 'errored', problem: 'tests-timed-out', detail: undefined };
  if (pytest.exitCode !== 0 && pytest.exitCode !== 1) {
    return { status: 'errored', problem: 'tests-did-not-run', detail: `pytest exit code ${pytest.exitCode}: ${pytestExitMeaning(pytest.exitCode)}.` };
  }
  if (artifact.junitXml === undefined) {
    return { status: 'errored', problem: 'malformed-results', detail: `pytest exited with ${pytest.exitCode} but wrote no \`junit.xml\` into the results artifact.` };
  }
  let results;
  try {
    results = parseJUnit(artifact.junitXml);
  } catch (error) {
    if (error instanceof JUnitError) return { status: 'errored', problem: 'malformed-results', detail: error.message };
    throw error;
  }
  const score = scoreTests(results, input.chapter, { now: input.now, revealHiddenAt: input.revealHiddenAt });
  return { status: verdict.verdict === 'practice' ? 'practice' : 'graded', score };
}

/** GitHub refused the dispatch: the instructor must fix the workflow or the app's permissions. */
export function testsPartForDispatchFailure(request: DispatchRequest, status: number, message: string): TestsPart {
  return { status: 'errored', problem: 'could-not-start', detail: explainDispatchFailure(request, status, message) };
}

/** GitHub's rate limit refused the dispatch: nobody has to fix anything, the tests just did not run. */
export function testsPartForRateLimitedDispatch(message: string): TestsPart {
  return { status: 'errored', problem: 'rate-limited', detail: `GitHub said: "${message.slice(0, 200)}"` };
}

/** No result arrived before the pending grade expired. */
export function testsPartForMissingResult(pending: PendingDispatch, resultTimeoutMinutes: number): TestsPart {
  return { status: 'errored', problem: 'no-result', detail: `No result arrived within ${resultTimeoutMinutes} minutes of the dispatch at ${formatInstant(new Date(pending.dispatchedAt))}.` };
}

/** The learner repository has used its graded runs for the hour: no dispatch, say when the next is possible. */
export function testsPartForRateLimit(decision: Extract<RateDecision, { allowed: false }>, runsPerHour: number): TestsPart {
  return { status: 'rate-limited', runsPerHour, nextRunAt: decision.nextAllowedAt.toISOString() };
}
