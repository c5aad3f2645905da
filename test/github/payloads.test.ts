// Pure payload builders: annotations, titles, the 65,535-character limit, suggestion blocks,
// fingerprints, and the choice of review comments (diff only, by severity, no repeats).

import { describe, expect, it } from 'vitest';

import { renderMarkdown } from '../../src/report/index.ts';
import { DiffIndex } from '../../src/github/diff.ts';
import {
  buildAnnotations, CHECK_TEXT_LIMIT, COMMENT_LIMIT, explainCommentBody, fenceFor, fingerprintMarker, fitText, gradedCompletion,
  gradeTitle, planReview, readFingerprint, suggestionLines, summaryCommentBody, ungradedCompletion,
} from '../../src/github/payloads.ts';
import type { ExistingReviewComment } from '../../src/github/payloads.ts';
import { finding, report } from './support/report.ts';

describe('fitText', () => {
  it('leaves text within the limit alone and cuts longer text to exactly the limit, ending with the note', () => {
    expect(fitText('short', 10)).toBe('short');
    const cut = fitText('x'.repeat(70_000), CHECK_TEXT_LIMIT);
    expect(cut).toHaveLength(CHECK_TEXT_LIMIT);
    expect(cut.endsWith('\n\n_…cut here: the full text is longer than GitHub allows._')).toBe(true);
  });

  it('never leaves half of a surrogate pair at the cut', () => {
    const text = `${'a'.repeat(4)}😀${'b'.repeat(10)}`;
    const cut = fitText(text, 6, '…');
    expect(cut).toBe('aaaa…');
  });
});

describe('check-run completion', () => {
  const stubRender = (length: number) => () => 'R'.repeat(length);

  it('concludes failure with the score in the title, the note under the summary, and the rerun button', () => {
    const completion = gradedCompletion({ report: report([finding('http-call-without-timeout', 'error', 'a.py', 3)]), graded: true, render: () => '## summary', maxAnnotations: 10, notes: ['Graded as chapter 8.'] });
    expect(completion.conclusion).toBe('failure');
    expect(completion.title).toBe('Chapter 8: 64.9% (pass mark 70%, not passed yet)');
    expect(completion.summary).toBe('## summary\n\n### Notes from OpsGrade\n\n- Graded as chapter 8.');
    expect(completion.actions).toEqual([{ label: 'Re-run review', description: 'Review this commit again', identifier: 'rerun' }]);
  });

  it('concludes neutral and says so in the title when the repository is not an exercise', () => {
    const completion = gradedCompletion({ report: report([], { passed: true }), graded: false, render: () => 'x', maxAnnotations: 10, notes: [] });
    expect([completion.conclusion, completion.title]).toEqual(['neutral', 'Not a graded exercise: 0 findings']);
  });

  it('keeps a summary that would exceed 65,535 characters within the limit, notes included', () => {
    const completion = gradedCompletion({ report: report([]), graded: true, render: stubRender(200_000), maxAnnotations: 10, notes: ['A note that must survive.'] });
    expect(completion.summary.length).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
  });

  it('keeps the real Markdown summary of a report with thousands of findings within the limit', () => {
    // The summary tallies findings per rule, so it is long when many rules and notices are involved.
    const findings = Array.from({ length: 4000 }, (_, index) => finding(`rule-number-${index}`, 'error', `pkg/module_${index}.py`, index + 1));
    const big = report(findings);
    expect(renderMarkdown(big, { maxLength: 10_000_000 }).length).toBeGreaterThan(CHECK_TEXT_LIMIT);
    const completion = gradedCompletion({ report: big, graded: true, render: renderMarkdown, maxAnnotations: 200, notes: ['Graded as chapter 8.'] });
    expect(completion.summary.length).toBeLessThanOrEqual(CHECK_TEXT_LIMIT);
    expect(completion.summary).toContain('- Graded as chapter 8.');
    expect(completion.summary).toContain('- 3800 more findings are not shown as annotations (this course shows at most 200).');
    expect(completion.summary).toMatch(/_The summary was shortened to fit GitHub's [0-9,]+-character limit; run `opsgrade review` locally for the full report._/);
    expect(completion.annotations).toHaveLength(200);
  });

  it('explains an invalid configuration as action_required with file:line:col for each error and a details link', () => {
    const completion = ungradedCompletion({ kind: 'config-invalid', detailsUrl: 'https://github.com/org/.github/blob/HEAD/.github/opsgrade.yml', problems: [{ file: 'org/.github/.github/opsgrade.yml', line: 3, column: 5, message: '`exercises.0.chapter`: must be a chapter number 1–23, `project-1` … `project-4`, or `all`' }] });
    expect(completion.conclusion).toBe('action_required');
    expect(completion.title).toBe('OpsGrade configuration has 1 error');
    expect(completion.detailsUrl).toBe('https://github.com/org/.github/blob/HEAD/.github/opsgrade.yml');
    expect(completion.summary.split('\n').at(-1)).toBe('- `org/.github/.github/opsgrade.yml:3:5`: `exercises.0.chapter`: must be a chapter number 1–23, `project-1` … `project-4`, or `all`');
  });

  it('titles a superseded review with the newer commit', () => {
    const completion = ungradedCompletion({ kind: 'superseded', bySha: 'b2c3d4e5f60718293a4b5c6d7e8f901234567891' });
    expect([completion.conclusion, completion.title]).toEqual(['cancelled', 'Superseded by b2c3d4e']);
  });
});

describe('annotations', () => {
  it('maps severities to levels, keeps columns only on one-line findings, sorts by severity and skips repository-wide findings', () => {
    const multiLine = finding('b-rule', 'warning', 'b.py', 4, { range: { start: { line: 4, column: 1 }, end: { line: 6, column: 3 } } });
    const { annotations, omitted } = buildAnnotations(report([
      finding('c-rule', 'info', 'c.py', 9), multiLine, finding('a-rule', 'error', 'a.py', 2), finding('has-tests', 'error', undefined, undefined),
    ]), 10);
    expect(omitted).toBe(0);
    expect(annotations.map((annotation) => [annotation.path, annotation.start_line, annotation.end_line, annotation.start_column, annotation.end_column, annotation.annotation_level])).toEqual([
      ['a.py', 2, 2, 5, 19, 'failure'],
      ['b.py', 4, 6, undefined, undefined, 'warning'],
      ['c.py', 9, 9, 5, 19, 'notice'],
    ]);
    expect(annotations[0]?.raw_details).toBe('How to fix: Fix a-rule.\nRule reference: https://docs.example/rules#a-rule');
  });

  it('caps the count and reports how many were left out', () => {
    const findings = Array.from({ length: 120 }, (_, index) => finding('x-rule', 'warning', 'x.py', index + 1));
    const { annotations, omitted } = buildAnnotations(report(findings), 100);
    expect([annotations.length, omitted]).toEqual([100, 20]);
  });

  it('keeps titles within 255 characters', () => {
    const long = report([finding('long-rule', 'error', 'a.py', 1)]);
    (long.rules['long-rule'] as { title: string }).title = 'T'.repeat(400);
    expect(buildAnnotations(long, 5).annotations[0]?.title).toHaveLength(255);
  });

  it('titles grades without rounding up to the pass mark', () => {
    expect(gradeTitle(report([], { percent: 69.96 }))).toBe('Chapter 8: 69.9% (pass mark 70%, not passed yet)');
    expect(gradeTitle(report([], { percent: 80, passed: true }))).toBe('Chapter 8: 80% (pass mark 70%, passed)');
  });
});

describe('suggestions', () => {
  it('grows the fence beyond the longest backtick run in the text', () => {
    expect(fenceFor('plain')).toBe('```');
    expect(fenceFor('a ``` b')).toBe('````');
    expect(fenceFor('x ````` y')).toBe('``````');
  });

  it('rewrites whole lines around the replaced columns', () => {
    const source = 'import requests\n\nresp = requests.get(url)\nprint(resp)\n';
    expect(suggestionLines(source, { start: { line: 3, column: 8 }, end: { line: 3, column: 25 } }, 'requests.get(url, timeout=10)')).toBe('resp = requests.get(url, timeout=10)');
  });

  it('offers nothing where columns could be bytes or characters (non-ASCII lines) or out of range', () => {
    expect(suggestionLines('név = requests.get(url)\n', { start: { line: 1, column: 7 }, end: { line: 1, column: 24 } }, 'x')).toBeUndefined();
    expect(suggestionLines('a\n', { start: { line: 5, column: 1 }, end: { line: 5, column: 2 } }, 'x')).toBeUndefined();
    expect(suggestionLines('abc\n', { start: { line: 1, column: 1 }, end: { line: 1, column: 9 } }, 'x')).toBeUndefined();
  });
});

describe('planReview', () => {
  const source = 'import requests\n\nresp = requests.get(url)\nprint(resp)\nrun(`cmd`)\n';
  const diff = new DiffIndex([{ filename: 'a.py', status: 'modified', patch: '@@ -1,2 +1,5 @@\n import requests\n \n+resp = requests.get(url)\n+print(resp)\n+run(`cmd`)' }]);
  const safeFix = finding('timeout', 'error', 'a.py', 3, {
    range: { start: { line: 3, column: 8 }, end: { line: 3, column: 25 } },
    fix: { hint: 'Add a timeout.', replacement: { range: { start: { line: 3, column: 8 }, end: { line: 3, column: 25 } }, text: 'requests.get(url, timeout=10)', safety: 'safe' } },
  });
  const unsafeFix = finding('printing', 'warning', 'a.py', 4, {
    fix: { hint: 'Log it.', replacement: { range: { start: { line: 4, column: 1 }, end: { line: 4, column: 12 } }, text: 'log.info(resp)', safety: 'unsafe' } },
  });
  const backticks = finding('shell', 'info', 'a.py', 5, {
    range: { start: { line: 5, column: 5 }, end: { line: 5, column: 10 } },
    fix: { hint: 'Quote it.', replacement: { range: { start: { line: 5, column: 5 }, end: { line: 5, column: 10 } }, text: '```cmd```', safety: 'safe' } },
  });
  const outside = finding('outside', 'error', 'a.py', 1);
  const elsewhere = finding('elsewhere', 'error', 'b.py', 3);

  it('comments on changed lines only, most severe first, with suggestions only for safe fixes', () => {
    const plan = planReview({ report: report([backticks, unsafeFix, outside, safeFix, elsewhere]), source: () => source, diff, existing: [], maxComments: 20, suggestions: true });
    expect(plan.outsideDiff).toBe(2);
    expect(plan.comments.map((comment) => [comment.path, comment.line, comment.side])).toEqual([['a.py', 3, 'RIGHT'], ['a.py', 4, 'RIGHT'], ['a.py', 5, 'RIGHT']]);
    expect(plan.comments[0]?.body).toBe([
      '**Title of timeout** (`timeout`, error)', '', 'timeout at a.py:3', '', '**How to fix:** Add a timeout.', '',
      '```suggestion', 'resp = requests.get(url, timeout=10)', '```', '',
      '[Why this matters and how the course does it](https://docs.example/rules#timeout)',
      '<!-- opsgrade:fingerprint timeout%3Aa.py%3A3 -->',
    ].join('\n'));
    expect(plan.comments[1]?.body).not.toContain('suggestion');
    expect(plan.comments[2]?.body).toContain('````suggestion\nrun(```cmd```)\n````');
  });

  it('offers no suggestion when suggestions are switched off', () => {
    const plan = planReview({ report: report([safeFix]), source: () => source, diff, existing: [], maxComments: 20, suggestions: false });
    expect(plan.comments[0]?.body).not.toContain('```suggestion');
  });

  it('skips findings already commented, hides its fixed or outdated comments, and never hides answered ones', () => {
    const existing: ExistingReviewComment[] = [
      { nodeId: 'N1', fingerprint: safeFix.fingerprint, outdated: false, minimized: false, hasReplies: false },
      { nodeId: 'N2', fingerprint: 'fixed-finding', outdated: false, minimized: false, hasReplies: false },
      { nodeId: 'N3', fingerprint: 'answered-but-fixed', outdated: true, minimized: false, hasReplies: true },
      { nodeId: 'N4', fingerprint: unsafeFix.fingerprint, outdated: true, minimized: false, hasReplies: false },
      { nodeId: 'N5', fingerprint: 'already-hidden', outdated: true, minimized: true, hasReplies: false },
    ];
    const plan = planReview({ report: report([safeFix, unsafeFix]), source: () => source, diff, existing, maxComments: 20, suggestions: true });
    expect(plan.alreadyPosted).toBe(1);
    expect(plan.comments.map((comment) => comment.line)).toEqual([4]);
    expect(plan.minimize).toEqual(['N2', 'N4']);
  });

  it('stops at maxComments and counts the rest', () => {
    const plan = planReview({ report: report([unsafeFix, safeFix, backticks]), source: () => source, diff, existing: [], maxComments: 1, suggestions: true });
    expect(plan.comments.map((comment) => comment.line)).toEqual([3]);
    expect(plan.overLimit).toBe(2);
  });
});

describe('markers and comments', () => {
  it('reads back the fingerprint it wrote, whatever characters it holds', () => {
    const fingerprint = 'rule:path/with spaces-->:<b>';
    expect(readFingerprint(`text\n${fingerprintMarker(fingerprint)}`)).toBe(fingerprint);
    expect(readFingerprint('no marker')).toBeUndefined();
  });

  it('starts the sticky summary with its marker and stays within the comment limit', () => {
    const body = summaryCommentBody({ report: report([]), graded: true, render: () => 'S'.repeat(100_000), notes: ['n'], headSha: 'abcdef1234567', checkRunUrl: 'https://github.com/o/r/runs/1' });
    expect(body.startsWith('<!-- opsgrade:summary -->\n')).toBe(true);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  });

  it('answers explain with the rule text, or with close ids for an unknown one', () => {
    const known = explainCommentBody({ id: 'http-call-without-timeout', title: 'HTTP request without a timeout', docs: { what: 'W.', why: 'Y.', example: 'requests.get(u)\n', instead: 'requests.get(u, timeout=5)\n' }, fix: { hint: 'Pass timeout=.' } }, 'http-call-without-timeout', 'https://docs/x#http-call-without-timeout', []);
    expect(known).toBe([
      '### HTTP request without a timeout (`http-call-without-timeout`)', '', '**What it finds:** W.', '', '**Why it matters:** Y.', '',
      '**Reported:**', '```python', 'requests.get(u)', '```', '', '**Instead:**', '```python', 'requests.get(u, timeout=5)', '```', '',
      '**How to fix:** Pass timeout=.', '', '[Rule reference](https://docs/x#http-call-without-timeout)',
    ].join('\n'));
    expect(explainCommentBody(undefined, 'timeout', undefined, ['http-call-without-timeout', 'has-tests'])).toBe('OpsGrade has no rule called `timeout`. Did you mean `http-call-without-timeout`? Rule ids are shown in each finding, for example `(http-call-without-timeout, error)`.');
  });
});
