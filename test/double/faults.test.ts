// The real app process (Probot, its queue, retries, throttling and timeouts) against the GitHub
// double while GitHub misbehaves: every review must end with exactly one concluded check run.
// Faults are aimed at one learner each, so each outcome is exact. Known gaps are pinned separately.

import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startAppProcess } from './app-process.ts';
import type { AppProcess } from './app-process.ts';
import { checkRunsOf, cohortReport, formatReport, runBurst, seedCohort, waitForConclusions } from './cohort.ts';
import type { Learner } from './cohort.ts';
import type { FaultRule } from './faults.ts';
import { GitHubDouble } from './server.ts';
import { waitFor, waitForQuiet } from './wait.ts';

const CHECK_RUNS = '/repos/{owner}/{repo}/check-runs';
const CHECK_RUN = '/repos/{owner}/{repo}/check-runs/{check_run_id}';
const TARBALL = '/repos/{owner}/{repo}/tarball/{ref}';
const REQUEST_TIMEOUT_MS = 1_500;

let double: GitHubDouble;
let app: AppProcess;

beforeAll(async () => {
  double = new GitHubDouble({ seed: 11 });
  await double.start();
  app = await startAppProcess({
    environment: double.appEnvironment(),
    // The production app with a 1.5 s request timeout and short back-off units (see app-entry.ts).
    entry: path.join(import.meta.dirname, 'app-entry.ts'),
    extraEnvironment: {
      DOUBLE_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      DOUBLE_RETRY_BASE_MS: '50',
      DOUBLE_RATE_LIMIT_BASE_MS: '50',
      OPSGRADE_MAX_UNCOMPRESSED_MB: '16',
    },
  });
  double.connectApp(app.webhookUrl);
}, 60_000);

afterAll(async () => {
  const exit = await app.stop();
  await double.close();
  expect(exit).toEqual({ code: 0, signal: null });
}, 30_000);

/** A learner's repository path in request URLs, for aiming a fault at that learner alone. */
function at(learner: Learner | undefined): RegExp {
  if (!learner) throw new Error('no such learner');
  return new RegExp(`/${learner.repository.owner}/${learner.repository.name}/`);
}

function runSummary(double: GitHubDouble, learner: Learner): string[] {
  return checkRunsOf(double, learner).map((run) => `${run.status} ${run.conclusion ?? '-'} "${run.output.title ?? ''}" annotations=${run.annotations.length}`);
}

describe('the real app against GitHub faults', () => {
  it('concludes every review exactly once through 500s, 502 pages, rate limits, resets, lost and late answers, and bad tarballs', async () => {
    const learners = seedCohort(double, {
      repos: 15, seconds: 2, organisations: 5, seed: 3, prefix: 'faulty',
      fixtures: [['weak', 1]],
    });
    const [l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13] = learners;
    const pullFiles = '/repos/{owner}/{repo}/pulls/{pull_number}/files';
    const reviews = '/repos/{owner}/{repo}/pulls/{pull_number}/reviews';
    const comments = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
    const faults: FaultRule[] = [
      { name: '500 on the concluding PATCH', kind: 'server-error', route: CHECK_RUN, method: 'PATCH', path: at(l1), times: 1 },
      { name: '502 HTML page on the course configuration', kind: 'bad-gateway-html', route: '/repos/{owner}/{repo}/contents/{path}', path: new RegExp(`/${l2?.repository.owner ?? ''}/\\.github/`), times: 2 },
      { name: '403 secondary rate limit creating the check run', kind: 'secondary-rate-limit', route: CHECK_RUNS, method: 'POST', path: at(l3), times: 1, retryAfterSeconds: 1 },
      { name: '429 on the tarball request', kind: 'too-many-requests', route: TARBALL, path: at(l4), times: 1, retryAfterSeconds: 1 },
      { name: 'connection reset on the tarball request', kind: 'connection-reset', route: TARBALL, path: at(l5), times: 2 },
      { name: 'tarball download slower than the client timeout', kind: 'slow', route: 'download:tarball', path: at(l6), times: 1, delayMs: REQUEST_TIMEOUT_MS + 1_000 },
      { name: 'tarball 404 mid-review', kind: 'not-found', route: TARBALL, path: at(l7), times: 1 },
      { name: 'oversized tarball (40 MB inflated, app cap 16 MB)', kind: 'oversized-tarball', route: 'download:tarball', path: at(l8), times: 1, uncompressedBytes: 40 * 1024 * 1024 },
      { name: '500 twice creating the check run', kind: 'server-error', route: CHECK_RUNS, method: 'POST', path: at(l9), times: 2 },
      { name: '502 HTML page on the PR files', kind: 'bad-gateway-html', route: pullFiles, path: at(l10), times: 1 },
      { name: '429 on the PR review', kind: 'too-many-requests', route: reviews, method: 'POST', path: at(l10), times: 1, retryAfterSeconds: 1 },
      { name: 'PR review stored, answer lost (reset)', kind: 'connection-reset', phase: 'after', route: reviews, method: 'POST', path: at(l10), times: 1 },
      { name: 'summary comment stored, answer lost (reset)', kind: 'connection-reset', phase: 'after', route: comments, method: 'POST', path: at(l10), times: 1 },
      { name: 'check run created, answer lost (reset)', kind: 'connection-reset', phase: 'after', route: CHECK_RUNS, method: 'POST', path: at(l11), times: 1 },
      { name: 'concluding PATCH done, answer later than the client timeout', kind: 'slow', phase: 'after', route: CHECK_RUN, method: 'PATCH', path: at(l12), times: 1, delayMs: REQUEST_TIMEOUT_MS + 1_000 },
      { name: 'tarball 404, then a 500 on concluding the gone review', kind: 'not-found', route: TARBALL, path: at(l13), times: 1 },
      { name: '500 on concluding the gone review', kind: 'server-error', route: CHECK_RUN, method: 'PATCH', path: at(l13), times: 1 },
    ];
    double.faults.add(...faults);
    const learner10 = l10 as Learner;
    // The template commit stays reachable as `template`: learner 10's pull request adds all their work.
    learner10.repository.branches.set('template', learner10.repository.branches.get('main') as string);
    const since = performance.now();
    await runBurst(double, learners);
    expect(await waitForConclusions(double, learners, 45_000)).toBe(true);

    // Learner 10 also opens a pull request; its review and summary comment must arrive once each.
    const opened = double.openPullRequest(learner10.repository, { head: 'main', base: 'template', title: 'Submission', author: 'learner-10' });
    expect((await opened.deliveries).map((delivery) => delivery.status)).toEqual([200]);
    await waitFor('the summary comment on learner 10\'s pull request', () => double.state.issueCommentsOn(learner10.repository, opened.pull.number).length > 0, { timeoutMs: 30_000 });
    await waitForQuiet(double, REQUEST_TIMEOUT_MS + 2_000, 30_000);

    const report = cohortReport(double, learners, app, since);
    console.log(`fault test (${learners.length} reviews, ${faults.length} fault rules):\n${formatReport(report)}`);
    for (const learner of learners) console.log(`  ${learner.repository.name}: ${runSummary(double, learner).join(' | ')}`);

    expect(report.faults.map((fault) => [fault.name, fault.hits])).toEqual(faults.map((fault) => [fault.name, fault.times]));
    expect(learners.map((learner) => checkRunsOf(double, learner).length)).toEqual(learners.map(() => 1));
    expect([report.lost, report.unfinished, report.duplicateRuns, report.reconcluded]).toEqual([0, 0, 0, 0]);
    // Scores move with the rubric; what must hold is that a fault changes nothing for the learner:
    // every faulted review reads exactly like the control learner's (no fault at all).
    const control = runSummary(double, learners[14] as Learner)[0] as string;
    expect(control).toMatch(/^completed failure "Chapter 8: [\d.]+% \(pass mark 70%, not passed yet\)" annotations=[1-9]\d*$/);
    const gone = 'completed cancelled "This commit is no longer available" annotations=0';
    const outcomes = learners.map((learner) => runSummary(double, learner)[0]);
    expect(outcomes.map((outcome, index) => (index === 6 || index === 7 || index === 12 ? outcome : outcome === control))).toEqual([
      true, true, true, true, true, true, gone, outcomes[7], true, true, true, true, gone, true, true,
    ]);
    // The oversized archive: reading stops at the app's cap; the review says it is partial and grades nothing.
    expect(outcomes[7]).toMatch(/^completed neutral "Partial review, no grade: \d+ findings?" annotations=0$/);
    expect(checkRunsOf(double, l8 as Learner)[0]?.output.summary).toContain('The repository archive unpacks to more than 16 MB, so reading stopped there and this review is partial');
    expect(double.state.reviewsOn(learner10.repository, opened.pull.number)).toHaveLength(1);
    expect(double.state.issueCommentsOn(learner10.repository, opened.pull.number).map((comment) => comment.author.login)).toEqual(['opsgrade[bot]']);
    expect([report.errors.deliveries, report.errors.rejected, report.errors.problems]).toEqual([0, 0, 0]);
    expect(double.problems).toEqual([]);
  }, 90_000);

  // Known gaps, pinned as they behave today so a fix shows up here (docs/double.md, "What the
  // double found").
  it('known gaps: a PATCH stored after the app\'s read-back is applied twice; two lost answers in a row post the summary twice', async () => {
    const learners = seedCohort(double, { repos: 3, seconds: 1, organisations: 3, seed: 5, prefix: 'gap', fixtures: [['weak', 1]] });
    const [late, twiceLost, control] = learners as [Learner, Learner, Learner];
    twiceLost.repository.branches.set('template', twiceLost.repository.branches.get('main') as string);
    const comments = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
    double.faults.add(
      // GitHub holds the PATCH past the client's timeout, then stores it: the app's read-back saw nothing.
      { name: 'concluding PATCH held past the client timeout, then stored', kind: 'slow', route: CHECK_RUN, method: 'PATCH', path: at(late), times: 1, delayMs: REQUEST_TIMEOUT_MS + 1_000 },
      // The first attempt is lost before GitHub stores it; the retry after the read-back is stored but its answer lost.
      { name: 'summary comment lost before it was stored', kind: 'connection-reset', route: comments, method: 'POST', path: at(twiceLost), times: 1 },
      { name: 'summary comment stored, answer lost', kind: 'connection-reset', phase: 'after', route: comments, method: 'POST', path: at(twiceLost), times: 1 },
    );
    await runBurst(double, learners);
    await waitFor('the three reviews to conclude', () => learners.every((learner) => checkRunsOf(double, learner)[0]?.status === 'completed'), { timeoutMs: 30_000 });
    const opened = double.openPullRequest(twiceLost.repository, { head: 'main', base: 'template', title: 'Submission', author: 'learner-2' });
    await opened.deliveries;
    await waitFor('a summary comment', () => double.state.issueCommentsOn(twiceLost.repository, opened.pull.number).length > 0, { timeoutMs: 30_000 });
    await waitForQuiet(double, REQUEST_TIMEOUT_MS + 2_000, 30_000);

    const annotations = checkRunsOf(double, control)[0]?.annotations.length ?? 0;
    const runs = checkRunsOf(double, late);
    const summaries = double.state.issueCommentsOn(twiceLost.repository, opened.pull.number);
    console.log(`known gaps:\n  ${late.repository.name}: ${runSummary(double, late).join(' | ')} (control: ${annotations} annotations)\n  ${twiceLost.repository.name}: ${summaries.length} summary comments`);
    expect(annotations).toBeGreaterThan(0);
    expect([runs.length, runs[0]?.reconcluded, runs[0]?.annotations.length]).toEqual([1, 1, 2 * annotations]);
    expect(summaries.map((comment) => comment.author.login)).toEqual(['opsgrade[bot]', 'opsgrade[bot]']);
  }, 60_000);
});
