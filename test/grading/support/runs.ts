// Realistic grading-run data for the tests: a pending dispatch, `workflow_run.completed` payloads
// built from GitHub's own example (@octokit/webhooks-examples) and the manifest such a run writes.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { ResultsManifest } from '../../../src/grading/artifact.ts';
import type { PendingDispatch } from '../../../src/grading/dispatch.ts';
import { runNameFor } from '../../../src/grading/trust.ts';
import type { WorkflowRunEvent } from '../../../src/grading/trust.ts';

export const ORG = 'opsgrade-demo';
export const LEARNER_REPOSITORY = `${ORG}/ch08-health-ada`;
export const GRADER_REPOSITORY = `${ORG}/opsgrade-grader`;
export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const OTHER_SHA = '0f9e8d7c6b5a49382716f5e4d3c2b1a098765432';
export const CORRELATION_ID = '3f1c9a52-7b0e-4d6a-9c1e-2b8f5d7a9e10';
export const DISPATCHED_AT = '2025-05-06T09:00:00.000Z';
export const RUN_ID = 14_820_391_227;
export const INSTALLATION_ID = 4242;

export function pendingDispatch(overrides: Partial<PendingDispatch> = {}): PendingDispatch {
  return {
    mode: 'grader-repository',
    learnerRepository: LEARNER_REPOSITORY,
    headSha: HEAD_SHA,
    chapter: '8',
    exercise: 'chapter-8',
    correlationId: CORRELATION_ID,
    workflowRepository: GRADER_REPOSITORY,
    workflowPath: '.github/workflows/grade.yml',
    dispatchedAt: DISPATCHED_AT,
    runId: RUN_ID,
    ...overrides,
  };
}

type Payload = WorkflowRunEvent & Record<string, unknown>;

const EXAMPLES = path.resolve(import.meta.dirname, '../../../node_modules/@octokit/webhooks-examples/api.github.com/index.json');

let example: Payload | undefined;

/** GitHub's example of a completed run with `path`, `display_title` and `run_attempt` (a deep copy). */
function exampleCompletedRun(): Payload {
  if (example === undefined) {
    const groups = JSON.parse(readFileSync(EXAMPLES, 'utf8')) as { name: string; examples: Payload[] }[];
    example = groups.find((group) => group.name === 'workflow_run')?.examples
      .find((candidate) => candidate.action === 'completed' && typeof candidate.workflow_run.display_title === 'string');
    if (!example) throw new Error('no completed workflow_run example with a display_title');
  }
  return structuredClone(example);
}

export interface RunFields {
  repository?: string;
  path?: string;
  event?: string;
  id?: number;
  runAttempt?: number;
  createdAt?: string;
  displayTitle?: string;
  headSha?: string;
  conclusion?: string | null;
  action?: string;
}

/**
 * A `workflow_run.completed` delivery as GitHub sends it for OpsGrade's grading run, with any field
 * changed: the attacks below are this payload with one or two fields swapped.
 */
export function workflowRunEvent(fields: RunFields = {}): Payload {
  const payload = exampleCompletedRun();
  const repository = fields.repository ?? GRADER_REPOSITORY;
  const [owner, name] = repository.split('/') as [string, string];
  const id = fields.id ?? RUN_ID;
  const retarget = (value: Record<string, unknown>) => ({
    ...value,
    name,
    full_name: repository,
    owner: { ...(value.owner as Record<string, unknown>), login: owner },
    html_url: `https://github.com/${repository}`,
    url: `https://api.github.com/repos/${repository}`,
  });
  payload.action = fields.action ?? 'completed';
  // Deliveries to an app carry its installation; the example predates that field.
  payload.installation = { id: INSTALLATION_ID, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
  if (payload.organization) payload.organization = { ...(payload.organization as Record<string, unknown>), login: owner };
  payload.repository = retarget(payload.repository);
  const run = payload.workflow_run as unknown as Record<string, unknown>;
  Object.assign(run, {
    id,
    name: 'OpsGrade grade',
    path: fields.path ?? '.github/workflows/grade.yml',
    event: fields.event ?? 'workflow_dispatch',
    run_attempt: fields.runAttempt ?? 1,
    created_at: fields.createdAt ?? '2025-05-06T09:00:04Z',
    run_started_at: fields.createdAt ?? '2025-05-06T09:00:04Z',
    updated_at: '2025-05-06T09:01:37Z',
    // A dispatched run's head is the grader repository's branch, not the learner's commit.
    head_sha: fields.headSha ?? '9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4938271605',
    head_branch: 'main',
    display_title: fields.displayTitle ?? runNameFor({ correlation_id: CORRELATION_ID, learner_repository: LEARNER_REPOSITORY, learner_sha: HEAD_SHA }),
    status: 'completed',
    conclusion: fields.conclusion === undefined ? 'success' : fields.conclusion,
    html_url: `https://github.com/${repository}/actions/runs/${id}`,
    artifacts_url: `https://api.github.com/repos/${repository}/actions/runs/${id}/artifacts`,
    repository: retarget(run.repository as Record<string, unknown>),
    head_repository: retarget(run.head_repository as Record<string, unknown>),
  });
  return payload;
}

/** The manifest the template's "Write the manifest" step writes for `event`'s run. */
export function manifestFor(event: WorkflowRunEvent, overrides: Partial<ResultsManifest> = {}): ResultsManifest {
  return {
    schemaVersion: 1,
    learnerRepository: LEARNER_REPOSITORY,
    learnerSha: HEAD_SHA,
    chapter: '8',
    exercise: 'chapter-8',
    correlationId: CORRELATION_ID,
    workflow: { repository: event.repository.full_name, path: event.workflow_run.path, runId: event.workflow_run.id, runAttempt: event.workflow_run.run_attempt },
    pytest: { exitCode: 1, timedOut: false },
    ...overrides,
  };
}
