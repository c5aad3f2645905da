// Every rule proves itself on its annotated fixtures: findings exactly on `# expect:` lines, none on
// `# ok:` lines, and at least one of each per rule.

import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { runRuleFixtures } from '../../src/rules/fixtures.ts';
import type { FixtureOutcome } from '../../src/rules/fixtures.ts';
import { DEFAULT_RULES_DIR, loadRubric } from '../../src/rules/load.ts';
import type { Rubric } from '../../src/rules/load.ts';

const FIXTURES = path.join(DEFAULT_RULES_DIR, '..', 'fixtures', 'rules');

let rubric: Rubric;
let outcomes: FixtureOutcome[];

beforeAll(async () => {
  rubric = await loadRubric();
  outcomes = await runRuleFixtures(rubric, FIXTURES);
});

describe('rule fixtures', () => {
  it('load without problems', () => {
    expect(rubric.rules.length).toBeGreaterThan(0);
  });

  it('report exactly the annotated lines', () => {
    const failures = outcomes.filter((outcome) => outcome.problems.length > 0)
      .map((outcome) => `${outcome.fixture}: ${outcome.problems.join('; ')}`);
    expect(failures).toEqual([]);
  });

  it('show at least one reported case and one near-miss for every rule', () => {
    const totals = new Map<string, { expects: number; oks: number }>();
    for (const outcome of outcomes) {
      const total = totals.get(outcome.ruleId) ?? { expects: 0, oks: 0 };
      total.expects += outcome.expects;
      total.oks += outcome.oks;
      totals.set(outcome.ruleId, total);
    }
    const lacking = rubric.rules
      .filter((rule) => (totals.get(rule.id)?.expects ?? 0) === 0 || (totals.get(rule.id)?.oks ?? 0) === 0)
      .map((rule) => rule.id);
    expect(lacking).toEqual([]);
  });

  it('document every rule in all four sections, with a fix hint', () => {
    const incomplete = rubric.rules.filter((rule) => [rule.docs.what, rule.docs.why, rule.docs.example, rule.docs.instead, rule.fix.hint]
      .some((section) => section.trim().length < 10)).map((rule) => rule.id);
    expect(incomplete).toEqual([]);
  });

  it('give every chapter of the course at least one requirement', () => {
    expect(rubric.course.chapters.filter((chapter) => chapter.requirements.length === 0)).toEqual([]);
    expect(rubric.course.chapters.map((chapter) => String(chapter.id))).toEqual([
      ...Array.from({ length: 23 }, (_, index) => String(index + 1)), 'project-1', 'project-2', 'project-3', 'project-4',
    ]);
  });
});
