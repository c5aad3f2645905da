// Score stage: turns findings and requirement evidence into a grade per chapter, following the
// course file. Violations spend a per-chapter budget (capped per rule, so one repeated slip cannot
// zero a grade); requirements earn their points only when their evidence is present.

import type { Finding } from '../rules/finding.ts';
import type { LoadedRule } from '../rules/load.ts';
import type { ChapterId } from '../rules/rule.ts';
import type { ChapterGrade, Deduction, RequirementResult } from '../report/model.ts';
import { chapterOrder } from './course.ts';
import type { Course, CourseChapter } from './course.ts';

/** Rules reported when reviewing `chapter`: those taught in it or before, minus disabled ones. */
export function activeRuleIds(rules: readonly LoadedRule[], course: Course, chapter: ChapterId | 'all'): Set<string> {
  const order = chapter === 'all' ? Number.POSITIVE_INFINITY : chapterOrder(chapter);
  const disabled = new Set(chapter === 'all' ? [] : courseChapter(course, chapter)?.disabled ?? []);
  return new Set(rules.filter((rule) => chapterOrder(rule.chapter) <= order && !disabled.has(rule.id)).map((rule) => rule.id));
}

export function courseChapter(course: Course, chapter: ChapterId): CourseChapter | undefined {
  return course.chapters.find((candidate) => candidate.id === chapter);
}

/** Outcome of evaluating one requirement rule: how much evidence, and which violations undo it. */
export interface RequirementEvidence {
  rule: LoadedRule;
  count: number;
  blockingRules: string[];
}

export function requirementMet(evidence: RequirementEvidence): boolean {
  const spec = evidence.rule.requirement;
  return spec !== undefined && evidence.count >= spec.minCount && evidence.blockingRules.length === 0;
}

const round = (value: number) => Math.round(value * 10) / 10;

export function gradeChapter(options: {
  course: Course;
  chapter: CourseChapter;
  rules: ReadonlyMap<string, LoadedRule>;
  findings: readonly Finding[];
  suppressed: readonly Finding[];
  evidence: ReadonlyMap<string, RequirementEvidence>;
  unmetMessage: (evidence: RequirementEvidence) => string;
}): ChapterGrade {
  const { course, chapter, rules } = options;
  const active = activeRuleIds([...rules.values()], course, chapter.id);
  const counted = course.suppressionsRestorePoints ? options.findings : [...options.findings, ...options.suppressed];
  const counts = new Map<string, number>();
  for (const finding of counted) {
    const rule = rules.get(finding.ruleId);
    if (!rule || rule.kind !== 'violation' || !active.has(rule.id)) continue;
    counts.set(rule.id, (counts.get(rule.id) ?? 0) + 1);
  }
  const deductions: Deduction[] = [];
  for (const [ruleId, findings] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    const rule = rules.get(ruleId);
    if (!rule) continue;
    const weight = chapter.points?.[ruleId] ?? course.deduction[rule.severity];
    const points = Math.min(findings, course.maxFindingsPerRule) * weight;
    if (points > 0) deductions.push({ ruleId, findings, points });
  }
  const lost = deductions.reduce((sum, deduction) => sum + deduction.points, 0);
  const violationPoints = Math.max(0, course.violationBudget - lost);

  const requirements: RequirementResult[] = chapter.requirements.map(({ rule: ruleId, points }) => {
    const evidence = options.evidence.get(ruleId);
    const rule = rules.get(ruleId);
    const met = evidence !== undefined && requirementMet(evidence);
    return {
      ruleId,
      title: rule?.title ?? ruleId,
      met,
      points,
      earned: met ? points : 0,
      message: met ? rule?.requirement?.metMessage ?? '' : evidence ? options.unmetMessage(evidence) : rule?.message ?? '',
    };
  });
  const earned = requirements.reduce((sum, requirement) => sum + requirement.earned, 0);
  const available = requirements.reduce((sum, requirement) => sum + requirement.points, 0);
  const maxPoints = course.violationBudget + available;
  const points = round(violationPoints + earned);
  const percent = maxPoints === 0 ? 100 : round((100 * (violationPoints + earned)) / maxPoints);
  const threshold = chapter.threshold ?? course.threshold;
  return { chapter: chapter.id, title: chapter.title, percent, points, maxPoints, threshold, passed: percent >= threshold, requirements, deductions };
}
