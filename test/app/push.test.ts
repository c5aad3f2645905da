// End to end through the real app: a signed push webhook → check run created in_progress → tarball
// → review (worker thread, real rules) → check run concluded with score, summary and annotations.
// Every request the app sends is validated against GitHub's OpenAPI description.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadRubric } from '../../src/rules/load.ts';
import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { gradeTitle } from '../../src/github/payloads.ts';
import { expectedReview, serveCommit, setCourseConfig, SHA, WEAK_REPO } from './support/scenario.ts';
import { branchDeletionPayload, DEFAULT_TARGET, pushPayload, tagPushPayload } from './support/webhooks.ts';

let harness: Harness;

beforeEach(async () => {
  harness = await startApp();
});

afterEach(async () => {
  await harness.close();
  expect(harness.fake.problems).toEqual([]);
});

describe('push', () => {
  it('reviews a branch push and concludes the check run with the score, summary and annotations', async () => {
    const { fake } = harness;
    setCourseConfig(fake);
    await serveCommit(fake, { sha: SHA.first, folder: WEAK_REPO });

    const delivery = await harness.deliver('push', pushPayload({ sha: SHA.first }));
    expect(delivery.status).toBe(200);
    await harness.settle();

    const runs = fake.checkRunsFor(SHA.first);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    const expected = await expectedReview(fake, SHA.first, 8);
    expect(run.name).toBe('OpsGrade');
    expect(run.status).toBe('completed');
    expect(run.conclusion).toBe('failure');
    expect(run.title).toBe(gradeTitle(expected));
    expect(run.title).toMatch(/^Chapter 8: \d+(\.\d)?% \(pass mark 70%, not passed yet\)$/);
    expect(run.external_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.actions).toEqual([{ label: 'Re-run review', description: 'Review this commit again', identifier: 'rerun' }]);
    expect(run.summary).toMatch(/^## ❌ OpsGrade: \d+(\.\d)?\/100, not passed yet\n/);
    expect(run.summary).toContain('Graded as exercise `healthcheck`, matched by repository name.');
    const titles = new Map((await loadRubric()).rules.map((rule) => [rule.id, `${rule.title} (${rule.id})`]));
    // The fixture's three problems are annotated where they are, most severe first.
    expect(run.annotations.map((annotation) => [annotation.path, annotation.start_line, annotation.start_column, annotation.annotation_level, annotation.title])).toEqual([
      ['src/healthcheck/check.py', 11, 16, 'failure', titles.get('http-call-without-timeout')],
      ['src/healthcheck/check.py', 20, 9, 'warning', titles.get('exit-builtin-in-script')],
      ['src/healthcheck/check.py', 12, 5, 'notice', titles.get('logging-eager-formatting')],
    ]);
    expect(run.annotations.map((annotation) => annotation.message).sort()).toEqual(expected.findings.filter((finding) => finding.path).map((finding) => finding.message).sort());

    // The first review of an organisation also reads its configuration; the token is cached after.
    expect(fake.apiRequests().map((request) => `${request.method} ${request.operationId ?? request.path}`)).toEqual([
      'POST apps/create-installation-access-token',
      'POST checks/create',
      'GET repos/get-content',
      'GET repos/download-tarball-archive',
      'PATCH checks/update',
    ]);
  });

  it('makes 3 + ceil(annotations / 50) calls for a later push: token, creation, tarball, completion', async () => {
    const { fake } = harness;
    setCourseConfig(fake);
    await serveCommit(fake, { sha: SHA.first, folder: WEAK_REPO });
    await serveCommit(fake, { sha: SHA.second, folder: WEAK_REPO });
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.settle();
    const before = performance.now();
    await harness.deliver('push', pushPayload({ sha: SHA.second }, SHA.first));
    await harness.settle();
    const calls = fake.apiRequests(before).map((request) => `${request.method} ${request.operationId ?? request.path}`);
    expect(calls).toEqual(['POST checks/create', 'GET repos/download-tarball-archive', 'PATCH checks/update']);
  });

  it('ignores tag pushes and branch deletions without calling GitHub', async () => {
    const tag = await harness.deliver('push', tagPushPayload());
    const deletion = await harness.deliver('push', branchDeletionPayload());
    await harness.settle();
    expect([tag.status, deletion.status]).toEqual([200, 200]);
    expect(harness.fake.requests).toEqual([]);
  });

  it('rejects an unsigned or wrongly signed delivery and calls nothing', async () => {
    const payload = pushPayload({ sha: SHA.first });
    const unsigned = await harness.deliver('push', payload, { signature: null });
    const wrong = await harness.deliver('push', payload, { signature: `sha256=${'0'.repeat(64)}` });
    await harness.settle();
    expect(unsigned.status).toBe(400);
    expect(wrong.status).toBe(400);
    expect(harness.fake.requests).toEqual([]);
    expect(harness.fake.checkRuns.size).toBe(0);
  });

  it('logs structured lines with the delivery id, repository and commit', async () => {
    setCourseConfig(harness.fake);
    await serveCommit(harness.fake, { sha: SHA.first, folder: WEAK_REPO });
    await harness.deliver('push', pushPayload({ sha: SHA.first }), { id: 'delivery-log-1' });
    await harness.settle();
    const finished = harness.logs.find((line) => line.msg === 'review finished');
    expect(finished).toMatchObject({ deliveryId: 'delivery-log-1', repo: `${DEFAULT_TARGET.owner}/${DEFAULT_TARGET.repo}`, sha: SHA.first, outcome: 'failure' });
  });
});
