// A hand-built Report covering every shape the renderers must handle: findings in two files, a
// multi-line range, a tab-indented line, a repository-wide unmet requirement, an info finding, a
// suppression, notices, two chapter grades, fix-first, done-well, and the sources behind them.

import type { Report, RuleSummary } from '../../src/report/model.ts';
import type { SourceLookup } from '../../src/report/shared.ts';

const DOCS_URL = 'https://opsgrade.example/rules/';

function rule(summary: Omit<RuleSummary, 'helpUri'>): RuleSummary {
  return { ...summary, helpUri: `${DOCS_URL}#${summary.id}` };
}

export const fixtureSources: Readonly<Record<string, string>> = {
  'src/deploy.py': [
    'import logging',
    'import subprocess',
    '',
    'import requests',
    '',
    'log = logging.getLogger(__name__)',
    '',
    '',
    'def fetch_status(host):',
    '\turl = f"https://{host}/health"',
    '\tresponse = requests.get(url)',
    '\treturn response.json()',
    '',
    '',
    'def restart(service):',
    '    result = subprocess.run(',
    '        ["systemctl", "restart", service],',
    '        capture_output=True,',
    '    )',
    '    print("restarted", service)',
    '    return result',
    '',
  ].join('\n'),
  'src/config.py': [
    'import os',
    '',
    'DEBUG = os.environ.get("DEBUG") == "1"',
    'API_TOKEN = "tok_live_EXAMPLE0000000000"',
    'BANNER = f"deploy|ready"',
    '',
  ].join('\n'),
  'scripts/cleanup.py': [
    'import shutil',
    '',
    '',
    'def clean(hosts):',
    '    for host in hosts:',
    '        try:',
    '            shutil.rmtree(f"/srv/cache/{host}")',
    '        except Exception:  # opsgrade: ignore[broad-except] the loop logs every failure and moves on to the next host',
    '            continue',
    '',
  ].join('\n'),
};

export const fixtureSourceLookup: SourceLookup = (path) => fixtureSources[path];

export const fixtureReport: Report = {
  schemaVersion: 1,
  tool: { name: 'opsgrade', version: '0.1.0' },
  source: 'learner/health-checker@3f2c1e9',
  course: 'Python for DevOps',
  chapter: 'all',
  grades: [
    {
      chapter: 7,
      title: 'Logging, not print',
      percent: 62,
      points: 31,
      maxPoints: 50,
      threshold: 70,
      passed: false,
      requirements: [
        {
          ruleId: 'uses-logging-module',
          title: 'Uses the logging module',
          met: true,
          points: 10,
          earned: 10,
          message: '`src/deploy.py` creates a module logger with `logging.getLogger(__name__)`.',
        },
        {
          ruleId: 'configures-logging-once',
          title: 'Configures logging once at start-up',
          met: false,
          points: 10,
          earned: 0,
          message: 'No `logging.basicConfig()` or `logging.config.dictConfig()` call runs when the program starts.',
        },
      ],
      deductions: [
        { ruleId: 'http-call-without-timeout', findings: 1, points: 6 },
        { ruleId: 'print-instead-of-logging', findings: 1, points: 3 },
      ],
    },
    {
      chapter: 'project-1',
      title: 'Server health automation',
      percent: 84.5,
      points: 84.5,
      maxPoints: 100,
      threshold: 70,
      passed: true,
      requirements: [
        {
          ruleId: 'has-tests',
          title: 'Has automated tests',
          met: false,
          points: 15,
          earned: 0,
          message: 'No test files were found.',
        },
        {
          ruleId: 'uses-argparse',
          title: 'Takes its options with argparse',
          met: true,
          points: 10,
          earned: 10,
          message: '`src/cli.py` parses its options with `argparse`.',
        },
      ],
      deductions: [{ ruleId: 'hardcoded-secret', findings: 1, points: 0.5 }],
    },
  ],
  overall: { percent: 73.25, passed: false },
  findings: [
    {
      ruleId: 'hardcoded-secret',
      severity: 'error',
      message: 'A credential is written in the source; anyone who can read the repository can use it.',
      path: 'src/config.py',
      range: { start: { line: 4, column: 13 }, end: { line: 4, column: 41 } },
      fingerprint: 'b1946ac92492d2347c6235b4d2611184',
    },
    {
      ruleId: 'fstring-without-placeholder',
      severity: 'info',
      message: 'This f-string has no `{}` placeholders, so the `f` prefix does nothing.',
      path: 'src/config.py',
      range: { start: { line: 5, column: 10 }, end: { line: 5, column: 25 } },
      fix: {
        hint: 'Drop the `f` prefix.',
        replacement: {
          range: { start: { line: 5, column: 10 }, end: { line: 5, column: 25 } },
          text: '"deploy|ready"',
          safety: 'safe',
        },
      },
      fingerprint: '591785b794601e212b260e25925636fd',
    },
    {
      ruleId: 'http-call-without-timeout',
      severity: 'error',
      message:
        '`requests.get()` is called without `timeout=`; if the server never answers, this script waits forever.',
      path: 'src/deploy.py',
      range: { start: { line: 11, column: 13 }, end: { line: 11, column: 30 } },
      fix: {
        hint: 'Pass `timeout=` with the seconds you are willing to wait.',
        replacement: {
          range: { start: { line: 11, column: 13 }, end: { line: 11, column: 30 } },
          text: 'requests.get(url, timeout=10)',
          safety: 'unsafe',
        },
      },
      fingerprint: 'e4d909c290d0fb1ca068ffaddf22cbd0',
    },
    {
      ruleId: 'subprocess-run-without-check',
      severity: 'warning',
      message: '`subprocess.run()` ignores a failing command unless you pass `check=True`.',
      path: 'src/deploy.py',
      range: { start: { line: 16, column: 14 }, end: { line: 19, column: 6 } },
      fingerprint: '7c6a180b36896a0a8c02787eeafb0e4c',
    },
    {
      ruleId: 'print-instead-of-logging',
      severity: 'warning',
      message: '`print()` output has no level or timestamp; use `log.info(...)` instead.',
      path: 'src/deploy.py',
      range: { start: { line: 20, column: 5 }, end: { line: 20, column: 32 } },
      fingerprint: '6cb75f652a9b52798eb6cf2201057c73',
    },
    {
      ruleId: 'has-tests',
      severity: 'warning',
      message: 'No tests found: add at least one `tests/test_*.py` file that pytest can collect.',
      fingerprint: '819f04b9e2b4e0d5ba2e7a3e3f7ba0c1',
    },
  ],
  suppressed: [
    {
      ruleId: 'broad-except',
      severity: 'warning',
      message: '`except Exception` also catches programming errors and hides them.',
      path: 'scripts/cleanup.py',
      range: { start: { line: 8, column: 9 }, end: { line: 8, column: 26 } },
      fingerprint: '0cc175b9c0f1b6a831c399e269772661',
      suppression: { reason: 'the loop logs every failure and moves on to the next host', line: 8 },
    },
  ],
  notices: [
    {
      kind: 'file-too-large',
      path: 'data/inventory.csv',
      message: 'Not reviewed: 3.2 MB is over the 1 MB limit for one file.',
    },
    { kind: 'binary-file', path: 'tools/helper.bin', message: 'Not reviewed: binary file.' },
  ],
  fixFirst: [],
  doneWell: [
    'You create one logger per module with `logging.getLogger(__name__)`.',
    'Your command-line options are parsed with `argparse`, so `--help` works.',
  ],
  rules: {
    'broad-except': rule({
      id: 'broad-except',
      title: 'Exception handler catches everything',
      kind: 'violation',
      area: 'exit-codes',
      severity: 'warning',
      chapter: 6,
      docs: {
        what: 'An `except Exception:` or bare `except:` handler.',
        why: 'It swallows typos and bugs along with the failure you expected, so the script reports success when it did not work.',
        example: 'try:\n    sync()\nexcept Exception:\n    pass',
        instead: 'try:\n    sync()\nexcept requests.Timeout:\n    log.warning("sync timed out")',
      },
      fixHint: 'Catch the specific exceptions you expect and let the rest stop the script.',
      equivalents: ['ruff:BLE001', 'pylint:W0718'],
    }),
    'configures-logging-once': rule({
      id: 'configures-logging-once',
      title: 'Configures logging once at start-up',
      kind: 'requirement',
      area: 'logging',
      severity: 'warning',
      chapter: 7,
      docs: {
        what: 'The program configures logging once, in `main()`.',
        why: 'Without configuration, `log.info` messages are silently dropped and warnings have no timestamps.',
        example: 'def main():\n    run()',
        instead: 'def main():\n    logging.basicConfig(level=logging.INFO)\n    run()',
      },
      fixHint: 'Call `logging.basicConfig(level=logging.INFO)` at the start of `main()`.',
      equivalents: [],
    }),
    'fstring-without-placeholder': rule({
      id: 'fstring-without-placeholder',
      title: 'f-string without placeholders',
      kind: 'violation',
      area: 'correctness',
      severity: 'info',
      chapter: 2,
      docs: {
        what: 'An f-string with no `{}` placeholder.',
        why: 'It usually means a forgotten `{host}`, so a command or log line names the wrong thing.',
        example: 'f"ssh host"',
        instead: 'f"ssh {host}"',
      },
      fixHint: 'Add the missing placeholder, or drop the `f` prefix.',
      equivalents: ['ruff:F541', 'pylint:W1309'],
    }),
    'hardcoded-secret': rule({
      id: 'hardcoded-secret',
      title: 'Credential in source code',
      kind: 'violation',
      area: 'secrets',
      severity: 'error',
      chapter: 18,
      docs: {
        what: 'A token, password or key written as a literal.',
        why: 'Everyone with read access, and every fork and CI log, gets the credential; rotating it means a new commit.',
        example: 'API_TOKEN = "tok_live_..."',
        instead: 'API_TOKEN = os.environ["API_TOKEN"]',
      },
      fixHint: 'Read it from an environment variable and revoke the committed one.',
      equivalents: ['bandit:B105', 'ruff:S105', 'gitleaks:generic-api-key'],
    }),
    'has-tests': rule({
      id: 'has-tests',
      title: 'Has automated tests',
      kind: 'requirement',
      area: 'testing',
      severity: 'warning',
      chapter: 'project-1',
      docs: {
        what: 'The repository contains tests that pytest collects.',
        why: 'Automation that deletes or restarts things needs a test before it runs against real servers.',
        example: 'src/health.py',
        instead: 'src/health.py\ntests/test_health.py',
      },
      fixHint: 'Add `tests/test_health.py` with one test per check.',
      equivalents: [],
    }),
    'http-call-without-timeout': rule({
      id: 'http-call-without-timeout',
      title: 'HTTP call without a timeout',
      kind: 'violation',
      area: 'retries-timeouts',
      severity: 'error',
      chapter: 7,
      docs: {
        what: 'A `requests` call with no `timeout=` argument.',
        why: 'Without a timeout a server that stops answering hangs the script, the cron job and everything queued behind it.',
        example: 'requests.get(url)',
        instead: 'requests.get(url, timeout=10)',
      },
      fixHint: 'Pass `timeout=` with the seconds you are willing to wait.',
      equivalents: ['ruff:S113', 'bandit:B113', 'pylint:W3101'],
    }),
    'print-instead-of-logging': rule({
      id: 'print-instead-of-logging',
      title: '`print()` used for logging',
      kind: 'violation',
      area: 'logging',
      severity: 'warning',
      chapter: 7,
      docs: {
        what: 'A `print()` call in code that has a logger.',
        why: 'Printed lines have no level, timestamp or logger name, and cannot be silenced or sent elsewhere.',
        example: 'print("restarted", service)',
        instead: 'log.info("restarted %s", service)',
      },
      fixHint: 'Replace it with `log.info(...)`.',
      equivalents: ['ruff:T201'],
    }),
    'subprocess-run-without-check': rule({
      id: 'subprocess-run-without-check',
      title: '`subprocess.run()` without `check=True`',
      kind: 'violation',
      area: 'subprocess',
      severity: 'warning',
      chapter: 9,
      docs: {
        what: 'A `subprocess.run()` call without `check=`.',
        why: 'A failed command returns normally, so the script carries on as if it had worked.',
        example: 'subprocess.run(["systemctl", "restart", name])',
        instead: 'subprocess.run(["systemctl", "restart", name], check=True)',
      },
      fixHint: 'Pass `check=True`, or check `result.returncode` yourself.',
      equivalents: ['ruff:PLW1510', 'pylint:W1510'],
    }),
    'uses-argparse': rule({
      id: 'uses-argparse',
      title: 'Takes its options with argparse',
      kind: 'requirement',
      area: 'project-structure',
      severity: 'info',
      chapter: 'project-1',
      docs: {
        what: 'The command-line entry point parses its options with `argparse`.',
        why: 'Options with `--help` are how the next operator learns to run the tool.',
        example: 'host = sys.argv[1]',
        instead: 'parser = argparse.ArgumentParser()\nparser.add_argument("host")',
      },
      fixHint: 'Build an `argparse.ArgumentParser` in `main()`.',
      equivalents: [],
    }),
    'uses-logging-module': rule({
      id: 'uses-logging-module',
      title: 'Uses the logging module',
      kind: 'requirement',
      area: 'logging',
      severity: 'info',
      chapter: 7,
      docs: {
        what: 'Modules log through `logging.getLogger(__name__)`.',
        why: 'Named loggers let an operator turn one module up to DEBUG without drowning in the rest.',
        example: 'print("starting")',
        instead: 'log = logging.getLogger(__name__)\nlog.info("starting")',
      },
      fixHint: 'Create `log = logging.getLogger(__name__)` at the top of each module.',
      equivalents: [],
    }),
  },
  stats: { files: 14, pythonFiles: 9, lines: 812, syntaxErrors: 0 },
};

// Fix-first points at the same Finding objects the engine would pass: the costliest three.
fixtureReport.fixFirst = [
  fixtureReport.findings[2]!,
  fixtureReport.findings[5]!,
  fixtureReport.findings[3]!,
];

/** A deep copy to modify in one test without touching the shared fixture. */
export function copyFixture(): Report {
  return structuredClone(fixtureReport);
}
