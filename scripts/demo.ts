// `npm run demo`: see the GitHub App work without a GitHub account. Starts the GitHub double on
// loopback and the real app process (`probot run ./src/app/index.ts`) in front of it, replays a
// learner's push and pull request, prints what the learner would see on GitHub, then stops both.

import { parseArgs } from 'node:util';

import { startAppProcess } from '../test/double/app-process.ts';
import type { AppProcess } from '../test/double/app-process.ts';
import { createClassroom, createLearnerRepository } from '../test/double/classroom.ts';
import { renderCheckRun, renderIssueComments, renderReviewComments } from '../test/double/learner-view.ts';
import { GitHubDouble } from '../test/double/server.ts';
import { fixtureTree } from '../test/double/trees.ts';
import { formatMs, waitFor, waitForQuiet } from '../test/double/wait.ts';

const FIXTURES = ['weak', 'strong', 'empty', 'bad-input', 'ops-scripts', 'learner-basics', 'final-project'] as const;

const { values } = parseArgs({
  options: {
    fixture: { type: 'string', default: 'weak' },
    'timeout-seconds': { type: 'string', default: '90' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run demo [-- --fixture <${FIXTURES.join('|')}>] [--timeout-seconds 90]

Runs the OpsGrade GitHub App against a local GitHub double (127.0.0.1 only) and prints the check
run and pull-request comments a learner would see. Exits 0 when the review went through.`);
  process.exit(0);
}

const fixture = values.fixture;
if (!(FIXTURES as readonly string[]).includes(fixture)) {
  console.error(`demo: unknown fixture "${fixture}"; choose one of ${FIXTURES.join(', ')}`);
  process.exit(2);
}
const timeoutMs = Math.max(10, Number(values['timeout-seconds'])) * 1000;
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const step = (text: string) => console.log(`[${elapsed()}] ${text}`);

let app: AppProcess | undefined;
const double = new GitHubDouble();
let exitCode = 0;

const onSignal = () => {
  console.error('\ndemo: interrupted; stopping the app and the double');
  void shutdown().then(() => process.exit(130));
};
process.once('SIGINT', onSignal);

async function shutdown(): Promise<void> {
  const running = app;
  app = undefined;
  if (running) {
    const exit = await running.stop();
    if (exit.code !== 0) step(`the app exited with ${String(exit.code ?? exit.signal)}`);
  }
  await double.close();
}

try {
  console.log('OpsGrade demo: the real GitHub App against a local GitHub double (loopback only, no GitHub account).\n');
  await double.start();
  step(`GitHub double listening on http://${double.host} (REST under /api/v3, GraphQL at /api/graphql)`);

  const classroom = createClassroom(double);
  const repository = createLearnerRepository(double, classroom, 'healthcheck-ada', 'empty');
  step(`organisation ${classroom.owner}: app installed (installation ${classroom.installationId}), course configuration in ${classroom.owner}/.github`);

  app = await startAppProcess({ environment: double.appEnvironment() });
  double.connectApp(app.webhookUrl);
  step(`app started: probot run ./src/app/index.ts (pid ${app.pid}, ${app.url}) with GHE_HOST=${double.host} GHE_PROTOCOL=http`);

  const branch = 'health-checker';
  const push = double.push(repository, branch, fixtureTree(fixture), `Add the ${fixture} health checker`, { sender: 'ada' });
  const [pushDelivery] = await push.deliveries;
  if (!pushDelivery || pushDelivery.status < 200 || pushDelivery.status >= 300) throw new Error(`the app refused the push webhook: HTTP ${String(pushDelivery?.status)} ${pushDelivery?.error ?? ''}`);
  step(`ada pushed ${push.commit.sha.slice(0, 7)} to ${branch} (fixtures/repos/${fixture}); push webhook answered ${pushDelivery.status} in ${formatMs(pushDelivery.ackMs)}`);

  const concluded = () => {
    const runs = double.state.checkRunsFor(repository, push.commit.sha);
    return runs.length > 0 && runs.every((run) => run.status === 'completed');
  };
  await waitFor('the check run to conclude', concluded, { timeoutMs: timeoutMs / 2 });
  step('check run concluded');

  const opened = double.openPullRequest(repository, { head: branch, title: 'Add the health checker', author: 'ada' });
  const [pullDelivery] = await opened.deliveries;
  if (!pullDelivery || pullDelivery.status >= 300) throw new Error(`the app refused the pull_request webhook: HTTP ${String(pullDelivery?.status)} ${pullDelivery?.error ?? ''}`);
  step(`ada opened pull request #${opened.pull.number}; webhook answered ${pullDelivery.status} in ${formatMs(pullDelivery.ackMs)}`);
  await waitFor('the summary comment on the pull request', () => double.state.issueCommentsOn(repository, opened.pull.number).some((comment) => comment.author.byApp), { timeoutMs: timeoutMs / 2 });
  // The app paces its writes (Probot's throttling); let the last ones land before reading.
  await waitForQuiet(double, 1_500, 20_000);
  step('pull request reviewed');

  console.log(`\n════ What ada sees on GitHub: ${repository.owner}/${repository.name} ════\n`);
  for (const run of double.state.checkRunsFor(repository)) console.log(`${renderCheckRun(run, { maxBodyLines: 20 })}\n`);
  console.log(`── Pull request #${opened.pull.number} "${opened.pull.title}" (${branch} → main)`);
  console.log(`${renderReviewComments(double.state.reviewCommentsOn(repository, opened.pull.number), { maxBodyLines: 3 })}\n`);
  console.log(renderIssueComments(double.state.issueCommentsOn(repository, opened.pull.number), { maxBodyLines: 12 }));

  const calls = double.apiRequests();
  const byOperation = new Map<string, number>();
  for (const call of calls) byOperation.set(call.operationId ?? call.route ?? call.path, (byOperation.get(call.operationId ?? call.route ?? call.path) ?? 0) + 1);
  console.log(`\n════ Behind the scenes ════\n`);
  console.log(`${calls.length} API calls, each validated against GitHub's OpenAPI description:`);
  for (const [operation, count] of [...byOperation.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${String(count).padStart(3)}  ${operation}`);
  const checkRuns = double.state.checkRunsFor(repository);
  if (checkRuns.length !== 1) throw new Error(`expected one check run for the commit, found ${checkRuns.length}`);
  if (double.rejected.length > 0) {
    throw new Error(`GitHub would have refused ${double.rejected.length} request(s) from the app:\n${double.rejected.map((rejected) => `  ${rejected.status} ${rejected.method} ${rejected.path}: ${JSON.stringify(rejected.body)}`).join('\n')}`);
  }
  if (double.problems.length > 0) console.log(`\nThe double noticed ${double.problems.length} thing(s) GitHub accepts but that look wrong:\n${double.problems.map((problem) => `  - ${problem}`).join('\n')}`);
  console.log(`  peak memory of the app process: ${Math.round((app.peakRssKb()) / 1024)} MB`);
} catch (error) {
  exitCode = 1;
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  if (app) console.error(`\nlast lines of the app's log:\n${app.logs.slice(-15).join('\n')}`);
} finally {
  await shutdown();
  process.off('SIGINT', onSignal);
  step(exitCode === 0 ? 'app and double stopped; done' : 'app and double stopped');
}
process.exit(exitCode);
