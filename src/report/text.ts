// Terminal output for `opsgrade review`: ruff/eslint-style findings with code frames, then grades.
// Render stage: a pure function of the Report and the file sources; colour is raw ANSI, only on request.

import type { Finding } from '../rules/finding.ts';
import type { Severity } from '../rules/rule.ts';
import type { ChapterGrade, Report } from './model.ts';
import {
  chapterHeading,
  countBySeverity,
  describeCounts,
  findingLine,
  findingLocation,
  formatPercent,
  formatPoints,
  pluralize,
  type SourceLookup,
} from './shared.ts';

export interface TextOptions {
  /** Emit ANSI colour codes; without it the output contains no escape sequences at all. */
  color: boolean;
}

/** Tab stops in code frames; any fixed width keeps the underline aligned. */
const TAB_WIDTH = 4;
/** Widest source text shown in a frame before the line is cut around the reported column. */
const MAX_SOURCE_WIDTH = 100;
/** Columns of context kept to the left of the reported column when a long line is cut. */
const CUT_LEFT_CONTEXT = 30;
/** Most reported lines shown for a multi-line range. */
const MAX_REPORTED_LINES = 3;

type Style = 'path' | 'strong' | 'dim' | 'gutter' | 'label' | 'good' | 'bad' | Severity;

const ANSI_RESET = '\x1b[0m';
const ANSI: Record<Style, string> = {
  path: '\x1b[1m',
  strong: '\x1b[1m',
  dim: '\x1b[2m',
  gutter: '\x1b[34m',
  label: '\x1b[1;36m',
  good: '\x1b[32m',
  bad: '\x1b[31m',
  error: '\x1b[1;31m',
  warning: '\x1b[1;33m',
  info: '\x1b[1;36m',
};

type Paint = (text: string, style: Style) => string;

export function renderText(report: Report, sources: SourceLookup, options: TextOptions): string {
  const paint: Paint = options.color
    ? (text, style) => (text === '' ? text : `${ANSI[style]}${text}${ANSI_RESET}`)
    : (text) => text;
  const blocks: string[][] = [];

  const located = report.findings.filter((finding) => finding.path !== undefined);
  const repositoryWide = report.findings.filter((finding) => finding.path === undefined);
  for (const finding of located) blocks.push(renderFinding(finding, report, sources, paint));
  if (repositoryWide.length > 0) blocks.push(renderRepositoryFindings(repositoryWide, report, paint));
  if (report.notices.length > 0) blocks.push(renderNotices(report, paint));
  if (report.suppressed.length > 0) blocks.push(renderSuppressed(report, paint));
  if (report.grades.length > 0) blocks.push(renderGrades(report, paint));
  if (report.fixFirst.length > 0) blocks.push(renderFixFirst(report, paint));
  if (report.doneWell.length > 0) blocks.push(renderDoneWell(report, paint));
  blocks.push(renderSummary(report, paint));

  return `${blocks.map((lines) => lines.map((line) => line.trimEnd()).join('\n')).join('\n\n')}\n`;
}

function renderFinding(finding: Finding, report: Report, sources: SourceLookup, paint: Paint): string[] {
  const location = findingLocation(finding) ?? '';
  const lines = [
    `${paint(oneLine(location), 'path')}: ${paint(finding.severity, finding.severity)} ` +
      `${paint(oneLine(finding.ruleId), 'strong')} ${oneLine(finding.message)}`,
  ];
  const source = finding.path === undefined ? undefined : sources(finding.path);
  if (finding.range !== undefined && source !== undefined) {
    lines.push(...renderCodeFrame(source, finding.range, finding.severity, paint));
  }
  lines.push(...renderAdvice(finding, report, '  ', paint));
  return lines;
}

/** `= fix:` and `= help:` lines, from the finding's own hint or its rule's. */
function renderAdvice(finding: Finding, report: Report, indent: string, paint: Paint): string[] {
  const rule = report.rules[finding.ruleId];
  const hint = finding.fix?.hint ?? rule?.fixHint;
  const lines: string[] = [];
  if (hint) lines.push(`${indent}${paint('= fix:', 'label')} ${oneLine(hint)}`);
  if (rule?.helpUri) lines.push(`${indent}${paint('= help:', 'label')} ${oneLine(rule.helpUri)}`);
  return lines;
}

function renderRepositoryFindings(findings: readonly Finding[], report: Report, paint: Paint): string[] {
  const lines = [paint('Repository', 'strong')];
  for (const finding of findings) {
    lines.push(
      `  ${paint(finding.severity, finding.severity)} ${paint(oneLine(finding.ruleId), 'strong')} ` +
        oneLine(finding.message),
    );
    lines.push(...renderAdvice(finding, report, '    ', paint));
  }
  return lines;
}

function renderNotices(report: Report, paint: Paint): string[] {
  const lines = [paint(`Notices (${report.notices.length})`, 'strong')];
  for (const notice of report.notices) {
    const prefix = notice.path === undefined ? '' : `${paint(oneLine(notice.path), 'path')}: `;
    lines.push(`  ${prefix}${oneLine(notice.message)}`);
  }
  return lines;
}

function renderSuppressed(report: Report, paint: Paint): string[] {
  const lines = [paint(`Suppressed findings (${report.suppressed.length})`, 'strong')];
  for (const finding of report.suppressed) {
    const where = findingLine(finding) ?? 'Repository';
    const reason = finding.suppression?.reason ?? 'no reason given';
    lines.push(`  ${paint(oneLine(where), 'path')} ${paint(oneLine(finding.ruleId), 'strong')} — ${oneLine(reason)}`);
  }
  return lines;
}

function renderGrades(report: Report, paint: Paint): string[] {
  const lines = [paint(`Grades (${oneLine(report.course)})`, 'strong')];
  for (const grade of report.grades) {
    lines.push(`  ${describeGrade(grade, paint)}`);
    for (const requirement of grade.requirements) {
      const mark = requirement.met ? paint('✓', 'good') : paint('✗', 'bad');
      const points = `(${formatPoints(requirement.earned)}/${formatPoints(requirement.points)} points)`;
      lines.push(`    ${mark} ${oneLine(requirement.title)} ${points} — ${oneLine(requirement.message)}`);
      const hint = requirement.met ? undefined : report.rules[requirement.ruleId]?.fixHint;
      if (hint) lines.push(`      ${paint('= fix:', 'label')} ${oneLine(hint)}`);
    }
    for (const deduction of grade.deductions) {
      lines.push(
        `    ${paint('−', 'bad')} ${oneLine(deduction.ruleId)}: ${pluralize(deduction.findings, 'finding')}, ` +
          `−${formatPoints(deduction.points)} points`,
      );
    }
  }
  return lines;
}

function describeGrade(grade: ChapterGrade, paint: Paint): string {
  const score = `${formatPercent(grade.percent)}/100`;
  const verdict = grade.passed
    ? paint(`passed (pass mark ${formatPercent(grade.threshold)})`, 'good')
    : paint(`below the pass mark of ${formatPercent(grade.threshold)}`, 'bad');
  return `${paint(oneLine(chapterHeading(grade)), 'strong')}: ${score} — ${verdict}`;
}

function renderFixFirst(report: Report, paint: Paint): string[] {
  const lines = [paint('Fix these first', 'strong')];
  const width = String(report.fixFirst.length).length;
  report.fixFirst.forEach((finding, index) => {
    const number = `${String(index + 1).padStart(width)}.`;
    const where = findingLocation(finding) ?? 'Repository';
    lines.push(
      `  ${number} ${paint(oneLine(where), 'path')} ${paint(oneLine(finding.ruleId), 'strong')} — ` +
        oneLine(finding.message),
    );
    const helpUri = report.rules[finding.ruleId]?.helpUri;
    if (helpUri) lines.push(`  ${' '.repeat(number.length)} ${oneLine(helpUri)}`);
  });
  return lines;
}

function renderDoneWell(report: Report, paint: Paint): string[] {
  return [
    paint('Done well', 'strong'),
    ...report.doneWell.map((sentence) => `  ${paint('✓', 'good')} ${oneLine(sentence)}`),
  ];
}

function renderSummary(report: Report, paint: Paint): string[] {
  const { stats } = report;
  const reviewed =
    `Reviewed ${pluralize(stats.files, 'file')} (${pluralize(stats.pythonFiles, 'Python file')}, ` +
    `${pluralize(stats.lines, 'line')})` +
    (stats.syntaxErrors > 0 ? `; ${pluralize(stats.syntaxErrors, 'file')} could not be parsed.` : '.');
  const counts = describeCounts(countBySeverity(report.findings));
  const suppressed = report.suppressed.length > 0 ? ` (${report.suppressed.length} suppressed)` : '';
  const verdict = report.overall.passed ? paint('passed', 'good') : paint('not passed', 'bad');
  const summary = `${counts}${suppressed} · overall ${formatPercent(report.overall.percent)}/100 — ${verdict}`;
  return [paint(reviewed, 'dim'), paint(summary, 'strong')];
}

// ---------------------------------------------------------------------------------------------
// Code frames

interface FrameRow {
  /** Line number shown in the gutter; `undefined` for the underline and elision rows. */
  lineNumber?: number;
  /** One entry per terminal column: a character, or '' where a wide character continues. */
  cells: string[];
  kind: 'source' | 'underline' | 'elision';
}

/**
 * The line before, up to three reported lines, the line after, and a `^^^` underline under the
 * reported columns of the first reported line. Columns count UTF-16 code units, 1-based.
 */
function renderCodeFrame(
  source: string,
  range: NonNullable<Finding['range']>,
  severity: Severity,
  paint: Paint,
): string[] {
  const lines = source.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  // A trailing newline ends the last line; it does not start a line worth showing as context.
  const lineCount = source.endsWith('\n') ? lines.length - 1 : lines.length;
  const { start, end } = range;
  if (start.line < 1 || start.line > Math.max(lineCount, 1)) return [];

  const lineAt = (number: number): string => lines[number - 1] ?? '';
  const lastShown = Math.min(Math.max(end.line, start.line), start.line + MAX_REPORTED_LINES - 1, lineCount);
  const elided = end.line > lastShown && lastShown < lineCount;
  const afterLine = elided ? end.line + 1 : lastShown + 1;

  const rows: FrameRow[] = [];
  if (start.line > 1) rows.push({ lineNumber: start.line - 1, cells: layOut(lineAt(start.line - 1)).cells, kind: 'source' });
  const reported = layOut(lineAt(start.line));
  rows.push({ lineNumber: start.line, cells: reported.cells, kind: 'source' });

  const underlineStart = reported.columnAt(start.column);
  const underlineEnd =
    end.line === start.line ? reported.columnAt(end.column) : trimmedWidth(reported.cells);
  const caretCount = Math.max(1, underlineEnd - underlineStart);
  rows.push({
    cells: [...Array<string>(underlineStart).fill(' '), ...Array<string>(caretCount).fill('^')],
    kind: 'underline',
  });

  for (let number = start.line + 1; number <= lastShown; number += 1) {
    rows.push({ lineNumber: number, cells: layOut(lineAt(number)).cells, kind: 'source' });
  }
  if (elided) rows.push({ cells: [], kind: 'elision' });
  if (afterLine <= lineCount) rows.push({ lineNumber: afterLine, cells: layOut(lineAt(afterLine)).cells, kind: 'source' });

  const window = chooseWindow(rows, underlineStart);
  const gutterWidth = String(Math.max(...rows.map((row) => row.lineNumber ?? 0))).length;
  const bar = (label: string): string => paint(`${label.padStart(gutterWidth)} |`, 'gutter');

  const output = [bar('')];
  for (const row of rows) {
    const text = window ? cutRow(row.cells, window, row.kind !== 'underline') : row.cells.join('');
    switch (row.kind) {
      case 'source':
        output.push(`${bar(String(row.lineNumber))} ${text}`);
        break;
      case 'underline': {
        const carets = text.trimEnd();
        const indent = carets.length - carets.trimStart().length;
        output.push(`${bar('')} ${carets.slice(0, indent)}${paint(carets.slice(indent), severity)}`);
        break;
      }
      case 'elision':
        output.push(bar('…'));
        break;
    }
  }
  output.push(bar(''));
  return output;
}

interface LaidOutLine {
  cells: string[];
  /** Terminal column (0-based) where the 1-based UTF-16 source column starts. */
  columnAt: (column: number) => number;
}

/** Expands tabs, replaces control characters and gives wide characters two cells. */
function layOut(line: string): LaidOutLine {
  const cells: string[] = [];
  const startOfUnit: number[] = [];
  for (let index = 0; index < line.length; ) {
    const codePoint = line.codePointAt(index) ?? 0;
    const units = codePoint > 0xffff ? 2 : 1;
    for (let unit = 0; unit < units; unit += 1) startOfUnit.push(cells.length);
    if (codePoint === 0x09) {
      const spaces = TAB_WIDTH - (cells.length % TAB_WIDTH);
      for (let space = 0; space < spaces; space += 1) cells.push(' ');
    } else {
      const shown = visibleCharacter(codePoint);
      const width = shown === undefined ? cellWidth(codePoint) : 1;
      if (width === 0 && cells.length > 0) {
        cells[cells.length - 1] += String.fromCodePoint(codePoint);
      } else {
        cells.push(shown ?? String.fromCodePoint(codePoint));
        if (width === 2) cells.push('');
      }
    }
    index += units;
  }
  return {
    cells,
    columnAt: (column) => {
      const unit = column - 1;
      if (unit <= 0) return 0;
      return unit < startOfUnit.length ? (startOfUnit[unit] ?? cells.length) : cells.length + (unit - line.length);
    },
  };
}

function trimmedWidth(cells: readonly string[]): number {
  let width = cells.length;
  while (width > 0 && (cells[width - 1] === ' ' || cells[width - 1] === '')) width -= 1;
  return width;
}

interface Window {
  left: number;
  width: number;
}

/** The columns to show when some row is too wide: around the underline, shared by all rows. */
function chooseWindow(rows: readonly FrameRow[], underlineStart: number): Window | undefined {
  const widest = Math.max(...rows.map((row) => trimmedWidth(row.cells)));
  if (widest <= MAX_SOURCE_WIDTH) return undefined;
  const left = Math.max(0, Math.min(underlineStart - CUT_LEFT_CONTEXT, widest - MAX_SOURCE_WIDTH));
  return { left, width: MAX_SOURCE_WIDTH };
}

/** The window's cells of one row, with `…` where text was cut off on either side. */
function cutRow(cells: readonly string[], window: Window, markCuts: boolean): string {
  const right = window.left + window.width;
  const slice = Array.from({ length: window.width }, (_, offset) => cells[window.left + offset] ?? ' ');
  // A wide character split by the window edge cannot be half-drawn.
  if (slice[0] === '') slice[0] = ' ';
  const last = cells[right - 1];
  if (last !== undefined && last !== '' && cells[right] === '' && slice.length > 0) slice[slice.length - 1] = ' ';
  const hasTextLeft = cells.slice(0, window.left).some((cell) => cell.trim() !== '');
  const hasTextRight = trimmedWidth(cells) > right;
  if (markCuts && hasTextLeft && window.left > 0) slice[0] = '…';
  if (markCuts && hasTextRight) slice[slice.length - 1] = '…';
  return slice.join('');
}

/**
 * Control characters shown as Unicode control pictures, so learner text can never move the
 * cursor or change colours in the terminal (and uncoloured output never contains ESC).
 */
function visibleCharacter(codePoint: number): string | undefined {
  if (codePoint < 0x20) return String.fromCodePoint(0x2400 + codePoint);
  if (codePoint === 0x7f) return '\u2421';
  if (codePoint >= 0x80 && codePoint < 0xa0) return '\ufffd';
  return undefined;
}

/** Terminal cells taken by a printable code point: 0 for combining marks, 2 for wide East Asian and emoji. */
function cellWidth(codePoint: number): 0 | 1 | 2 {
  if (
    (codePoint >= 0x0300 && codePoint <= 0x036f) ||
    (codePoint >= 0x200b && codePoint <= 0x200f) ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  ) {
    return 0;
  }
  if (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf && codePoint !== 0x303f) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    (codePoint >= 0x1f300 && codePoint <= 0x1f64f) ||
    (codePoint >= 0x1f900 && codePoint <= 0x1f9ff) ||
    (codePoint >= 0x20000 && codePoint <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** Learner text on one terminal line: line breaks and tabs become spaces, other controls pictures. */
function oneLine(text: string): string {
  let result = '';
  for (const character of text.replace(/\r\n|[\r\n\t]/g, ' ')) {
    result += visibleCharacter(character.codePointAt(0) ?? 0) ?? character;
  }
  return result;
}
