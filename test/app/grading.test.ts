// Dynamic grading through the real app: the static review of an exercise commit dispatches the
// instructor's grading workflow; real pytest results, packed as the run's artifact, come back through
// `workflow_run.completed` and the "OpsGrade tests" check run shows the combined grade. Every
// request the app sends is validated against GitHub's OpenAPI description.

import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { TESTS_RUNNING_SECTION } from '../../src/github/payloads.ts';
import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import {
  calls, Clock, completeRun, expectedGrade, GRADER_REPOSITORY, GRADING_CONFIG, LEARNER_DIR, LEARNER_REPO, LEARNER_REPOSITORY, openPullRequest, pushLearner,
  realPytestRun, runName, setUpGrading, staticCheckRun, T0, testsCheckRun,
} from './support/grading.ts';
import { patchNewFile, readFixture, SHA } from './support/scenario.ts';
import { checkRunPayload, DEFAULT_TARGET, pushPayload, workflowRunPayload } from './support/webhooks.ts';

let harness: Harness | undefined;
let clock: Clock;

async function start(options: { gradingSweepMs?: number } = {}): Promise<Harness> {
  clock = new Clock();
  harness = await startApp({ now: clock.now, ...(options.gradingSweepMs === undefined ? {} : { settings: { gradingSweepMs: options.gradingSweepMs } }) });
  return harness;
}

beforeAll(async () => {
  // Real pytest on the fixtures, once; it must produce JUnit XML for the end-to-end proof.
  const run = await realPytestRun();
  expect([run.exitCode, run.timedOut, run.junitXml?.startsWith('<?xml')]).toEqual([1, false, true]);
});

afterEach(async () => {
  if (!harness) return;
  const { fake } = harness;
  await harness.close();
  harness = undefined;
  expect(fake.problems).toEqual([]);
});

describe('grading end to end', () => {
  it('dispatches the grader workflow after the static review and concludes "OpsGrade tests" with the combined grade from real pytest results', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });

    await pushLearner(app, SHA.first);
    await app.settle();

    // The static review reports at once, as without grading.
    expect(staticCheckRun(fake, SHA.first)?.status).toBe('completed');
    // The tests check run waits for the run the app dispatched, with run details.
    const [running] = testsCheckRun(fake, SHA.first);
    expect([running?.status, running?.title]).toEqual(['in_progress', 'Running the tests']);
    expect(running?.summary).toBe(`The tests for commit \`${SHA.first.slice(0, 7)}\` are running in the instructor's grading workflow, started 2025-05-06 09:00 UTC. The static review is already in the OpsGrade check run; the combined grade appears here when the tests finish.`);
    expect(fake.dispatches).toHaveLength(1);
    const dispatch = fake.dispatches[0]!;
    expect(fake.requests.find((request) => request.operationId === 'actions/create-workflow-dispatch')).toMatchObject({
      path: '/repos/opsgrade-demo/opsgrade-grader/actions/workflows/grade.yml/dispatches',
      body: {
        ref: 'main',
        inputs: { learner_repository: LEARNER_REPOSITORY, learner_sha: SHA.first, chapter: '8', exercise: 'chapter-8', correlation_id: dispatch.inputs.correlation_id, time_limit_minutes: '5' },
        return_run_details: true,
      },
    });
    expect(dispatch.inputs.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(running?.external_id).toBe(dispatch.inputs.correlation_id);
    // Review: 5 calls as before; grading adds the tests check run and the dispatch.
    expect(calls(fake)).toEqual([
      'POST apps/create-installation-access-token',
      'POST checks/create',
      'GET repos/get-content',
      'GET repos/download-tarball-archive',
      'PATCH checks/update',
      'POST checks/create',
      'POST actions/create-workflow-dispatch',
    ]);

    // The grading run finishes; its results come back.
    const before = performance.now();
    await completeRun(app, dispatch);
    const expected = await expectedGrade(fake, SHA.first);
    const [run] = testsCheckRun(fake, SHA.first);
    expect(run?.status).toBe('completed');
    expect(run?.conclusion).toBe(expected.passed ? 'success' : 'failure');
    expect(run?.title).toBe(`Grade ${expected.combinedText}/100 (static ${expected.staticText}, tests 70): ${expected.passed ? 'passed' : 'not passed yet'}`);
    expect(run?.summary?.split('\n').slice(0, 17)).toEqual([
      `## ${expected.passed ? '✅' : '❌'} OpsGrade grade: ${expected.combinedText}/100, ${expected.passed ? 'passed' : 'not passed yet'}`,
      'Chapter 8 (HTTP and REST APIs) · pass mark 70',
      '',
      '| Part | Score | Weight |',
      '| --- | --- | --- |',
      `| Static review | ${expected.staticText}/100 | 50% |`,
      '| Tests | 70/100 | 50% |',
      `| **Combined** | **${expected.combinedText}/100** | |`,
      '',
      '### Tests: 70/100 points, 5 of 7 tests passed',
      '',
      '| Group | Passed | Points |',
      '| --- | --- | --- |',
      '| Health URL | 2 of 2 | 20/20 |',
      '| Exit code | 1 of 2 | 15/30 |',
      '| Timeouts | 1 of 1 | 20/20 (all or nothing) |',
      '| Hidden tests 1 | 1 of 2 | 15/30 |',
    ]);
    expect(run?.summary).toContain('**Hidden tests 1**\n- Test names and output stay hidden until 2999-01-01 00:00 UTC.\n- Hint: What should a health check report when the connection itself breaks, not only when the server says no?\n');
    expect(run?.summary).not.toMatch(/test_network|Network errors/);
    expect(run?.actions).toEqual([{ label: 'Re-run review', description: 'Review this commit again', identifier: 'rerun' }]);
    // The result: the artifact list, the (redirected) download, the check-run update.
    expect(calls(fake, before)).toEqual(['GET actions/list-workflow-run-artifacts', 'GET actions/download-artifact', 'PATCH checks/update']);
    expect(fake.requests.find((request) => request.operationId === 'actions/list-workflow-run-artifacts')?.path).toBe(`/repos/${GRADER_REPOSITORY}/actions/runs/${dispatch.runId}/artifacts?name=opsgrade-results&per_page=10`);
    expect(fake.downloads(before).map((request) => `${request.host}${request.path.replace(/\?.*/, '')}`)).toEqual([`productionresultssa0.blob.core.windows.net/actions-results/${fake.artifacts[0]?.id}.zip`]);
    expect(app.service.grading?.pendingCount).toBe(0);
    const metrics = await app.registry.metrics();
    expect(metrics).toContain('opsgrade_grading_total{event="dispatched"} 1');
    expect(metrics).toContain(`opsgrade_grading_total{event="${expected.passed ? 'success' : 'failure'}"} 1`);
  });

  it('shows the tests in the pull request summary comment: running at first, then the combined grade', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    fake.pullFiles.set(`${DEFAULT_TARGET.owner}/${LEARNER_REPO}#7`, [{ filename: 'healthcheck.py', status: 'added', patch: patchNewFile(readFixture(LEARNER_DIR, 'healthcheck.py')) }]);

    await openPullRequest(app, SHA.first, 7);
    await app.settle();
    const comment = fake.issueComments.find((candidate) => candidate.issue === 7 && candidate.byApp);
    expect(comment?.body).toContain(`\n${TESTS_RUNNING_SECTION}\n`);

    const before = performance.now();
    await completeRun(app, fake.dispatches[0]!);
    const expected = await expectedGrade(fake, SHA.first);
    expect(comment?.updates).toBe(1);
    expect(comment?.body).not.toContain('tests running');
    expect(comment?.body).toContain(`\n## ❌ OpsGrade grade: ${expected.combinedText}/100, not passed yet\nChapter 8 (HTTP and REST APIs) · pass mark 70\n`);
    expect(comment?.body).toContain('\n| Tests | 70/100 | 50% |\n');
    expect(comment?.body).toContain(`<sub>Reviewed commit ${SHA.first.slice(0, 7)}`);
    // With a pull request, the result costs one more call: the summary comment's update.
    expect(calls(fake, before)).toEqual(['GET actions/list-workflow-run-artifacts', 'GET actions/download-artifact', 'PATCH checks/update', 'PATCH issues/update-comment']);
  });

  it('falls back to a dispatch without run details on 400 and matches the run by the correlation id in its display title', async () => {
    const app = await start();
    const { fake } = app;
    fake.refuseRunDetails = true;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();

    const sent = fake.requests.filter((request) => request.operationId === 'actions/create-workflow-dispatch');
    expect(sent.map((request) => [request.status, 'return_run_details' in (request.body as object)])).toEqual([[400, true], [204, false]]);
    expect(sent[1]?.body).toEqual({ ...(sent[0]?.body as object), return_run_details: undefined });
    const dispatch = fake.dispatches[0]!;

    // Another OpsGrade run in the grader repository (another correlation id) finishes first: not this one.
    const before = performance.now();
    await completeRun(app, { ...dispatch, inputs: { ...dispatch.inputs, correlation_id: '0b7e3c1a-55aa-4f00-9d3e-1f2e3d4c5b6a' } }, { runId: 555_001 });
    // So does a run that carries this correlation id but tested another commit.
    await completeRun(app, dispatch, { runId: 555_002, run: { displayTitle: runName(dispatch, { sha: SHA.second }) } });
    expect(calls(fake, before)).toEqual([]);
    expect(testsCheckRun(fake, SHA.first)[0]?.status).toBe('in_progress');
    expect(app.logs.find((line) => line.reason === 'sha-mismatch')?.msg).toBe(`Run 555002 tested ${LEARNER_REPOSITORY}@${SHA.second.slice(0, 7)}, not ${LEARNER_REPOSITORY}@${SHA.first.slice(0, 7)}; its results do not count.`);

    // The real run: its id was never returned, its title carries the correlation id.
    await completeRun(app, dispatch, { runId: 555_003 });
    const [run] = testsCheckRun(fake, SHA.first);
    expect(run?.conclusion).toBe('failure');
    expect(run?.summary).toContain('\n| Tests | 70/100 | 50% |\n');
  });

  it('when the answer to the dispatch is lost, waits for the run by correlation id instead of dispatching again', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    fake.fail({ method: 'POST', path: /\/dispatches$/, status: 502, body: { message: 'Server Error' }, applied: true });
    await pushLearner(app, SHA.first);
    await app.settle();
    expect(fake.requests.filter((request) => request.operationId === 'actions/create-workflow-dispatch')).toHaveLength(1);
    expect(testsCheckRun(fake, SHA.first)[0]?.status).toBe('in_progress');
    await completeRun(app, fake.dispatches[0]!);
    expect(testsCheckRun(fake, SHA.first)[0]?.summary).toContain('\n| Tests | 70/100 | 50% |\n');
  });

  it('a re-run on the "OpsGrade tests" check run reviews the commit again and starts a new grading run', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();
    const rerun = checkRunPayload('rerequested', { repo: LEARNER_REPO, sha: SHA.first });
    (rerun.check_run as { name: string }).name = 'OpsGrade tests';
    await app.deliver('check_run', rerun);
    await app.settle();
    expect(fake.dispatches.map((dispatch) => dispatch.inputs.learner_sha)).toEqual([SHA.first, SHA.first]);
    expect(new Set(fake.dispatches.map((dispatch) => dispatch.inputs.correlation_id)).size).toBe(2);
  });
});

describe('when the workflow cannot start', () => {
  it('concludes action_required with what the instructor must fix, and gives the run back to the rate limit', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    const shas = [SHA.first, SHA.second, SHA.third, 'd4e5f60718293a4b5c6d7e8f9012345678912a3b'];
    for (const sha of shas.slice(1)) await setUpGrading(fake, { sha });

    // 1. Not on the default branch (or missing): GitHub does not know the workflow.
    fake.workflows.clear();
    await pushLearner(app, shas[0]!);
    await app.settle();
    // 2. The app lacks `actions: write`.
    fake.fail({ method: 'POST', path: /\/dispatches$/, status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event', status: '403' }, headers: { 'x-accepted-github-permissions': 'actions=write' } });
    await pushLearner(app, shas[1]!, shas[0]);
    await app.settle();
    // 3. The configured branch does not exist.
    fake.fail({ method: 'POST', path: /\/dispatches$/, status: 422, body: { message: 'No ref found for: main', documentation_url: 'https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event', status: '422' } });
    await pushLearner(app, shas[2]!, shas[1]);
    await app.settle();

    const concluded = shas.slice(0, 3).map((sha) => testsCheckRun(fake, sha)[0]);
    expect(concluded.map((run) => [run?.conclusion, run?.title])).toEqual(Array(3).fill(['action_required', 'Tests could not start: the instructor must fix the grading workflow']));
    const reasons = concluded.map((run) => /\n> (.*)\n/.exec(run?.summary ?? '')?.[1]);
    expect(reasons).toEqual([
      'GitHub could not find `.github/workflows/grade.yml` in `opsgrade-demo/opsgrade-grader` (GitHub said: "Not Found"). Check that the repository exists, that the OpsGrade app is installed on it, and that the workflow file is on the branch `main` and on the default branch (GitHub only dispatches workflows the default branch knows).',
      'The OpsGrade app may not start workflows in `opsgrade-demo/opsgrade-grader` (GitHub said: "Resource not accessible by integration (X-Accepted-GitHub-Permissions: actions=write)"). Grant it the `actions: write` permission (Settings → GitHub Apps → OpsGrade → Permissions) and accept the new permissions for the organisation.',
      'GitHub refused to start `.github/workflows/grade.yml` in `opsgrade-demo/opsgrade-grader` on `main` (GitHub said: "No ref found for: main"). Check that the branch `main` exists and that the workflow has a `workflow_dispatch` trigger.',
    ]);
    for (const run of concluded) {
      expect(run?.summary).toContain('The tests could not start: the grading workflow needs a fix from your instructor.');
      expect(run?.summary).toContain('The static review is still reported; the combined grade appears once the tests have run.');
    }
    // The static review of each commit is reported as usual.
    expect(shas.slice(0, 3).map((sha) => staticCheckRun(fake, sha)?.status)).toEqual(['completed', 'completed', 'completed']);

    // Failed dispatches cost no graded run: with 3 an hour, a fourth push still runs the tests.
    fake.workflows.set(`${GRADER_REPOSITORY}:grade.yml`, ['learner_repository', 'learner_sha', 'chapter', 'exercise', 'correlation_id', 'time_limit_minutes']);
    await pushLearner(app, shas[3]!, shas[2]);
    await app.settle();
    expect(testsCheckRun(fake, shas[3]!)[0]?.status).toBe('in_progress');
    expect(fake.dispatches).toHaveLength(1);
  });
});

describe('a dispatch GitHub refuses for its rate limit', () => {
  it('concludes the tests part cancelled, saying the limit ran out, not that the tests timed out', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    const reset = String(Math.floor(Date.now() / 1000) + 3600);
    fake.fail({
      method: 'POST', path: /\/dispatches$/, status: 403, times: 5,
      body: { message: 'API rate limit exceeded for installation ID 1.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' },
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset, 'content-type': 'application/json' },
    });
    await pushLearner(app, SHA.first);
    await app.settle();
    const [run] = testsCheckRun(fake, SHA.first);
    expect([run?.status, run?.conclusion]).toEqual(['completed', 'cancelled']);
    expect(run?.summary).toContain('GitHub\'s API limit for this organisation was used up, so the tests could not start. Nothing is wrong with your code: push again or use "Re-run review" later to run them.');
    expect(run?.summary).toContain('GitHub said: "API rate limit exceeded for installation ID 1."');
    expect(run?.summary).not.toContain('timed out');
  });
});

describe('a tests check run is never left running', () => {
  it('when concluding a refused dispatch fails, the sweep concludes the check run later', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    fake.workflows.clear();
    // The static check run concludes first; the tests check run's conclusion is the PATCH to fail.
    const gate = fake.hold('POST', /\/dispatches$/);
    const pushed = pushLearner(app, SHA.first);
    await gate.reached;
    fake.fail({ method: 'PATCH', path: /\/check-runs\/\d+$/, status: 422, body: { message: 'Validation Failed' } });
    gate.release();
    await pushed;
    await app.settle();
    expect(testsCheckRun(fake, SHA.first)[0]?.status).toBe('in_progress');
    expect(app.logs.find((line) => line.msg === 'could not start grading')?.level).toBe(50);

    clock.advance(20 * 60_000);
    await app.service.grading?.sweep();
    expect(testsCheckRun(fake, SHA.first)[0]?.conclusion).toBe('timed_out');
  });
});

describe('a tests result whose check run cannot be concluded at once', () => {
  it('is kept, and the next sweep concludes the check run with it (not as timed out)', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();
    fake.fail({ method: 'PATCH', path: /\/check-runs\/\d+$/, status: 422, body: { message: 'Validation Failed' } });
    await completeRun(app, fake.dispatches[0]!, { artifact: false, run: { conclusion: 'failure' } });
    expect(testsCheckRun(fake, SHA.first)[0]?.status).toBe('in_progress');
    expect(app.logs.find((line) => line.msg === 'could not conclude the tests check run')).toMatchObject({ attempt: 1, retry: true });

    await app.service.grading?.sweep();
    const [run] = testsCheckRun(fake, SHA.first);
    expect([run?.status, run?.conclusion, run?.title]).toEqual(['completed', 'failure', 'Tests errored: no combined grade for this commit']);
  });
});

describe('when the run fails, is cancelled, never reports or reports nonsense', () => {
  it('a failed or cancelled run errors the tests part and still reports the static part', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await setUpGrading(fake, { sha: SHA.second });
    await pushLearner(app, SHA.first);
    await app.settle();
    // A second commit on another branch, so it does not supersede the first.
    await app.deliver('push', pushPayload({ repo: LEARNER_REPO, sha: SHA.second, branch: 'other' }));
    await app.settle();
    const [first, second] = fake.dispatches;

    const before = performance.now();
    await completeRun(app, first!, { artifact: false, run: { conclusion: 'failure' } });
    await completeRun(app, second!, { artifact: false, run: { conclusion: 'cancelled' } });
    expect(calls(fake, before)).toEqual(['PATCH checks/update', 'PATCH checks/update']);

    const expected = await expectedGrade(fake, SHA.first);
    const failed = testsCheckRun(fake, SHA.first)[0];
    const cancelled = testsCheckRun(fake, SHA.second)[0];
    expect([failed?.conclusion, failed?.title]).toEqual(['failure', 'Tests errored: no combined grade for this commit']);
    expect([cancelled?.conclusion, cancelled?.title]).toEqual(['cancelled', 'Tests errored: no combined grade for this commit']);
    expect(failed?.summary?.split('\n').slice(0, 14)).toEqual([
      '## ⚠️ OpsGrade grade: tests errored',
      'Chapter 8 (HTTP and REST APIs) · pass mark 70',
      '',
      '| Part | Score | Weight |',
      '| --- | --- | --- |',
      `| Static review | ${expected.staticText}/100 | 50% |`,
      '| Tests | errored | 50% |',
      '| **Combined** | **—** | |',
      '',
      '### Tests: errored',
      '',
      'The grading run failed before it produced test results. This is a problem with the run, not a verdict on your code.',
      '',
      `> Run ${first?.runId} concluded \`failure\`; its log is in ${GRADER_REPOSITORY} (Actions tab).`,
    ]);
    expect(cancelled?.summary).toContain('The grading run was cancelled before it finished, so the tests part has no result for this commit.');
    expect(cancelled?.summary).toContain(`| Static review | ${expected.staticText}/100 | 50% |`);
  });

  it('no result in time: the sweep concludes timed_out, and a late result no longer counts', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();

    clock.advance(19 * 60_000);
    await app.service.grading?.sweep();
    expect(testsCheckRun(fake, SHA.first)[0]?.status).toBe('in_progress');
    clock.advance(60_000);
    await app.service.grading?.sweep();
    await app.settle();
    const [run] = testsCheckRun(fake, SHA.first);
    expect([run?.conclusion, run?.title]).toEqual(['timed_out', 'Tests errored: no combined grade for this commit']);
    expect(run?.summary).toContain('No test results arrived in time, so the tests part timed out. Push a new commit, or use "Re-run review", to run the tests again.\n\n> No result arrived within 20 minutes of the dispatch at 2025-05-06 09:00 UTC.\n');

    const before = performance.now();
    await completeRun(app, fake.dispatches[0]!);
    expect(calls(fake, before)).toEqual([]);
    expect(testsCheckRun(fake, SHA.first)[0]?.conclusion).toBe('timed_out');
  });

  it('the sweep runs by itself every interval and stops on shutdown', async () => {
    const app = await start({ gradingSweepMs: 20 });
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();
    expect(app.service.grading?.sweeping).toBe(true);
    clock.advance(21 * 60_000);
    for (let attempt = 0; attempt < 250 && testsCheckRun(fake, SHA.first)[0]?.status !== 'completed'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await app.settle();
    expect(testsCheckRun(fake, SHA.first)[0]?.conclusion).toBe('timed_out');
    const grading = app.service.grading;
    await app.close();
    harness = undefined;
    expect(grading?.sweeping).toBe(false);
    expect(fake.problems).toEqual([]);
  });

  it('malformed JUnit XML: a clear error in the summary, no crash', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();
    const pytestRun = await realPytestRun();
    await completeRun(app, fake.dispatches[0]!, { junitXml: (pytestRun.junitXml ?? '').slice(0, 400) });
    const [run] = testsCheckRun(fake, SHA.first);
    expect([run?.conclusion, run?.title]).toEqual(['failure', 'Tests errored: no combined grade for this commit']);
    expect(run?.summary).toContain('\nThe test results could not be read. This is a problem with the grading run, not a verdict on your code.\n\n> The JUnit XML is malformed');
    expect(app.logs.filter((line) => line.level === 50)).toEqual([]);
  });

  it('an artifact larger than the limit is not downloaded', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();
    const dispatch = fake.dispatches[0]!;
    fake.addArtifact({ owner: 'opsgrade-demo', repo: 'opsgrade-grader', runId: dispatch.runId, name: 'opsgrade-results', zip: new Uint8Array(10), sizeInBytes: 5 * 1024 * 1024 });
    const before = performance.now();
    await app.deliver('workflow_run', workflowRunPayload({ id: dispatch.runId, displayTitle: runName(dispatch), createdAt: new Date(T0 + 4_000).toISOString() }));
    await app.settle();
    expect(calls(fake, before)).toEqual(['GET actions/list-workflow-run-artifacts', 'PATCH checks/update']);
    expect(testsCheckRun(fake, SHA.first)[0]?.summary).toContain(`> The results artifact of run ${dispatch.runId} is 5,242,880 bytes; the limit is 4,194,304, so it was not downloaded.`);
  });
});

describe('restarts and configuration', () => {
  it('shutdown concludes the pending tests check run as cancelled instead of leaving it running', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();
    await app.close();
    harness = undefined;
    const [run] = testsCheckRun(fake, SHA.first);
    expect([run?.status, run?.conclusion]).toEqual(['completed', 'cancelled']);
    expect(run?.summary).toContain('> OpsGrade restarted while the tests were running, so it could not collect their result.');
    expect(fake.problems).toEqual([]);
  });

  it('a broken testGrading block concludes the review action_required, at its line, and starts nothing', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first, config: GRADING_CONFIG.replace('runsPerHour: 3', 'runsPerHour: 0') });
    await pushLearner(app, SHA.first);
    await app.settle();
    const run = staticCheckRun(fake, SHA.first);
    expect([run?.conclusion, run?.title]).toEqual(['action_required', 'OpsGrade configuration has 1 error']);
    expect(run?.summary).toContain('- `opsgrade-demo/.github/.github/opsgrade.yml:16:18`: `testGrading.rateLimit.runsPerHour`: must be at least 1');
    expect(testsCheckRun(fake, SHA.first)).toEqual([]);
    expect(fake.dispatches).toEqual([]);
  });

  it('a chapter without tests gets no tests check run and no dispatch', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first, config: GRADING_CONFIG.replace('chapter: 8\n    repositories', 'chapter: 7\n    repositories') });
    await pushLearner(app, SHA.first);
    await app.settle();
    expect(staticCheckRun(fake, SHA.first)?.title).toMatch(/^Chapter 7: /);
    expect(testsCheckRun(fake, SHA.first)).toEqual([]);
    expect(calls(fake).filter((call) => call.includes('actions/'))).toEqual([]);
  });
});
