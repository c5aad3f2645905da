// Idempotency and ordering: a redelivery or a second event for the same commit makes one check run;
// a newer push supersedes an older review still in flight, which concludes with a note and posts
// no pull-request comments; "Re-run review" reviews the same commit again.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { patchAdding, readFixture, serveCommit, setCourseConfig, SHA, WEAK_REPO } from './support/scenario.ts';
import { checkRunPayload, checkSuitePayload, DEFAULT_TARGET, pullRequestPayload, pushPayload } from './support/webhooks.ts';

let harness: Harness;

async function start(concurrency = 2) {
  harness = await startApp({ settings: { concurrency } });
  setCourseConfig(harness.fake);
  for (const sha of Object.values(SHA)) await serveCommit(harness.fake, { sha, folder: WEAK_REPO });
}

afterEach(async () => {
  await harness.close();
  expect(harness.fake.problems).toEqual([]);
});

describe('one check run per commit', () => {
  beforeEach(async () => start());

  it('ignores a redelivered webhook (same X-GitHub-Delivery)', async () => {
    const payload = pushPayload({ sha: SHA.first });
    const first = await harness.deliver('push', payload, { id: 'delivery-1' });
    const again = await harness.deliver('push', payload, { id: 'delivery-1' });
    await harness.settle();
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(harness.fake.checkRunsFor(SHA.first)).toHaveLength(1);
    expect(harness.logs.filter((line) => line.msg === 'ignored a redelivered webhook').map((line) => line.deliveryId)).toEqual(['delivery-1']);
  });

  it('merges a second event for a commit under review, and ignores one for a commit just reviewed', async () => {
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.deliver('check_suite', checkSuitePayload('requested', { sha: SHA.first }));
    await harness.settle();
    await harness.deliver('check_suite', checkSuitePayload('requested', { sha: SHA.first }));
    await harness.settle();
    expect(harness.fake.checkRunsFor(SHA.first)).toHaveLength(1);
    expect(harness.logs.filter((line) => line.msg === 'webhook handled').map((line) => line.result)).toEqual(['queued', 'merged', 'already-reviewed']);
  });

  it('reviews the commit again for "Re-run review" and re-requested check runs and suites, not for other actions', async () => {
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.settle();
    await harness.deliver('check_run', checkRunPayload('requested_action', { sha: SHA.first }));
    await harness.settle();
    await harness.deliver('check_suite', checkSuitePayload('rerequested', { sha: SHA.first }));
    await harness.settle();
    await harness.deliver('check_run', checkRunPayload('rerequested', { sha: SHA.first }));
    await harness.settle();
    await harness.deliver('check_run', checkRunPayload('requested_action', { sha: SHA.first }, 'something-else'));
    await harness.settle();
    const runs = harness.fake.checkRunsFor(SHA.first);
    expect(runs.map((run) => run.conclusion)).toEqual(['failure', 'failure', 'failure', 'failure']);
    expect(new Set(runs.map((run) => run.external_id)).size).toBe(4);
  });
});

describe('a newer push supersedes an older review', () => {
  it('concludes the older check run with a note when the newer push arrives during its download', async () => {
    await start();
    const { fake } = harness;
    const held = fake.hold('GET', new RegExp(`/tarball/${SHA.first}`));
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await held.reached;
    await harness.deliver('push', pushPayload({ sha: SHA.second }, SHA.first));
    held.release();
    await harness.settle();
    const older = fake.checkRunsFor(SHA.first)[0];
    expect([older?.status, older?.conclusion, older?.title]).toEqual(['completed', 'cancelled', 'Superseded by b2c3d4e']);
    expect(older?.summary).toContain(`A newer commit (${SHA.second}) arrived on this branch or pull request before this review finished.`);
    expect(fake.checkRunsFor(SHA.second)[0]?.conclusion).toBe('failure');
  });

  it('posts no pull-request comments for the superseded commit', async () => {
    await start();
    const { fake } = harness;
    const text = readFixture(WEAK_REPO, 'src/healthcheck/check.py');
    fake.pullFiles.set(`${DEFAULT_TARGET.owner}/${DEFAULT_TARGET.repo}#7`, [{ filename: 'src/healthcheck/check.py', status: 'modified', patch: patchAdding(text, [10, 13]) }]);
    const held = fake.hold('GET', new RegExp(`/tarball/${SHA.first}`));
    await harness.deliver('pull_request', pullRequestPayload('opened', 7, { sha: SHA.first, branch: 'feature' }));
    await held.reached;
    await harness.deliver('pull_request', pullRequestPayload('synchronize', 7, { sha: SHA.second, branch: 'feature' }));
    held.release();
    await harness.settle();
    expect(fake.checkRunsFor(SHA.first)[0]?.conclusion).toBe('cancelled');
    expect(fake.reviews.map((review) => review.commit_id)).toEqual([SHA.second]);
    const summaries = fake.issueComments.filter((comment) => comment.issue === 7);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.body).toContain(`Reviewed commit ${SHA.second.slice(0, 7)}`);
  });

  it('does not let a re-run of an older commit supersede the review of a newer one', async () => {
    await start();
    const { fake } = harness;
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.settle();
    const held = fake.hold('GET', new RegExp(`/tarball/${SHA.second}`));
    await harness.deliver('push', pushPayload({ sha: SHA.second }, SHA.first));
    await held.reached;
    await harness.deliver('check_run', checkRunPayload('rerequested', { sha: SHA.first }));
    held.release();
    await harness.settle();
    expect(fake.checkRunsFor(SHA.second).map((run) => run.conclusion)).toEqual(['failure']);
    expect(fake.checkRunsFor(SHA.first).map((run) => run.conclusion)).toEqual(['failure', 'failure']);
  });

  it('concludes a superseded review that was still waiting in the queue without downloading it', async () => {
    await start(1);
    const { fake } = harness;
    // The only worker is busy with another branch, so the feature-branch review waits.
    const held = fake.hold('GET', new RegExp(`/tarball/${SHA.first}`));
    await harness.deliver('push', pushPayload({ sha: SHA.first, branch: 'main' }));
    await held.reached;
    await harness.deliver('push', pushPayload({ sha: SHA.second, branch: 'feature' }));
    await harness.deliver('push', pushPayload({ sha: SHA.third, branch: 'feature' }, SHA.second));
    held.release();
    await harness.settle();
    expect(fake.checkRunsFor(SHA.second)[0]?.conclusion).toBe('cancelled');
    expect(fake.requests.some((request) => request.path.includes(`/tarball/${SHA.second}`))).toBe(false);
    expect(fake.checkRunsFor(SHA.third)[0]?.conclusion).toBe('failure');
    expect(fake.checkRunsFor(SHA.first)[0]?.conclusion).toBe('failure');
  });
});
