// Pull requests end to end: review comments only on lines inside the diff, at most N by severity,
// one sticky summary comment edited in place, no repeated comments on the next push, and the app's
// own outdated comments hidden (never one somebody answered).

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { COURSE_CONFIG, expectedReview, patchAdding, serveCommit, setCourseConfig, SHA, WEAK_REPO } from './support/scenario.ts';
import { DEFAULT_TARGET, pullRequestPayload } from './support/webhooks.ts';

const CHECK_FILE = 'src/healthcheck/check.py';
const ORIGINAL = readFileSync(path.join(WEAK_REPO, CHECK_FILE), 'utf8');
/** First push of the pull request: `main()` still returns 1 instead of calling `exit(1)`. */
const V1 = ORIGINAL.replace('        exit(1)\n', '        return 1\n');
/** Second push: `exit(1)` arrives on line 20. */
const V2 = ORIGINAL;
/** Third push: the HTTP call gets its timeout. */
const V3 = ORIGINAL.replace('requests.get(url)', 'requests.get(url, timeout=10)');
const PR = 7;
const key = `${DEFAULT_TARGET.owner}/${DEFAULT_TARGET.repo}#${PR}`;

let harness: Harness;

beforeEach(async () => {
  harness = await startApp();
  setCourseConfig(harness.fake);
});

afterEach(async () => {
  await harness.close();
  expect(harness.fake.problems).toEqual([]);
});

async function pushToPullRequest(sha: string, text: string, ranges: [number, number][], action: 'opened' | 'synchronize') {
  const { fake } = harness;
  await serveCommit(fake, { sha, folder: WEAK_REPO, files: { [CHECK_FILE]: text } });
  fake.pullFiles.set(key, [
    { filename: CHECK_FILE, status: 'modified', patch: patchAdding(text, ...ranges) },
    { filename: 'logo.png', status: 'added' },
  ]);
  const before = performance.now();
  await harness.deliver('pull_request', pullRequestPayload(action, PR, { sha, branch: 'feature' }));
  await harness.settle();
  return before;
}

const marker = (body: string) => /<!-- opsgrade:fingerprint (\S+) -->/.exec(body)?.[1];

describe('pull requests', () => {
  it('comments only on changed lines, creates the summary comment, and needs 3 calls beyond the check run', async () => {
    const { fake } = harness;
    const before = await pushToPullRequest(SHA.first, V1, [[10, 13]], 'opened');

    const run = fake.checkRunsFor(SHA.first)[0];
    expect(run?.conclusion).toBe('failure');
    expect(fake.reviews).toHaveLength(1);
    const review = fake.reviews[0]!;
    expect(review.commit_id).toBe(SHA.first);
    expect(review.body).toBe('OpsGrade left 2 comments on lines this pull request changes. The full review, with the score, is in the OpsGrade check run.');
    // The timeout (line 11) and eager formatting (line 12) are in the diff; nothing else is.
    expect(review.comments.map((comment) => [comment.path, comment.line, comment.start_line])).toEqual([
      [CHECK_FILE, 11, undefined],
      [CHECK_FILE, 12, undefined],
    ]);
    const expected = await expectedReview(fake, SHA.first, 8);
    const timeout = expected.findings.find((finding) => finding.ruleId === 'http-call-without-timeout');
    expect(review.comments[0]?.body).toContain(`\n\n${timeout?.message}\n\n`);
    expect(marker(review.comments[0]!.body)).toBe(timeout?.fingerprint);
    expect(review.comments.every((comment) => marker(comment.body) !== undefined)).toBe(true);

    const summaries = fake.issueComments.filter((comment) => comment.issue === PR);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.body.startsWith('<!-- opsgrade:summary -->\n## ❌ OpsGrade:')).toBe(true);
    expect(summaries[0]?.body).toContain(`Reviewed commit ${SHA.first.slice(0, 7)}`);

    const afterCheckRun = fake.apiRequests(before).filter((request) => request.at > (run?.completedAt ?? 0));
    expect(afterCheckRun.map((request) => `${request.method} ${request.operationId}`)).toEqual([
      'GET pulls/list-files',
      'POST pulls/create-review',
      'POST issues/create-comment',
    ]);
  });

  it('keeps findings outside the diff out of the review: a file without a patch gets no comment', async () => {
    const { fake } = harness;
    await serveCommit(fake, { sha: SHA.first, folder: WEAK_REPO });
    // Only README.md changed: every finding in check.py is outside the diff.
    fake.pullFiles.set(key, [{ filename: 'README.md', status: 'modified', patch: '@@ -1,2 +1,3 @@\n # healthcheck\n+\n Checks that a service answers on its health endpoint.' }]);
    await harness.deliver('pull_request', pullRequestPayload('opened', PR, { sha: SHA.first, branch: 'feature' }));
    await harness.settle();
    expect(fake.reviews).toEqual([]);
    expect(fake.issueComments).toHaveLength(1);
    expect(fake.checkRunsFor(SHA.first)[0]?.annotations).toHaveLength(3);
  });

  it('on the next push repeats nothing, comments the new finding, and edits the summary comment in place', async () => {
    const { fake } = harness;
    await pushToPullRequest(SHA.first, V1, [[10, 13]], 'opened');
    const first = fake.reviewComments.map((comment) => marker(comment.body));
    const before = await pushToPullRequest(SHA.second, V2, [[10, 13], [20, 20]], 'synchronize');

    expect(fake.reviews).toHaveLength(2);
    const second = fake.reviews[1]!;
    expect(second.comments.map((comment) => [comment.path, comment.line])).toEqual([[CHECK_FILE, 20]]);
    expect(first).not.toContain(marker(second.comments[0]!.body));
    const summaries = fake.issueComments.filter((comment) => comment.issue === PR);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.updates).toBe(1);
    expect(summaries[0]?.body).toContain(`Reviewed commit ${SHA.second.slice(0, 7)}`);

    const run = fake.checkRunsFor(SHA.second)[0];
    const afterCheckRun = fake.apiRequests(before).filter((request) => request.at > (run?.completedAt ?? 0));
    expect(afterCheckRun.map((request) => `${request.method} ${request.operationId}`)).toEqual([
      'GET pulls/list-files',
      'POST graphql',
      'POST pulls/create-review',
      'PATCH issues/update-comment',
    ]);
  });

  it('hides its own comment once the finding is fixed, but never one somebody answered', async () => {
    const { fake } = harness;
    await pushToPullRequest(SHA.first, V1, [[10, 13]], 'opened');
    const [timeoutComment, formattingComment] = fake.reviewComments;
    // The learner answered the formatting comment; then fixes the timeout and keeps the rest.
    formattingComment!.replies = 1;
    await pushToPullRequest(SHA.second, V3.replace('        exit(1)\n', '        return 1\n'), [[10, 13]], 'synchronize');
    expect(timeoutComment?.minimized).toBe(true);
    expect(formattingComment?.minimized).toBe(false);
    expect(fake.reviews).toHaveLength(1);
    expect(fake.requests.filter((request) => request.path === '/graphql').map((request) => (request.body as { query: string }).query.split('(')[0])).toEqual([
      'query OpsgradeOwnComments',
      'mutation OpsgradeMinimize',
    ]);
  });

  it('posts at most maxComments comments, the most severe first, and says how many more there are', async () => {
    const { fake } = harness;
    setCourseConfig(fake, COURSE_CONFIG.replace('maxComments: 20', 'maxComments: 1'));
    await pushToPullRequest(SHA.first, V2, [[10, 20]], 'opened');
    const review = fake.reviews[0]!;
    expect(review.comments.map((comment) => comment.line)).toEqual([11]);
    expect(review.body).toBe('OpsGrade left 1 comment on lines this pull request changes. 2 more on changed lines are listed in the check run, with everything else.');
  });

  it('does not post the review or the summary twice when GitHub did the work but the answer was lost', async () => {
    const { fake } = harness;
    fake.fail({ method: 'POST', path: /\/pulls\/7\/reviews$/, status: 502, body: { message: 'Bad Gateway' }, applied: true });
    fake.fail({ method: 'POST', path: /\/issues\/7\/comments$/, status: 504, body: { message: 'Gateway Timeout' }, applied: true });
    await pushToPullRequest(SHA.first, V1, [[10, 13]], 'opened');
    expect(fake.reviews).toHaveLength(1);
    expect(fake.issueComments.filter((comment) => comment.issue === PR)).toHaveLength(1);
    expect(fake.apiRequests().map((request) => `${request.status} ${request.operationId}`).slice(-5)).toEqual([
      '200 pulls/list-files', '502 pulls/create-review', '200 graphql', '504 issues/create-comment', '200 graphql',
    ]);
  });

  it('a pull request opened after its commit was reviewed is commented from the remembered review', async () => {
    const { fake } = harness;
    await serveCommit(fake, { sha: SHA.first, folder: WEAK_REPO, files: { [CHECK_FILE]: V1 } });
    const { pushPayload } = await import('./support/webhooks.ts');
    await harness.deliver('push', pushPayload({ sha: SHA.first, branch: 'feature' }));
    await harness.settle();
    fake.pullFiles.set(key, [{ filename: CHECK_FILE, status: 'modified', patch: patchAdding(V1, [10, 13]) }]);
    const before = performance.now();
    await harness.deliver('pull_request', pullRequestPayload('opened', PR, { sha: SHA.first, branch: 'feature' }));
    await harness.settle();
    expect(fake.checkRunsFor(SHA.first)).toHaveLength(1);
    expect(fake.apiRequests(before).map((request) => `${request.method} ${request.operationId}`)).toEqual([
      'GET pulls/list-files',
      'POST pulls/create-review',
      'POST issues/create-comment',
    ]);
  });
});
