// Dispatching a grading run: the exact request (validated against GitHub's REST description), the
// pending record, the fallback without run details, and what the instructor reads when it fails.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

import { parseGradingConfig } from '../../src/grading/config.ts';
import type { TestGradingConfig } from '../../src/grading/config.ts';
import { explainDispatchFailure, planDispatch, refusedRunDetails, withoutRunDetails, withRunId } from '../../src/grading/dispatch.ts';
import { testsPartForDispatchFailure } from '../../src/grading/results.ts';
import { CORRELATION_ID, HEAD_SHA } from './support/runs.ts';

function config(block: Record<string, unknown>): TestGradingConfig {
  const parsed = parseGradingConfig({ chapters: { 8: { groups: [{ name: 'All', tests: ['**'], points: 10 }] } }, ...block });
  if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('\n'));
  return parsed.config;
}

const TARGET = { owner: 'opsgrade-demo', repo: 'ch08-health-ada', headSha: HEAD_SHA, chapter: 8, defaultBranch: 'trunk' } as const;
const NOW = new Date('2025-05-06T09:00:00Z');
const GRADER = config({ graderRepository: { repository: 'opsgrade-grader' }, timeLimitMinutes: 7 });

describe('planDispatch', () => {
  it('dispatches the grader workflow with the six inputs and asks for the run id', () => {
    const planned = planDispatch(GRADER, TARGET, { correlationId: CORRELATION_ID, now: NOW });
    expect(planned).toEqual({
      request: {
        owner: 'opsgrade-demo',
        repo: 'opsgrade-grader',
        workflow_id: 'grade.yml',
        ref: 'main',
        inputs: {
          learner_repository: 'opsgrade-demo/ch08-health-ada',
          learner_sha: HEAD_SHA,
          chapter: '8',
          exercise: 'chapter-8',
          correlation_id: CORRELATION_ID,
          time_limit_minutes: '7',
        },
        return_run_details: true,
      },
      pending: {
        mode: 'grader-repository',
        learnerRepository: 'opsgrade-demo/ch08-health-ada',
        headSha: HEAD_SHA,
        chapter: '8',
        exercise: 'chapter-8',
        correlationId: CORRELATION_ID,
        workflowRepository: 'opsgrade-demo/opsgrade-grader',
        workflowPath: '.github/workflows/grade.yml',
        dispatchedAt: '2025-05-06T09:00:00.000Z',
        runId: undefined,
      },
    });
  });

  it('sends a body GitHub accepts, and reads the run id from its answer', () => {
    const spec = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../node_modules/@octokit/openapi/generated/api.github.com.deref.json'), 'utf8')) as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: object }> }; responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
    };
    const operation = spec.paths['/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches']?.post;
    if (!operation) throw new Error('the dispatch operation is missing from the REST description');
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validateBody = ajv.compile(operation.requestBody.content['application/json']?.schema ?? {});
    const planned = planDispatch(GRADER, TARGET, { correlationId: CORRELATION_ID, now: NOW });
    if (!planned) throw new Error('chapter 8 has tests');
    const { owner: _owner, repo: _repo, workflow_id: _workflow, ...body } = planned.request;
    expect(validateBody(body)).toBe(true);
    const { owner: _o, repo: _r, workflow_id: _w, ...fallback } = withoutRunDetails(planned.request);
    expect(validateBody(fallback)).toBe(true);
    expect(Object.keys(body.inputs).length).toBeLessThanOrEqual(25);
    const answer = { workflow_run_id: 14_820_391_227, run_url: 'https://api.github.com/repos/opsgrade-demo/opsgrade-grader/actions/runs/14820391227', html_url: 'https://github.com/opsgrade-demo/opsgrade-grader/actions/runs/14820391227' };
    expect(ajv.compile(operation.responses['200']?.content?.['application/json']?.schema ?? {})(answer)).toBe(true);
    expect(withRunId(planned.pending, answer.workflow_run_id).runId).toBe(14_820_391_227);
  });

  it('uses an owner/name grader repository as written, and another ref and workflow', () => {
    const planned = planDispatch(config({ graderRepository: { repository: 'teachers/grading', workflow: 'ch.yml', ref: 'spring-2025' } }), TARGET, { correlationId: CORRELATION_ID, now: NOW });
    expect([planned?.request.owner, planned?.request.repo, planned?.request.workflow_id, planned?.request.ref, planned?.pending.workflowPath])
      .toEqual(['teachers', 'grading', 'ch.yml', 'spring-2025', '.github/workflows/ch.yml']);
  });

  it('dispatches in the learner repository on its default branch in learner-repository mode', () => {
    const planned = planDispatch(config({ mode: 'learner-repository' }), TARGET, { correlationId: CORRELATION_ID, now: NOW });
    expect([planned?.request.owner, planned?.request.repo, planned?.request.workflow_id, planned?.request.ref, planned?.pending.mode, planned?.pending.workflowRepository])
      .toEqual(['opsgrade-demo', 'ch08-health-ada', 'opsgrade-tests.yml', 'trunk', 'learner-repository', 'opsgrade-demo/ch08-health-ada']);
  });

  it('plans nothing for a chapter without tests', () => {
    expect(planDispatch(GRADER, { ...TARGET, chapter: 7 }, { correlationId: CORRELATION_ID, now: NOW })).toBeUndefined();
  });
});

describe('when GitHub refuses the dispatch', () => {
  const request = planDispatch(GRADER, TARGET, { correlationId: CORRELATION_ID, now: NOW })!.request;

  it('retries without return_run_details only when that field was refused', () => {
    expect(refusedRunDetails(400, 'Invalid request.\n\n"return_run_details" is not a permitted key.')).toBe(true);
    expect(refusedRunDetails(400, 'Required input \'chapter\' not provided')).toBe(false);
    expect(withoutRunDetails(request)).not.toHaveProperty('return_run_details');
  });

  it('tells the instructor what to fix, and concludes action_required', () => {
    expect(explainDispatchFailure(request, 404, 'Not Found')).toBe(
      'GitHub could not find `.github/workflows/grade.yml` in `opsgrade-demo/opsgrade-grader` (GitHub said: "Not Found"). Check that the repository exists, that the OpsGrade app is installed on it, ' +
      'and that the workflow file is on the branch `main` and on the default branch (GitHub only dispatches workflows the default branch knows).');
    expect(explainDispatchFailure(request, 403, 'Resource not accessible by integration')).toBe(
      'The OpsGrade app may not start workflows in `opsgrade-demo/opsgrade-grader` (GitHub said: "Resource not accessible by integration"). Grant it the `actions: write` permission (Settings → GitHub Apps → OpsGrade → Permissions) and accept the new permissions for the organisation.');
    expect(explainDispatchFailure(request, 422, 'Unexpected inputs provided: ["correlation_id"]')).toBe(
      '`.github/workflows/grade.yml` in `opsgrade-demo/opsgrade-grader` does not accept OpsGrade\'s inputs (GitHub said: "Unexpected inputs provided: ["correlation_id"]"). Its `workflow_dispatch` must declare exactly: `learner_repository`, `learner_sha`, `chapter`, `exercise`, `correlation_id`, `time_limit_minutes` (copy them from the grader template).');
    expect(explainDispatchFailure(request, 422, 'No ref found for: main')).toBe(
      'GitHub refused to start `.github/workflows/grade.yml` in `opsgrade-demo/opsgrade-grader` on `main` (GitHub said: "No ref found for: main"). Check that the branch `main` exists and that the workflow has a `workflow_dispatch` trigger.');
    expect(testsPartForDispatchFailure(request, 500, '')).toEqual({
      status: 'errored', problem: 'could-not-start', detail: 'GitHub answered 500 when OpsGrade started `.github/workflows/grade.yml` in `opsgrade-demo/opsgrade-grader`. If this persists, check the workflow and the app\'s permissions.',
    });
  });
});
