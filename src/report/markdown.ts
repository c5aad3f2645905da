// Markdown summary: the GitHub check-run summary, the sticky PR comment and `--format markdown`.
// Render stage; teaches with the Report's own words (rule titles, messages, docs) and always fits
// GitHub's size limit by dropping whole lines from the end, never by cutting one in half.

import type { Finding } from '../rules/finding.ts';
import type { Report } from './model.ts';
import {
  chapterHeading,
  countBySeverity,
  describeCounts,
  findingLine,
  formatPercent,
  formatPoints,
  pluralize,
  tallyByRule,
} from './shared.ts';

export interface MarkdownOptions {
  /** Longest output allowed, in UTF-16 code units (never fewer than GitHub's character count). */
  maxLength?: number;
  /** Heading of the summary; default `OpsGrade review`. */
  title?: string;
}

/** GitHub's limit for a check run's `output.summary` (PR comment bodies allow one more). */
export const GITHUB_SUMMARY_LIMIT = 65_535;

const DEFAULT_TITLE = 'OpsGrade review';

/** One or more lines that are kept or dropped together when the summary must be shortened. */
interface Piece {
  text: string;
  /** Starts a new Markdown block (blank line before it) rather than continuing a list or table. */
  startsBlock: boolean;
  /** A heading or table header that is pointless without the piece after it. */
  needsFollower: boolean;
}

class Document {
  readonly pieces: Piece[] = [];

  block(text: string, needsFollower = false): void {
    this.pieces.push({ text, startsBlock: true, needsFollower });
  }

  line(text: string, needsFollower = false): void {
    this.pieces.push({ text, startsBlock: false, needsFollower });
  }

  heading(text: string): void {
    this.block(`### ${text}`, true);
  }
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? GITHUB_SUMMARY_LIMIT;
  const doc = new Document();

  writeHeader(doc, report, options.title ?? DEFAULT_TITLE);
  writeChapterTable(doc, report);
  writeRequirements(doc, report);
  writeFixFirst(doc, report);
  writeFindingsByRule(doc, report);
  writeDoneWell(doc, report);
  writeNotices(doc, report);
  writeSuppressed(doc, report);
  writeFooter(doc, report);

  return fitToLength(doc.pieces, maxLength);
}

function writeHeader(doc: Document, report: Report, title: string): void {
  const verdict = report.overall.passed ? 'passed' : 'not passed yet';
  const mark = report.overall.passed ? '✅' : '❌';
  doc.block(`## ${mark} ${inline(title)}: ${formatPercent(report.overall.percent)}/100, ${verdict}`);

  const graded =
    report.chapter === 'all'
      ? 'all chapters'
      : chapterHeading(
          report.grades.find((grade) => grade.chapter === report.chapter) ?? { chapter: report.chapter, title: '' },
        );
  doc.block(`**${inline(report.course)}** · ${inline(graded)} · ${codeSpan(report.source)}`);

  const counts = describeCounts(countBySeverity(report.findings)).replaceAll(', ', ' · ');
  const suppressed = report.suppressed.length > 0 ? ` · ${report.suppressed.length} suppressed` : '';
  doc.block(`${counts}${suppressed}`);
}

function writeChapterTable(doc: Document, report: Report): void {
  if (report.grades.length === 0) return;
  doc.block('| Chapter | Score | Pass mark | Result |', true);
  doc.line('| --- | ---: | ---: | --- |', true);
  for (const grade of report.grades) {
    const result = grade.passed ? '✅ passed' : '❌ below the pass mark';
    doc.line(
      `| ${inline(chapterHeading(grade), { table: true })} | ${formatPercent(grade.percent)}/100 | ` +
        `${formatPercent(grade.threshold)} | ${result} |`,
    );
  }
}

function writeRequirements(doc: Document, report: Report): void {
  const graded = report.grades.filter((grade) => grade.requirements.length > 0);
  if (graded.length === 0) return;
  doc.heading('Requirements');
  for (const grade of graded) {
    if (report.grades.length > 1) doc.block(`**${inline(chapterHeading(grade))}**`, true);
    // Unmet first: they are what the learner can act on.
    const ordered = [...grade.requirements.filter((r) => !r.met), ...grade.requirements.filter((r) => r.met)];
    ordered.forEach((requirement, index) => {
      const mark = requirement.met ? '✅' : '❌';
      const points = `${formatPoints(requirement.earned)}/${formatPoints(requirement.points)} points`;
      let item = `- ${mark} **${inline(requirement.title)}** (${points}): ${inline(requirement.message)}`;
      if (!requirement.met) {
        const rule = report.rules[requirement.ruleId];
        const todo = [rule?.fixHint ? inline(rule.fixHint) : '', rule ? docsLink('Rule docs', rule.helpUri) : '']
          .filter((part) => part !== '')
          .join(' ');
        if (todo) item += `\n  **What to do:** ${todo}`;
      }
      if (index === 0) doc.block(item);
      else doc.line(item);
    });
  }
}

function writeFixFirst(doc: Document, report: Report): void {
  if (report.fixFirst.length === 0) return;
  doc.heading('Fix these first');
  report.fixFirst.forEach((finding, index) => {
    const rule = report.rules[finding.ruleId];
    const name = rule ? `**${inline(rule.title)}** (${codeSpan(finding.ruleId)})` : codeSpan(finding.ruleId);
    const where = findingLine(finding);
    const location = where === undefined ? 'in the repository' : `in ${codeSpan(where)}`;
    const link = rule ? docsLink('How to fix', rule.helpUri) : '';
    let item = `${index + 1}. ${name} ${location}: ${inline(finding.message)}${link ? ` ${link}` : ''}`;
    const hint = finding.fix?.hint ?? rule?.fixHint;
    if (hint) item += `\n   **Fix:** ${inline(hint)}`;
    if (index === 0) doc.block(item);
    else doc.line(item);
  });
}

function writeFindingsByRule(doc: Document, report: Report): void {
  const tallies = tallyByRule(report).filter((tally) => tally.findings > 0 || tally.pointsLost > 0);
  if (tallies.length === 0 && report.findings.length === 0) return;
  doc.heading('Findings by rule');
  const counts = countBySeverity(report.findings);
  doc.block(
    `**By severity:** ${pluralize(counts.error, 'error')} · ${pluralize(counts.warning, 'warning')} · ` +
      `${counts.info} info`,
  );
  if (tallies.length === 0) return;
  doc.block('| Rule | Severity | Findings | Points lost |', true);
  doc.line('| --- | --- | ---: | ---: |', true);
  for (const tally of tallies) {
    const rule = report.rules[tally.ruleId];
    const id = codeSpan(tally.ruleId, { table: true });
    const label = rule ? `${docsLink(id, rule.helpUri, { raw: true })} ${inline(rule.title, { table: true })}` : id;
    const severity = rule?.severity ?? severityOf(report.findings, tally.ruleId) ?? '';
    doc.line(`| ${label} | ${severity} | ${tally.findings} | ${formatPoints(tally.pointsLost)} |`);
  }
}

function writeDoneWell(doc: Document, report: Report): void {
  if (report.doneWell.length === 0) return;
  doc.heading('What you did well');
  report.doneWell.forEach((sentence, index) => {
    const item = `- ${inline(sentence, { lineStart: true })}`;
    if (index === 0) doc.block(item);
    else doc.line(item);
  });
}

function writeNotices(doc: Document, report: Report): void {
  if (report.notices.length === 0) return;
  doc.heading('Notices');
  report.notices.forEach((notice, index) => {
    const item =
      notice.path === undefined
        ? `- ${inline(notice.message, { lineStart: true })}`
        : `- ${codeSpan(notice.path)}: ${inline(notice.message)}`;
    if (index === 0) doc.block(item);
    else doc.line(item);
  });
}

function writeSuppressed(doc: Document, report: Report): void {
  if (report.suppressed.length === 0) return;
  doc.heading(`Suppressed findings (${report.suppressed.length})`);
  report.suppressed.forEach((finding, index) => {
    const where = findingLine(finding);
    const reason = finding.suppression?.reason;
    const item =
      `- ${where === undefined ? 'Repository' : codeSpan(where)} ${codeSpan(finding.ruleId)}: ` +
      (reason ? inline(reason) : '_no reason given_');
    if (index === 0) doc.block(item);
    else doc.line(item);
  });
}

function writeFooter(doc: Document, report: Report): void {
  const { stats } = report;
  doc.block(
    `<sub>${inline(report.tool.name)} ${inline(report.tool.version)} · reviewed ${pluralize(stats.files, 'file')} ` +
      `(${pluralize(stats.pythonFiles, 'Python file')}, ${pluralize(stats.lines, 'line')})</sub>`,
  );
}

function severityOf(findings: readonly Finding[], ruleId: string): string | undefined {
  return findings.find((finding) => finding.ruleId === ruleId)?.severity;
}

// ---------------------------------------------------------------------------------------------
// Fitting GitHub's limit

export function truncationNote(maxLength: number): string {
  return (
    `_The summary was shortened to fit GitHub's ${maxLength.toLocaleString('en-US')}-character limit; ` +
    'run `opsgrade review` locally for the full report._'
  );
}

function fitToLength(pieces: readonly Piece[], maxLength: number): string {
  const join = (kept: readonly Piece[]): string =>
    kept.map((piece, index) => (index === 0 ? '' : piece.startsBlock ? '\n\n' : '\n') + piece.text).join('');

  const full = `${join(pieces)}\n`;
  if (full.length <= maxLength) return full;

  const note = truncationNote(maxLength);
  const budget = maxLength - note.length - '\n\n'.length - '\n'.length;
  let kept = 0;
  let length = 0;
  for (const [index, piece] of pieces.entries()) {
    const added = (index === 0 ? 0 : piece.startsBlock ? 2 : 1) + piece.text.length;
    if (length + added > budget) break;
    length += added;
    kept = index + 1;
  }
  while (kept > 0 && pieces[kept - 1]?.needsFollower) kept -= 1;
  if (kept === 0) return `${note}\n`.slice(0, maxLength);
  return `${join(pieces.slice(0, kept))}\n\n${note}\n`;
}

// ---------------------------------------------------------------------------------------------
// Escaping: text from the Report (learner paths, messages with captured code) must not change the
// document's structure, open HTML, or ping people.

interface EscapeOptions {
  /** Inside a table cell, where `|` ends the cell even within a code span. */
  table?: boolean;
  /** The text begins a line or list item, where `-`, `+` or `1.` would start a nested list. */
  lineStart?: boolean;
}

/**
 * Inline Markdown for one line of report text. Code spans written in rule messages
 * (`` `requests.get()` ``) are kept; everything else has Markdown punctuation backslash-escaped.
 */
export function inline(text: string, options: EscapeOptions = {}): string {
  const flat = text.replace(/\r\n|[\r\n]/g, ' ');
  let output = '';
  let index = 0;
  while (index < flat.length) {
    const open = /`+/g;
    open.lastIndex = index;
    const opening = open.exec(flat);
    if (opening === null) {
      output += escapeText(flat.slice(index), options.lineStart === true && output === '');
      break;
    }
    output += escapeText(flat.slice(index, opening.index), options.lineStart === true && output === '');
    const fence = opening[0];
    const closing = findClosingFence(flat, opening.index + fence.length, fence.length);
    if (closing === undefined) {
      output += '\\`'.repeat(fence.length);
      index = opening.index + fence.length;
      continue;
    }
    const span = flat.slice(opening.index, closing + fence.length);
    output += options.table ? span.replaceAll('|', '\\|') : span;
    index = closing + fence.length;
  }
  return output;
}

function findClosingFence(text: string, from: number, length: number): number | undefined {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let run = runs.exec(text); run !== null; run = runs.exec(text)) {
    if (run[0].length === length) return run.index;
  }
  return undefined;
}

function escapeText(text: string, atLineStart: boolean): string {
  let escaped = text
    .replace(/[\\*_[\]<>|~#&]/g, (character) => `\\${character}`)
    // A word joiner after `@` stops GitHub from turning captured code like `@app.route` into a mention.
    .replace(/@(?=[A-Za-z0-9])/g, '@\u2060');
  if (atLineStart) {
    // Backslash escapes work only before punctuation, so `2.` becomes `2\.`, not `\2.`.
    escaped = escaped.replace(
      /^(\s*)(?:([-+=])|(\d+)([.)]))/,
      (_, space: string, mark: string | undefined, digits: string | undefined, dot: string | undefined) =>
        mark === undefined ? `${space}${digits ?? ''}\\${dot ?? ''}` : `${space}\\${mark}`,
    );
  }
  return escaped;
}

/** A code span that shows `text` literally, whatever backticks it contains. */
export function codeSpan(text: string, options: EscapeOptions = {}): string {
  const flat = text.replace(/\r\n|[\r\n]/g, ' ');
  const longestRun = Math.max(0, ...Array.from(flat.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const padded = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ` ${flat} ` : flat;
  const span = `${fence}${padded}${fence}`;
  return options.table ? span.replaceAll('|', '\\|') : span;
}

/** `[label](uri)` for http(s) links; anything else is not a link worth rendering. */
function docsLink(label: string, uri: string, options: { raw?: boolean } = {}): string {
  const text = options.raw ? label : inline(label);
  if (!/^https?:\/\/\S+$/.test(uri)) return options.raw ? label : '';
  return `[${text}](${uri.replace(/[()<>]/g, (character) => encodeURIComponent(character))})`;
}
