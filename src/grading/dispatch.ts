// Plans the `workflow_dispatch` that starts a grading run: which repository and workflow, which
// inputs, and the pending record the results are later checked against. Pure: the app sends the
// request through src/github and keeps the record until the run's `workflow_run` event arrives.

import type { ChapterId } from '../rules/rule.ts';
import { chapterTests, workflowPath } from './config.ts';
import type { GradingMode, TestGradingConfig } from './config.ts';

/** The inputs every grading workflow declares (templates/…/grade.yml and opsgrade-tests.yml). */
export interface WorkflowInputs {
  learner_repository: string;
  learner_sha: string;
  chapter: string;
  exercise: string;
  correlation_id: string;
  time_limit_minutes: string;
}

export const WORKFLOW_INPUT_NAMES = [
  'learner_repository',
  'learner_sha',
  'chapter',
  'exercise',
  'correlation_id',
  'time_limit_minutes',
] as const satisfies readonly (keyof WorkflowInputs)[];

/** Body and path parameters of `POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches`. */
export interface DispatchRequest {
  owner: string;
  repo: string;
  workflow_id: string;
  ref: string;
  inputs: WorkflowInputs;
  /** Asks GitHub for the run id (200 instead of 204); older GitHub Enterprise Server answers 400. */
  return_run_details?: true;
}

/** A grading run the app has asked for and not yet concluded. */
export interface PendingDispatch {
  mode: GradingMode;
  /** `owner/name` of the learner's repository. */
  learnerRepository: string;
  headSha: string;
  /** Chapter key as in the configuration: `8`, `project-1`. */
  chapter: string;
  exercise: string;
  correlationId: string;
  /** `owner/name` where the workflow runs: the grader repository, or the learner's own in learner mode. */
  workflowRepository: string;
  /** `.github/workflows/grade.yml`, as `workflow_run.path` reports it. */
  workflowPath: string;
  /** ISO instant the dispatch was sent. */
  dispatchedAt: string;
  /** From the dispatch answer when `return_run_details` was accepted. */
  runId: number | undefined;
}

export interface GradingTarget {
  owner: string;
  repo: string;
  headSha: string;
  chapter: ChapterId;
  /** The learner repository's default branch: where a learner-repository workflow must live. */
  defaultBranch: string;
}

export interface PlannedDispatch {
  request: DispatchRequest;
  pending: PendingDispatch;
}

/** `opsgrade-grader` → `my-org/opsgrade-grader` (the learner's organisation); `owner/name` stays. */
export function graderRepositoryName(repository: string, learnerOwner: string): string {
  return repository.includes('/') ? repository : `${learnerOwner}/${repository}`;
}

/**
 * The dispatch for one commit of an exercise, or undefined when its chapter has no tests (then the
 * static review alone is the grade). `correlationId` must be unique per dispatch (a random UUID).
 */
export function planDispatch(config: TestGradingConfig, target: GradingTarget, options: { correlationId: string; now: Date }): PlannedDispatch | undefined {
  const tests = chapterTests(config, target.chapter);
  if (!tests) return undefined;
  const learnerRepository = `${target.owner}/${target.repo}`;
  let workflowRepository: string;
  let workflow: string;
  let ref: string;
  switch (config.mode) {
    case 'grader-repository': {
      const grader = config.graderRepository;
      if (!grader) throw new Error('grader-repository mode needs graderRepository (the schema requires it)');
      workflowRepository = graderRepositoryName(grader.repository, target.owner);
      workflow = grader.workflow;
      ref = grader.ref;
      break;
    }
    case 'learner-repository':
      workflowRepository = learnerRepository;
      workflow = config.learnerRepository.workflow;
      ref = config.learnerRepository.ref ?? target.defaultBranch;
      break;
  }
  const [owner = '', repo = ''] = workflowRepository.split('/');
  const chapter = String(target.chapter);
  const inputs: WorkflowInputs = {
    learner_repository: learnerRepository,
    learner_sha: target.headSha,
    chapter,
    exercise: tests.exercise,
    correlation_id: options.correlationId,
    time_limit_minutes: String(config.timeLimitMinutes),
  };
  return {
    request: { owner, repo, workflow_id: workflow, ref, inputs, return_run_details: true },
    pending: {
      mode: config.mode,
      learnerRepository,
      headSha: target.headSha,
      chapter,
      exercise: tests.exercise,
      correlationId: options.correlationId,
      workflowRepository,
      workflowPath: workflowPath(workflow),
      dispatchedAt: options.now.toISOString(),
      runId: undefined,
    },
  };
}

/** The same dispatch for servers that refuse `return_run_details` (400): results are then matched by correlation id. */
export function withoutRunDetails(request: DispatchRequest): DispatchRequest {
  const { return_run_details: _ignored, ...rest } = request;
  return rest;
}

/** Whether a failed dispatch should be retried without `return_run_details`. */
export function refusedRunDetails(status: number, message: string): boolean {
  return status === 400 && /return_run_details/i.test(message);
}

/** Records the run id from a 200 answer (`workflow_run_id`). */
export function withRunId(pending: PendingDispatch, runId: number): PendingDispatch {
  return { ...pending, runId };
}

/**
 * What the instructor must fix when GitHub refuses the dispatch: shown with `action_required`.
 * `status` and `message` are GitHub's answer to the dispatch request.
 */
export function explainDispatchFailure(request: DispatchRequest, status: number, message: string): string {
  const repository = `${request.owner}/${request.repo}`;
  const file = `.github/workflows/${request.workflow_id}`;
  const said = message.trim() === '' ? '' : ` (GitHub said: "${message.trim().replace(/\s+/g, ' ').slice(0, 200)}")`;
  if (status === 404) {
    return `GitHub could not find \`${file}\` in \`${repository}\`${said}. Check that the repository exists, that the OpsGrade app is installed on it, ` +
      `and that the workflow file is on the branch \`${request.ref}\` and on the default branch (GitHub only dispatches workflows the default branch knows).`;
  }
  if (status === 403) {
    return `The OpsGrade app may not start workflows in \`${repository}\`${said}. Grant it the \`actions: write\` permission (Settings → GitHub Apps → OpsGrade → Permissions) and accept the new permissions for the organisation.`;
  }
  if (status === 422 && /input/i.test(message)) {
    return `\`${file}\` in \`${repository}\` does not accept OpsGrade's inputs${said}. Its \`workflow_dispatch\` must declare exactly: ${WORKFLOW_INPUT_NAMES.map((name) => `\`${name}\``).join(', ')} (copy them from the grader template).`;
  }
  if (status === 422) {
    return `GitHub refused to start \`${file}\` in \`${repository}\` on \`${request.ref}\`${said}. Check that the branch \`${request.ref}\` exists and that the workflow has a \`workflow_dispatch\` trigger.`;
  }
  return `GitHub answered ${status} when OpsGrade started \`${file}\` in \`${repository}\`${said}. If this persists, check the workflow and the app's permissions.`;
}
