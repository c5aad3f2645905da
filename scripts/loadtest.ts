// `npm run loadtest`: a cohort deadline burst against the real app process. The GitHub double (on
// loopback) holds N learner repositories; every learner pushes within S seconds, deliveries in
// parallel; then it waits, bounded, for every check run to conclude and prints the figures the
// issue sets targets for: ack p50/p99, push → conclusion p50/p99, peak RSS, API calls, errors.

import { parseArgs } from 'node:util';

import { startAppProcess } from '../test/double/app-process.ts';
import type { AppProcess } from '../test/double/app-process.ts';
import { checkRunsOf, cohortReport, formatReport, runBurst, seedCohort, waitForConclusions } from '../test/double/cohort.ts';
import type { CohortReport, Learner } from '../test/double/cohort.ts';
import { GitHubDouble } from '../test/double/server.ts';
import { formatMs } from '../test/double/wait.ts';

const { values } = parseArgs({
  options: {
    repos: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '60' },
    organisations: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    'timeout-seconds': { type: 'string' },
    'no-check-suite': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run loadtest [-- --repos 300 --seconds 60 --organisations 10 --seed 1 --timeout-seconds T --no-check-suite --json]

A cohort deadline burst on loopback: --repos learner repositories (spread over --organisations, one
app installation each) push within --seconds; GitHub's check_suite.requested follows each push
unless --no-check-suite. Waits at most --timeout-seconds for every check run to conclude.
Exits 0 when the targets hold (ack p99 < 100 ms, no lost review, none left in progress,
no duplicate, peak RSS < 512 MB), 1 otherwise.`);
  process.exit(0);
}

const whole = (name: string, value: string | undefined, minimum: number, maximum: number): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum || number > maximum) {
    console.error(`loadtest: --${name} must be a whole number from ${minimum} to ${maximum}, not "${String(value)}"`);
    process.exit(2);
  }
  return number;
};

const repos = whole('repos', values.repos, 1, 5_000);
const seconds = whole('seconds', values.seconds, 0, 3_600);
const organisations = whole('organisations', values.organisations, 1, repos);
const seed = whole('seed', values.seed, 0, 2 ** 31);
// Probot paces writes one second apart per installation and every review writes at least twice
// (create, conclude): that is the floor for the slowest installation.
const perInstallation = Math.ceil(repos / organisations);
const writeFloorSeconds = 2 * perInstallation;
const timeoutSeconds = values['timeout-seconds'] === undefined
  ? Math.ceil(seconds + 1.5 * writeFloorSeconds + 120)
  : whole('timeout-seconds', values['timeout-seconds'], 10, 7_200);

const TARGETS = { ackP99Ms: 100, peakRssMb: 512 } as const;

const double = new GitHubDouble({ checkSuiteOnPush: !values['no-check-suite'], seed });
let app: AppProcess | undefined;
let exitCode: number;
const log = (text: string) => {
  if (!values.json) console.log(text);
};

async function shutdown(): Promise<void> {
  const running = app;
  app = undefined;
  if (running) await running.stop(20_000);
  await double.close();
}

process.once('SIGINT', () => {
  console.error('\nloadtest: interrupted; stopping the app and the double');
  void shutdown().then(() => process.exit(130));
});

function progress(learners: readonly Learner[], started: number): string {
  let concluded = 0;
  let open = 0;
  for (const learner of learners) {
    const runs = checkRunsOf(double, learner);
    if (runs.length > 0 && runs.every((run) => run.status === 'completed')) concluded += 1;
    else if (runs.length > 0) open += 1;
  }
  const pushed = learners.filter((learner) => learner.commit).length;
  return `[${formatMs(performance.now() - started).padStart(7)}] pushed ${pushed}/${learners.length}, check runs concluded ${concluded}, in progress ${open}, API calls ${double.apiRequests().length}`;
}

function verdict(report: CohortReport): string[] {
  const failures: string[] = [];
  if (!(report.ackMs.p99 < TARGETS.ackP99Ms)) failures.push(`ack p99 ${formatMs(report.ackMs.p99)} is not under ${TARGETS.ackP99Ms} ms`);
  if (report.lost > 0) failures.push(`${report.lost} review(s) lost (no check run)`);
  if (report.unfinished > 0) failures.push(`${report.unfinished} check run(s) left in progress`);
  if (report.duplicateRuns > 0) failures.push(`${report.duplicateRuns} commit(s) with duplicate check runs`);
  if (!(report.peakRssMb < TARGETS.peakRssMb)) failures.push(`peak RSS ${report.peakRssMb} MB is not under ${TARGETS.peakRssMb} MB`);
  if (report.errors.deliveries > 0) failures.push(`${report.errors.deliveries} webhook deliveries failed`);
  return failures;
}

try {
  await double.start();
  const learners = seedCohort(double, { repos, seconds, organisations, seed });
  log(`OpsGrade load test: ${repos} learner repositories in ${organisations} organisation(s) push within ${seconds} s (seed ${seed}); GitHub double on http://${double.host}, loopback only.`);
  log(`Probot's write pacing (1 s apart per installation) puts the last conclusion at ≥ ${writeFloorSeconds} s after its installation's first push; waiting at most ${timeoutSeconds} s in all.`);
  app = await startAppProcess({ environment: double.appEnvironment(), maxLogLines: 20_000 });
  double.connectApp(app.webhookUrl);
  log(`app started: probot run ./src/app/index.ts (pid ${app.pid}), LOG_LEVEL=warn\n`);

  const started = performance.now();
  const ticker = setInterval(() => log(progress(learners, started)), 10_000);
  const burst = runBurst(double, learners);
  const burstDeadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), (seconds + 30) * 1000).unref());
  if (await Promise.race([burst.then(() => 'done' as const), burstDeadline]) === 'late') throw new Error('the pushes could not all be delivered in time');
  log(progress(learners, started));
  log(`burst delivered in ${formatMs(performance.now() - started)}`);
  const remaining = Math.max(1_000, timeoutSeconds * 1000 - (performance.now() - started));
  const allConcluded = await waitForConclusions(double, learners, remaining);
  clearInterval(ticker);
  log(progress(learners, started));
  if (!allConcluded) log(`gave up waiting after ${timeoutSeconds} s`);

  const report = cohortReport(double, learners, app, started);
  const failures = verdict(report);
  if (values.json) {
    console.log(JSON.stringify({ repos, seconds, organisations, seed, targets: TARGETS, report, failures }, null, 2));
  } else {
    console.log(`\n${formatReport(report)}`);
    console.log(`reviews concluded per minute: ${(report.reviews - report.lost - report.unfinished) / (report.durationMs / 60_000) > 0 ? ((report.reviews - report.lost - report.unfinished) / (report.durationMs / 60_000)).toFixed(1) : '0'}`);
    if (double.problems.length > 0) console.log(`double's notes:\n${[...new Set(double.problems)].slice(0, 10).map((problem) => `  - ${problem}`).join('\n')}`);
    console.log(`\ntargets: ack p99 < ${TARGETS.ackP99Ms} ms, no lost review, none left in progress, no duplicates, peak RSS < ${TARGETS.peakRssMb} MB`);
    console.log(failures.length === 0 ? 'all targets met' : `missed:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`);
  }
  exitCode = failures.length === 0 ? 0 : 1;
} catch (error) {
  exitCode = 1;
  console.error(`loadtest failed: ${error instanceof Error ? error.message : String(error)}`);
  if (app) console.error(`last lines of the app's log:\n${app.logs.slice(-15).join('\n')}`);
} finally {
  await shutdown();
}
process.exit(exitCode);
