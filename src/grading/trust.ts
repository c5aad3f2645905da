// Decides whether a finished workflow run's results may count, before and after its artifact is
// read. Results count only from the configured workflow file, in the configured repository, started
// by our dispatch (first attempt, after the dispatch), for the exact learner commit. Pure.

import type { ResultsManifest } from './artifact.ts';
import type { PendingDispatch } from './dispatch.ts';

/** The parts of a `workflow_run` webhook payload the decision reads. */
export interface WorkflowRunEvent {
  action?: string;
  repository: { full_name: string };
  workflow_run: {
    id: number;
    path: string;
    head_sha: string;
    display_title: string;
    run_attempt: number;
    event: string;
    created_at: string;
    status: string | null;
    conclusion: string | null;
  };
}

/** First word of every grading run's name; the templates' `run-name` is `opsgrade <correlation id> <repo>@<sha>`. */
export const RUN_NAME_PREFIX = 'opsgrade';

/** GitHub's clock and ours may differ a little; a run created this long before the dispatch still counts. */
export const DISPATCH_CLOCK_SKEW_MS = 60_000;

/** The run name the templates produce for these inputs (the templates' `run-name` is tested against it). */
export function runNameFor(inputs: { correlation_id: string; learner_repository: string; learner_sha: string }): string {
  return `${RUN_NAME_PREFIX} ${inputs.correlation_id} ${inputs.learner_repository}@${inputs.learner_sha}`;
}

export interface RunTitle {
  correlationId: string;
  learnerRepository: string | undefined;
  learnerSha: string | undefined;
}

/** Reads a grading run's display title; undefined for runs that are not OpsGrade's. */
export function parseRunTitle(displayTitle: string): RunTitle | undefined {
  const found = /^opsgrade ([A-Za-z0-9-]{8,64})(?: (\S+)@([0-9a-f]{40}))?$/.exec(displayTitle.trim());
  if (!found) return undefined;
  return { correlationId: found[1] ?? '', learnerRepository: found[2], learnerSha: found[3] };
}

export type RejectionReason =
  | 'not-completed'
  | 'wrong-repository'
  | 'wrong-workflow'
  | 'not-dispatched'
  | 'run-id-mismatch'
  | 'correlation-mismatch'
  | 're-run'
  | 'started-before-dispatch'
  | 'sha-mismatch'
  | 'manifest-mismatch';

export type RunVerdict =
  /** Trusted: the results count towards the grade. */
  | { verdict: 'counts' }
  /** Learner-repository mode: the run is ours, but the learner could edit it, so it is practice. */
  | { verdict: 'practice' }
  | { verdict: 'rejected'; reason: RejectionReason; message: string };

const sameRepository = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
/** Newer payloads may append `@ref` to the path of a workflow file. */
const pathOf = (path: string) => path.replace(/@.*$/, '');

function rejected(reason: RejectionReason, message: string): RunVerdict {
  return { verdict: 'rejected', reason, message };
}

/** Whether this run is the one `pending` asked for (by run id, else by correlation id in its title). */
export function isRunFor(pending: PendingDispatch, event: WorkflowRunEvent): boolean {
  if (pending.runId !== undefined && event.workflow_run.id === pending.runId) return true;
  return parseRunTitle(event.workflow_run.display_title)?.correlationId === pending.correlationId;
}

/** The decision from the `workflow_run` payload alone, before anything is downloaded. */
export function judgeRun(pending: PendingDispatch, event: WorkflowRunEvent): RunVerdict {
  const run = event.workflow_run;
  const where = event.repository.full_name;
  if (event.action !== undefined && event.action !== 'completed') {
    return rejected('not-completed', `Run ${run.id} is ${event.action}, not completed; results are read only from completed runs.`);
  }
  if (!sameRepository(where, pending.workflowRepository)) {
    return rejected('wrong-repository', pending.mode === 'grader-repository'
      ? `Run ${run.id} ran in ${where}, not in the grader repository ${pending.workflowRepository}; only the instructor's grading workflow can grade, so its results do not count.`
      : `Run ${run.id} ran in ${where}, not in ${pending.workflowRepository} where OpsGrade started the tests; its results do not count.`);
  }
  if (pathOf(run.path) !== pending.workflowPath) {
    return rejected('wrong-workflow', `Run ${run.id} comes from ${pathOf(run.path)}, not from the configured workflow ${pending.workflowPath}; its results do not count.`);
  }
  if (run.event !== 'workflow_dispatch') {
    return rejected('not-dispatched', `Run ${run.id} was started by a ${run.event} event, not by OpsGrade's workflow_dispatch; its results do not count.`);
  }
  const title = parseRunTitle(run.display_title);
  if (pending.runId !== undefined && run.id !== pending.runId) {
    return rejected('run-id-mismatch', `Run ${run.id} is not run ${pending.runId}, which OpsGrade started for ${pending.learnerRepository}@${pending.headSha.slice(0, 7)}; its results do not count.`);
  }
  if (pending.runId === undefined && title?.correlationId !== pending.correlationId) {
    return rejected('correlation-mismatch', `Run ${run.id} is named "${run.display_title}", which does not carry the correlation id ${pending.correlationId} of OpsGrade's dispatch; its results do not count.`);
  }
  if (title !== undefined && title.correlationId !== pending.correlationId) {
    return rejected('correlation-mismatch', `Run ${run.id} carries the correlation id ${title.correlationId}, not ${pending.correlationId}; its results do not count.`);
  }
  if (run.run_attempt !== 1) {
    return rejected('re-run', `Run ${run.id} is attempt ${run.run_attempt}: a re-run repeats an old grading run, so only the first attempt counts.`);
  }
  const created = Date.parse(run.created_at);
  if (Number.isNaN(created) || created < Date.parse(pending.dispatchedAt) - DISPATCH_CLOCK_SKEW_MS) {
    return rejected('started-before-dispatch', `Run ${run.id} was created at ${run.created_at}, before OpsGrade's dispatch at ${pending.dispatchedAt}; its results do not count.`);
  }
  if (title?.learnerSha !== undefined && (title.learnerSha !== pending.headSha || !sameRepository(title.learnerRepository ?? '', pending.learnerRepository))) {
    return rejected('sha-mismatch', `Run ${run.id} tested ${title.learnerRepository ?? '?'}@${title.learnerSha.slice(0, 7)}, not ${pending.learnerRepository}@${pending.headSha.slice(0, 7)}; its results do not count.`);
  }
  switch (pending.mode) {
    case 'grader-repository':
      return { verdict: 'counts' };
    case 'learner-repository':
      return { verdict: 'practice' };
  }
}

/** The decision once the manifest is read: it must describe this very run and the learner's commit. */
export function judgeManifest(pending: PendingDispatch, event: WorkflowRunEvent, manifest: ResultsManifest): RunVerdict {
  const verdict = judgeRun(pending, event);
  if (verdict.verdict === 'rejected') return verdict;
  const run = event.workflow_run;
  if (manifest.learnerSha !== pending.headSha || !sameRepository(manifest.learnerRepository, pending.learnerRepository)) {
    return rejected('sha-mismatch', `The results of run ${run.id} are for ${manifest.learnerRepository}@${manifest.learnerSha.slice(0, 7)}, not ${pending.learnerRepository}@${pending.headSha.slice(0, 7)}; they do not count.`);
  }
  const mismatches: string[] = [];
  if (manifest.correlationId !== pending.correlationId) mismatches.push(`correlation id ${manifest.correlationId} instead of ${pending.correlationId}`);
  if (manifest.chapter !== pending.chapter) mismatches.push(`chapter ${manifest.chapter} instead of ${pending.chapter}`);
  if (manifest.workflow.runId !== run.id) mismatches.push(`run ${manifest.workflow.runId} instead of ${run.id}`);
  if (manifest.workflow.runAttempt !== run.run_attempt) mismatches.push(`attempt ${manifest.workflow.runAttempt} instead of ${run.run_attempt}`);
  if (!sameRepository(manifest.workflow.repository, event.repository.full_name)) mismatches.push(`repository ${manifest.workflow.repository} instead of ${event.repository.full_name}`);
  if (manifest.workflow.path !== pathOf(run.path)) mismatches.push(`workflow ${manifest.workflow.path} instead of ${pathOf(run.path)}`);
  if (mismatches.length > 0) {
    return rejected('manifest-mismatch', `The manifest of run ${run.id} does not describe that run (${mismatches.join('; ')}); its results do not count.`);
  }
  return verdict;
}
