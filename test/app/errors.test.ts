// GitHub's errors and hostile input during a review: secondary rate limits and 5xx answers are
// retried; a 404 ends the review with a log line; every other failure after the check run exists
// concludes it with an explanation. Also: 120 annotations in three requests, and a tarball with
// `../` names and a symlink.

import { afterEach, describe, expect, it } from 'vitest';

import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { serveCommit, setCourseConfig, SHA, WEAK_REPO } from './support/scenario.ts';
import { pushPayload } from './support/webhooks.ts';

let harness: Harness;

afterEach(async () => {
  await harness.close();
  expect(harness.fake.problems).toEqual([]);
});

async function pushReviewed(options: Parameters<typeof startApp>[0] = {}, prepare?: (h: Harness) => Promise<void> | void) {
  harness = await startApp(options);
  setCourseConfig(harness.fake);
  await serveCommit(harness.fake, { sha: SHA.first, folder: WEAK_REPO });
  await prepare?.(harness);
  await harness.deliver('push', pushPayload({ sha: SHA.first }));
  await harness.settle();
  return harness.fake.checkRunsFor(SHA.first);
}

const calls = (h: Harness) => h.fake.apiRequests().map((request) => `${request.status} ${request.method} ${request.operationId}`);

describe('GitHub errors', () => {
  it('waits out a 403 secondary rate limit as retry-after says, then succeeds', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({
      method: 'POST', path: /\/check-runs$/, status: 403, headers: { 'retry-after': '3', 'content-type': 'application/json' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' },
    }));
    expect(runs.map((run) => run.conclusion)).toEqual(['failure']);
    expect(calls(harness).slice(0, 3)).toEqual(['201 POST apps/create-installation-access-token', '403 POST checks/create', '201 POST checks/create']);
    expect(harness.logs.find((line) => line.msg === 'GitHub secondary rate limit')).toMatchObject({ retryAfter: 3, retryCount: 0, retry: true });
  });

  it('retries a 500, then succeeds', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({ method: 'GET', path: /\/tarball\//, status: 500, body: { message: 'Server Error' } }));
    expect(runs.map((run) => run.conclusion)).toEqual(['failure']);
    expect(calls(harness).filter((call) => call.includes('download-tarball'))).toEqual(['500 GET repos/download-tarball-archive', '302 GET repos/download-tarball-archive']);
  });

  it('looks the check run up by external_id when the answer to its creation is lost, instead of creating a second', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({ method: 'POST', path: /\/check-runs$/, status: 502, body: { message: 'Bad Gateway' }, applied: true }));
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
    expect(calls(harness).slice(1, 3)).toEqual(['502 POST checks/create', '200 GET checks/list-for-ref']);
  });

  it('creates the check run again when the lookup shows the lost creation did not happen', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({ method: 'POST', path: /\/check-runs$/, status: 500, body: { message: 'Server Error' } }));
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
    expect(calls(harness).slice(1, 4)).toEqual(['500 POST checks/create', '200 GET checks/list-for-ref', '201 POST checks/create']);
  });

  it('does not take a commit whose check run could not be created as reviewed: the next event for it tries again', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({ method: 'POST', path: /\/check-runs$/, status: 500, body: { message: 'Server Error' }, times: 50 }));
    expect(runs).toEqual([]);
    expect(harness.logs.filter((line) => line.msg === 'could not create the check run')).toHaveLength(1);
    harness.fake.faults.length = 0;
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.settle();
    expect(harness.fake.checkRunsFor(SHA.first).map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
  });

  it('ends with a log line when the commit is gone (404) mid-review, after one attempt to conclude', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({ method: 'GET', path: /\/tarball\//, status: 404, body: { message: 'Not Found' } }));
    expect(calls(harness)).toEqual([
      '201 POST apps/create-installation-access-token',
      '201 POST checks/create',
      '200 GET repos/get-content',
      '404 GET repos/download-tarball-archive',
      '200 PATCH checks/update',
    ]);
    expect(runs.map((run) => [run.conclusion, run.title])).toEqual([['cancelled', 'This commit is no longer available']]);
    expect(harness.logs.filter((line) => line.msg === 'review abandoned: the repository or commit no longer exists').map((line) => line.sha)).toEqual([SHA.first]);
  });

  it('concludes with an explanation when GitHub keeps failing after the check run exists', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({ method: 'GET', path: /\/contents\//, status: 502, body: { message: 'Bad Gateway' }, times: 4 }));
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect([run.conclusion, run.title]).toEqual(['cancelled', 'OpsGrade could not finish this review']);
    expect(run.summary).toBe(`Something went wrong inside OpsGrade while reviewing this commit (reference \`${run.external_id}\`). Nothing is wrong with your code. Use "Re-run review" to try again; if it keeps happening, tell your instructor the reference.`);
  });

  it('concludes with an explanation when the tarball is not a tarball', async () => {
    const runs = await pushReviewed({}, (h) => { h.fake.tarballs.set(`opsgrade-demo/weak-ops@${SHA.first}`, Buffer.from('this is not gzip')); });
    expect(runs.map((run) => [run.conclusion, run.title])).toEqual([['cancelled', 'The code at this commit could not be read']]);
  });

  it('concludes timed_out when the review takes longer than allowed', async () => {
    const runs = await pushReviewed({ settings: { reviewTimeoutMs: 1 } });
    expect(runs.map((run) => [run.conclusion, run.title])).toEqual([['timed_out', 'Review took too long']]);
  });
});

describe('check-run limits', () => {
  it('sends 120 annotations in three requests: 50, 50 and 20, concluding with the last', async () => {
    const body = ['import requests', '', '', 'def fetch_all(url):', ...Array.from({ length: 120 }, (_, index) => `    requests.get(url + "/${index}")`), ''].join('\n');
    const runs = await pushReviewed({}, async (h) => serveCommit(h.fake, { sha: SHA.first, files: { 'pyproject.toml': '[project]\nname = "many"\n', 'many.py': body } }));
    const patches = harness.fake.apiRequests().filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => (request.body as { output: { annotations?: unknown[] } }).output.annotations?.length)).toEqual([50, 50, 20]);
    expect(patches.map((request) => (request.body as { conclusion?: string }).conclusion)).toEqual([undefined, undefined, 'failure']);
    expect(runs[0]?.annotations.map((annotation) => annotation.start_line)).toEqual(Array.from({ length: 120 }, (_, index) => index + 5));
    // 3 + ceil(120 / 50) = 6 calls, plus reading the organisation's configuration the first time.
    expect(calls(harness)).toEqual([
      '201 POST apps/create-installation-access-token', '201 POST checks/create', '200 GET repos/get-content', '302 GET repos/download-tarball-archive',
      '200 PATCH checks/update', '200 PATCH checks/update', '200 PATCH checks/update',
    ]);
  });
});

describe('lost answers to updates', () => {
  it('reads the run back instead of appending the same annotations twice', async () => {
    const body = ['import requests', '', '', 'def fetch_all(url):', ...Array.from({ length: 120 }, (_, index) => `    requests.get(url + "/${index}")`), ''].join('\n');
    const runs = await pushReviewed({}, async (h) => {
      await serveCommit(h.fake, { sha: SHA.first, files: { 'pyproject.toml': '[project]\nname = "many"\n', 'many.py': body } });
      h.fake.fail({ method: 'PATCH', path: /\/check-runs\/\d+$/, status: 504, body: { message: 'Gateway Timeout' }, applied: true });
    });
    expect(runs.map((run) => [run.status, run.conclusion, run.annotations.length])).toEqual([['completed', 'failure', 120]]);
    expect(calls(harness).filter((call) => call.includes('checks/update') || call.includes('checks/get'))).toEqual([
      '504 PATCH checks/update', '200 GET checks/get', '200 PATCH checks/update', '200 PATCH checks/update',
    ]);
  });

  it('sends an update again when reading back shows it did not land', async () => {
    const runs = await pushReviewed({}, (h) => h.fake.fail({ method: 'PATCH', path: /\/check-runs\/\d+$/, status: 502, body: { message: 'Bad Gateway' } }));
    expect(runs.map((run) => [run.status, run.conclusion, run.annotations.length])).toEqual([['completed', 'failure', 3]]);
    expect(calls(harness).filter((call) => call.includes('checks/update') || call.includes('checks/get'))).toEqual([
      '502 PATCH checks/update', '200 GET checks/get', '200 PATCH checks/update',
    ]);
  });
});

describe('hostile tarballs', () => {
  it('ignores entries that escape the root and symlinks, and says so in the summary', async () => {
    const runs = await pushReviewed({}, async (h) => serveCommit(h.fake, {
      sha: SHA.first, folder: WEAK_REPO,
      extra: [
        { name: '{prefix}/../escape.py', content: 'import requests\nrequests.get("http://x")\n' },
        { name: '/etc/absolute.py', content: 'x = 1\n' },
        { name: '{prefix}/src/healthcheck/link.py', type: 'symlink', linkname: '/etc/passwd' },
        { name: '{prefix}/src/healthcheck/hard.py', type: 'link', linkname: '{prefix}/src/healthcheck/check.py' },
      ],
    }));
    const run = runs[0]!;
    expect(run.conclusion).toBe('failure');
    expect(run.annotations.every((annotation) => annotation.path === 'src/healthcheck/check.py')).toBe(true);
    const notices = run.summary?.slice(run.summary.indexOf('Notices')) ?? '';
    expect(notices).toMatch(/escape\.py/);
    expect(notices).toMatch(/link\.py/);
    expect(notices).toMatch(/hard\.py/);
  });
});
