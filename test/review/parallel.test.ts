// Worker threads change how fast a review runs, never what it says.

import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { reviewSnapshot, reviewSnapshotAsync } from '../../src/review.ts';
import { loadRubric } from '../../src/rules/load.ts';
import { SnapshotBuilder, resolveLimits } from '../../src/snapshot/builder.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('parallel review', () => {
  it('gives the same report as the single-threaded review', async () => {
    const rubric = await loadRubric();
    const builder = new SnapshotBuilder(resolveLimits());
    const sources = ['fixtures/repos/weak/healthcheck.py', 'fixtures/rules/08/http-call-without-timeout.py', 'fixtures/rules/04/except-swallows-error.py'];
    for (let copy = 0; copy < 20; copy += 1) {
      for (const source of sources) {
        const bytes = await readFile(path.join(ROOT, source));
        const file = `pkg${copy}/${path.basename(source)}`;
        if (builder.admit(file, bytes.length)) builder.addContent(file, bytes);
      }
    }
    const snapshot = builder.build('generated');
    const serial = reviewSnapshot(snapshot, { rubric, chapter: 'all' });
    const parallel = await reviewSnapshotAsync(snapshot, { rubric, chapter: 'all' }, { workers: 2, thresholdBytes: 0 });
    expect(serial.findings.length).toBeGreaterThan(60);
    expect(JSON.stringify(parallel)).toBe(JSON.stringify(serial));
  });
});
