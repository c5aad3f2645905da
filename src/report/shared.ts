// Helpers every renderer shares: chapter headings, score wording, counts by severity and rule.
// Render stage; pure functions of a Report, so the terminal, Markdown and SARIF outputs agree.

import { chapterLabel } from '../rubric/course.ts';
import type { Finding } from '../rules/finding.ts';
import type { Severity } from '../rules/rule.ts';
import type { ChapterGrade, Report } from './model.ts';

/** The text of a repository file by path, for code frames; `undefined` when it was not read. */
export type SourceLookup = (path: string) => string | undefined;

/** `Chapter 7 (Logging, not print)` or `Final project 2 (Cloud cost checker)`. */
export function chapterHeading(grade: Pick<ChapterGrade, 'chapter' | 'title'>): string {
  const label = chapterLabel(grade.chapter);
  const capitalised = label.charAt(0).toUpperCase() + label.slice(1);
  return grade.title ? `${capitalised} (${grade.title})` : capitalised;
}

/**
 * A percentage without misleading rounding: 69.96 shows as 69.9, never as 70, so a score shown
 * next to a pass mark of 70 cannot look like a pass when it is not.
 */
export function formatPercent(percent: number): string {
  if (Number.isInteger(percent)) return String(percent);
  const tenths = Math.floor(percent * 10) / 10;
  return Number.isInteger(tenths) ? String(tenths) : tenths.toFixed(1);
}

/** Whole points print as integers, fractional ones with at most two decimals. */
export function formatPoints(points: number): string {
  return Number.isInteger(points) ? String(points) : String(Math.round(points * 100) / 100);
}

export type SeverityCounts = Record<Severity, number>;

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** `2 errors, 1 warning, 3 info` — "info" stays singular, as in most linters. */
export function describeCounts(counts: SeverityCounts): string {
  return [
    pluralize(counts.error, 'error'),
    pluralize(counts.warning, 'warning'),
    `${counts.info} info`,
  ].join(', ');
}

/** `path:line:col`, `path` for a whole-file finding, or `undefined` for a repository-wide one. */
export function findingLocation(finding: Finding): string | undefined {
  if (finding.path === undefined) return undefined;
  if (finding.range === undefined) return finding.path;
  return `${finding.path}:${finding.range.start.line}:${finding.range.start.column}`;
}

/** `path:line` for lists where the column adds noise (suppressions, summaries). */
export function findingLine(finding: Finding): string | undefined {
  if (finding.path === undefined) return undefined;
  const line = finding.range?.start.line ?? finding.suppression?.line;
  return line === undefined ? finding.path : `${finding.path}:${line}`;
}

export interface RuleTally {
  ruleId: string;
  findings: number;
  pointsLost: number;
}

/**
 * Findings and points lost per rule across every graded chapter: deductions of violation rules
 * plus the points an unmet requirement did not earn. Sorted by points lost, then findings, then id.
 */
export function tallyByRule(report: Report): RuleTally[] {
  const tallies = new Map<string, RuleTally>();
  const tallyOf = (ruleId: string): RuleTally => {
    let tally = tallies.get(ruleId);
    if (tally === undefined) {
      tally = { ruleId, findings: 0, pointsLost: 0 };
      tallies.set(ruleId, tally);
    }
    return tally;
  };
  for (const finding of report.findings) tallyOf(finding.ruleId).findings += 1;
  for (const grade of report.grades) {
    for (const deduction of grade.deductions) tallyOf(deduction.ruleId).pointsLost += deduction.points;
    for (const requirement of grade.requirements) {
      if (!requirement.met) tallyOf(requirement.ruleId).pointsLost += requirement.points - requirement.earned;
    }
  }
  return [...tallies.values()].sort(
    (a, b) => b.pointsLost - a.pointsLost || b.findings - a.findings || compareText(a.ruleId, b.ruleId),
  );
}

/** Locale-independent ordering, so output does not change with the machine's language. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function assertNever(value: never, what: string): never {
  throw new Error(`Unhandled ${what}: ${String(value)}`);
}
