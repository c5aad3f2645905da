// Operations: /healthz, /metrics in Prometheus format, fast webhook answers, and a shutdown that
// leaves no check run in_progress (queued reviews concluded at once, running ones after the grace).

import { afterEach, describe, expect, it } from 'vitest';

import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { serveCommit, setCourseConfig, SHA, WEAK_REPO } from './support/scenario.ts';
import { pushPayload } from './support/webhooks.ts';

let harness: Harness;
let closed = false;

afterEach(async () => {
  if (!closed) await harness.close();
  closed = false;
  expect(harness.fake.problems).toEqual([]);
});

describe('operations endpoints', () => {
  it('GET /healthz answers ok with the queue state', async () => {
    harness = await startApp();
    const response = await fetch(`${harness.url}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ status: 'ok', queue: { waiting: 0, running: 0 } });
  });

  it('GET /metrics counts reviews by outcome, their duration, the queue and GitHub calls by status', async () => {
    harness = await startApp();
    setCourseConfig(harness.fake);
    await serveCommit(harness.fake, { sha: SHA.first, folder: WEAK_REPO });
    harness.fake.fail({ method: 'GET', path: /\/tarball\//, status: 500, body: { message: 'Server Error' } });
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.settle();
    const response = await fetch(`${harness.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const lines = text.split('\n');
    expect(lines).toContain('opsgrade_reviews_total{outcome="failure"} 1');
    expect(lines).toContain('opsgrade_review_duration_seconds_count{outcome="failure"} 1');
    expect(lines).toContain('opsgrade_queue_depth 0');
    expect(lines).toContain('opsgrade_reviews_in_flight 0');
    // Token and check-run creation; the configuration and the tarball (fetch follows the redirect).
    expect(lines).toContain('opsgrade_github_requests_total{method="POST",status="201"} 2');
    expect(lines).toContain('opsgrade_github_requests_total{method="GET",status="200"} 2');
    expect(lines).toContain('opsgrade_github_requests_total{method="GET",status="500"} 1');
    expect(lines).toContain('opsgrade_github_requests_total{method="PATCH",status="200"} 1');
    expect(lines).toContain('opsgrade_github_request_errors_total{status="500"} 1');
    expect(lines).toContain('opsgrade_webhooks_total{event="push",result="queued"} 1');
  });

  it('answers the webhook before the review runs', async () => {
    harness = await startApp();
    setCourseConfig(harness.fake);
    await serveCommit(harness.fake, { sha: SHA.first, folder: WEAK_REPO });
    const held = harness.fake.hold('POST', /\/check-runs$/);
    const delivery = await harness.deliver('push', pushPayload({ sha: SHA.first }));
    // The check run is not even created yet, and the delivery is answered.
    expect(delivery.status).toBe(200);
    expect(harness.fake.checkRuns.size).toBe(0);
    held.release();
    await harness.settle();
    expect(harness.fake.checkRunsFor(SHA.first)[0]?.conclusion).toBe('failure');
  });
});

describe('shutdown', () => {
  it('concludes queued reviews at once and stops running ones after the grace period: none is left in_progress', async () => {
    harness = await startApp({ settings: { concurrency: 1, shutdownGraceMs: 200 } });
    setCourseConfig(harness.fake);
    for (const sha of [SHA.first, SHA.second]) await serveCommit(harness.fake, { sha, folder: WEAK_REPO });
    const held = harness.fake.hold('GET', new RegExp(`/tarball/${SHA.first}`));
    await harness.deliver('push', pushPayload({ sha: SHA.first, branch: 'main' }));
    await held.reached;
    await harness.deliver('push', pushPayload({ sha: SHA.second, branch: 'other' }));
    // Let the second check run be created while the first review is stuck downloading.
    while (harness.fake.checkRuns.size < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopping = harness.close();
    closed = true;
    const health = await fetch(`${harness.url}/healthz`).catch(() => undefined);
    if (health) expect(health.status).toBe(503);
    await stopping;
    held.release();
    const runs = [...harness.fake.checkRuns.values()];
    expect(runs.map((run) => [run.head_sha, run.status, run.conclusion, run.title])).toEqual([
      [SHA.first, 'completed', 'cancelled', 'Review interrupted by a restart'],
      [SHA.second, 'completed', 'cancelled', 'Review interrupted by a restart'],
    ]);
  });

  it('lets a running review finish within the grace period', async () => {
    harness = await startApp({ settings: { concurrency: 1, shutdownGraceMs: 10_000 } });
    setCourseConfig(harness.fake);
    await serveCommit(harness.fake, { sha: SHA.first, folder: WEAK_REPO });
    const held = harness.fake.hold('GET', new RegExp(`/tarball/${SHA.first}`));
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await held.reached;
    const stopping = harness.close();
    closed = true;
    // A delivery during the drain fails visibly (500), so it can be redelivered after the restart.
    const late = await harness.deliver('push', pushPayload({ sha: SHA.second }));
    expect(late.status).toBe(500);
    held.release();
    await stopping;
    expect(harness.fake.checkRunsFor(SHA.first).map((run) => run.conclusion)).toEqual(['failure']);
    expect(harness.fake.checkRunsFor(SHA.second)).toEqual([]);
  });
});
