// Report: everything one review concluded, as data. Every renderer (terminal, JSON, SARIF,
// markdown, check run, review comments) is a pure function of a Report and the file sources.

import type { Notice } from '../snapshot/snapshot.ts';
import type { Finding } from '../rules/finding.ts';
import type { Area, ChapterId, RuleDocs, RuleKind, Severity } from '../rules/rule.ts';

/** Bump when the JSON output changes incompatibly; documented in docs/json-report.md. */
export const REPORT_SCHEMA_VERSION = 1;

export interface RuleSummary {
  id: string;
  title: string;
  kind: RuleKind;
  area: Area;
  severity: Severity;
  chapter: ChapterId;
  docs: RuleDocs;
  fixHint: string;
  equivalents: string[];
  /** Link to the rule's section of the generated rule reference. */
  helpUri: string;
}

export interface RequirementResult {
  ruleId: string;
  title: string;
  met: boolean;
  points: number;
  earned: number;
  /** Why it is met (what was done well) or what is missing. */
  message: string;
}

export interface Deduction {
  ruleId: string;
  findings: number;
  points: number;
}

export interface ChapterGrade {
  chapter: ChapterId;
  title: string;
  percent: number;
  points: number;
  maxPoints: number;
  threshold: number;
  passed: boolean;
  requirements: RequirementResult[];
  deductions: Deduction[];
}

export interface ReviewStats {
  files: number;
  pythonFiles: number;
  lines: number;
  syntaxErrors: number;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'opsgrade'; version: string };
  source: string;
  course: string;
  /** The chapter reviewed, or `all` when every chapter of the course was graded. */
  chapter: ChapterId | 'all';
  grades: ChapterGrade[];
  overall: { percent: number; passed: boolean };
  /** Unsuppressed findings, unmet requirements included, sorted by path, line, column, rule. */
  findings: Finding[];
  /** Findings covered by a suppression comment, with its reason. */
  suppressed: Finding[];
  notices: Notice[];
  /** The few findings that cost the most points, in the order to fix them. */
  fixFirst: Finding[];
  /** Learner-facing sentences for requirements met. */
  doneWell: string[];
  /** Every rule a finding or requirement above refers to. */
  rules: Record<string, RuleSummary>;
  stats: ReviewStats;
}
