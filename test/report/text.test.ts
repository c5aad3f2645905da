// renderText: ruff-style headers and code frames, tabs and wide characters aligned, long lines
// cut, learner text unable to emit escape codes, and the grade sections and summary line.

import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.ts';
import type { Finding } from '../../src/rules/finding.ts';
import { renderText } from '../../src/report/text.ts';
import { copyFixture, fixtureReport, fixtureSourceLookup } from './fixture-report.ts';

const ESC = String.fromCharCode(0x1b);

/** Control characters other than the newlines that separate output lines. */
function controlCharacters(text: string): string[] {
  return [...text].filter((character) => {
    const code = character.codePointAt(0) ?? 0;
    return (code < 0x20 && code !== 0x0a) || code === 0x7f || (code >= 0x80 && code < 0xa0);
  });
}

const plain = renderText(fixtureReport, fixtureSourceLookup, { color: false });
const lines = plain.split('\n');

/** A report with one finding on `source` (path `a.py`), nothing else. */
function single(finding: Partial<Finding>): Report {
  const report = copyFixture();
  report.findings = [
    { ruleId: 'http-call-without-timeout', severity: 'error', message: 'm', path: 'a.py', fingerprint: 'f', ...finding },
  ];
  report.suppressed = [];
  report.notices = [];
  report.grades = [];
  report.fixFirst = [];
  report.doneWell = [];
  return report;
}

function frameOf(output: string): string[] {
  const all = output.split('\n');
  const start = all.findIndex((line) => /^\s*\|$/.test(line));
  const end = all.findIndex((line, index) => index > start && /^\s*\|$/.test(line));
  return all.slice(start, end + 1);
}

describe('renderText', () => {
  it('matches the reviewed snapshot', async () => {
    await expect(plain).toMatchFileSnapshot('./__snapshots__/fixture.txt');
  });

  it('contains no escape codes without colour', () => {
    expect(plain.includes(ESC)).toBe(false);
  });

  it('colours severities and the underline only when asked', () => {
    const coloured = renderText(fixtureReport, fixtureSourceLookup, { color: true });
    expect(coloured).toContain('\x1b[1;31merror\x1b[0m \x1b[1mhttp-call-without-timeout\x1b[0m');
    expect(coloured).toContain('\x1b[1;33mwarning\x1b[0m');
    expect(coloured).toContain('\x1b[1;36minfo\x1b[0m');
    expect(coloured).toContain(`\x1b[34m   |\x1b[0m ${' '.repeat(15)}\x1b[1;31m${'^'.repeat(17)}\x1b[0m`);
    expect(coloured.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '')).toBe(plain);
  });

  it('prints the ruff-style header for a finding', () => {
    expect(lines).toContain(
      'src/deploy.py:11:13: error http-call-without-timeout `requests.get()` is called without `timeout=`; ' +
        'if the server never answers, this script waits forever.',
    );
  });

  it('expands the tab and puts the carets under the reported columns', () => {
    const source = lines.indexOf('11 |     response = requests.get(url)');
    expect(source).toBeGreaterThan(0);
    expect(lines[source - 1]).toBe('10 |     url = f"https://{host}/health"');
    expect(lines[source + 1]).toBe(`   | ${' '.repeat(15)}${'^'.repeat(17)}`);
    expect(lines[source + 2]).toBe('12 |     return response.json()');
    expect(lines[source + 4]).toBe('  = fix: Pass `timeout=` with the seconds you are willing to wait.');
    expect(lines[source + 5]).toBe('  = help: https://opsgrade.example/rules/#http-call-without-timeout');
  });

  it('shows up to three lines of a multi-line range, marks the first, and elides the rest', () => {
    const header = lines.findIndex((line) => line.startsWith('src/deploy.py:16:14: warning subprocess-run-without-check'));
    expect(lines.slice(header + 1, header + 10)).toEqual([
      '   |',
      '15 | def restart(service):',
      '16 |     result = subprocess.run(',
      `   | ${' '.repeat(13)}${'^'.repeat(15)}`,
      '17 |         ["systemctl", "restart", service],',
      '18 |         capture_output=True,',
      ' … |',
      '20 |     print("restarted", service)',
      '   |',
    ]);
  });

  it('lists repository-wide findings under "Repository" without a frame', () => {
    const start = lines.indexOf('Repository');
    expect(lines.slice(start, start + 4)).toEqual([
      'Repository',
      '  warning has-tests No tests found: add at least one `tests/test_*.py` file that pytest can collect.',
      '    = fix: Add `tests/test_health.py` with one test per check.',
      '    = help: https://opsgrade.example/rules/#has-tests',
    ]);
  });

  it('lists notices and suppressed findings with their reasons', () => {
    expect(lines).toContain('  data/inventory.csv: Not reviewed: 3.2 MB is over the 1 MB limit for one file.');
    expect(lines).toContain('Suppressed findings (1)');
    expect(lines).toContain('  scripts/cleanup.py:8 broad-except — the loop logs every failure and moves on to the next host');
  });

  it('prints chapter scores, requirements, fix-first and done-well', () => {
    expect(lines).toContain('  Chapter 7 (Logging, not print): 62/100 — below the pass mark of 70');
    expect(lines).toContain('  Final project 1 (Server health automation): 84.5/100 — passed (pass mark 70)');
    expect(lines).toContain(
      '    ✓ Uses the logging module (10/10 points) — `src/deploy.py` creates a module logger with `logging.getLogger(__name__)`.',
    );
    expect(lines).toContain('    ✗ Has automated tests (0/15 points) — No test files were found.');
    expect(lines).toContain('      = fix: Call `logging.basicConfig(level=logging.INFO)` at the start of `main()`.');
    expect(lines).toContain('    − http-call-without-timeout: 1 finding, −6 points');
    const fixFirst = lines.indexOf('Fix these first');
    expect(lines.slice(fixFirst + 1, fixFirst + 5)).toEqual([
      '  1. src/deploy.py:11:13 http-call-without-timeout — `requests.get()` is called without `timeout=`; if the server never answers, this script waits forever.',
      '     https://opsgrade.example/rules/#http-call-without-timeout',
      '  2. Repository has-tests — No tests found: add at least one `tests/test_*.py` file that pytest can collect.',
      '     https://opsgrade.example/rules/#has-tests',
    ]);
    expect(lines).toContain('  ✓ Your command-line options are parsed with `argparse`, so `--help` works.');
  });

  it('ends with one summary line of counts and the overall score', () => {
    expect(plain.endsWith('\n')).toBe(true);
    expect(lines.at(-2)).toBe('2 errors, 3 warnings, 1 info (1 suppressed) · overall 73.2/100 — not passed');
    expect(lines.at(-3)).toBe('Reviewed 14 files (9 Python files, 812 lines).');
  });

  it('cuts a long line around the reported column and keeps the carets aligned', () => {
    const before = `value = "${'a'.repeat(200)}" + `;
    const source = `${before}requests.get(url) + "${'b'.repeat(150)}"\n`;
    const report = single({
      range: { start: { line: 1, column: before.length + 1 }, end: { line: 1, column: before.length + 18 } },
    });
    const frame = frameOf(renderText(report, () => source, { color: false }));
    const row = frame[1]!;
    const underline = frame[2]!;
    expect(row.startsWith('1 | …')).toBe(true);
    expect(row.endsWith('…')).toBe(true);
    expect(row.length).toBe('1 | '.length + 100);
    expect(underline.indexOf('^')).toBe(row.indexOf('requests.get(url)'));
    expect(underline.slice(underline.indexOf('^'))).toBe('^'.repeat(17));
  });

  it('aligns the carets after wide characters', () => {
    const report = single({ range: { start: { line: 1, column: 6 }, end: { line: 1, column: 23 } } });
    const frame = frameOf(renderText(report, () => '名前 = requests.get(url)\n', { color: false }));
    expect(frame).toEqual(['  |', '1 | 名前 = requests.get(url)', `  | ${' '.repeat(7)}${'^'.repeat(17)}`, '  |']);
  });

  it('never lets learner text write escape codes to the terminal', () => {
    const report = single({
      message: 'bad \x1b[2J message\nsecond line',
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 4 } },
    });
    const output = renderText(report, () => 'x = "\x1b]0;pwned\x07"\r\n', { color: false });
    expect(controlCharacters(output)).toEqual([]);
    expect(output).toContain('a.py:1:1: error http-call-without-timeout bad ␛[2J message second line');
    expect(output).toContain('1 | x = "␛]0;pwned␇"');
  });

  it('prints the header and advice without a frame when the source is unavailable', () => {
    const report = single({ range: { start: { line: 3, column: 1 }, end: { line: 3, column: 2 } } });
    const output = renderText(report, () => undefined, { color: false });
    expect(output.split('\n').slice(0, 3)).toEqual([
      'a.py:3:1: error http-call-without-timeout m',
      '  = fix: Pass `timeout=` with the seconds you are willing to wait.',
      '  = help: https://opsgrade.example/rules/#http-call-without-timeout',
    ]);
  });

  it('marks an empty range with one caret', () => {
    const report = single({ range: { start: { line: 1, column: 3 }, end: { line: 1, column: 3 } } });
    const frame = frameOf(renderText(report, () => 'abcdef\n', { color: false }));
    expect(frame[2]).toBe('  |   ^');
  });
});
