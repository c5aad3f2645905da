// Pins the snapshot of fixtures/repos/bad-input (see its README) and checks that the CLI's
// directory source and the App's tarball source agree on it.

import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { snapshotFromDirectory, snapshotFromTarball } from '../../src/snapshot/index.ts';
import { messagesOf, summarize, tarballOf } from './helpers.ts';
import type { TarEntrySpec } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('../../fixtures/repos/bad-input', import.meta.url));

const EXPECTED_NOTICES = [
  ['binary-file', 'data.bin'],
  ['file-too-large', 'huge.py'],
  ['not-utf8', 'latin1.py'],
  ['symlink-skipped', 'loop'],
  ['symlink-skipped', 'loop-a'],
  ['symlink-skipped', 'loop-b'],
  ['binary-file', 'nul.py'],
];

describe('fixtures/repos/bad-input', () => {
  it('turns every hostile file into a notice or safe text', async () => {
    const snapshot = await snapshotFromDirectory(FIXTURE);
    expect(summarize(snapshot)).toEqual({
      source: FIXTURE,
      files: ['README.md', 'broken.py', 'deep.py', 'latin1.py'],
      paths: ['README.md', 'broken.py', 'data.bin', 'deep.py', 'huge.py', 'latin1.py', 'loop', 'loop-a', 'loop-b', 'nul.py'],
      notices: EXPECTED_NOTICES,
    });
    expect(snapshot.files.get('latin1.py')?.text).toBe(
      '# This file was saved as Latin-1, not UTF-8: the e-acute below is the single byte 0xE9.\n' +
        '# caf\uFFFD\nGREETING = "caf\uFFFD"\nprint(GREETING)\n',
    );
    expect(snapshot.files.get('broken.py')?.text).toContain('subprocess.run("ls", shell=True)\n');
    expect(snapshot.files.get('deep.py')?.bytes).toBe(20_091);
    expect(messagesOf(snapshot, 'file-too-large')).toEqual([
      'huge.py is 5 MB, over the 1 MB limit, so it was not reviewed. Large generated or data files do not belong ' +
        'in the repository; raise the limit with --max-file-bytes if it is real code.',
    ]);
  });

  it('gives the same snapshot from a GitHub-style tarball of the same files', async () => {
    const entries: TarEntrySpec[] = [];
    for (const name of await readdir(FIXTURE)) {
      const full = join(FIXTURE, name);
      const stats = await lstat(full);
      entries.push(
        stats.isSymbolicLink()
          ? { name: `octo-bad-input-0a1b2c3/${name}`, type: 'symlink', linkname: await readlink(full) }
          : { name: `octo-bad-input-0a1b2c3/${name}`, content: await readFile(full) },
      );
    }
    const fromTarball = await snapshotFromTarball(await tarballOf(entries), { source: 'octo/bad-input@0a1b2c3' });
    const fromDirectory = await snapshotFromDirectory(FIXTURE);
    expect({ ...fromTarball, source: FIXTURE }).toEqual(fromDirectory);
  });
});
