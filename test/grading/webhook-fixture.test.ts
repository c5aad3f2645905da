// The recorded `workflow_run.completed` delivery in fixtures/grading/webhooks/ (for the app's handler
// tests): GitHub's own example, retargeted to the grader repository and run by OpsGrade's dispatch.
// Regenerate with OPSGRADE_UPDATE_FIXTURES=1.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { judgeRun } from '../../src/grading/trust.ts';
import { pendingDispatch, workflowRunEvent } from './support/runs.ts';

const FILE = path.resolve(import.meta.dirname, '../../fixtures/grading/webhooks/workflow_run.completed.json');

describe('fixtures/grading/webhooks/workflow_run.completed.json', () => {
  it('is the payload the grading tests use, and a run OpsGrade trusts', () => {
    const expected = `${JSON.stringify(workflowRunEvent(), null, 2)}\n`;
    if (process.env.OPSGRADE_UPDATE_FIXTURES === '1') writeFileSync(FILE, expected);
    const recorded = readFileSync(FILE, 'utf8');
    expect(recorded).toBe(expected);
    expect(judgeRun(pendingDispatch(), JSON.parse(recorded) as ReturnType<typeof workflowRunEvent>)).toEqual({ verdict: 'counts' });
  });
});
