// The shipped workflow templates: valid for GitHub's own parser, with exactly OpsGrade's inputs and
// run-name, the same pytest bootstrap as `opsgrade grade`, and shell steps that really work: they run
// here against the fixtures, and their artifact goes through artifact → trust → score.

import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { packResultsArtifact, parseManifest, RESULTS_ARTIFACT_NAME } from '../../src/grading/artifact.ts';
import { parseGradingConfig } from '../../src/grading/config.ts';
import { WORKFLOW_INPUT_NAMES } from '../../src/grading/dispatch.ts';
import { parseJUnit } from '../../src/grading/junit.ts';
import { PYTEST_BOOTSTRAP, pytestArguments, runPytest } from '../../src/grading/pytest.ts';
import { assessWorkflowRun, testsPartFromArtifact } from '../../src/grading/results.ts';
import { runNameFor } from '../../src/grading/trust.ts';
import { WorkflowRunner } from './support/steps.ts';
import { workflowErrors, workflowTemplate } from './support/workflow-parser.ts';
import { CORRELATION_ID, GRADER_REPOSITORY, LEARNER_REPOSITORY, pendingDispatch, workflowRunEvent } from './support/runs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TEMPLATES = path.join(ROOT, 'templates');
const GRADE = 'grader-repository/.github/workflows/grade.yml';
const REUSABLE = 'grader-repository/.github/workflows/grade-reusable.yml';
const VIA_REUSABLE = 'grader-repository/examples/grade-via-reusable.yml';
const LEARNER_MODE = 'learner-repository/.github/workflows/opsgrade-tests.yml';
const ALL = [GRADE, REUSABLE, VIA_REUSABLE, LEARNER_MODE];
const RUN_NAME = 'opsgrade ${{ inputs.correlation_id }} ${{ inputs.learner_repository }}@${{ inputs.learner_sha }}';

const text = (file: string) => readFileSync(path.join(TEMPLATES, file), 'utf8');
type Yaml = Record<string, unknown> & { jobs: Record<string, { steps?: { name?: string; uses?: string; env?: Record<string, string>; with?: Record<string, unknown>; run?: string }[] }> };
const yaml = (file: string) => parseYaml(text(file)) as Yaml;

describe('workflow templates', () => {
  it.each(ALL)('%s is valid for GitHub\'s workflow parser', async (file) => {
    expect(await workflowErrors(path.basename(file), text(file))).toEqual([]);
  });

  it('the parser really reports mistakes (a control for the test above)', async () => {
    expect(await workflowErrors('broken.yml', text(GRADE).replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    stepz: []'))).toEqual(["broken.yml (Line: 45, Col: 5): Unexpected value 'stepz'"]);
  });

  it.each([GRADE, VIA_REUSABLE, LEARNER_MODE])('%s takes exactly the dispatch inputs OpsGrade sends', async (file) => {
    const template = await workflowTemplate(path.basename(file), text(file));
    const inputs = template.events.workflow_dispatch?.inputs ?? {};
    expect(Object.keys(inputs)).toEqual([...WORKFLOW_INPUT_NAMES]);
    expect(Object.entries(inputs).map(([name, input]) => [name, input.type, input.required ?? false, input.default])).toEqual([
      ['learner_repository', 'string', true, undefined],
      ['learner_sha', 'string', true, undefined],
      ['chapter', 'string', true, undefined],
      ['exercise', 'string', true, undefined],
      ['correlation_id', 'string', true, undefined],
      ['time_limit_minutes', 'string', false, '10'],
    ]);
    expect(Object.keys(template.events)).toEqual(['workflow_dispatch']);
    expect(yaml(file)['run-name']).toBe(RUN_NAME);
  });

  it('the reusable workflow takes the same inputs through workflow_call, and runs the same job as grade.yml', async () => {
    const template = await workflowTemplate('grade-reusable.yml', text(REUSABLE));
    expect(Object.keys(template.events)).toEqual(['workflow_call']);
    expect(Object.keys(template.events.workflow_call?.inputs ?? {})).toEqual([...WORKFLOW_INPUT_NAMES]);
    expect(Object.keys(template.events.workflow_call?.secrets ?? {})).toEqual(['OPSGRADE_CHECKOUT_APP_ID', 'OPSGRADE_CHECKOUT_PRIVATE_KEY', 'OPSGRADE_CHECKOUT_TOKEN']);
    expect(yaml(REUSABLE).jobs).toEqual(yaml(GRADE).jobs);
    expect(yaml(VIA_REUSABLE).jobs.grade).toMatchObject({ uses: 'my-org/opsgrade-workflows/.github/workflows/grade-reusable.yml@v1' });
  });

  it('the run-name gives the title OpsGrade matches runs by', () => {
    const inputs = { correlation_id: CORRELATION_ID, learner_repository: LEARNER_REPOSITORY, learner_sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' };
    const title = RUN_NAME.replace(/\$\{\{ inputs\.(\w+) \}\}/g, (_, name: keyof typeof inputs) => inputs[name]);
    expect(title).toBe(runNameFor(inputs));
  });

  it.each(ALL)('%s only refers to inputs it declares and steps that exist', (file) => {
    const source = text(file);
    const declared = new Set(Object.keys((yaml(file).on as Record<string, { inputs?: object }>)[file === REUSABLE ? 'workflow_call' : 'workflow_dispatch']?.inputs ?? {}));
    const used = new Set([...source.matchAll(/(?<![.\w])inputs\.(\w+)/g)].map((match) => match[1]));
    expect([...used].filter((name) => name !== undefined && !declared.has(name))).toEqual([]);
    const ids = new Set(Object.values(yaml(file).jobs).flatMap((job) => (job.steps ?? []).map((step) => (step as { id?: string }).id)));
    expect([...source.matchAll(/steps\.(\w+)\./g)].map((match) => match[1]).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each([GRADE, LEARNER_MODE])('%s runs pytest exactly as `opsgrade grade` does and uploads the results artifact', (file) => {
    const steps = Object.values(yaml(file).jobs)[0]?.steps ?? [];
    const pytest = steps.find((step) => step.name === 'Run the tests');
    expect(pytest?.env?.OPSGRADE_BOOTSTRAP?.trimEnd()).toBe(PYTEST_BOOTSTRAP);
    const flags = pytestArguments('JUNIT', 'TESTS').filter((argument) => !argument.includes('JUNIT') && argument !== 'TESTS' && !argument.startsWith('--rootdir'));
    for (const flag of flags) expect(pytest?.run).toContain(flag);
    expect(pytest?.run).toContain('PYTEST_DISABLE_PLUGIN_AUTOLOAD=1');
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.with).toEqual({ name: RESULTS_ARTIFACT_NAME, path: '${{ runner.temp }}/opsgrade-results/', 'retention-days': 1, 'if-no-files-found': 'error' });
  });

  it('checks out the learner commit with a token limited to that repository and without keeping credentials', () => {
    const steps = yaml(GRADE).jobs.grade?.steps ?? [];
    expect(steps.find((step) => step.uses?.startsWith('actions/create-github-app-token@'))?.with).toEqual({
      'app-id': '${{ secrets.OPSGRADE_CHECKOUT_APP_ID }}',
      'private-key': '${{ secrets.OPSGRADE_CHECKOUT_PRIVATE_KEY }}',
      owner: '${{ github.repository_owner }}',
      repositories: '${{ steps.inputs.outputs.learner_name }}',
      'permission-contents': 'read',
    });
    expect(steps.filter((step) => step.uses?.startsWith('actions/checkout@')).map((step) => step.with)).toEqual([
      { path: 'grader', 'persist-credentials': false },
      { repository: '${{ inputs.learner_repository }}', ref: '${{ inputs.learner_sha }}', token: '${{ steps.token.outputs.token || secrets.OPSGRADE_CHECKOUT_TOKEN }}', path: 'learner', 'persist-credentials': false },
    ]);
    expect(yaml(GRADE).permissions).toEqual({ contents: 'read' });
  });
});

describe('the grader template\'s example tests', () => {
  it('run against the fixture learner repository and find its exit-code bug', async () => {
    const run = await runPytest({ learnerDir: path.join(ROOT, 'fixtures/grading/learner'), testsDir: path.join(TEMPLATES, 'grader-repository/tests/chapter-8'), timeLimitMs: 60_000 });
    expect(parseJUnit(run.junitXml ?? '').tests.map((test) => `${test.outcome} ${test.nodeId} ${test.markers.join(',')}`.trimEnd())).toEqual([
      'passed test_health.py::test_health_url_adds_path',
      'passed test_health.py::test_healthy_when_200',
      'passed test_health.py::test_unhealthy_when_refused',
      'passed test_health.py::test_request_has_timeout timeouts',
      'failed test_health.py::test_exit_code_reports_any_unhealthy_service',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The templates' shell steps, run for real

const RUN_ID = 14_820_391_227;

function gitCommit(dir: string): string {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'Health checker');
  return git('rev-parse', 'HEAD');
}

async function graderWorkspace(template: string, repository: string) {
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-workspace-'));
  const runnerTemp = path.join(workspace, '_temp');
  await mkdir(runnerTemp);
  await cp(path.join(ROOT, 'fixtures/grading/learner'), path.join(workspace, 'learner'), { recursive: true });
  if (template === LEARNER_MODE) await cp(path.join(ROOT, 'fixtures/grading/grader-tests'), path.join(workspace, 'learner/tests'), { recursive: true });
  else await cp(path.join(ROOT, 'fixtures/grading/grader-tests'), path.join(workspace, 'grader/tests/chapter-8'), { recursive: true });
  const sha = gitCommit(path.join(workspace, 'learner'));
  const inputs = { learner_repository: LEARNER_REPOSITORY, learner_sha: sha, chapter: '8', exercise: 'chapter-8', correlation_id: CORRELATION_ID, time_limit_minutes: '5' };
  const context: Record<string, string> = {
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`inputs.${name}`, value])),
    'runner.temp': runnerTemp,
    "secrets.OPSGRADE_CHECKOUT_APP_ID != ''": 'false',
  };
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? workspace,
    LANG: 'C.UTF-8',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: repository,
    GITHUB_WORKFLOW_REF: `${repository}/${template === LEARNER_MODE ? '.github/workflows/opsgrade-tests.yml' : '.github/workflows/grade.yml'}@refs/heads/main`,
    GITHUB_RUN_ID: String(RUN_ID),
    GITHUB_RUN_ATTEMPT: '1',
    RUNNER_TEMP: runnerTemp,
  };
  const job = template === LEARNER_MODE ? 'test' : 'grade';
  return { runner: new WorkflowRunner(text(template), job, workspace, context, env), sha, runnerTemp, inputs };
}

async function uploadedArtifact(runnerTemp: string): Promise<Uint8Array> {
  const dir = path.join(runnerTemp, 'opsgrade-results');
  const files = (await readdir(dir)).sort();
  expect(files).toEqual(['junit.xml', 'manifest.json']);
  return packResultsArtifact({ junitXml: await readFile(path.join(dir, 'junit.xml'), 'utf8'), manifest: await readFile(path.join(dir, 'manifest.json'), 'utf8') });
}

const CONFIG = (() => {
  const file = parseYaml(readFileSync(path.join(ROOT, 'fixtures/grading/opsgrade.yml'), 'utf8')) as { testGrading: unknown };
  const parsed = parseGradingConfig(file.testGrading);
  if (!parsed.ok) throw new Error('fixture config is invalid');
  return parsed.config;
})();

describe('grade.yml, step by step on this machine', () => {
  it('rejects bad inputs before anything is checked out', async () => {
    const { runner } = await graderWorkspace(GRADE, GRADER_REPOSITORY);
    runner.context['inputs.learner_sha'] = 'main';
    const badSha = await runner.run('Check the inputs');
    expect([badSha.code, badSha.stdout.trim()]).toEqual([1, '::error::learner_sha must be a full 40-character commit SHA']);
    runner.context['inputs.learner_sha'] = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    runner.context['inputs.exercise'] = '../../etc';
    expect((await runner.run('Check the inputs')).stdout.trim()).toBe('::error::exercise must be a folder name under tests/');
    runner.context['inputs.exercise'] = 'chapter-8';
    runner.context['inputs.time_limit_minutes'] = '600';
    expect((await runner.run('Check the inputs')).stdout.trim()).toBe('::error::time_limit_minutes must be 1-60');
  });

  it('grades the fixture commit: real pytest, the manifest, and the artifact counts for exactly 70 of 100 points', async () => {
    const { runner, sha, runnerTemp } = await graderWorkspace(GRADE, GRADER_REPOSITORY);
    expect(await runner.run('Check the inputs')).toMatchObject({ code: 0, outputs: { learner_name: 'ch08-health-ada' } });
    expect(await runner.run('Confirm the commit and the tests folder')).toMatchObject({ code: 0, outputs: { sha } });
    expect(await runner.run('Run the tests')).toMatchObject({ code: 0, outputs: { exit_code: '1' } });
    expect(await runner.run('Write the manifest')).toMatchObject({ code: 0 });

    const manifest = parseManifest(await readFile(path.join(runnerTemp, 'opsgrade-results/manifest.json'), 'utf8'));
    expect(manifest).toEqual({
      schemaVersion: 1,
      learnerRepository: LEARNER_REPOSITORY,
      learnerSha: sha,
      chapter: '8',
      exercise: 'chapter-8',
      correlationId: CORRELATION_ID,
      workflow: { repository: GRADER_REPOSITORY, path: '.github/workflows/grade.yml', runId: RUN_ID, runAttempt: 1 },
      pytest: { exitCode: 1, timedOut: false },
    });

    const pending = pendingDispatch({ headSha: sha, runId: RUN_ID });
    const event = workflowRunEvent({ id: RUN_ID, displayTitle: runNameFor({ correlation_id: CORRELATION_ID, learner_repository: LEARNER_REPOSITORY, learner_sha: sha }) });
    expect(assessWorkflowRun(pending, event)).toEqual({ action: 'download', artifactName: 'opsgrade-results' });
    const part = testsPartFromArtifact({ pending, event, artifact: await uploadedArtifact(runnerTemp), chapter: CONFIG.chapters['8']!, now: new Date('2025-05-06T09:02:00Z'), revealHiddenAt: CONFIG.revealHiddenAt });
    expect(part.status === 'graded' && [part.score.points, part.score.maxPoints, part.score.passed, part.score.total]).toEqual([70, 100, 5, 7]);
  });

  it('records a run stopped by the time limit as timed out', async () => {
    const { runner, runnerTemp } = await graderWorkspace(GRADE, GRADER_REPOSITORY);
    await runner.run('Confirm the commit and the tests folder');
    runner.context['steps.pytest.outputs.exit_code'] = '124';
    await runner.run('Write the manifest');
    expect(parseManifest(await readFile(path.join(runnerTemp, 'opsgrade-results/manifest.json'), 'utf8')).pytest).toEqual({ exitCode: 124, timedOut: true });
  });

  it('stops when the exercise has no tests folder in the grader repository', async () => {
    const { runner } = await graderWorkspace(GRADE, GRADER_REPOSITORY);
    runner.context['inputs.exercise'] = 'chapter-9';
    const result = await runner.run('Confirm the commit and the tests folder');
    expect([result.code, result.stdout.trim()]).toEqual([1, '::error::grader/tests/chapter-9 does not exist: add this exercise\'s tests to the grader repository']);
  });
});

describe('opsgrade-tests.yml (learner-repository mode), step by step on this machine', () => {
  it('runs the tests kept in the learner repository; OpsGrade shows them as practice only', async () => {
    const { runner, sha, runnerTemp } = await graderWorkspace(LEARNER_MODE, LEARNER_REPOSITORY);
    expect((await runner.run('Check the inputs')).code).toBe(0);
    expect(await runner.run('Run the tests')).toMatchObject({ code: 0, outputs: { exit_code: '1' } });
    expect((await runner.run('Write the manifest')).code).toBe(0);
    const pending = pendingDispatch({ mode: 'learner-repository', headSha: sha, workflowRepository: LEARNER_REPOSITORY, workflowPath: '.github/workflows/opsgrade-tests.yml' });
    const event = workflowRunEvent({ repository: LEARNER_REPOSITORY, path: '.github/workflows/opsgrade-tests.yml', displayTitle: runNameFor({ correlation_id: CORRELATION_ID, learner_repository: LEARNER_REPOSITORY, learner_sha: sha }) });
    const part = testsPartFromArtifact({ pending, event, artifact: await uploadedArtifact(runnerTemp), chapter: CONFIG.chapters['8']!, now: new Date('2025-05-06T09:02:00Z'), revealHiddenAt: CONFIG.revealHiddenAt });
    expect(part.status === 'practice' && part.score.points).toBe(70);
  });

  it('refuses inputs for another repository', async () => {
    const { runner } = await graderWorkspace(LEARNER_MODE, LEARNER_REPOSITORY);
    runner.context['inputs.learner_repository'] = 'opsgrade-demo/someone-else';
    expect((await runner.run('Check the inputs')).stdout.trim()).toBe('::error::learner_repository must be this repository');
  });
});
