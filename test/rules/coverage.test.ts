// The rubric's size bars from the course brief: enough rules for every chapter and core area.
// Never met by padding: each rule still has to pass its fixtures and precision checks.

import { beforeAll, describe, expect, it } from 'vitest';

import { chapterFolder, loadRubric } from '../../src/rules/load.ts';
import type { Rubric } from '../../src/rules/load.ts';

let rubric: Rubric;

beforeAll(async () => {
  rubric = await loadRubric();
});

describe('rubric coverage', () => {
  it('has at least 120 rules and requirements', () => {
    expect(rubric.rules.length).toBeGreaterThanOrEqual(120);
  });

  it('has at least 3 rules or requirements for every chapter and final project', () => {
    const counts = new Map(rubric.course.chapters.map((chapter) => [chapterFolder(chapter.id), 0]));
    for (const rule of rubric.rules) counts.set(chapterFolder(rule.chapter), (counts.get(chapterFolder(rule.chapter)) ?? 0) + 1);
    expect([...counts].filter(([, count]) => count < 3)).toEqual([]);
  });

  it('has at least 8 rules or requirements in each of the five core areas', () => {
    const core = ['project-structure', 'exit-codes', 'logging', 'retries-timeouts', 'secrets'] as const;
    const counts = Object.fromEntries(core.map((area) => [area, rubric.rules.filter((rule) => rule.area === area).length]));
    expect(Object.entries(counts).filter(([, count]) => count < 8)).toEqual([]);
  });

  it('grades a chapter-specific requirement in every chapter, not only "has Python code"', () => {
    const generic = new Set(['has-python-code']);
    expect(rubric.course.chapters.filter((chapter) => chapter.requirements.every((requirement) => generic.has(requirement.rule)))
      .map((chapter) => String(chapter.id))).toEqual([]);
  });
});
