// The instructor's configuration as the app meets it: read from the organisation's `.github`
// repository (never from the learner's), invalid → action_required with file:line:col, the
// learner's file unable to change points, unmatched repositories, a custom course file, caching.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Harness } from './support/harness.ts';
import { startApp } from './support/harness.ts';
import { gradeTitle } from '../../src/github/payloads.ts';
import { COURSE_CONFIG, expectedReview, ROOT, serveCommit, setCourseConfig, SHA, WEAK_REPO } from './support/scenario.ts';
import { DEFAULT_TARGET, pushPayload } from './support/webhooks.ts';

let harness: Harness;

afterEach(async () => {
  await harness.close();
  expect(harness.fake.problems).toEqual([]);
});

async function review(config: string | null, files: Record<string, string> = {}, target: Parameters<typeof pushPayload>[0] = {}) {
  harness = await startApp();
  setCourseConfig(harness.fake, config);
  await serveCommit(harness.fake, { sha: SHA.first, folder: WEAK_REPO, files, ...(target.repo ? { repo: target.repo } : {}) });
  await harness.deliver('push', pushPayload({ sha: SHA.first, ...target }));
  await harness.settle();
  return harness.fake.checkRunsFor(SHA.first)[0];
}

const downloaded = () => harness.fake.requests.some((request) => request.path.includes('/tarball/'));

describe('instructor configuration', () => {
  it('concludes action_required and lists each error with file, line and column', async () => {
    const run = await review('exercises:\n  - chapter: 30\n    repositories: [weak-ops]\npullRequests:\n  maxComments: lots\n');
    expect([run?.conclusion, run?.title]).toEqual(['action_required', 'OpsGrade configuration has 2 errors']);
    expect(run?.summary?.split('\n').slice(-2)).toEqual([
      '- `opsgrade-demo/.github/.github/opsgrade.yml:2:14`: `exercises.0.chapter`: must be a chapter number 1–23, `project-1` … `project-4`, or `all`',
      '- `opsgrade-demo/.github/.github/opsgrade.yml:5:16`: `pullRequests.maxComments`: must be integer',
    ]);
    expect(run?.details_url).toBe('https://github.com/opsgrade-demo/.github/blob/HEAD/.github/opsgrade.yml');
    expect(downloaded()).toBe(false);
  });

  it('reports unknown rule ids from the configuration the same way', async () => {
    const run = await review(`${COURSE_CONFIG}rules:\n  disable: [no-such-rule]\n`);
    expect(run?.conclusion).toBe('action_required');
    expect(run?.summary?.split('\n').at(-1)).toBe('- `opsgrade-demo/.github/.github/opsgrade.yml:11:13`: `rules.disable`: unknown rule `no-such-rule`');
  });

  it('grades with an instructor course file from the .github repository', async () => {
    harness = await startApp();
    const course = readFileSync(path.join(ROOT, 'rules/course.yml'), 'utf8').replace(/^threshold: \d+$/m, 'threshold: 40');
    harness.fake.files.set(`${DEFAULT_TARGET.owner}/.github:opsgrade/course.yml`, course);
    setCourseConfig(harness.fake, `course: { file: opsgrade/course.yml }\n${COURSE_CONFIG}`);
    await serveCommit(harness.fake, { sha: SHA.first, folder: WEAK_REPO });
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.settle();
    const run = harness.fake.checkRunsFor(SHA.first)[0];
    const expected = await expectedReview(harness.fake, SHA.first, 8, { course: (base) => ({ ...base, threshold: 40 }) });
    expect(expected.grades[0]?.passed).toBe(true);
    expect([run?.conclusion, run?.title]).toEqual(['success', gradeTitle(expected)]);
    expect(run?.title).toMatch(/\(pass mark 40%, passed\)$/);
  });

  it('reads the configuration once, and again after a push to the .github repository', async () => {
    harness = await startApp();
    setCourseConfig(harness.fake);
    for (const sha of [SHA.first, SHA.second, SHA.third]) await serveCommit(harness.fake, { sha, folder: WEAK_REPO });
    await harness.deliver('push', pushPayload({ sha: SHA.first }));
    await harness.settle();
    await harness.deliver('push', pushPayload({ sha: SHA.second }));
    await harness.settle();
    await harness.deliver('push', pushPayload({ sha: '1'.repeat(40), repo: '.github' }));
    await harness.deliver('push', pushPayload({ sha: SHA.third }));
    await harness.settle();
    expect(harness.fake.apiRequests().filter((request) => request.operationId === 'repos/get-content')).toHaveLength(2);
    expect(harness.fake.checkRunsFor('1'.repeat(40))).toEqual([]);
  });
});

describe("the learner's .opsgrade.yml", () => {
  it('cannot change points or thresholds: they are ignored and the summary says so', async () => {
    const run = await review(COURSE_CONFIG, { '.opsgrade.yml': 'chapter: 2\npoints:\n  http-call-without-timeout: 0\nthreshold: 10\n' });
    // Exactly the grade of the instructor's course: chapter 8, its points, its pass mark.
    const expected = await expectedReview(harness.fake, SHA.first, 8);
    expect([run?.conclusion, run?.title]).toEqual(['failure', gradeTitle(expected)]);
    expect(run?.title).toMatch(/\(pass mark 70%, not passed yet\)$/);
    expect(run?.summary).toContain("- `.opsgrade.yml`: `chapter`, `points`, `threshold` were ignored. In the GitHub App only your instructor's course configuration sets chapters, points, thresholds and rules.");
  });

  it('chooses the chapter when the instructor allows it', async () => {
    const run = await review(`${COURSE_CONFIG}learnerConfig:\n  allow: [chapter]\n`, { '.opsgrade.yml': 'chapter: 4\n' });
    expect(run?.title).toMatch(/^Chapter 4: /);
    expect(run?.summary).toContain("Graded as chapter chosen in the repository's `.opsgrade.yml`.");
  });
});

describe('repositories that are not exercises', () => {
  it('are reviewed against every chapter without a grade when no configuration exists', async () => {
    const run = await review(null);
    expect(run?.conclusion).toBe('neutral');
    expect(run?.title).toMatch(/^Not a graded exercise: \d+ findings$/);
    expect(run?.summary).toContain('No exercise in the course configuration matches the repository `weak-ops`. It was reviewed against every chapter, without a grade.');
  });

  it('are skipped without a download when the course says so', async () => {
    const run = await review(`${COURSE_CONFIG}otherRepositories: skip\n`, {}, { repo: 'holiday-photos' });
    expect([run?.conclusion, run?.title]).toEqual(['skipped', 'Not an OpsGrade exercise']);
    expect(downloaded()).toBe(false);
  });
});
