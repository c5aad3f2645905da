// Pull-request commands (`/opsgrade recheck`, `/opsgrade explain <rule-id>`), comments the app must
// not react to, and installation events, which are logged and post nothing.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadRubric } from '../../src/rules/load.ts';
import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { patchAdding, readFixture, serveCommit, setCourseConfig, SHA, WEAK_REPO } from './support/scenario.ts';
import { DEFAULT_TARGET, installationPayload, installationRepositoriesPayload, issueCommentPayload } from './support/webhooks.ts';

let harness: Harness;
const PR = 7;

beforeEach(async () => {
  harness = await startApp();
  setCourseConfig(harness.fake);
});

afterEach(async () => {
  await harness.close();
  expect(harness.fake.problems).toEqual([]);
});

describe('commands in pull-request comments', () => {
  it('/opsgrade explain <rule-id> answers with the rule documentation', async () => {
    await harness.deliver('issue_comment', issueCommentPayload('/opsgrade explain http-call-without-timeout', PR));
    await harness.settle();
    const rule = (await loadRubric()).rules.find((candidate) => candidate.id === 'http-call-without-timeout');
    const replies = harness.fake.issueComments.filter((comment) => comment.issue === PR);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.body.split('\n').slice(0, 5)).toEqual([
      `### ${rule?.title} (\`http-call-without-timeout\`)`, '', `**What it finds:** ${rule?.docs.what}`, '', `**Why it matters:** ${rule?.docs.why}`,
    ]);
    // The same rule-reference link the check run uses.
    expect(replies[0]?.body.split('\n').at(-1)).toMatch(/^\[Rule reference\]\(https:\/\/\S+\/08\.md#http-call-without-timeout\)$/);
    expect(harness.fake.apiRequests().map((request) => `${request.method} ${request.operationId}`)).toEqual([
      'POST apps/create-installation-access-token', 'POST issues/create-comment',
    ]);
  });

  it('/opsgrade recheck reviews the pull request head again', async () => {
    const { fake } = harness;
    const text = readFixture(WEAK_REPO, 'src/healthcheck/check.py');
    await serveCommit(fake, { sha: SHA.first, folder: WEAK_REPO });
    fake.pullHeads.set(`${DEFAULT_TARGET.owner}/${DEFAULT_TARGET.repo}#${PR}`, { sha: SHA.first, ref: 'feature', state: 'open' });
    fake.pullFiles.set(`${DEFAULT_TARGET.owner}/${DEFAULT_TARGET.repo}#${PR}`, [{ filename: 'src/healthcheck/check.py', status: 'modified', patch: patchAdding(text, [10, 13]) }]);
    await harness.deliver('issue_comment', issueCommentPayload('/opsgrade recheck', PR));
    await harness.settle();
    expect(fake.checkRunsFor(SHA.first).map((run) => run.conclusion)).toEqual(['failure']);
    expect(fake.reviews.map((review) => review.comments.length)).toEqual([2]);
  });

  it('ignores other comments, comments by bots (its own included), and unknown commands', async () => {
    await harness.deliver('issue_comment', issueCommentPayload('Looks good to me', PR));
    await harness.deliver('issue_comment', issueCommentPayload('/opsgrade explain http-call-without-timeout', PR, {}, 'Bot'));
    await harness.deliver('issue_comment', issueCommentPayload('/opsgrade grade-me-100', PR));
    await harness.settle();
    expect(harness.fake.requests).toEqual([]);
  });
});

describe('installation events', () => {
  it('are logged and post nothing', async () => {
    await harness.deliver('installation', installationPayload());
    await harness.deliver('installation_repositories', installationRepositoriesPayload());
    await harness.settle();
    expect(harness.fake.requests).toEqual([]);
    expect(harness.logs.filter((line) => line.msg === 'installation changed').map((line) => [line.event, line.installationId, line.added])).toEqual([
      ['installation.created', 4242, undefined],
      ['installation_repositories.added', 4242, ['opsgrade-demo/weak-ops']],
    ]);
  });
});
