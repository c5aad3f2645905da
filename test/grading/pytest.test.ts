// Real pytest on the fixtures: the JUnit XML it writes, a time limit that stops runaway code, a
// learner file that tries to stand in for pytest, and a clear error when pytest is missing.

import { chmod, cp, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseJUnit } from '../../src/grading/junit.ts';
import { checkPytest, PytestUnavailableError, runPytest } from '../../src/grading/pytest.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const LEARNER = path.join(ROOT, 'fixtures/grading/learner');
const GRADER_TESTS = path.join(ROOT, 'fixtures/grading/grader-tests');
const MINUTE = 60_000;

const outcomes = (xml: string | undefined) => parseJUnit(xml ?? '').tests.map((test) => `${test.outcome} ${test.nodeId}`);

async function scratch(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-grading-'));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

describe('runPytest', () => {
  it('runs the grader tests against the learner repository and returns the JUnit XML', async () => {
    const run = await runPytest({ learnerDir: LEARNER, testsDir: GRADER_TESTS, timeLimitMs: MINUTE });
    expect([run.exitCode, run.timedOut]).toEqual([1, false]);
    expect(outcomes(run.junitXml)).toEqual([
      'passed test_exit.py::test_all_healthy_exits_zero',
      'failed test_exit.py::test_one_unhealthy_exits_one',
      'passed test_health.py::test_health_url_adds_path',
      'passed test_health.py::test_health_url_ignores_trailing_slash',
      'passed test_health.py::test_request_has_timeout',
      'passed test_network.py::test_refused_connection_is_unhealthy',
      'failed test_network.py::test_reset_connection_is_unhealthy',
    ]);
    expect(parseJUnit(run.junitXml ?? '').tests.find((test) => test.nodeId.endsWith('test_request_has_timeout'))?.markers).toEqual(['timeouts']);
  });

  it('ignores a learner pytest.py and a learner conftest.py that try to pass every test', async () => {
    const learner = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-learner-'));
    await cp(LEARNER, learner, { recursive: true });
    await writeFile(path.join(learner, 'pytest.py'), 'import sys\nprint("all 7 tests passed")\nsys.exit(0)\n');
    await writeFile(path.join(learner, 'conftest.py'), [
      'import pytest',
      '@pytest.hookimpl(hookwrapper=True)',
      'def pytest_runtest_makereport(item, call):',
      '    outcome = yield',
      '    outcome.get_result().outcome = "passed"',
      '',
    ].join('\n'));
    const run = await runPytest({ learnerDir: learner, testsDir: GRADER_TESTS, timeLimitMs: MINUTE });
    expect(run.exitCode).toBe(1);
    expect(outcomes(run.junitXml).filter((line) => line.startsWith('failed'))).toEqual([
      'failed test_exit.py::test_one_unhealthy_exits_one',
      'failed test_network.py::test_reset_connection_is_unhealthy',
    ]);
  });

  it("imports a learner package from the repository's src/ folder", async () => {
    const learner = await scratch({ 'src/greeter/__init__.py': 'def greet(name):\n    return f"hello {name}"\n' });
    const tests = await scratch({ 'test_greet.py': 'from greeter import greet\n\ndef test_greet():\n    assert greet("ops") == "hello ops"\n' });
    const run = await runPytest({ learnerDir: learner, testsDir: tests, timeLimitMs: MINUTE });
    expect(outcomes(run.junitXml)).toEqual(['passed test_greet.py::test_greet']);
  });

  it('stops the tests at the time limit, child processes included', async () => {
    const tests = await scratch({ 'test_slow.py': 'import subprocess, time\n\ndef test_hangs():\n    subprocess.Popen(["sleep", "60"])\n    time.sleep(60)\n' });
    const run = await runPytest({ learnerDir: LEARNER, testsDir: tests, timeLimitMs: 1500 });
    expect([run.exitCode, run.timedOut, run.junitXml]).toEqual([undefined, true, undefined]);
  });

  it('says what to install when python3 or pytest is missing', async () => {
    await expect(checkPytest('/nonexistent/python3')).rejects.toThrow(new PytestUnavailableError('/nonexistent/python3 was not found: install Python 3 and pytest (Debian/Ubuntu: apt-get install python3-pytest)'));
    const bin = await scratch({ 'python3': '#!/bin/sh\necho "ModuleNotFoundError: No module named \'pytest\'" >&2\nexit 1\n' });
    const fake = path.join(bin, 'python3');
    await chmod(fake, 0o755);
    await expect(runPytest({ learnerDir: LEARNER, testsDir: GRADER_TESTS, timeLimitMs: MINUTE, python: fake })).rejects.toThrow(
      `pytest is not installed for ${fake}: install python3-pytest (Debian/Ubuntu: apt-get install python3-pytest) or run \`${fake} -m pip install pytest\``,
    );
  });
});
