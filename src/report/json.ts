// Machine-readable output (`--format json`): the Report as documented in docs/json-report.md and
// schema/report.schema.json. Render stage; keys come out in one fixed order whatever the input's.

import type { Notice } from '../snapshot/snapshot.ts';
import type { Finding, FindingFix, Position, Range } from '../rules/finding.ts';
import type { RuleDocs } from '../rules/rule.ts';
import type {
  ChapterGrade,
  Deduction,
  Report,
  RequirementResult,
  ReviewStats,
  RuleSummary,
} from './model.ts';
import { compareText } from './shared.ts';

/**
 * Two-space indented JSON with a trailing newline. Each object is rebuilt field by field
 * (`satisfies Record<keyof T, unknown>` makes a field added to the model a compile error here),
 * so the key order is the model's and stray runtime properties never leak into the output.
 */
export function renderJson(report: Report): string {
  return `${JSON.stringify(orderReport(report), null, 2)}\n`;
}

function orderReport(report: Report) {
  return {
    schemaVersion: report.schemaVersion,
    tool: { name: report.tool.name, version: report.tool.version } satisfies Record<keyof Report['tool'], unknown>,
    source: report.source,
    course: report.course,
    chapter: report.chapter,
    grades: report.grades.map(orderGrade),
    overall: {
      percent: report.overall.percent,
      passed: report.overall.passed,
    } satisfies Record<keyof Report['overall'], unknown>,
    findings: report.findings.map(orderFinding),
    suppressed: report.suppressed.map(orderFinding),
    notices: report.notices.map(orderNotice),
    fixFirst: report.fixFirst.map(orderFinding),
    doneWell: [...report.doneWell],
    rules: Object.fromEntries(
      Object.entries(report.rules)
        .sort(([a], [b]) => compareText(a, b))
        .map(([id, rule]) => [id, orderRule(rule)]),
    ),
    stats: orderStats(report.stats),
  } satisfies Record<keyof Report, unknown>;
}

function orderGrade(grade: ChapterGrade) {
  return {
    chapter: grade.chapter,
    title: grade.title,
    percent: grade.percent,
    points: grade.points,
    maxPoints: grade.maxPoints,
    threshold: grade.threshold,
    passed: grade.passed,
    requirements: grade.requirements.map(orderRequirement),
    deductions: grade.deductions.map(orderDeduction),
  } satisfies Record<keyof ChapterGrade, unknown>;
}

function orderRequirement(requirement: RequirementResult) {
  return {
    ruleId: requirement.ruleId,
    title: requirement.title,
    met: requirement.met,
    points: requirement.points,
    earned: requirement.earned,
    message: requirement.message,
  } satisfies Record<keyof RequirementResult, unknown>;
}

function orderDeduction(deduction: Deduction) {
  return {
    ruleId: deduction.ruleId,
    findings: deduction.findings,
    points: deduction.points,
  } satisfies Record<keyof Deduction, unknown>;
}

function orderFinding(finding: Finding) {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    message: finding.message,
    path: finding.path,
    range: finding.range && orderRange(finding.range),
    fix: finding.fix && orderFix(finding.fix),
    fingerprint: finding.fingerprint,
    suppression: finding.suppression && {
      reason: finding.suppression.reason,
      line: finding.suppression.line,
    } satisfies Record<keyof NonNullable<Finding['suppression']>, unknown>,
  } satisfies Record<keyof Finding, unknown>;
}

function orderFix(fix: FindingFix) {
  return {
    hint: fix.hint,
    replacement: fix.replacement && {
      range: orderRange(fix.replacement.range),
      text: fix.replacement.text,
      safety: fix.replacement.safety,
    } satisfies Record<keyof NonNullable<FindingFix['replacement']>, unknown>,
  } satisfies Record<keyof FindingFix, unknown>;
}

function orderRange(range: Range) {
  return { start: orderPosition(range.start), end: orderPosition(range.end) } satisfies Record<keyof Range, unknown>;
}

function orderPosition(position: Position) {
  return { line: position.line, column: position.column } satisfies Record<keyof Position, unknown>;
}

function orderNotice(notice: Notice) {
  return { kind: notice.kind, path: notice.path, message: notice.message } satisfies Record<keyof Notice, unknown>;
}

function orderRule(rule: RuleSummary) {
  return {
    id: rule.id,
    title: rule.title,
    kind: rule.kind,
    area: rule.area,
    severity: rule.severity,
    chapter: rule.chapter,
    docs: orderDocs(rule.docs),
    fixHint: rule.fixHint,
    equivalents: [...rule.equivalents],
    helpUri: rule.helpUri,
  } satisfies Record<keyof RuleSummary, unknown>;
}

function orderDocs(docs: RuleDocs) {
  return { what: docs.what, why: docs.why, example: docs.example, instead: docs.instead } satisfies Record<
    keyof RuleDocs,
    unknown
  >;
}

function orderStats(stats: ReviewStats) {
  return {
    files: stats.files,
    pythonFiles: stats.pythonFiles,
    lines: stats.lines,
    syntaxErrors: stats.syntaxErrors,
  } satisfies Record<keyof ReviewStats, unknown>;
}
