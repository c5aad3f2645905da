// The `testGrading:` block: defaults, exact error messages, and a drift test between the JSON
// Schema and the TypeScript types it mirrors.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { chapterTests, gradingConfigSchema, parseGradingConfig, workflowPath } from '../../src/grading/config.ts';
import type { ChapterTestsFile, TestGradingConfigFile, TestGroupFile } from '../../src/grading/config.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function problems(data: unknown): string[] {
  const parsed = parseGradingConfig(data);
  if (parsed.ok) throw new Error('expected problems');
  return parsed.problems.map((problem) => problem.message);
}

const minimal = { graderRepository: { repository: 'opsgrade-grader' }, chapters: { 8: { groups: [{ name: 'All', tests: ['**'], points: 10 }] } } };

describe('parseGradingConfig', () => {
  it('fills every default', () => {
    const parsed = parseGradingConfig(minimal);
    expect(parsed).toEqual({
      ok: true,
      config: {
        mode: 'grader-repository',
        graderRepository: { repository: 'opsgrade-grader', workflow: 'grade.yml', ref: 'main' },
        learnerRepository: { workflow: 'opsgrade-tests.yml', ref: undefined },
        timeLimitMinutes: 10,
        resultTimeoutMinutes: 30,
        rateLimit: { runsPerHour: 6 },
        weights: { static: 50, tests: 50 },
        revealHiddenAt: undefined,
        chapters: { 8: { exercise: 'chapter-8', groups: [{ name: 'All', tests: ['**'], markers: [], points: 10, scoring: 'partial', hidden: false, hint: undefined }] } },
      },
    });
  });

  it('reads the fixture instructor configuration', () => {
    const file = parseYaml(readFileSync(path.join(ROOT, 'fixtures/grading/opsgrade.yml'), 'utf8')) as { testGrading: unknown };
    const parsed = parseGradingConfig(file.testGrading);
    if (!parsed.ok) throw new Error(parsed.problems.map((problem) => problem.message).join('\n'));
    expect(parsed.config.revealHiddenAt?.toISOString()).toBe('2999-01-01T00:00:00.000Z');
    expect(parsed.config.rateLimit.runsPerHour).toBe(3);
    expect(chapterTests(parsed.config, 8)?.groups.map((group) => [group.name, group.points, group.scoring, group.hidden])).toEqual([
      ['Health URL', 20, 'partial', false],
      ['Exit code', 30, 'partial', false],
      ['Timeouts', 20, 'all-or-nothing', false],
      ['Network errors', 30, 'partial', true],
    ]);
    expect(chapterTests(parsed.config, 7)).toBeUndefined();
  });

  it('accepts the workflow as a file name or a path, and reports the path GitHub uses', () => {
    const parsed = parseGradingConfig({ ...minimal, graderRepository: { repository: 'my-org/grader', workflow: '.github/workflows/grade.yaml' } });
    expect(parsed.ok && parsed.config.graderRepository).toEqual({ repository: 'my-org/grader', workflow: 'grade.yaml', ref: 'main' });
    expect(workflowPath('grade.yaml')).toBe('.github/workflows/grade.yaml');
  });

  it('needs a grader repository unless the mode is learner-repository', () => {
    expect(problems({ chapters: minimal.chapters })).toEqual([
      '`testGrading`: is missing `graderRepository` (the repository with the grading workflow); set `mode: learner-repository` for practice runs instead',
    ]);
    expect(parseGradingConfig({ mode: 'learner-repository', chapters: minimal.chapters }).ok).toBe(true);
  });

  it('says exactly what is wrong, key by key', () => {
    expect(problems({
      graderRepository: { repository: 'not a repo!', workflow: 'grade.sh' },
      weights: { static: 1 },
      rateLimit: { runsPerHour: 0 },
      mode: 'both',
      chapters: {
        24: { groups: [{ name: 'x', tests: ['a'], points: 1 }] },
        8: { groups: [{ name: 'a', points: -1, extra: true }, { name: 'b', markers: ['not-a-marker'], points: 1 }] },
      },
    })).toEqual([
      '`testGrading.mode`: must be one of `grader-repository`, `learner-repository`',
      '`testGrading.graderRepository.repository`: must be a repository name such as `opsgrade-grader` or `my-org/opsgrade-grader`',
      '`testGrading.graderRepository.workflow`: must be a workflow file name such as `grade.yml`',
      '`testGrading.rateLimit.runsPerHour`: must be at least 1',
      '`testGrading.weights`: is missing `tests`',
      '`testGrading.chapters`: `24` is not a chapter (1–23 or project-1 … project-4)',
      '`testGrading.chapters.8.groups.0`: needs `tests` (node ids or globs) or `markers` to say which tests it covers',
      '`testGrading.chapters.8.groups.0`: unknown key `extra`',
      '`testGrading.chapters.8.groups.0.points`: must be at least 0',
      '`testGrading.chapters.8.groups.1.markers.0`: must be a pytest marker name such as `timeouts`',
    ]);
  });

  it('checks what the schema cannot: real dates, weights, timeouts, unique names, hints only on hidden groups', () => {
    expect(problems({
      ...minimal,
      hiddenTests: { revealAt: '2025-02-30T12:00:00Z' },
      weights: { static: 0, tests: 0 },
      timeLimitMinutes: 30,
      chapters: { 8: { groups: [{ name: 'Same', tests: ['a'], points: 1, hint: 'look closer' }, { name: 'Same', tests: ['b'], points: 1 }] } },
    })).toEqual([
      '`testGrading.hiddenTests.revealAt`: `2025-02-30T12:00:00Z` is not a real date',
      '`testGrading.weights`: at least one weight must be above 0',
      '`testGrading.timeLimitMinutes`: the result timeout (30 min) must be longer than the time limit (30 min): the run also needs time to start and upload its results',
      '`testGrading.chapters.8.groups.0.hint`: a hint is shown only for hidden groups; add `hidden: true` or remove it',
      '`testGrading.chapters.8.groups.1.name`: `Same` is the name of an earlier group in this chapter',
    ]);
  });

  it('rejects a reveal date without a time zone', () => {
    expect(problems({ ...minimal, hiddenTests: { revealAt: '2025-06-30 23:59' } })).toEqual([
      '`testGrading.hiddenTests.revealAt`: must be a date and time with a time zone, such as `2025-06-30T23:59:00Z`',
    ]);
  });

  it('gives problem paths a YAML locator can follow', () => {
    const parsed = parseGradingConfig({ ...minimal, timeLimitMinutes: 'ten' });
    expect(parsed.ok ? [] : parsed.problems).toEqual([{ path: ['testGrading', 'timeLimitMinutes'], message: '`testGrading.timeLimitMinutes`: must be a whole number' }]);
  });
});

describe('gradingConfigSchema', () => {
  // One source of truth: every key of the types appears in the schema and nowhere else.
  const FILE_KEYS = {
    mode: true, graderRepository: true, learnerRepository: true, timeLimitMinutes: true, resultTimeoutMinutes: true,
    rateLimit: true, weights: true, hiddenTests: true, chapters: true,
  } satisfies Record<keyof TestGradingConfigFile, true>;
  const CHAPTER_KEYS = { exercise: true, groups: true } satisfies Record<keyof ChapterTestsFile, true>;
  const GROUP_KEYS = { name: true, tests: true, markers: true, points: true, scoring: true, hidden: true, hint: true } satisfies Record<keyof TestGroupFile, true>;

  it('has exactly the keys of the TypeScript types', () => {
    expect(Object.keys(gradingConfigSchema.properties).sort()).toEqual(Object.keys(FILE_KEYS).sort());
    const chapter = gradingConfigSchema.properties.chapters.additionalProperties;
    expect(Object.keys(chapter.properties).sort()).toEqual(Object.keys(CHAPTER_KEYS).sort());
    expect(Object.keys(chapter.properties.groups.items.properties).sort()).toEqual(Object.keys(GROUP_KEYS).sort());
  });

  it('embeds in the draft-07 instructor schema as `properties.testGrading`', () => {
    const instructor = JSON.parse(readFileSync(path.join(ROOT, 'schema/opsgrade-config.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    const { $schema: _draft, ...fragment } = gradingConfigSchema;
    const combined = { ...instructor, properties: { ...instructor.properties, testGrading: fragment } };
    const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(combined);
    expect(validate({ testGrading: minimal })).toBe(true);
    expect(validate({ testGrading: { ...minimal, mode: 'both' } })).toBe(false);
  });
});
