// Course: which rules are graded in which chapter, with what points and pass threshold.
// Loaded from YAML (`rules/course.yml` by default); consumed by the score stage.

import type { ChapterId, Severity } from '../rules/rule.ts';

export interface CourseRequirement {
  rule: string;
  points: number;
}

export interface CourseChapter {
  id: ChapterId;
  title: string;
  /** Pass mark in percent; defaults to the course's. */
  threshold?: number;
  /** Requirements graded in this chapter, with the points each earns when met. */
  requirements: CourseRequirement[];
  /** Per-finding deduction overrides for violation rules, by rule id. */
  points?: Record<string, number>;
  /** Rules not reported in this chapter. */
  disabled?: string[];
}

export interface Course {
  name: string;
  /** Base URL of the rule reference; a rule's help URI is `${docsUrl}#${id}`… see `helpUri`. */
  docsUrl: string;
  /** Default pass mark in percent. */
  threshold: number;
  /** Points deducted per finding of a violation rule, by severity. */
  deduction: Record<Severity, number>;
  /** A rule deducts at most this many findings' worth of points in one chapter. */
  maxFindingsPerRule: number;
  /** Points available for the absence of violations in each chapter. */
  violationBudget: number;
  /** When true, a suppressed finding deducts nothing. Default false: suppressions explain, they do not grade. */
  suppressionsRestorePoints: boolean;
  chapters: CourseChapter[];
}

/** Chapters 1–23 keep their number; projects follow chapter 23 in the order of the course. */
export function chapterOrder(id: ChapterId): number {
  if (typeof id === 'number') return id;
  return 23 + Number(id.slice('project-'.length));
}

export function chapterLabel(id: ChapterId): string {
  return typeof id === 'number' ? `chapter ${id}` : `final project ${id.slice('project-'.length)}`;
}

/** Parses `7`, `"7"`, `project-2` or `all` as typed on the command line or in `.opsgrade.yml`. */
export function parseChapterId(value: string | number): ChapterId | undefined {
  const text = String(value).trim();
  if (/^(?:[1-9]|1\d|2[0-3])$/.test(text)) return Number(text);
  const project = /^project-([1-4])$/.exec(text);
  if (project) return `project-${Number(project[1]) as 1 | 2 | 3 | 4}`;
  return undefined;
}
