// Rule: one rubric item, loaded from `rules/<chapter>/<id>.yml`. Metadata, learner text and matcher
// travel together so the CLI's `explain`, the check run and the generated docs share one text.

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES = ['error', 'warning', 'info'] as const satisfies readonly Severity[];

/** Violations cost points when found; requirements earn points when their evidence is present. */
export type RuleKind = 'violation' | 'requirement';

/** The course areas a rule belongs to; the first five are the product's core areas. */
export type Area =
  | 'project-structure'
  | 'exit-codes'
  | 'logging'
  | 'retries-timeouts'
  | 'secrets'
  | 'subprocess'
  | 'files'
  | 'config-templates'
  | 'remote'
  | 'containers'
  | 'cloud'
  | 'ci-git'
  | 'monitoring'
  | 'testing'
  | 'packaging'
  | 'correctness'
  | 'engine';

export const AREAS = [
  'project-structure', 'exit-codes', 'logging', 'retries-timeouts', 'secrets', 'subprocess', 'files',
  'config-templates', 'remote', 'containers', 'cloud', 'ci-git', 'monitoring', 'testing', 'packaging',
  'correctness', 'engine',
] as const satisfies readonly Area[];

/** Chapters 1–23 are numbers; the four final projects are `project-1` … `project-4`. */
export type ChapterId = number | `project-${1 | 2 | 3 | 4}`;

export interface RuleDocs {
  /** What the rule detects. */
  what: string;
  /** Why it matters in operations work. */
  why: string;
  /** Python (or file) text that is reported. */
  example: string;
  /** The same code written the way the course teaches. */
  instead: string;
}

export type FixSafety = 'safe' | 'unsafe';

export interface RuleFix {
  hint: string;
  /**
   * A rewrite of the reported node (or of `target`), with `{capture}` placeholders.
   * `safe` rewrites may be offered as one-click suggestions; `unsafe` ones only as text.
   */
  replacement?: { template: string; safety: FixSafety; target?: string };
}

/** One predicate call: the predicate's name and its named arguments. */
export interface PredicateCall {
  name: string;
  args: Record<string, unknown>;
  /** Position of the call in the rule file, for load-time errors. */
  at: SourcePosition;
}

export interface PythonMatcher {
  kind: 'python';
  /** A tree-sitter query over tree-sitter-python's grammar. */
  query: string;
  /** The capture (without `@`) whose node is reported. */
  report: string;
  where: PredicateCall[];
  /** Globs of repository paths this matcher runs on; default all `.py` files. */
  paths?: string[];
  /** Globs of paths it skips, e.g. tests. */
  excludePaths?: string[];
}

export interface RepositoryMatcher {
  kind: 'repository';
  check: PredicateCall;
}

export interface TextMatcher {
  kind: 'text';
  /** JavaScript regular expressions; the `secret` named group (or the whole match) is reported. */
  patterns: string[];
  /** Globs of paths searched; default every text file. */
  paths?: string[];
  excludePaths?: string[];
  /** Matches whose reported text matches one of these are placeholders, not findings. */
  allow?: string[];
  /** Minimum Shannon entropy (bits per character) of the reported text. */
  minEntropy?: number;
}

/** Findings made by the engine itself (syntax errors, bad suppressions); documented like any rule. */
export interface EngineMatcher {
  kind: 'engine';
}

export type Matcher = PythonMatcher | RepositoryMatcher | TextMatcher | EngineMatcher;

export interface RequirementSpec {
  /** The requirement is met when the matcher finds at least this many places (default 1). */
  minCount: number;
  /** …and none of these violation rules has an unsuppressed finding. */
  unlessViolated: string[];
  /** Learner text shown when the requirement is met ("what was done well"). */
  metMessage: string;
}

export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export interface Rule {
  id: string;
  chapter: ChapterId;
  kind: RuleKind;
  area: Area;
  title: string;
  severity: Severity;
  /** Learner-facing message with `{capture}` placeholders. */
  message: string;
  docs: RuleDocs;
  fix: RuleFix;
  /** The same check in other tools, e.g. `ruff:S113`, `bandit:B113`, `pylint:W3101`. */
  equivalents: string[];
  match: Matcher;
  requirement?: RequirementSpec;
  /** Where the rule was loaded from. */
  source: SourcePosition;
}
