// The course's fixture repositories (fixtures/repos/strong, weak, empty) reviewed through the app:
// the check run carries the engine's own verdict for each, within the API budget. It also prints the
// measured webhook → concluded time and API calls (network mocked); nothing asserts on time.

import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { gradeTitle } from '../../src/github/payloads.ts';
import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { expectedReview, patchNewFile, readFixture, ROOT, serveCommit, setCourseConfig } from './support/scenario.ts';
import { DEFAULT_TARGET, pullRequestPayload, pushPayload } from './support/webhooks.ts';

const CONFIG = `exercises:
  - chapter: 8
    repositories: [strong, weak]
  - chapter: 7
    repositories: [empty]
`;

const CASES = [
  { repo: 'strong', sha: '5'.repeat(40), chapter: 8, conclusion: 'success' },
  { repo: 'weak', sha: '6'.repeat(40), chapter: 8, conclusion: 'failure' },
  { repo: 'empty', sha: '7'.repeat(40), chapter: 7, conclusion: 'failure' },
] as const;

let harness: Harness;
const measured: string[] = [];

beforeAll(async () => {
  harness = await startApp();
  setCourseConfig(harness.fake, CONFIG);
  // Warm up: the token and the configuration (the harness already loaded the rules), so each case shows the
  // steady state of a running app.
  await serveCommit(harness.fake, { sha: '4'.repeat(40), repo: 'weak', folder: path.join(ROOT, 'fixtures/repos/weak') });
  const delivery = await harness.deliver('push', pushPayload({ sha: '4'.repeat(40), repo: 'weak' }));
  await harness.settle();
  const run = harness.fake.checkRunsFor('4'.repeat(40))[0];
  measured.push(`  push weak   first review of the organisation (token and configuration read): API calls ${harness.fake.apiRequests().length}  webhook→concluded ${((run?.completedAt ?? 0) - delivery.sentAt).toFixed(0)} ms`);
});

afterAll(async () => {
  await harness.close();
  expect(harness.fake.problems).toEqual([]);
  console.info(`\nMeasured with the network mocked (fixtures/repos, steady state):\n${measured.join('\n')}\n`);
});

describe('fixture repositories through the app', () => {
  for (const { repo, sha, chapter, conclusion } of CASES) {
    it(`${repo}: concludes ${conclusion} with the engine's grade, in 3 + ceil(annotations / 50) calls`, async () => {
      const { fake } = harness;
      await serveCommit(fake, { sha, repo, folder: path.join(ROOT, 'fixtures/repos', repo) });
      const delivery = await harness.deliver('push', pushPayload({ sha, repo }));
      await harness.settle();
      const run = fake.checkRunsFor(sha)[0];
      const expected = await expectedReview(fake, sha, chapter, { repo });
      expect([run?.conclusion, run?.title]).toEqual([conclusion, gradeTitle(expected)]);
      const calls = fake.apiRequests(delivery.sentAt);
      // The token is cached and the configuration read during warm-up.
      expect(calls.length).toBe(2 + Math.max(1, Math.ceil((run?.annotations.length ?? 0) / 50)));
      measured.push(`  push ${repo.padEnd(6)} ${conclusion.padEnd(7)} annotations ${String(run?.annotations.length).padStart(3)}  API calls ${calls.length}  ack ${delivery.ackMs.toFixed(0)} ms  webhook→concluded ${((run?.completedAt ?? 0) - delivery.sentAt).toFixed(0)} ms`);
    });
  }

  it('weak as a pull request: 3 calls beyond the check run (files, review, summary comment)', async () => {
    const { fake } = harness;
    const sha = '8'.repeat(40);
    const folder = path.join(ROOT, 'fixtures/repos/weak');
    await serveCommit(fake, { sha, repo: 'weak', folder });
    fake.pullFiles.set(`${DEFAULT_TARGET.owner}/weak#3`, [{ filename: 'healthcheck.py', status: 'added', patch: patchNewFile(readFixture(folder, 'healthcheck.py')) }]);
    const delivery = await harness.deliver('pull_request', pullRequestPayload('opened', 3, { sha, repo: 'weak', branch: 'feature' }));
    await harness.settle();
    const run = fake.checkRunsFor(sha)[0];
    const extra = fake.apiRequests(delivery.sentAt).filter((request) => request.at > (run?.completedAt ?? Infinity));
    expect(extra.map((request) => request.operationId)).toEqual(['pulls/list-files', 'pulls/create-review', 'issues/create-comment']);
    const lastWrite = Math.max(...extra.map((request) => request.at));
    measured.push(`  pull request weak (opened): check run + ${extra.length} calls (files, review with ${fake.reviews[0]?.comments.length ?? 0} comments, summary)  webhook→concluded ${((run?.completedAt ?? 0) - delivery.sentAt).toFixed(0)} ms  webhook→last comment ${(lastWrite - delivery.sentAt).toFixed(0)} ms`);
  });
});
