// The review pipeline: snapshot → parse → rules → score → Report. The CLI and the GitHub App
// both call `reviewSnapshot`; nothing here touches GitHub, the terminal or the file system.

import { createHash } from 'node:crypto';

import { analyseFile, ENGINE_RULES } from './analysis/file-analysis.ts';
import type { FileAnalysis } from './analysis/file-analysis.ts';
import { analyseInWorkers, defaultWorkerCount, PARALLEL_THRESHOLD_BYTES } from './analysis/pool.ts';
import { runRepositoryRule } from './analysis/run.ts';
import { releaseParseTrees } from './parse/memory.ts';
import type { RuleHit } from './analysis/run.ts';
import { REPORT_SCHEMA_VERSION } from './report/model.ts';
import type { ChapterGrade, Report, RuleSummary } from './report/model.ts';
import { chapterLabel, chapterOrder } from './rubric/course.ts';
import type { CourseChapter } from './rubric/course.ts';
import { activeRuleIds, courseChapter, gradeChapter } from './rubric/score.ts';
import type { RequirementEvidence } from './rubric/score.ts';
import { suppressionFor } from './rubric/suppressions.ts';
import type { Suppression } from './rubric/suppressions.ts';
import type { Finding } from './rules/finding.ts';
import { chapterFolder } from './rules/load.ts';
import { fillPlaceholders } from './rules/template.ts';
import type { LoadedRule, Rubric } from './rules/load.ts';
import type { ChapterId, Severity } from './rules/rule.ts';
import type { Snapshot } from './snapshot/snapshot.ts';

export type { Rubric } from './rules/load.ts';

export interface ReviewOptions {
  rubric: Rubric;
  /** One chapter, or every chapter of the course. */
  chapter: ChapterId | 'all';
}

export class ReviewError extends Error {
  override name = 'ReviewError';
}

export { ENGINE_RULES };

export const TOOL_VERSION = '0.1.0';

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

const clean = (text: string, limit = 60) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
};

/** Fills `{name}` placeholders; `{name:qualified}` gives a capture's resolved name. */
export function fillTemplate(template: string, values: Record<string, string>, shorten: boolean): string {
  return fillPlaceholders(template, (name) => {
    const value = values[name];
    return value !== undefined && shorten ? clean(value) : value;
  });
}

/** Which rules to run: violations active in the chapter, plus the requirements it grades. */
function planReview(options: ReviewOptions): { gradedChapters: CourseChapter[]; requirementIds: Set<string>; matching: Set<string> } {
  const { rubric } = options;
  const gradedChapters = chaptersToGrade(options);
  const active = activeRuleIds(rubric.rules, rubric.course, options.chapter);
  const kinds = new Map(rubric.rules.map((rule) => [rule.id, rule.kind]));
  const requirementIds = new Set(gradedChapters.flatMap((chapter) => chapter.requirements.map((requirement) => requirement.rule)));
  const matching = new Set([...active].filter((id) => kinds.get(id) === 'violation'));
  for (const id of requirementIds) matching.add(id);
  return { gradedChapters, requirementIds, matching };
}

/** The whole review in this thread. */
export function reviewSnapshot(snapshot: Snapshot, options: ReviewOptions): Report {
  const plan = planReview(options);
  const collected = collectRuleHits(options.rubric, snapshot, plan.matching);
  return assembleReport(snapshot, options, plan, collected);
}

export interface ParallelOptions {
  /** Worker threads to use; default: one per core. */
  workers?: number;
  /** Below this many bytes of text the review stays in this thread. */
  thresholdBytes?: number;
}

/**
 * The same review for long-running processes (the CLI, the app). It yields to the event loop
 * between files, which is when the tree-sitter addon frees parse trees (without that, memory grows
 * with every file), and it spreads large snapshots over worker threads. Same Report, byte for byte.
 */
export async function reviewSnapshotAsync(snapshot: Snapshot, options: ReviewOptions, parallel: ParallelOptions = {}): Promise<Report> {
  const plan = planReview(options);
  const workers = parallel.workers ?? defaultWorkerCount();
  const files = [...snapshot.files.values()];
  const textBytes = files.reduce((sum, file) => sum + file.text.length, 0);
  let analyses: FileAnalysis[];
  if (workers >= 2 && textBytes >= (parallel.thresholdBytes ?? PARALLEL_THRESHOLD_BYTES) && options.rubric.sources) {
    analyses = await analyseInWorkers(options.rubric, files, plan.matching, workers);
  } else {
    const rulesById = new Map(options.rubric.rules.map((rule) => [rule.id, rule]));
    analyses = [];
    let sinceYield = 0;
    for (const file of files) {
      analyses.push(analyseFile(options.rubric, file, plan.matching, rulesById));
      sinceYield += file.text.length;
      if (sinceYield >= RELEASE_EVERY_BYTES) {
        sinceYield = 0;
        await releaseParseTrees();
      }
    }
  }
  const collected = collectRuleHits(options.rubric, snapshot, plan.matching, analyses);
  return assembleReport(snapshot, options, plan, collected);
}

/** How much text to analyse before letting the parse trees of finished files go. */
const RELEASE_EVERY_BYTES = 1024 * 1024;

function assembleReport(snapshot: Snapshot, options: ReviewOptions, plan: ReturnType<typeof planReview>, collected: CollectedHits): Report {
  const { rubric } = options;
  const { course } = rubric;
  const rulesById = new Map(rubric.rules.map((rule) => [rule.id, rule]));
  const { gradedChapters, requirementIds } = plan;
  const { hits, engineFindings, suppressionsByPath, stats } = collected;

  // Violations become findings; requirement hits are evidence.
  const evidenceCounts = new Map<string, number>();
  const lineOf = lineReader(snapshot);
  const violationFindings: Finding[] = [...engineFindings];
  for (const hit of hits) {
    const rule = rulesById.get(hit.ruleId);
    if (!rule) continue;
    if (rule.kind === 'requirement') {
      evidenceCounts.set(rule.id, (evidenceCounts.get(rule.id) ?? 0) + 1);
      continue;
    }
    violationFindings.push(findingFromHit(rule, hit, lineOf));
  }
  assignFingerprints(violationFindings, lineOf);

  const findings: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of violationFindings) {
    const isEngine = finding.ruleId === ENGINE_RULES.syntaxError || finding.ruleId === ENGINE_RULES.invalidSuppression;
    const suppression = finding.path && finding.range && !isEngine
      ? suppressionFor(suppressionsByPath.get(finding.path) ?? [], finding.ruleId, finding.range.start.line) : undefined;
    if (suppression) suppressed.push({ ...finding, suppression: { reason: suppression.reason, line: suppression.line } });
    else findings.push(finding);
  }

  const evidence = new Map<string, RequirementEvidence>();
  for (const id of requirementIds) {
    const rule = rulesById.get(id);
    if (!rule?.requirement) continue;
    const blockingRules = rule.requirement.unlessViolated.filter((blocking) => findings.some((finding) => finding.ruleId === blocking));
    evidence.set(id, { rule, count: evidenceCounts.get(id) ?? 0, blockingRules });
  }
  const unmetMessage = (item: RequirementEvidence) => {
    const base = fillTemplate(item.rule.message, { count: String(item.count) }, false);
    return item.blockingRules.length === 0 ? base
      : `${base} (Still reported: ${item.blockingRules.map((id) => `\`${id}\``).join(', ')}.)`;
  };
  const grades: ChapterGrade[] = gradedChapters.map((chapter) => gradeChapter({
    course, chapter, rules: rulesById, findings, suppressed, evidence, unmetMessage,
  }));

  // Each unmet requirement is a finding of its own severity, reported once.
  const unmet = new Map<string, Finding>();
  for (const grade of grades) {
    for (const requirement of grade.requirements) {
      const rule = rulesById.get(requirement.ruleId);
      if (requirement.met || !rule || unmet.has(rule.id)) continue;
      unmet.set(rule.id, {
        ruleId: rule.id,
        severity: rule.severity,
        message: requirement.message,
        fix: { hint: rule.fix.hint },
        fingerprint: fingerprint(rule.id, '', 'requirement'),
      });
    }
  }
  findings.push(...unmet.values());
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);

  const overallPercent = grades.length === 0 ? 100 : Math.round((10 * grades.reduce((sum, grade) => sum + grade.percent, 0)) / grades.length) / 10;
  const referenced = new Set([...findings, ...suppressed].map((finding) => finding.ruleId));
  for (const grade of grades) for (const requirement of grade.requirements) referenced.add(requirement.ruleId);
  const rules: Record<string, RuleSummary> = {};
  for (const id of [...referenced].sort()) {
    const rule = rulesById.get(id);
    if (rule) rules[id] = summarise(rule, course.docsUrl);
  }
  const doneWell = [...new Set(grades.flatMap((grade) => grade.requirements.filter((requirement) => requirement.met).map((requirement) => requirement.message)))];

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'opsgrade', version: TOOL_VERSION },
    source: snapshot.source,
    course: course.name,
    chapter: options.chapter,
    grades,
    overall: { percent: overallPercent, passed: grades.every((grade) => grade.passed) },
    findings,
    suppressed,
    notices: [...snapshot.notices],
    fixFirst: fixFirst(findings, grades),
    doneWell,
    rules,
    stats,
  };
}

export interface CollectedHits {
  hits: RuleHit[];
  /** Syntax errors and unusable suppression comments. */
  engineFindings: Finding[];
  suppressionsByPath: Map<string, Suppression[]>;
  stats: Report['stats'];
}

/** Parse and rule stages: every file parsed once, every rule in `matching` run once. */
export function collectRuleHits(rubric: Rubric, snapshot: Snapshot, matching: ReadonlySet<string>, analyses?: readonly FileAnalysis[]): CollectedHits {
  const rulesById = new Map(rubric.rules.map((rule) => [rule.id, rule]));
  const perFile = analyses ?? [...snapshot.files.values()].map((file) => analyseFile(rubric, file, matching, rulesById));
  const collected: CollectedHits = { hits: [], engineFindings: [], suppressionsByPath: new Map(), stats: { files: snapshot.files.size, pythonFiles: 0, lines: 0, syntaxErrors: 0 } };
  // Workers finish in any order; keep the snapshot's order so reports are identical.
  const order = new Map([...snapshot.files.keys()].map((path, index) => [path, index]));
  for (const analysis of [...perFile].sort((a, b) => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0))) {
    collected.hits.push(...analysis.hits);
    collected.engineFindings.push(...analysis.engineFindings);
    if (analysis.suppressions.length > 0) collected.suppressionsByPath.set(analysis.path, analysis.suppressions);
    if (analysis.python) collected.stats.pythonFiles += 1;
    collected.stats.lines += analysis.lines;
    if (analysis.syntaxError) collected.stats.syntaxErrors += 1;
  }
  for (const rule of rubric.rules) {
    if (matching.has(rule.id) && rule.compiled.kind === 'repository') collected.hits.push(...runRepositoryRule(rule, snapshot));
  }
  return collected;
}

function chaptersToGrade(options: ReviewOptions): CourseChapter[] {
  const { course } = options.rubric;
  if (options.chapter === 'all') return course.chapters;
  const chapter = courseChapter(course, options.chapter);
  if (!chapter) throw new ReviewError(`The course "${course.name}" has no ${chapterLabel(options.chapter)}.`);
  return [chapter];
}

/** A line of a snapshot file (1-based), each file split once however many findings it has. */
type LineOf = (path: string, line: number) => string;

function lineReader(snapshot: Snapshot): LineOf {
  const split = new Map<string, string[]>();
  return (path, line) => {
    let lines = split.get(path);
    if (!lines) {
      lines = snapshot.files.get(path)?.text.split('\n') ?? [];
      split.set(path, lines);
    }
    return lines[line - 1] ?? '';
  };
}

function findingFromHit(rule: LoadedRule, hit: RuleHit, lineOf: LineOf): Finding {
  const finding: Finding = {
    ruleId: rule.id,
    severity: rule.severity,
    message: fillTemplate(rule.message, hit.values, true),
    fix: { hint: fillTemplate(rule.fix.hint, hit.values, true) },
    fingerprint: '',
  };
  if (hit.path !== undefined) finding.path = hit.path;
  if (hit.range) {
    finding.range = hit.range;
    // Repository checks know the line only: underline the whole line.
    if (hit.range.start.column === hit.range.end.column && hit.range.start.line === hit.range.end.line && hit.path) {
      const text = lineOf(hit.path, hit.range.start.line);
      finding.range = { start: hit.range.start, end: { line: hit.range.start.line, column: text.trimEnd().length + 1 } };
    }
  }
  const replacement = rule.fix.replacement;
  if (replacement && hit.replacementRange) {
    finding.fix = {
      hint: finding.fix?.hint ?? rule.fix.hint,
      replacement: { range: hit.replacementRange, text: fillTemplate(replacement.template, hit.values, false), safety: replacement.safety },
    };
  }
  return finding;
}

function fingerprint(ruleId: string, path: string, code: string): string {
  return createHash('sha256').update(`${ruleId}\0${path}\0${code}`).digest('hex').slice(0, 16);
}

/** Rule, path and the reported line's text (whitespace-normalised), numbered when repeated. */
function assignFingerprints(findings: Finding[], lineOf: LineOf): void {
  const occurrences = new Map<string, number>();
  for (const finding of [...findings].sort(compareFindings)) {
    const line = finding.path && finding.range ? lineOf(finding.path, finding.range.start.line) : '';
    const base = fingerprint(finding.ruleId, finding.path ?? '', line.replace(/\s+/g, ' ').trim());
    const seen = occurrences.get(base) ?? 0;
    occurrences.set(base, seen + 1);
    finding.fingerprint = seen === 0 ? base : `${base}-${seen}`;
  }
}

export function compareFindings(a: Finding, b: Finding): number {
  if ((a.path === undefined) !== (b.path === undefined)) return a.path === undefined ? -1 : 1;
  return (a.path ?? '').localeCompare(b.path ?? '')
    || (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0)
    || (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0)
    || a.ruleId.localeCompare(b.ruleId);
}

/** The costliest rules first (points lost or missed), one finding each, at most five. */
function fixFirst(findings: readonly Finding[], grades: readonly ChapterGrade[]): Finding[] {
  const cost = new Map<string, number>();
  for (const grade of grades) {
    for (const deduction of grade.deductions) cost.set(deduction.ruleId, Math.max(cost.get(deduction.ruleId) ?? 0, deduction.points));
    for (const requirement of grade.requirements) {
      if (!requirement.met) cost.set(requirement.ruleId, Math.max(cost.get(requirement.ruleId) ?? 0, requirement.points));
    }
  }
  const firstByRule = new Map<string, Finding>();
  for (const finding of findings) if (!firstByRule.has(finding.ruleId)) firstByRule.set(finding.ruleId, finding);
  return [...firstByRule.values()]
    .filter((finding) => (cost.get(finding.ruleId) ?? 0) > 0 || finding.severity === 'error')
    .sort((a, b) => (cost.get(b.ruleId) ?? 0) - (cost.get(a.ruleId) ?? 0)
      || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || compareFindings(a, b))
    .slice(0, 5);
}

export function summarise(rule: LoadedRule, docsUrl: string): RuleSummary {
  return {
    id: rule.id,
    title: rule.title,
    kind: rule.kind,
    area: rule.area,
    severity: rule.severity,
    chapter: rule.chapter,
    docs: rule.docs,
    fixHint: rule.fix.hint,
    equivalents: rule.equivalents,
    helpUri: helpUri(rule, docsUrl),
  };
}

/** Rules are documented one page per chapter, each rule under its own anchor. */
export function helpUri(rule: { id: string; chapter: ChapterId }, docsUrl: string): string {
  return `${docsUrl.replace(/\/?$/, '/')}${chapterFolder(rule.chapter)}.md#${rule.id}`;
}

export { chapterOrder };
