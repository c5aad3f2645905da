// Grading bodies as data: the dispatch body, the tests check run created in progress or already
// concluded (validated against GitHub's OpenAPI description), and the summary comment's tests section.

import { describe, expect, it } from 'vitest';

import { testsCheckRunCompleted, testsCheckRunStarted } from '../../src/grading/check-run.ts';
import type { DispatchRequest, PendingDispatch } from '../../src/grading/dispatch.ts';
import { combineGrade } from '../../src/grading/score.ts';
import {
  COMMENT_LIMIT, dispatchBody, summaryCommentBody, testsCheckRunConcludedBody, testsCheckRunStartBody, testsCompletion, TESTS_RUNNING_SECTION, TESTS_SECTION_LIMIT,
} from '../../src/github/payloads.ts';
import { validateRestRequest } from '../app/support/openapi.ts';
import { report } from './support/report.ts';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const REQUEST: DispatchRequest = {
  owner: 'my-org', repo: 'opsgrade-grader', workflow_id: 'grade.yml', ref: 'main', return_run_details: true,
  inputs: { learner_repository: 'my-org/ch08-ada', learner_sha: SHA, chapter: '8', exercise: 'chapter-8', correlation_id: '3f1c9a52-7b0e-4d6a-9c1e-2b8f5d7a9e10', time_limit_minutes: '10' },
};
const PENDING: PendingDispatch = {
  mode: 'grader-repository', learnerRepository: 'my-org/ch08-ada', headSha: SHA, chapter: '8', exercise: 'chapter-8', correlationId: REQUEST.inputs.correlation_id,
  workflowRepository: 'my-org/opsgrade-grader', workflowPath: '.github/workflows/grade.yml', dispatchedAt: '2025-05-06T09:00:00.000Z', runId: undefined,
};
const GRADE = combineGrade({ chapter: 8, title: 'HTTP and REST APIs', threshold: 70, percent: 55.6, passed: false } as Parameters<typeof combineGrade>[0],
  { status: 'rate-limited', runsPerHour: 6, nextRunAt: '2025-05-06T10:00:00.000Z' }, { static: 50, tests: 50 });

describe('the dispatch body', () => {
  it('carries the ref, the six string inputs and return_run_details, and nothing else', () => {
    const body = dispatchBody(REQUEST);
    expect(body).toEqual({ ref: 'main', inputs: REQUEST.inputs, return_run_details: true });
    expect(validateRestRequest('POST', '/repos/my-org/opsgrade-grader/actions/workflows/grade.yml/dispatches', body)).toEqual({ operationId: 'actions/create-workflow-dispatch', problems: [] });
    const { return_run_details: _dropped, ...fallback } = REQUEST;
    expect(dispatchBody(fallback)).toEqual({ ref: 'main', inputs: REQUEST.inputs });
  });
});

describe('the tests check run', () => {
  it('is created in progress with the correlation id as external_id', () => {
    const body = testsCheckRunStartBody(testsCheckRunStarted(PENDING), SHA, new Date('2025-05-06T09:00:01Z'));
    expect(body).toEqual({
      name: 'OpsGrade tests', head_sha: SHA, status: 'in_progress', external_id: PENDING.correlationId, started_at: '2025-05-06T09:00:01.000Z',
      output: { title: 'Running the tests', summary: testsCheckRunStarted(PENDING).summary },
    });
    expect(validateRestRequest('POST', '/repos/my-org/ch08-ada/check-runs', body).problems).toEqual([]);
  });

  it('is created already concluded, with the re-run button, when no run is started', () => {
    const body = testsCheckRunConcludedBody({ name: 'OpsGrade tests', headSha: SHA, externalId: 'x1234567', at: new Date('2025-05-06T09:25:00Z'), completion: testsCheckRunCompleted(GRADE) });
    expect(body).toMatchObject({
      status: 'completed', conclusion: 'neutral', started_at: '2025-05-06T09:25:00.000Z', completed_at: '2025-05-06T09:25:00.000Z',
      output: { title: 'Tests not run: the next graded run is possible at 2025-05-06 10:00 UTC' },
      actions: [{ label: 'Re-run review', description: 'Review this commit again', identifier: 'rerun' }],
    });
    expect(validateRestRequest('POST', '/repos/my-org/ch08-ada/check-runs', body).problems).toEqual([]);
  });

  it('concludes with the grading core\'s conclusion, title and summary', () => {
    const completed = testsCheckRunCompleted(GRADE);
    expect(testsCompletion(completed)).toEqual({ conclusion: 'neutral', title: completed.title, summary: completed.summary, annotations: [], actions: [{ label: 'Re-run review', description: 'Review this commit again', identifier: 'rerun' }] });
  });
});

describe('the summary comment\'s tests section', () => {
  it('sits between the review and the notes', () => {
    const body = summaryCommentBody({ report: report([]), graded: true, render: () => '## review', notes: ['n'], headSha: SHA, tests: TESTS_RUNNING_SECTION });
    expect(body).toBe(`<!-- opsgrade:summary -->\n## review\n\n${TESTS_RUNNING_SECTION.trimEnd()}\n\n### Notes from OpsGrade\n\n- n\n\n<sub>Reviewed commit a1b2c3d. This comment is updated on every push.</sub>`);
  });

  it('is cut to its own limit and leaves the review the rest of the comment', () => {
    let budget = 0;
    const body = summaryCommentBody({
      report: report([]), graded: true, notes: [], headSha: SHA, tests: 'T'.repeat(50_000),
      render: (_report, options) => {
        budget = options.maxLength ?? 0;
        return 'S'.repeat(budget);
      },
    });
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body).toContain(`${'T'.repeat(100)}`);
    expect(body.match(/T/g)?.length).toBeLessThan(TESTS_SECTION_LIMIT);
    expect(budget).toBeLessThan(COMMENT_LIMIT - TESTS_SECTION_LIMIT);
    expect(body.endsWith('This comment is updated on every push.</sub>')).toBe(true);
  });
});
