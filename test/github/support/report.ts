// Small hand-made Reports for the publishing-layer unit tests: plain data in the shape the review
// produces, so payload rules can be pinned without running the engine.

import { REPORT_SCHEMA_VERSION } from '../../../src/report/model.ts';
import type { Report, RuleSummary } from '../../../src/report/model.ts';
import type { Finding } from '../../../src/rules/finding.ts';
import type { Severity } from '../../../src/rules/rule.ts';

export function rule(id: string, title: string, severity: Severity = 'error'): RuleSummary {
  return {
    id, title, kind: 'violation', area: 'retries-timeouts', severity, chapter: 8,
    docs: { what: `${title}.`, why: 'It matters.', example: 'bad()', instead: 'good()' },
    fixHint: 'Fix it.', equivalents: [], helpUri: `https://docs.example/rules#${id}`,
  };
}

export function finding(ruleId: string, severity: Severity, path: string | undefined, line: number | undefined, extra: Partial<Finding> = {}): Finding {
  return {
    ruleId, severity, message: `${ruleId} at ${path ?? 'repository'}:${line ?? '-'}`,
    ...(path === undefined ? {} : { path }),
    ...(line === undefined ? {} : { range: { start: { line, column: 5 }, end: { line, column: 20 } } }),
    fingerprint: `${ruleId}:${path ?? ''}:${line ?? ''}`,
    fix: { hint: `Fix ${ruleId}.` },
    ...extra,
  };
}

export function report(findings: Finding[], options: { passed?: boolean; percent?: number } = {}): Report {
  const rules: Record<string, RuleSummary> = {};
  for (const item of findings) rules[item.ruleId] ??= rule(item.ruleId, `Title of ${item.ruleId}`, item.severity);
  const percent = options.percent ?? 64.96;
  const passed = options.passed ?? false;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'opsgrade', version: '0.0.0' },
    source: 'owner/repo@abc',
    course: 'Python for DevOps',
    chapter: 8,
    grades: [{ chapter: 8, title: 'HTTP and REST APIs', percent, points: percent, maxPoints: 100, threshold: 70, passed, requirements: [], deductions: [] }],
    overall: { percent, passed },
    findings,
    suppressed: [],
    notices: [],
    fixFirst: [],
    doneWell: [],
    rules,
    stats: { files: 1, pythonFiles: 1, lines: 10, syntaxErrors: 0 },
  };
}
