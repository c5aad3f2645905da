// Shared set-up for the app tests: the fixture organisation's course configuration, fixture
// repositories packed as GitHub tarballs, and unified-diff patches for pull-request files.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Report } from '../../../src/report/model.ts';
import { reviewSnapshot } from '../../../src/review.ts';
import type { Course } from '../../../src/rubric/course.ts';
import type { ChapterId } from '../../../src/rules/rule.ts';
import { loadRubric } from '../../../src/rules/load.ts';
import { snapshotFromTarball } from '../../../src/snapshot/index.ts';
import type { FakeGitHub } from './fake-github.ts';
import { buildTarball } from './tarball.ts';
import type { ExtraEntry } from './tarball.ts';
import { DEFAULT_TARGET } from './webhooks.ts';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const WEAK_REPO = path.join(ROOT, 'fixtures/webhooks/repos/weak-ops');

export const COURSE_CONFIG = `# The fixture organisation's course configuration
exercises:
  - name: healthcheck
    chapter: 8
    repositories: ["weak-ops", "ops-*"]
  - chapter: 7
    topics: [logging-exercise]
pullRequests:
  maxComments: 20
`;

/** The organisation's `.github/opsgrade.yml`; `null` removes it. */
export function setCourseConfig(fake: FakeGitHub, text: string | null = COURSE_CONFIG, owner = DEFAULT_TARGET.owner): void {
  const key = `${owner}/.github:.github/opsgrade.yml`;
  if (text === null) fake.files.delete(key);
  else fake.files.set(key, text);
}

export async function serveCommit(fake: FakeGitHub, options: { sha: string; folder?: string; files?: Record<string, string>; extra?: ExtraEntry[]; owner?: string; repo?: string }): Promise<void> {
  const owner = options.owner ?? DEFAULT_TARGET.owner;
  const repo = options.repo ?? DEFAULT_TARGET.repo;
  const prefix = `${owner}-${repo}-${options.sha.slice(0, 7)}`;
  const tarball = await buildTarball({
    prefix,
    ...(options.folder ? { folder: options.folder } : {}),
    ...(options.files ? { files: options.files } : {}),
    ...(options.extra ? { extra: options.extra.map((entry) => ({ ...entry, name: entry.name.replace('{prefix}', prefix) })) } : {}),
  });
  fake.tarballs.set(`${owner}/${repo}@${options.sha}`, tarball);
}

export function readFixture(folder: string, file: string): string {
  return readFileSync(path.join(folder, file), 'utf8');
}

/**
 * The unified diff `GET /pulls/{n}/files` returns for `text` when the given line ranges are new:
 * one hunk per range (merged when their three lines of context meet).
 */
export function patchAdding(text: string, ...ranges: [number, number][]): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const added = new Set<number>();
  for (const [from, to] of ranges) for (let line = from; line <= to; line += 1) added.add(line);
  const windows: [number, number][] = [];
  for (const [from, to] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(1, from - 3);
    const end = Math.min(lines.length, to + 3);
    const last = windows[windows.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else windows.push([start, end]);
  }
  const hunks: string[] = [];
  let removedBefore = 0;
  for (const [start, end] of windows) {
    const body: string[] = [];
    let newlyAdded = 0;
    for (let line = start; line <= end; line += 1) {
      const isNew = added.has(line);
      if (isNew) newlyAdded += 1;
      body.push(`${isNew ? '+' : ' '}${lines[line - 1] ?? ''}`);
    }
    const newCount = end - start + 1;
    const oldStart = start - removedBefore;
    hunks.push(`@@ -${oldStart},${newCount - newlyAdded} +${start},${newCount} @@`, ...body);
    removedBefore += newlyAdded;
  }
  return hunks.join('\n');
}

/** The patch of a file added whole by the pull request. */
export function patchNewFile(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join('\n');
}

export const SHA = {
  first: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  second: 'b2c3d4e5f60718293a4b5c6d7e8f901234567891',
  third: 'c3d4e5f60718293a4b5c6d7e8f9012345678912a',
} as const;

/**
 * The review the app should publish for a commit: the same engine run here on the same tarball,
 * so app tests pin the publishing, not the rubric's current numbers (other tests own those).
 */
export async function expectedReview(fake: FakeGitHub, sha: string, chapter: ChapterId | 'all', options: { owner?: string; repo?: string; course?: (course: Course) => Course } = {}): Promise<Report> {
  const owner = options.owner ?? DEFAULT_TARGET.owner;
  const repo = options.repo ?? DEFAULT_TARGET.repo;
  const tarball = fake.tarballs.get(`${owner}/${repo}@${sha}`);
  if (!tarball) throw new Error(`no tarball for ${owner}/${repo}@${sha}`);
  const rubric = await loadRubric();
  const snapshot = await snapshotFromTarball(tarball, { source: `${owner}/${repo}@${sha}` });
  const course = options.course ? options.course(structuredClone(rubric.course)) : rubric.course;
  return reviewSnapshot(snapshot, { rubric: { ...rubric, course }, chapter });
}
