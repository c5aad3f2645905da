// Runs the instructor's pytest tests against a learner repository on this machine and returns the
// JUnit XML, exactly as the grading workflow does (same bootstrap, same arguments, same node ids).
// The I/O edge of local grading: `opsgrade grade` and the end-to-end tests call it.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Imports pytest before the learner's code is on the path, so files in the learner's repository
 * (`pytest.py`, `_pytest/`) cannot stand in for it, then appends the learner's repository (and its
 * `src/`) to the path and records each test's markers as JUnit properties. The workflow templates
 * run this same text (a test keeps them identical). Arguments: <learner dir> <pytest args…>.
 */
export const PYTEST_BOOTSTRAP = [
  'import os, sys',
  'sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]',
  'import pytest',
  'class OpsGradeMarkers:',
  '    @pytest.hookimpl(tryfirst=True)',
  '    def pytest_collection_modifyitems(self, items):',
  '        for item in items:',
  '            for name in sorted({mark.name for mark in item.iter_markers()}):',
  '                item.user_properties.append(("marker", name))',
  'learner = os.path.abspath(sys.argv[1])',
  'sys.path.extend(p for p in (learner, os.path.join(learner, "src")) if os.path.isdir(p))',
  'sys.exit(pytest.main(sys.argv[2:], plugins=[OpsGradeMarkers()]))',
].join('\n');

/** pytest arguments after the bootstrap's learner directory: node ids relative to the tests folder. */
export function pytestArguments(junitPath: string, testsDir: string): string[] {
  return [
    `--junitxml=${junitPath}`,
    '-o', 'junit_family=xunit1',
    '-q',
    '-p', 'no:cacheprovider',
    '--continue-on-collection-errors',
    '-W', 'ignore::pytest.PytestUnknownMarkWarning',
    `--rootdir=${testsDir}`,
    testsDir,
  ];
}

/** Environment for the test process: no plugin auto-loading, so an installed package cannot rewrite results. */
export const PYTEST_ENVIRONMENT = { PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1', PYTHONDONTWRITEBYTECODE: '1' } as const;

export class PytestUnavailableError extends Error {
  override name = 'PytestUnavailableError';
}

export interface PytestRun {
  /** pytest's exit code; undefined when the time limit stopped it. */
  exitCode: number | undefined;
  timedOut: boolean;
  /** The JUnit XML, when pytest wrote one. */
  junitXml: string | undefined;
  /** The end of pytest's console output, for messages. */
  output: string;
}

export interface PytestOptions {
  learnerDir: string;
  testsDir: string;
  timeLimitMs: number;
  /** Python interpreter; default `python3`. */
  python?: string;
  env?: NodeJS.ProcessEnv;
}

const OUTPUT_TAIL = 4000;

interface ProcessResult {
  code: number | null;
  output: string;
  timedOut: boolean;
  spawnError: NodeJS.ErrnoException | undefined;
}

function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeLimitMs: number }): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    // The whole process group goes: learner code may have started children of its own.
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeLimitMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ code: null, output, timedOut, spawnError: error });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut, spawnError: undefined });
    });
  });
}

/** Fails with PytestUnavailableError, saying what to install, when python3 or pytest is missing. */
export async function checkPytest(python = 'python3', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const probe = await run(python, ['-c', 'import pytest'], { cwd: os.tmpdir(), env, timeLimitMs: 60_000 });
  if (probe.spawnError?.code === 'ENOENT') {
    throw new PytestUnavailableError(`${python} was not found: install Python 3 and pytest (Debian/Ubuntu: apt-get install python3-pytest)`);
  }
  if (probe.spawnError !== undefined || probe.code !== 0) {
    throw new PytestUnavailableError(`pytest is not installed for ${python}: install python3-pytest (Debian/Ubuntu: apt-get install python3-pytest) or run \`${python} -m pip install pytest\``);
  }
}

/** Runs the tests in `testsDir` against `learnerDir` with a time limit and returns pytest's JUnit XML. */
export async function runPytest(options: PytestOptions): Promise<PytestRun> {
  const python = options.python ?? 'python3';
  const env = { ...(options.env ?? process.env), ...PYTEST_ENVIRONMENT };
  await checkPytest(python, env);
  const work = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-pytest-'));
  try {
    const junitPath = path.join(work, 'junit.xml');
    const learnerDir = path.resolve(options.learnerDir);
    const testsDir = path.resolve(options.testsDir);
    const result = await run(python, ['-c', PYTEST_BOOTSTRAP, learnerDir, ...pytestArguments(junitPath, testsDir)], { cwd: learnerDir, env, timeLimitMs: options.timeLimitMs });
    if (result.spawnError !== undefined) throw new PytestUnavailableError(`${python} could not be started: ${result.spawnError.message}`);
    let junitXml: string | undefined;
    try {
      junitXml = await readFile(junitPath, 'utf8');
    } catch {
      junitXml = undefined;
    }
    return { exitCode: result.timedOut ? undefined : result.code ?? undefined, timedOut: result.timedOut, junitXml, output: result.output };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
