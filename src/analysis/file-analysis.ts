// Parse and rule stages for one file: parse once, run every Python and text rule, read its
// suppression comments. Plain data out, so the same function runs in-process or in a worker.

import { parsePython } from '../parse/parse.ts';
import type { CompiledText, LoadedRule, Rubric } from '../rules/load.ts';
import type { Finding, Range } from '../rules/finding.ts';
import { findSuppressions } from '../rubric/suppressions.ts';
import type { Suppression } from '../rubric/suppressions.ts';
import type { SnapshotFile } from '../snapshot/snapshot.ts';
import { runPythonRules, runTextRule } from './run.ts';
import type { RuleHit } from './run.ts';

/** Rules the engine itself reports through; documented like any other rule. */
export const ENGINE_RULES = { syntaxError: 'syntax-error', invalidSuppression: 'invalid-suppression' } as const;

export const PYTHON_FILE = /\.pyw?$/;

export interface FileAnalysis {
  path: string;
  hits: RuleHit[];
  /** Syntax errors and unusable suppression comments. */
  engineFindings: Finding[];
  suppressions: Suppression[];
  python: boolean;
  lines: number;
  syntaxError: boolean;
}

function countLines(text: string): number {
  if (text === '') return 0;
  let count = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < text.length - 1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

function engineFinding(rule: LoadedRule | undefined, path: string, range: Range, problem: string): Finding | undefined {
  if (!rule) return undefined;
  const message = rule.message.replace(/\{problem\}/g, problem);
  return { ruleId: rule.id, severity: rule.severity, message, path, range, fix: { hint: rule.fix.hint }, fingerprint: '' };
}

export function analyseFile(rubric: Rubric, file: SnapshotFile, matching: ReadonlySet<string>, rulesById: ReadonlyMap<string, LoadedRule>): FileAnalysis {
  const analysis: FileAnalysis = { path: file.path, hits: [], engineFindings: [], suppressions: [], python: false, lines: 0, syntaxError: false };
  const { suppressions, problems } = findSuppressions(file, new Set(rulesById.keys()));
  analysis.suppressions = suppressions;
  for (const problem of problems) {
    const range = { start: { line: problem.line, column: problem.column }, end: { line: problem.line, column: problem.endColumn } };
    const finding = engineFinding(rulesById.get(ENGINE_RULES.invalidSuppression), file.path, range, problem.problem);
    if (finding) analysis.engineFindings.push(finding);
  }
  if (PYTHON_FILE.test(file.path)) {
    analysis.python = true;
    analysis.lines = countLines(file.text);
    const parsed = parsePython(file);
    if (parsed.syntaxProblem) {
      analysis.syntaxError = true;
      const problem = parsed.syntaxProblem;
      const range = { start: { line: problem.line, column: problem.column }, end: { line: problem.endLine, column: Math.max(problem.endColumn, problem.column + 1) } };
      const finding = engineFinding(rulesById.get(ENGINE_RULES.syntaxError), file.path, range, problem.description);
      if (finding) analysis.engineFindings.push(finding);
    }
    analysis.hits.push(...runPythonRules(rubric, parsed, matching));
  }
  for (const rule of rubric.rules) {
    if (rule.compiled.kind === 'text' && matching.has(rule.id)) {
      analysis.hits.push(...runTextRule(rule as LoadedRule & { compiled: CompiledText }, file));
    }
  }
  return analysis;
}
