// renderMarkdown: the check-run summary and PR comment. Teaches from the Report's own text,
// escapes learner text, and never exceeds the length limit (cutting whole lines, with a note).

import { describe, expect, it } from 'vitest';
import { GITHUB_SUMMARY_LIMIT, codeSpan, inline, renderMarkdown, truncationNote } from '../../src/report/markdown.ts';
import type { Report } from '../../src/report/model.ts';
import { copyFixture, fixtureReport } from './fixture-report.ts';

const markdown = renderMarkdown(fixtureReport);
const lines = markdown.split('\n');

/** The fixture with many more findings to fix first, to push the summary past a limit. */
function bigReport(count: number): Report {
  const report = copyFixture();
  const template = report.findings[2]!;
  report.fixFirst = Array.from({ length: count }, (_, index) => ({
    ...template,
    path: `src/module_${index}.py`,
    fingerprint: `f${index}`,
  }));
  return report;
}

describe('renderMarkdown', () => {
  it('matches the reviewed snapshot', async () => {
    await expect(markdown).toMatchFileSnapshot('./__snapshots__/fixture.md');
  });

  it('opens with the overall score and verdict, course, scope and counts', () => {
    expect(lines.slice(0, 5)).toEqual([
      '## ❌ OpsGrade review: 73.2/100, not passed yet',
      '',
      '**Python for DevOps** · all chapters · `learner/health-checker@3f2c1e9`',
      '',
      '2 errors · 3 warnings · 1 info · 1 suppressed',
    ]);
    const passed = copyFixture();
    passed.overall = { percent: 91, passed: true };
    expect(renderMarkdown(passed, { title: 'Chapter 7 check' }).split('\n')[0]).toBe(
      '## ✅ Chapter 7 check: 91/100, passed',
    );
  });

  it('tabulates chapter scores against their pass marks', () => {
    expect(lines).toContain('| Chapter | Score | Pass mark | Result |');
    expect(lines).toContain('| Chapter 7 (Logging, not print) | 62/100 | 70 | ❌ below the pass mark |');
    expect(lines).toContain('| Final project 1 (Server health automation) | 84.5/100 | 70 | ✅ passed |');
  });

  it('lists unmet requirements first, with what to do from the rule and its docs link', () => {
    const start = lines.indexOf('**Chapter 7 (Logging, not print)**');
    expect(lines.slice(start + 2, start + 5)).toEqual([
      '- ❌ **Configures logging once at start-up** (0/10 points): No `logging.basicConfig()` or ' +
        '`logging.config.dictConfig()` call runs when the program starts.',
      '  **What to do:** Call `logging.basicConfig(level=logging.INFO)` at the start of `main()`. ' +
        '[Rule docs](https://opsgrade.example/rules/#configures-logging-once)',
      '- ✅ **Uses the logging module** (10/10 points): `src/deploy.py` creates a module logger with ' +
        '`logging.getLogger(__name__)`.',
    ]);
  });

  it('numbers the findings to fix first, with location, rule docs link and fix hint', () => {
    const start = lines.indexOf('### Fix these first');
    expect(lines.slice(start + 2, start + 6)).toEqual([
      '1. **HTTP call without a timeout** (`http-call-without-timeout`) in `src/deploy.py:11`: `requests.get()` is ' +
        'called without `timeout=`; if the server never answers, this script waits forever. ' +
        '[How to fix](https://opsgrade.example/rules/#http-call-without-timeout)',
      '   **Fix:** Pass `timeout=` with the seconds you are willing to wait.',
      '2. **Has automated tests** (`has-tests`) in the repository: No tests found: add at least one ' +
        '`tests/test_*.py` file that pytest can collect. [How to fix](https://opsgrade.example/rules/#has-tests)',
      '   **Fix:** Add `tests/test_health.py` with one test per check.',
    ]);
  });

  it('counts findings by severity and by rule with the points each rule lost', () => {
    expect(lines).toContain('**By severity:** 2 errors · 3 warnings · 1 info');
    expect(lines).toContain('| Rule | Severity | Findings | Points lost |');
    expect(lines).toContain(
      '| [`has-tests`](https://opsgrade.example/rules/#has-tests) Has automated tests | warning | 1 | 15 |',
    );
    expect(lines).toContain(
      '| [`hardcoded-secret`](https://opsgrade.example/rules/#hardcoded-secret) Credential in source code | error | 1 | 0.5 |',
    );
  });

  it('lists what was done well, notices and suppressions with reasons', () => {
    expect(lines).toContain('### What you did well');
    expect(lines).toContain('- You create one logger per module with `logging.getLogger(__name__)`.');
    expect(lines).toContain('- `data/inventory.csv`: Not reviewed: 3.2 MB is over the 1 MB limit for one file.');
    expect(lines).toContain('### Suppressed findings (1)');
    expect(lines).toContain(
      '- `scripts/cleanup.py:8` `broad-except`: the loop logs every failure and moves on to the next host',
    );
  });

  it('takes every learner-facing sentence from the report', () => {
    for (const finding of fixtureReport.findings) {
      const rule = fixtureReport.rules[finding.ruleId]!;
      expect(markdown).toContain(`[\`${rule.id}\`](${rule.helpUri}) ${rule.title} |`);
    }
    for (const finding of fixtureReport.fixFirst) expect(markdown).toContain(finding.message);
    for (const sentence of fixtureReport.doneWell) expect(markdown).toContain(sentence);
  });

  it('escapes learner text so it cannot change the document', () => {
    const report = copyFixture();
    report.fixFirst = [
      {
        ...report.findings[2]!,
        path: 'src/we|rd `name`.py',
        message: 'Calls <script>alert(1)</script> *twice* with `a|b`, ping @octocat | see [x](y)\nnext',
      },
    ];
    report.rules['has-tests']!.title = 'Tests | pytest';
    const output = renderMarkdown(report);
    expect(output).toContain(
      '1. **HTTP call without a timeout** (`http-call-without-timeout`) in ``src/we|rd `name`.py:11``: ' +
        'Calls \\<script\\>alert(1)\\</script\\> \\*twice\\* with `a|b`, ping @\u2060octocat \\| see \\[x\\](y) next',
    );
    expect(output).toContain('| [`has-tests`](https://opsgrade.example/rules/#has-tests) Tests \\| pytest | warning | 1 | 15 |');
  });

  it('escapes pipes inside code spans in tables and grows code fences around backticks', () => {
    expect(inline('use `a|b` here', { table: true })).toBe('use `a\\|b` here');
    expect(inline('unpaired ` tick')).toBe('unpaired \\` tick');
    expect(inline('- starts a list', { lineStart: true })).toBe('\\- starts a list');
    expect(inline('2. not a list', { lineStart: true })).toBe('2\\. not a list');
    expect(inline('2. stays inside a sentence')).toBe('2. stays inside a sentence');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });

  it('is not shortened when it fits', () => {
    expect(markdown).not.toContain('shortened');
    expect(markdown.length).toBeLessThan(GITHUB_SUMMARY_LIMIT);
  });

  it.each([400, 700, 1000, 2500, markdown.length - 1])('never exceeds maxLength %i and ends with the note', (maxLength) => {
    const output = renderMarkdown(fixtureReport, { maxLength });
    expect(output.length).toBeLessThanOrEqual(maxLength);
    expect(output.endsWith(`\n\n${truncationNote(maxLength)}\n`)).toBe(true);
    // Whole lines only: every kept line is a line of the full summary.
    const kept = output.slice(0, output.length - truncationNote(maxLength).length - 3).split('\n');
    for (const line of kept) expect(lines).toContain(line);
    // A heading or table header is never left dangling at the cut.
    const last = kept.filter((line) => line !== '').at(-1) ?? '';
    expect(last.startsWith('#')).toBe(false);
    expect(last).not.toMatch(/^\| (Chapter|Rule) \|$|^\| --- /);
  });

  it('stays within every limit from the smallest useful one up to the full length', () => {
    const tooLong: number[] = [];
    for (let maxLength = truncationNote(999).length; maxLength <= markdown.length + 1; maxLength += 1) {
      const output = renderMarkdown(fixtureReport, { maxLength });
      if (output.length > maxLength) tooLong.push(maxLength);
    }
    expect(tooLong).toEqual([]);
    expect(renderMarkdown(fixtureReport, { maxLength: markdown.length })).toBe(markdown);
  });

  it('fits GitHub’s 65,535-character limit by default', () => {
    const output = renderMarkdown(bigReport(800));
    expect(output.length).toBeLessThanOrEqual(65_535);
    expect(output.length).toBeGreaterThan(60_000);
    expect(output.endsWith(
      "\n\n_The summary was shortened to fit GitHub's 65,535-character limit; run `opsgrade review` locally for the full report._\n",
    )).toBe(true);
    expect(output.startsWith('## ❌ OpsGrade review: 73.2/100, not passed yet\n')).toBe(true);
  });

  it('returns only as much of the note as fits a tiny limit', () => {
    const output = renderMarkdown(fixtureReport, { maxLength: 20 });
    expect(output).toBe("_The summary was sho");
  });
});
