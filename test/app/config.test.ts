// Course configuration: the instructor's schema-validated file (errors at file:line:col), the
// overrides it applies to the course, the learner's file (which may only pick a chapter or an
// exercise), how a repository finds its chapter, and that the schema and the TypeScript type agree.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  applyInstructorConfig, defaultInstructorConfig, JSON_SCHEMA, parseInstructorConfig, readLearnerSettings, resolveExercise,
} from '../../src/app/config.ts';
import type { InstructorConfig, InstructorConfigFile } from '../../src/app/config.ts';
import { gradingConfigSchema } from '../../src/grading/config.ts';
import type { Course } from '../../src/rubric/course.ts';

const FILE = 'opsgrade-demo/.github/.github/opsgrade.yml';

const COURSE: Course = {
  name: 'Test course', docsUrl: 'https://docs.example/rules/', threshold: 70, deduction: { error: 10, warning: 4, info: 0 },
  maxFindingsPerRule: 3, violationBudget: 50, suppressionsRestorePoints: false,
  chapters: [
    { id: 7, title: 'Logging', requirements: [{ rule: 'uses-module-logger', points: 30 }], disabled: ['print-for-diagnostics'] },
    { id: 8, title: 'HTTP', requirements: [{ rule: 'http-calls-have-timeouts', points: 30 }] },
  ],
};
const RULES = [
  { id: 'uses-module-logger', kind: 'requirement' as const },
  { id: 'http-calls-have-timeouts', kind: 'requirement' as const },
  { id: 'http-call-without-timeout', kind: 'violation' as const },
  { id: 'print-for-diagnostics', kind: 'violation' as const },
];

function parsed(text: string): Extract<ReturnType<typeof parseInstructorConfig>, { ok: true }> {
  const result = parseInstructorConfig(text, FILE);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

const problemLines = (text: string) => {
  const result = parseInstructorConfig(text, FILE);
  if (result.ok) return [];
  return result.problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`);
};

describe('the instructor configuration file', () => {
  it('fills defaults for everything left out', () => {
    expect(parsed('').config).toEqual(defaultInstructorConfig());
    expect(defaultInstructorConfig()).toEqual({
      course: 'default', exercises: [], otherRepositories: 'report', learnerConfig: { allow: [] }, grading: {},
      rules: { disable: [], enable: [] }, pullRequests: { comments: true, maxComments: 20, suggestions: true, summaryComment: true },
      checkRun: { maxAnnotations: 200 }, testGrading: undefined,
    });
    expect('testGrading' in defaultInstructorConfig()).toBe(true);
  });

  it('parses `testGrading` with the grading core, defaults filled in', () => {
    const { config } = parsed([
      'testGrading:',
      '  graderRepository: { repository: opsgrade-grader }',
      '  chapters:',
      '    "8":',
      '      groups:',
      '        - { name: All, tests: ["**"], points: 10 }',
    ].join('\n'));
    expect(config.testGrading).toEqual({
      mode: 'grader-repository',
      graderRepository: { repository: 'opsgrade-grader', workflow: 'grade.yml', ref: 'main' },
      learnerRepository: { workflow: 'opsgrade-tests.yml', ref: undefined },
      timeLimitMinutes: 10,
      resultTimeoutMinutes: 30,
      rateLimit: { runsPerHour: 6 },
      weights: { static: 50, tests: 50 },
      revealHiddenAt: undefined,
      chapters: { 8: { exercise: 'chapter-8', groups: [{ name: 'All', tests: ['**'], markers: [], points: 10, scoring: 'partial', hidden: false, hint: undefined }] } },
    });
  });

  it('reports `testGrading` problems with the grading core\'s messages, at their line and column, beside the others', () => {
    const text = [
      'otherRepositories: ignore',                 // 1
      'testGrading:',                              // 2
      '  rateLimit: { runsPerHour: 0 }',           // 3
      '  chapters:',                               // 4
      '    "8":',                                  // 5
      '      groups:',                             // 6
      '        - name: All',                       // 7
      '          tests: ["**"]',                   // 8
      '          points: lots',                    // 9
    ].join('\n');
    expect(problemLines(text)).toEqual([
      '1:20 `otherRepositories`: must be one of `report`, `skip`',
      '3:3 `testGrading`: is missing `graderRepository` (the repository with the grading workflow); set `mode: learner-repository` for practice runs instead',
      '3:29 `testGrading.rateLimit.runsPerHour`: must be at least 1',
      '9:19 `testGrading.chapters.8.groups.0.points`: must be a number',
    ]);
    expect(problemLines('testGrading:\n  mode: learner-repository\n  timeLimitMinutes: 40\n  chapters: {}\n')).toEqual([
      '3:21 `testGrading.timeLimitMinutes`: the result timeout (30 min) must be longer than the time limit (40 min): the run also needs time to start and upload its results',
    ]);
  });

  it('reports every schema error with its line, column and a readable message', () => {
    const text = [
      'course: mine',                      // 1
      'exercises:',                        // 2
      '  - chapter: 24',                   // 3
      '    repositories: [ops-*]',         // 4
      '  - chapter: 7',                    // 5
      'otherRepositories: ignore',         // 6
      'grading:',                          // 7
      '  chapters:',                       // 8
      '    "99": { threshold: 50 }',       // 9
      'pullRequests:',                     // 10
      '  maxComment: 5',                   // 11
    ].join('\n');
    expect(problemLines(text)).toEqual([
      '1:9 `course`: must be `default` or `{ file: <path in the .github repository> }`',
      '3:14 `exercises.0.chapter`: must be a chapter number 1–23, `project-1` … `project-4`, or `all`',
      '5:5 `exercises.1`: needs `repositories`, `topics` or `name` to say which repositories it covers',
      '6:20 `otherRepositories`: must be one of `report`, `skip`',
      '9:5 `grading.chapters`: `99` is not a chapter (1–23 or project-1 … project-4)',
      '11:3 `pullRequests`: unknown key `maxComment`',
    ]);
  });

  it('reports YAML syntax errors where they are', () => {
    expect(problemLines('exercises:\n  - chapter: 7\n   repositories: [a')).toEqual([
      '3:1 YAML: Sequence item without - indicator',
      '3:20 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('points a bad value inside a valid alternative at the value itself', () => {
    expect(problemLines('course:\n  file: /etc/course.yml\n')).toEqual(['2:9 `course.file`: must match pattern "^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$"']);
  });
});

describe('applying the configuration to the course', () => {
  it('overrides thresholds, deductions, points and requirement points, and switches rules off and on', () => {
    const { config, locator } = parsed([
      'grading:',
      '  threshold: 60',
      '  deduction: { warning: 2 }',
      '  chapters:',
      '    7: { threshold: 50, requirements: { uses-module-logger: 40 } }',
      '    "8": { points: { http-call-without-timeout: 15 }, requirements: { uses-module-logger: 5 } }',
      'rules:',
      '  disable: [http-calls-have-timeouts]',
      '  enable: [print-for-diagnostics]',
    ].join('\n'));
    const result = applyInstructorConfig(COURSE, RULES, config, locator);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { course } = result;
    expect([course.threshold, course.deduction]).toEqual([60, { error: 10, warning: 2, info: 0 }]);
    expect(course.chapters).toEqual([
      { id: 7, title: 'Logging', threshold: 50, requirements: [{ rule: 'uses-module-logger', points: 40 }], disabled: ['http-calls-have-timeouts'] },
      { id: 8, title: 'HTTP', requirements: [{ rule: 'uses-module-logger', points: 5 }], points: { 'http-call-without-timeout': 15 }, disabled: ['http-calls-have-timeouts'] },
    ]);
    // The base course is left as it was.
    expect(COURSE.chapters[0]?.disabled).toEqual(['print-for-diagnostics']);
  });

  it('locates unknown rules, wrong rule kinds and chapters the course does not have', () => {
    const { config, locator } = parsed([
      'exercises:',
      '  - { chapter: 12, repositories: [x] }',
      'grading:',
      '  chapters:',
      '    7:',
      '      points: { uses-module-logger: 3, no-such-rule: 1 }',
      '    9: { threshold: 40 }',
      'rules:',
      '  disable: [made-up-rule]',
    ].join('\n'));
    const result = applyInstructorConfig(COURSE, RULES, config, locator);
    expect(result.ok ? [] : result.problems.map((problem) => `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`)).toEqual([
      `${FILE}:6:17: \`uses-module-logger\` is a requirement: set the points it earns under \`requirements\``,
      `${FILE}:6:40: unknown rule \`no-such-rule\``,
      `${FILE}:7:5: \`grading.chapters\`: chapter \`9\` is not part of the course`,
      `${FILE}:9:13: \`rules.disable\`: unknown rule \`made-up-rule\``,
      `${FILE}:2:16: \`exercises.0.chapter\`: chapter \`12\` is not part of the course`,
    ]);
  });
});

describe("the learner's .opsgrade.yml", () => {
  const allowChapter: InstructorConfig = { ...defaultInstructorConfig(), learnerConfig: { allow: ['chapter'] } };

  it('ignores points, thresholds and rules, and says so', () => {
    const settings = readLearnerSettings('chapter: 8\npoints: { http-call-without-timeout: 0 }\nthreshold: 0\n', '.opsgrade.yml', defaultInstructorConfig());
    expect(settings).toEqual({ notes: ["`.opsgrade.yml`: `chapter`, `points`, `threshold` were ignored. In the GitHub App only your instructor's course configuration sets chapters, points, thresholds and rules."] });
  });

  it('takes the chapter when the instructor allows it, and still ignores the rest', () => {
    const settings = readLearnerSettings('chapter: project-2\nrules: { disable: [has-tests] }\n', '.opsgrade.yml', allowChapter);
    expect(settings).toEqual({ chapter: 'project-2', notes: ["`.opsgrade.yml`: `rules` was ignored. In the GitHub App only your instructor's course configuration sets chapters, points, thresholds and rules; this course lets your file choose only `chapter`."] });
  });

  it('explains a chapter or exercise it cannot use, and a file that is not a mapping', () => {
    expect(readLearnerSettings('chapter: 42\n', '.opsgrade.yml', allowChapter).notes).toEqual(['`.opsgrade.yml`: `chapter: 42` was ignored: use a chapter number 1–23 or `project-1` … `project-4`.']);
    const exercises: InstructorConfig = { ...defaultInstructorConfig(), learnerConfig: { allow: ['exercise'] }, exercises: [{ name: 'healthcheck', chapter: 8 }] };
    expect(readLearnerSettings('exercise: nope\n', '.opsgrade.yml', exercises).notes).toEqual(['`.opsgrade.yml`: `exercise: nope` was ignored: the course has no exercise with that name.']);
    expect(readLearnerSettings('exercise: healthcheck\n', '.opsgrade.yml', exercises)).toEqual({ exercise: 'healthcheck', notes: [] });
    expect(readLearnerSettings('- 1\n- 2\n', '.opsgrade.yml', exercises).notes).toEqual(['`.opsgrade.yml` was ignored: it is not a YAML mapping of settings.']);
  });
});

describe('which chapter a repository is graded against', () => {
  const config: InstructorConfig = {
    ...defaultInstructorConfig(),
    exercises: [
      { name: 'healthcheck', chapter: 8, repositories: ['ops-http-*'] },
      { chapter: 'project-1', topics: ['final-project'] },
      { name: 'logging', chapter: 7 },
    ],
  };

  it('matches by name pattern, then topic, and otherwise follows otherRepositories', () => {
    expect(resolveExercise(config, { name: 'OPS-HTTP-alice', topics: [] }, { notes: [] })).toEqual({ graded: true, chapter: 8, reason: 'exercise `healthcheck`, matched by repository name' });
    expect(resolveExercise(config, { name: 'bob-final', topics: ['final-project'] }, { notes: [] })).toEqual({ graded: true, chapter: 'project-1', reason: 'the exercise for chapter project-1, matched by topic `final-project`' });
    expect(resolveExercise({ ...config, otherRepositories: 'skip' }, { name: 'notes', topics: [] }, { notes: [] })).toEqual({ graded: false, mode: 'skip', reason: 'No exercise in the course configuration matches the repository `notes`.' });
  });

  it('lets an allowed learner choice win', () => {
    expect(resolveExercise(config, { name: 'ops-http-alice', topics: [] }, { exercise: 'logging', notes: [] })).toMatchObject({ graded: true, chapter: 7 });
    expect(resolveExercise(config, { name: 'ops-http-alice', topics: [] }, { chapter: 4, notes: [] })).toMatchObject({ graded: true, chapter: 4 });
  });
});

describe('schema and type', () => {
  type Keys<T> = Record<keyof NonNullable<T>, true>;
  // `satisfies` makes a key added to the type without being listed here a compile error.
  const topLevel = { course: true, exercises: true, otherRepositories: true, learnerConfig: true, grading: true, rules: true, pullRequests: true, checkRun: true, testGrading: true } satisfies Keys<InstructorConfigFile>;
  const grading = { threshold: true, deduction: true, chapters: true } satisfies Keys<InstructorConfigFile['grading']>;
  const pullRequests = { comments: true, maxComments: true, suggestions: true, summaryComment: true } satisfies Keys<InstructorConfigFile['pullRequests']>;
  const exercise = { name: true, chapter: true, repositories: true, topics: true } satisfies Keys<NonNullable<InstructorConfigFile['exercises']>[number]>;
  const rules = { disable: true, enable: true } satisfies Keys<InstructorConfigFile['rules']>;
  const chapter = { threshold: true, requirements: true, points: true } satisfies Keys<NonNullable<NonNullable<InstructorConfigFile['grading']>['chapters']>[string]>;

  const schema = JSON_SCHEMA as { properties: Record<string, { properties?: Record<string, { additionalProperties?: { properties: object } }>; items?: { properties: object } }> };
  const keysOf = (value: object | undefined) => Object.keys(value ?? {}).sort();

  it('list the same properties at every level', () => {
    expect(keysOf(schema.properties)).toEqual(keysOf(topLevel));
    expect(keysOf(schema.properties.grading?.properties)).toEqual(keysOf(grading));
    expect(keysOf(schema.properties.pullRequests?.properties)).toEqual(keysOf(pullRequests));
    expect(keysOf(schema.properties.exercises?.items?.properties)).toEqual(keysOf(exercise));
    expect(keysOf(schema.properties.rules?.properties)).toEqual(keysOf(rules));
    expect(keysOf(schema.properties.grading?.properties?.chapters?.additionalProperties?.properties)).toEqual(keysOf(chapter));
  });

  it('embeds the grading core\'s `testGrading` schema exactly', () => {
    const { $schema: _draft, ...fragment } = gradingConfigSchema;
    expect((JSON_SCHEMA as { properties: Record<string, unknown> }).properties.testGrading).toEqual(JSON.parse(JSON.stringify(fragment)));
  });

  it('accepts every `testGrading` example in docs/grading.md', () => {
    const docs = readFileSync(path.resolve(import.meta.dirname, '../../docs/grading.md'), 'utf8');
    const examples = [...docs.matchAll(/```yaml\n(testGrading:[\s\S]*?)```/g)].map((match) => match[1] ?? '');
    expect(examples).toHaveLength(2);
    for (const example of examples) {
      const result = parseInstructorConfig(example, '.github/opsgrade.yml');
      expect(result.ok ? result.config.testGrading?.chapters['8']?.groups.length : result.problems).toBeGreaterThan(0);
    }
  });

  it('accepts the full example in docs/app.md', () => {
    const docs = readFileSync(path.resolve(import.meta.dirname, '../../docs/app.md'), 'utf8');
    const example = /<!-- full-config-example -->\s*```yaml\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    const result = parseInstructorConfig(example ?? '', '.github/opsgrade.yml');
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
