// Finding: one place where a rule applies. Produced by the rule stage, scored by the rubric,
// shown by every renderer. Lines and columns are 1-based; `end` is exclusive in columns.

import type { FixSafety, Severity } from './rule.ts';

export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface FindingFix {
  hint: string;
  /** A concrete rewrite of `range` in `path`. */
  replacement?: { range: Range; text: string; safety: FixSafety };
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Absent for repository-wide findings such as an unmet requirement. */
  path?: string;
  range?: Range;
  fix?: FindingFix;
  /** Stable across unrelated edits: rule, path and the normalised text of the reported code. */
  fingerprint: string;
  /** Set when a `# opsgrade: ignore[...]` comment covers the finding. */
  suppression?: { reason: string; line: number };
}
