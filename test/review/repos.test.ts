// What a learner sees for each fixture repository, snapshotted like code (`vitest -u` after a
// deliberate change; review the diff).

import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { renderReport } from '../../src/report/index.ts';
import { reviewSnapshot } from '../../src/review.ts';
import { loadRubric } from '../../src/rules/load.ts';
import type { Rubric } from '../../src/rules/load.ts';
import { snapshotFromDirectory } from '../../src/snapshot/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
let rubric: Rubric;

beforeAll(async () => {
  rubric = await loadRubric();
});

async function reviewFixture(name: string) {
  const snapshot = await snapshotFromDirectory(path.join(ROOT, 'fixtures/repos', name));
  const chapter = name === 'empty' ? 7 : 8;
  const report = reviewSnapshot({ ...snapshot, source: `fixtures/repos/${name}` }, { rubric, chapter });
  const sources = (file: string) => snapshot.files.get(file)?.text;
  return { report, sources };
}

describe.each(['strong', 'weak', 'empty'])('fixture repository %s', (name) => {
  it('renders text, JSON and markdown as snapshotted', async () => {
    const { report, sources } = await reviewFixture(name);
    await expect(renderReport('text', report, sources, { color: false })).toMatchFileSnapshot(`__snapshots__/${name}.txt`);
    await expect(renderReport('json', report, sources, { color: false })).toMatchFileSnapshot(`__snapshots__/${name}.json`);
    await expect(renderReport('markdown', report, sources, { color: false })).toMatchFileSnapshot(`__snapshots__/${name}.md`);
  });
});

describe('grades', () => {
  it('gives the strong repository a passing grade with every requirement met', async () => {
    const { report } = await reviewFixture('strong');
    expect(report.findings).toEqual([]);
    expect(report.grades[0]?.passed).toBe(true);
    expect(report.grades[0]?.requirements.every((requirement) => requirement.met)).toBe(true);
  });

  it('never gives the empty repository full marks', async () => {
    const { report } = await reviewFixture('empty');
    expect(report.grades[0]?.percent).toBeLessThan(report.grades[0]?.threshold ?? 0);
    expect(report.findings.filter((finding) => finding.path === undefined).length).toBeGreaterThan(0);
  });

  it('fails the weak repository and puts the costliest problems first', async () => {
    const { report } = await reviewFixture('weak');
    expect(report.grades[0]?.passed).toBe(false);
    expect(report.fixFirst.length).toBeGreaterThan(0);
    expect(report.fixFirst[0]?.severity).toBe('error');
  });
});
