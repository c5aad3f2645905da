// A small cohort burst through the real app process (the load test's smoke version): ten learners in
// five organisations push within three seconds, GitHub also sends check_suite.requested for each
// push, and every commit must get exactly one concluded check run for a fixed budget of API calls.

import { afterAll, expect, it } from 'vitest';

import { startAppProcess } from './app-process.ts';
import type { AppProcess } from './app-process.ts';
import { checkRunsOf, cohortReport, formatReport, runBurst, seedCohort, waitForConclusions } from './cohort.ts';
import { GitHubDouble } from './server.ts';

let double: GitHubDouble | undefined;
let app: AppProcess | undefined;

afterAll(async () => {
  await app?.stop();
  await double?.close();
}, 30_000);

it('gives each of 10 pushes (push + check_suite webhooks) one concluded check run', async () => {
  double = new GitHubDouble({ checkSuiteOnPush: true, seed: 2 });
  await double.start();
  const learners = seedCohort(double, { repos: 10, seconds: 3, organisations: 5, seed: 2, prefix: 'smoke' });
  app = await startAppProcess({ environment: double.appEnvironment() });
  double.connectApp(app.webhookUrl);
  const since = performance.now();
  await runBurst(double, learners);
  expect(await waitForConclusions(double, learners, 40_000)).toBe(true);
  const report = cohortReport(double, learners, app, since);
  console.log(`load smoke test:\n${formatReport(report)}`);

  expect(learners.flatMap((learner) => learner.deliveries.map((delivery) => `${delivery.event} ${delivery.status}`)).sort()).toEqual([
    ...Array.from({ length: 10 }, () => 'check_suite 200'), ...Array.from({ length: 10 }, () => 'push 200'),
  ]);
  expect(learners.map((learner) => checkRunsOf(double as GitHubDouble, learner).map((run) => run.status))).toEqual(learners.map(() => ['completed']));
  expect([report.lost, report.unfinished, report.duplicateRuns, report.reconcluded]).toEqual([0, 0, 0, 0]);
  // Three calls per review, plus one token and one course configuration per organisation.
  expect(report.callsByOperation).toEqual({
    'apps/create-installation-access-token': 5,
    'repos/get-content': 5,
    'checks/create': 10,
    'repos/download-tarball-archive': 10,
    'checks/update': 10,
  });
  expect([report.errors.apiErrors, report.errors.rejected, report.errors.problems, report.errors.appErrorLogs]).toEqual([0, 0, 0, 0]);
  expect(report.peakRssMb).toBeGreaterThan(0);
}, 90_000);
