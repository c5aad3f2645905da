// Grades learners cannot game, through the real app: runs that are not the instructor's dispatched
// run for this commit (a learner's own workflow with a perfect artifact, a copy of grade.yml in the
// learner's repository, another commit's run, re-runs) and a learner's own config or suppression
// comments leave the grade exactly as the genuine run makes it. Plus the cost limit and practice mode.

import { afterEach, describe, expect, it } from 'vitest';

import { packResultsArtifact } from '../../src/grading/artifact.ts';
import type { DispatchState } from './support/fake-github.ts';
import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import {
  addResultsArtifact, calls, Clock, completeRun, expectedGrade, GRADING_CONFIG, LEARNER_DIR, LEARNER_REPO, LEARNER_REPOSITORY, manifestFor, pushLearner, runName,
  setUpGrading, staticCheckRun, T0, testsCheckRun,
} from './support/grading.ts';
import { patchNewFile, readFixture, SHA } from './support/scenario.ts';
import { DEFAULT_TARGET, pullRequestPayload, workflowRunPayload } from './support/webhooks.ts';
import type { WorkflowRunFields } from './support/webhooks.ts';

/** Every test passes: what a learner would like the grader to report. */
const PERFECT_JUNIT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="7">
<testcase classname="test_health" name="test_health_url_adds_path" file="test_health.py"/>
<testcase classname="test_health" name="test_health_url_strips_slash" file="test_health.py"/>
<testcase classname="test_exit" name="test_all_healthy" file="test_exit.py"/>
<testcase classname="test_exit" name="test_one_down" file="test_exit.py"/>
<testcase classname="test_health" name="test_timeout_passed" file="test_health.py"/>
<testcase classname="test_network" name="test_reset" file="test_network.py"/>
<testcase classname="test_network" name="test_refused" file="test_network.py"/>
</testsuite></testsuites>
`;

let harness: Harness | undefined;
let clock: Clock;

async function start(): Promise<Harness> {
  clock = new Clock();
  harness = await startApp({ now: clock.now });
  return harness;
}

afterEach(async () => {
  if (!harness) return;
  const { fake } = harness;
  await harness.close();
  harness = undefined;
  expect(fake.problems).toEqual([]);
});

/** A finished run that did not come from OpsGrade's dispatch, uploading a perfect results artifact. */
async function attack(app: Harness, dispatch: DispatchState, run: Partial<WorkflowRunFields> & { id: number }, options: { artifact?: boolean } = {}): Promise<void> {
  const repository = run.repository ?? 'opsgrade-demo/opsgrade-grader';
  const [owner = '', repo = ''] = repository.split('/');
  const manifest = manifestFor(dispatch, { id: run.id, repository, ...(run.path ? { path: run.path } : {}), attempt: run.runAttempt ?? 1 }, { exitCode: 0 });
  if (options.artifact ?? true) app.fake.addArtifact({ owner, repo, runId: run.id, name: 'opsgrade-results', zip: packResultsArtifact({ junitXml: PERFECT_JUNIT, manifest }) });
  await app.deliver('workflow_run', workflowRunPayload({ displayTitle: runName(dispatch), createdAt: new Date(T0 + 4_000).toISOString(), ...run }));
  await app.settle();
}

describe('results count only from the instructor\'s dispatched run for this commit', () => {
  it('ignores forged, copied, foreign and repeated runs without a GitHub call; the genuine run grades as usual and a later re-run changes nothing', async () => {
    const app = await start();
    const { fake } = app;
    await setUpGrading(fake, { sha: SHA.first });
    await pushLearner(app, SHA.first);
    await app.settle();
    const dispatch = fake.dispatches[0]!;
    // The learner can read the correlation id: it is the tests check run's external_id.
    expect(testsCheckRun(fake, SHA.first)[0]?.external_id).toBe(dispatch.inputs.correlation_id);

    const before = performance.now();
    // 1. A workflow of the learner's own, on push, uploading a perfect "opsgrade-results" artifact.
    await attack(app, dispatch, { id: 900_001, repository: LEARNER_REPOSITORY, path: '.github/workflows/ci.yml', event: 'push' });
    // 2. A copy of grade.yml, edited in the learner's repository and dispatched there with our run name.
    await attack(app, dispatch, { id: 900_002, repository: LEARNER_REPOSITORY });
    // 3. A run in the grader repository for another commit, carrying this dispatch's correlation id.
    await attack(app, dispatch, { id: 900_003, displayTitle: runName(dispatch, { sha: SHA.second }) });
    // 4. The dispatched run finished and uploaded its results, but its delivery is late; meanwhile a
    //    re-run of it uploads a perfect artifact to the same run and is reported first.
    await addResultsArtifact(app, dispatch);
    await attack(app, dispatch, { id: dispatch.runId, runAttempt: 2 });
    // 5. Another workflow of the grader repository (not the configured grade.yml), named like ours.
    await attack(app, dispatch, { id: 900_005, path: '.github/workflows/debug.yml' });

    expect(calls(fake, before)).toEqual([]);
    expect(fake.downloads(before)).toEqual([]);
    expect(testsCheckRun(fake, SHA.first).map((run) => [run.status, run.updates])).toEqual([['in_progress', 0]]);
    expect(app.logs.filter((line) => typeof line.reason === 'string').map((line) => [line.runId, line.reason])).toEqual([
      [900_001, 'wrong-repository'],
      [900_002, 'wrong-repository'],
      [900_003, 'run-id-mismatch'],
      [dispatch.runId, 're-run'],
      [900_005, 'wrong-workflow'],
    ]);
    expect(app.logs.find((line) => line.runId === 900_002)?.msg).toBe(`Run 900002 ran in ${LEARNER_REPOSITORY}, not in the grader repository opsgrade-demo/opsgrade-grader; only the instructor's grading workflow can grade, so its results do not count.`);

    // The genuine run's delivery: real pytest, 70 points for the tests, read from the first attempt's artifact.
    await completeRun(app, dispatch, { artifact: false });
    const expected = await expectedGrade(fake, SHA.first);
    const [graded] = testsCheckRun(fake, SHA.first);
    const title = `Grade ${expected.combinedText}/100 (static ${expected.staticText}, tests 70): not passed yet`;
    expect([graded?.conclusion, graded?.title]).toEqual(['failure', title]);

    // 6. The grading run is re-run afterwards and its second attempt uploads a perfect artifact.
    const after = performance.now();
    await attack(app, dispatch, { id: dispatch.runId, runAttempt: 2 });
    expect(calls(fake, after)).toEqual([]);
    expect(testsCheckRun(fake, SHA.first).map((run) => [run.conclusion, run.title, run.updates])).toEqual([['failure', title, 1]]);
  });

  it("a learner's .opsgrade.yml asking for points and weights, and suppression comments, leave the grade as it is", async () => {
    const app = await start();
    const { fake } = app;
    const learnerConfig = [
      'testGrading:',
      '  weights: { static: 0, tests: 100 }',
      '  chapters:',
      '    "8": { groups: [{ name: Everything, tests: ["**"], points: 1000 }] }',
      'grading:',
      '  threshold: 0',
      '',
    ].join('\n');
    // The fixture suppresses its call without a timeout (`# opsgrade: ignore[http-call-without-timeout]`).
    const source = readFixture(LEARNER_DIR, 'healthcheck.py');
    const unsuppressed = source.replace(/ {2}# opsgrade: ignore\[[^\n]*/, '');
    expect(unsuppressed).not.toBe(source);
    // The code without the suppression comment; then with it, and the learner's own configuration.
    await setUpGrading(fake, { sha: SHA.first, files: { 'healthcheck.py': unsuppressed } });
    await setUpGrading(fake, { sha: SHA.second, files: { '.opsgrade.yml': learnerConfig } });

    await pushLearner(app, SHA.first);
    await app.settle();
    await completeRun(app, fake.dispatches[0]!);
    await pushLearner(app, SHA.second, SHA.first);
    await app.settle();
    await completeRun(app, fake.dispatches[1]!, { createdAt: new Date(T0 + 4_000).toISOString() });

    const [plain, gamed] = [SHA.first, SHA.second].map((sha) => testsCheckRun(fake, sha)[0]);
    const expected = await expectedGrade(fake, SHA.first);
    expect(plain?.title).toBe(`Grade ${expected.combinedText}/100 (static ${expected.staticText}, tests 70): not passed yet`);
    expect([gamed?.conclusion, gamed?.title]).toEqual([plain?.conclusion, plain?.title]);
    // The tests part is scored by the instructor's groups, not the learner's.
    expect(gamed?.summary?.split('\n').slice(0, 17)).toEqual(plain?.summary?.split('\n').slice(0, 17));
    expect(staticCheckRun(fake, SHA.second)?.summary).toContain("- `.opsgrade.yml`: `testGrading`, `grading` were ignored. In the GitHub App only your instructor's course configuration sets chapters, points, thresholds and rules.");
  });
});

describe('cost control', () => {
  it('runs at most N graded runs per repository an hour; the summaries say when the next one can happen, and static review goes on', async () => {
    const app = await start();
    const { fake } = app;
    const config = GRADING_CONFIG.replace('runsPerHour: 3', 'runsPerHour: 1');
    await setUpGrading(fake, { sha: SHA.first, config });
    await setUpGrading(fake, { sha: SHA.second, config });
    fake.pullFiles.set(`${DEFAULT_TARGET.owner}/${LEARNER_REPO}#7`, [{ filename: 'healthcheck.py', status: 'added', patch: patchNewFile(readFixture(LEARNER_DIR, 'healthcheck.py')) }]);

    await pushLearner(app, SHA.first);
    await app.settle();
    clock.advance(25 * 60_000);
    const before = performance.now();
    await app.deliver('pull_request', pullRequestPayload('synchronize', 7, { repo: LEARNER_REPO, sha: SHA.second, branch: 'feature' }));
    await app.settle();

    expect(fake.dispatches.map((dispatch) => dispatch.inputs.learner_sha)).toEqual([SHA.first]);
    expect(staticCheckRun(fake, SHA.second)?.status).toBe('completed');
    const [limited] = testsCheckRun(fake, SHA.second);
    expect([limited?.status, limited?.conclusion, limited?.title]).toEqual(['completed', 'neutral', 'Tests not run: the next graded run is possible at 2025-05-06 10:00 UTC']);
    const note = 'The tests were not run for this commit: this repository has used its 1 graded run for this hour. The next graded run is possible at 2025-05-06 10:00 UTC. Static review is not limited.';
    expect(limited?.summary).toContain(`### Tests: not run\n\n${note}\n`);
    expect(fake.issueComments.find((comment) => comment.issue === 7)?.body).toContain(`\n${note}\n`);
    // One request for the tests check run, created already concluded; no dispatch.
    expect(calls(fake, before)).toEqual([
      'POST checks/create',
      'GET repos/download-tarball-archive',
      'PATCH checks/update',
      'POST checks/create',
      'GET pulls/list-files',
      'POST graphql',
      'POST issues/create-comment',
    ]);
  });
});

describe('learner-repository mode', () => {
  it('dispatches the practice workflow in the learner\'s repository on its default branch and shows the result as practice, never in the grade', async () => {
    const app = await start();
    const { fake } = app;
    const config = GRADING_CONFIG.replace(/ {2}mode: grader-repository\n {2}graderRepository:\n {4}repository: opsgrade-grader\n {4}workflow: grade.yml\n {4}ref: main\n/, '  mode: learner-repository\n');
    expect(config).toContain('mode: learner-repository');
    await setUpGrading(fake, { sha: SHA.first, config });
    fake.workflows.set(`${LEARNER_REPOSITORY}:opsgrade-tests.yml`, ['learner_repository', 'learner_sha', 'chapter', 'exercise', 'correlation_id', 'time_limit_minutes']);
    await pushLearner(app, SHA.first);
    await app.settle();
    const dispatch = fake.dispatches[0]!;
    expect([dispatch.owner, dispatch.repo, dispatch.workflow, dispatch.ref]).toEqual([DEFAULT_TARGET.owner, LEARNER_REPO, 'opsgrade-tests.yml', 'main']);
    expect(testsCheckRun(fake, SHA.first)[0]?.summary).toContain("are running in the practice workflow in this repository, started 2025-05-06 09:00 UTC.");

    await completeRun(app, dispatch, { run: { repository: LEARNER_REPOSITORY, path: '.github/workflows/opsgrade-tests.yml' } });
    const expected = await expectedGrade(fake, SHA.first);
    const [run] = testsCheckRun(fake, SHA.first);
    expect([run?.conclusion, run?.title]).toEqual(['neutral', `Practice tests 70/100, not counted; grade ${expected.staticText}/100 from the static review`]);
    expect(run?.summary).toContain('| Tests | 70/100 (practice, not counted) | 0% |');
    expect(run?.summary).toContain(`| **Combined** | **${expected.staticText}/100** | |`);
    expect(run?.summary).toContain('Practice only: these tests ran in your own repository (learner-repository mode), where the tests and the workflow can be edited, so they do not change your grade.');
  });
});
