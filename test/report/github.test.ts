// renderGithubWorkflowCommands: exact `::error`/`::warning`/`::notice` lines, GitHub's escaping
// rules for data and properties, and columns only where GitHub honours them.

import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, renderGithubWorkflowCommands } from '../../src/report/github.ts';
import { copyFixture, fixtureReport } from './fixture-report.ts';

const output = renderGithubWorkflowCommands(fixtureReport);
const lines = output.split('\n');

describe('renderGithubWorkflowCommands', () => {
  it('writes one command per unsuppressed finding and nothing else', () => {
    expect(output.endsWith('\n')).toBe(true);
    expect(lines.slice(0, -1).map((line) => line.slice(0, line.indexOf(' ')))).toEqual([
      '::error',
      '::notice',
      '::error',
      '::warning',
      '::warning',
      '::warning',
    ]);
    expect(output).not.toContain('broad-except');
  });

  it('gives a single-line finding its columns, with GitHub’s inclusive end column', () => {
    expect(lines[2]).toBe(
      '::error file=src/deploy.py,line=11,col=13,endLine=11,endColumn=29,title=http-call-without-timeout::' +
        '`requests.get()` is called without `timeout=`; if the server never answers, this script waits forever.' +
        '%0AFix: Pass `timeout=` with the seconds you are willing to wait.' +
        '%0AHelp: https://opsgrade.example/rules/#http-call-without-timeout',
    );
  });

  it('gives a multi-line finding lines only, since GitHub ignores columns across lines', () => {
    expect(lines[3]).toBe(
      '::warning file=src/deploy.py,line=16,endLine=19,title=subprocess-run-without-check::' +
        '`subprocess.run()` ignores a failing command unless you pass `check=True`.' +
        '%0AFix: Pass `check=True`, or check `result.returncode` yourself.' +
        '%0AHelp: https://opsgrade.example/rules/#subprocess-run-without-check',
    );
  });

  it('uses ::notice for info and no file for a repository-wide finding', () => {
    expect(lines[1]?.startsWith('::notice file=src/config.py,line=5,col=10,endLine=5,endColumn=24,title=fstring-without-placeholder::')).toBe(true);
    expect(lines[5]).toBe(
      '::warning title=has-tests::No tests found: add at least one `tests/test_*.py` file that pytest can collect.' +
        '%0AFix: Add `tests/test_health.py` with one test per check.%0AHelp: https://opsgrade.example/rules/#has-tests',
    );
  });

  it('escapes %, CR and LF in the message, and also : and , in properties', () => {
    const report = copyFixture();
    report.findings = [
      {
        ruleId: 'odd:rule,id',
        severity: 'warning',
        message: '100% sure:\r\nline two, still data',
        path: 'dir/a,b:c%.py',
        range: { start: { line: 2, column: 1 }, end: { line: 2, column: 2 } },
        fingerprint: 'x',
      },
    ];
    expect(renderGithubWorkflowCommands(report)).toBe(
      '::warning file=dir/a%2Cb%3Ac%25.py,line=2,col=1,endLine=2,endColumn=1,title=odd%3Arule%2Cid::' +
        '100%25 sure:%0D%0Aline two, still data\n',
    );
  });

  it('cannot be tricked into a second command by a newline in learner text', () => {
    const report = copyFixture();
    report.findings[0]!.message = 'x\n::add-mask::secret\n::error::forged';
    const first = renderGithubWorkflowCommands(report).split('\n')[0]!;
    expect(first).toContain('x%0A::add-mask::secret%0A::error::forged');
    expect(renderGithubWorkflowCommands(report).split('\n')).toHaveLength(report.findings.length + 1);
  });

  it('escapes like @actions/core', () => {
    expect(escapeData('a%b\rc\nd:e,f')).toBe('a%25b%0Dc%0Ad:e,f');
    expect(escapeProperty('a%b\rc\nd:e,f')).toBe('a%25b%0Dc%0Ad%3Ae%2Cf');
  });

  it('prints nothing for a clean report', () => {
    const report = copyFixture();
    report.findings = [];
    expect(renderGithubWorkflowCommands(report)).toBe('');
  });
});
