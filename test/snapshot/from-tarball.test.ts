// snapshotFromTarball: real gzip tarballs built in the test, shaped like GitHub's
// `/tarball/{sha}` downloads, plus hostile and broken archives.

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SnapshotError, snapshotFromTarball } from '../../src/snapshot/index.ts';
import { chunked, messagesOf, paxRecord, summarize, tarballOf, tarOf, withTypeFlag } from './helpers.ts';
import type { TarEntrySpec } from './helpers.ts';

const TOP = 'octo-hello-abc1234';
const SOURCE = 'octo/hello@abc1234';

describe('snapshotFromTarball with a normal archive', () => {
  const entries: TarEntrySpec[] = [
    { name: `${TOP}/`, type: 'directory' },
    { name: `${TOP}/README.md`, content: '# Hello\n' },
    { name: `${TOP}/src/`, type: 'directory' },
    { name: `${TOP}/src/hello/__init__.py`, content: '' },
    { name: `${TOP}/src/hello/cli.py`, content: 'def main():\n    print("hi")\n' },
    // Non-ASCII names travel in a pax header; deep ones in the ustar prefix field.
    { name: `${TOP}/docs/café.md`, content: 'Café\n' },
    { name: `${TOP}/${'deep/'.repeat(30)}leaf.py`, content: 'x = 1\n' },
  ];

  it('strips the top folder and reads every file', async () => {
    const snapshot = await snapshotFromTarball(await tarballOf(entries), { source: SOURCE });
    const deepLeaf = `${'deep/'.repeat(30)}leaf.py`;
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['README.md', deepLeaf, 'docs/café.md', 'src/hello/__init__.py', 'src/hello/cli.py'],
      paths: ['README.md', deepLeaf, 'docs/café.md', 'src/hello/__init__.py', 'src/hello/cli.py'],
      notices: [],
    });
    expect(snapshot.files.get('src/hello/cli.py')).toEqual({
      path: 'src/hello/cli.py',
      text: 'def main():\n    print("hi")\n',
      bytes: 28,
    });
  });

  it('accepts the pax global header GitHub puts first (the commit id)', async () => {
    const globalHeader: TarEntrySpec = { name: 'pax_global_header', content: paxRecord('comment', 'abc1234'.repeat(5)) };
    const archive = withTypeFlag(await tarOf([globalHeader, ...entries]), 0, 'g');
    const snapshot = await snapshotFromTarball(gzipSync(archive), { source: SOURCE });
    expect(summarize(snapshot).files).toEqual(summarize(await snapshotFromTarball(await tarballOf(entries), { source: SOURCE })).files);
    expect(snapshot.notices).toEqual([]);
  });

  it('reads a streamed download the same as one buffer', async () => {
    const tarball = await tarballOf(entries);
    const whole = await snapshotFromTarball(tarball, { source: SOURCE });
    const streamed = await snapshotFromTarball(chunked(tarball, 7), { source: SOURCE });
    expect(streamed).toEqual(whole);
  });

  it('decodes non-UTF-8 and binary entries like the directory source', async () => {
    const tarball = await tarballOf([
      { name: `${TOP}/latin1.py`, content: Uint8Array.from([...Buffer.from('# caf'), 0xe9, 0x0a]) },
      { name: `${TOP}/data.bin`, content: Uint8Array.from([0, 1, 2, 3]) },
      { name: `${TOP}/bom.py`, content: Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('x = 1\n')]) },
    ]);
    const snapshot = await snapshotFromTarball(tarball, { source: SOURCE });
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['bom.py', 'latin1.py'],
      paths: ['bom.py', 'data.bin', 'latin1.py'],
      notices: [
        ['binary-file', 'data.bin'],
        ['not-utf8', 'latin1.py'],
      ],
    });
    expect(snapshot.files.get('latin1.py')?.text).toBe('# caf\uFFFD\n');
    expect(snapshot.files.get('bom.py')?.text).toBe('x = 1\n');
  });

  it('applies the snapshot limits with one summarising notice each', async () => {
    const tarball = await tarballOf([
      { name: `${TOP}/a.py`, content: 'a\n' },
      { name: `${TOP}/big.py`, content: 'x'.repeat(64) },
      { name: `${TOP}/b.py`, content: 'b\n' },
      { name: `${TOP}/c.py`, content: 'c\n' },
      { name: `${TOP}/d.py`, content: 'd\n' },
    ]);
    const snapshot = await snapshotFromTarball(tarball, { source: SOURCE, limits: { maxFiles: 2, maxFileBytes: 32 } });
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['a.py', 'b.py'],
      paths: ['a.py', 'b.py', 'big.py', 'c.py', 'd.py'],
      notices: [
        ['too-many-files', undefined],
        ['file-too-large', 'big.py'],
      ],
    });
    expect(messagesOf(snapshot, 'too-many-files')).toEqual([
      'Only the first 2 files are reviewed, so 2 more files (starting with c.py) were not reviewed. ' +
        'Remove generated, vendored or data files from the repository, or raise the limit with --max-files.',
    ]);
  });

  it('lists a committed virtual environment without reading its packages', async () => {
    const tarball = await tarballOf([
      { name: `${TOP}/.venv/pyvenv.cfg`, content: 'home = /usr/bin\n' },
      { name: `${TOP}/.venv/lib/python3.12/site-packages/requests/__init__.py`, content: 'x' },
      { name: `${TOP}/app.py`, content: 'x\n' },
    ]);
    expect(summarize(await snapshotFromTarball(tarball, { source: SOURCE }))).toEqual({
      source: SOURCE,
      files: ['.venv/pyvenv.cfg', 'app.py'],
      paths: ['.venv/lib/python3.12/site-packages/requests/__init__.py', '.venv/pyvenv.cfg', 'app.py'],
      notices: [['vendored-skipped', undefined]],
    });
  });
});

describe('snapshotFromTarball with hostile entries', () => {
  it('ignores entries that escape the root, are absolute or sit outside the top folder', async () => {
    const tarball = await tarballOf([
      { name: `${TOP}/ok.py`, content: 'ok\n' },
      { name: '../evil.py', content: 'evil\n' },
      { name: `${TOP}/../../evil.py`, content: 'evil\n' },
      { name: `${TOP}/src/../../evil.py`, content: 'evil\n' },
      { name: '/etc/passwd', content: 'root:x:0:0\n' },
      { name: 'other-top/x.py', content: 'x\n' },
      { name: 'loose.py', content: 'x\n' },
      // Stays inside after normalisation, so it is kept under its normal name.
      { name: `${TOP}/src/./pkg/../fine.py`, content: 'fine\n' },
    ]);
    const snapshot = await snapshotFromTarball(tarball, { source: SOURCE });
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['ok.py', 'src/fine.py'],
      paths: ['ok.py', 'src/fine.py'],
      notices: [
        ['unsafe-path', undefined],
        ['unsafe-path', undefined],
        ['unsafe-path', undefined],
        ['unsafe-path', undefined],
        ['unsafe-path', undefined],
        ['unsafe-path', undefined],
      ],
    });
    expect(messagesOf(snapshot, 'unsafe-path')).toEqual([
      'The archive entry "../evil.py" was ignored because it climbs out of the repository with "..".',
      `The archive entry "${TOP}/../../evil.py" was ignored because it climbs out of the repository with "..".`,
      `The archive entry "${TOP}/src/../../evil.py" was ignored because it climbs out of the repository with "..".`,
      'The archive entry "/etc/passwd" was ignored because it is an absolute path.',
      'The archive entry "other-top/x.py" was ignored because it is not inside the archive\'s top folder.',
      'The archive entry "loose.py" was ignored because it is not inside the archive\'s top folder.',
    ]);
  });

  it('lists symlinks and hard links without following them', async () => {
    const tarball = await tarballOf([
      { name: `${TOP}/app.py`, content: 'x\n' },
      { name: `${TOP}/passwd`, type: 'symlink', linkname: '/etc/passwd' },
      { name: `${TOP}/loop`, type: 'symlink', linkname: 'loop' },
      { name: `${TOP}/copy.py`, type: 'link', linkname: `${TOP}/app.py` },
      { name: `${TOP}/shadow`, type: 'link', linkname: '/etc/shadow' },
    ]);
    const snapshot = await snapshotFromTarball(tarball, { source: SOURCE });
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['app.py'],
      paths: ['app.py', 'copy.py', 'loop', 'passwd', 'shadow'],
      notices: [
        ['symlink-skipped', 'copy.py'],
        ['symlink-skipped', 'loop'],
        ['symlink-skipped', 'passwd'],
        ['symlink-skipped', 'shadow'],
      ],
    });
    expect(messagesOf(snapshot, 'symlink-skipped')).toEqual([
      'copy.py is a hard link to app.py in the repository archive; links are not followed, so it was not reviewed.',
      'loop is a symbolic link to loop; links are not followed, so what it points to was not reviewed through ' +
        'this path. Commit the file itself if it should be reviewed here.',
      'passwd is a symbolic link to /etc/passwd; links are not followed, so what it points to was not reviewed ' +
        'through this path. Commit the file itself if it should be reviewed here.',
      'shadow is a hard link to /etc/shadow in the repository archive; links are not followed, so it was not reviewed.',
    ]);
  });

  it('lists devices, fifos and unknown entry types as special files without reading them', async () => {
    const plain = await tarOf([
      { name: `${TOP}/null`, type: 'character-device', devmajor: 1, devminor: 3 },
      { name: `${TOP}/disk`, type: 'block-device', devmajor: 8, devminor: 0 },
      { name: `${TOP}/pipe`, type: 'fifo' },
      { name: `${TOP}/sparse.img`, content: 'not really sparse' },
      { name: `${TOP}/app.py`, content: 'x\n' },
    ]);
    // Header blocks: null, disk and pipe have no data, so sparse.img's header is the fourth block.
    const archive = withTypeFlag(plain, 3 * 512, 'S');
    const snapshot = await snapshotFromTarball(gzipSync(archive), { source: SOURCE });
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['app.py'],
      paths: ['app.py', 'disk', 'null', 'pipe', 'sparse.img'],
      notices: [
        ['special-file', 'disk'],
        ['special-file', 'null'],
        ['special-file', 'pipe'],
        ['special-file', 'sparse.img'],
      ],
    });
    expect(messagesOf(snapshot, 'special-file')).toEqual([
      'disk is a block device, not a regular file, so it was not reviewed. Only regular files belong in a repository.',
      'null is a character device, not a regular file, so it was not reviewed. Only regular files belong in a repository.',
      'pipe is a fifo, not a regular file, so it was not reviewed. Only regular files belong in a repository.',
      'sparse.img is an unknown entry, not a regular file, so it was not reviewed. Only regular files belong in a repository.',
    ]);
  });

  it('keeps the first of two entries with the same path', async () => {
    const tarball = await tarballOf([
      { name: `${TOP}/app.py`, content: 'first\n' },
      { name: `${TOP}/app.py`, content: 'second\n' },
    ]);
    const snapshot = await snapshotFromTarball(tarball, { source: SOURCE });
    expect(snapshot.files.get('app.py')?.text).toBe('first\n');
    expect(summarize(snapshot).notices).toEqual([['archive-invalid', 'app.py']]);
  });
});

describe('snapshotFromTarball decompression bomb guard', () => {
  const MiB = 1024 * 1024;
  const bombEntries: TarEntrySpec[] = [
    { name: `${TOP}/a.py`, content: 'a = 1\n' },
    { name: `${TOP}/zeros.py`, content: new Uint8Array(8 * MiB).fill(0x20) },
    { name: `${TOP}/z.py`, content: 'z = 1\n' },
  ];

  it('stops at maxUncompressedBytes, keeps what was read and says the review is partial', async () => {
    const bomb = await tarballOf(bombEntries);
    expect(bomb.length).toBeLessThan(16 * 1024);
    const snapshot = await snapshotFromTarball(bomb, { source: SOURCE, maxUncompressedBytes: MiB });
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['a.py'],
      paths: ['a.py', 'zeros.py'],
      notices: [
        ['archive-too-large', undefined],
        ['file-too-large', 'zeros.py'],
      ],
    });
    expect(messagesOf(snapshot, 'archive-too-large')).toEqual([
      'The repository archive unpacks to more than 1 MB, so reading stopped there and this review is partial: ' +
        'files later in the archive were not reviewed. Remove large generated or data files from the repository.',
    ]);
  });

  it('drops a file cut off by the cap instead of keeping half of it', async () => {
    const bomb = await tarballOf(bombEntries);
    const snapshot = await snapshotFromTarball(chunked(bomb, 512), {
      source: SOURCE,
      maxUncompressedBytes: MiB,
      limits: { maxFileBytes: 16 * MiB },
    });
    expect(summarize(snapshot)).toEqual({
      source: SOURCE,
      files: ['a.py'],
      paths: ['a.py', 'zeros.py'],
      notices: [['archive-too-large', undefined]],
    });
  });

  it('reads the whole archive when it fits under the cap', async () => {
    const snapshot = await snapshotFromTarball(await tarballOf(bombEntries), {
      source: SOURCE,
      maxUncompressedBytes: 16 * MiB,
    });
    expect(summarize(snapshot).files).toEqual(['a.py', 'z.py']);
    expect(summarize(snapshot).notices).toEqual([['file-too-large', 'zeros.py']]);
  });
});

describe('snapshotFromTarball with broken archives', () => {
  const goodEntries: TarEntrySpec[] = [
    { name: `${TOP}/a.py`, content: 'a = 1\n'.repeat(200) },
    { name: `${TOP}/b.py`, content: 'b = 2\n' },
  ];

  it('rejects data that is not gzip', async () => {
    await expect(snapshotFromTarball(Buffer.from('<html>502 Bad Gateway</html>'), { source: SOURCE })).rejects.toThrow(
      new SnapshotError('The repository archive could not be read: it is not valid gzip data (incorrect header check).'),
    );
  });

  it('rejects a gzip stream that is cut short, and an empty download', async () => {
    const tarball = await tarballOf(goodEntries);
    const expected = new SnapshotError(
      'The repository archive could not be read: the gzip data ends early; the download was probably cut off.',
    );
    await expect(snapshotFromTarball(tarball.subarray(0, tarball.length - 20), { source: SOURCE })).rejects.toThrow(expected);
    await expect(snapshotFromTarball(new Uint8Array(0), { source: SOURCE })).rejects.toThrow(expected);
  });

  it('rejects a tar that ends in the middle of an entry', async () => {
    const tar = await tarOf(goodEntries);
    await expect(snapshotFromTarball(gzipSync(tar.subarray(0, 700)), { source: SOURCE })).rejects.toThrow(
      new SnapshotError(
        'The repository archive could not be read: the tar data ends in the middle of an entry; the download was probably cut off.',
      ),
    );
  });

  it('rejects gzip data that does not hold a tar', async () => {
    await expect(snapshotFromTarball(gzipSync(Buffer.from('x'.repeat(2000))), { source: SOURCE })).rejects.toThrow(
      new SnapshotError('The repository archive could not be read: it is not a valid tar archive (an entry header is damaged).'),
    );
  });

  it('passes on an error from the download stream', async () => {
    const tarball = await tarballOf(goodEntries);
    async function* failingDownload(): AsyncGenerator<Uint8Array> {
      yield tarball.subarray(0, 100);
      await Promise.resolve();
      throw new Error('socket hang up');
    }
    const failure = snapshotFromTarball(failingDownload(), { source: SOURCE });
    await expect(failure).rejects.toThrow(new SnapshotError('The repository archive could not be read: socket hang up.'));
  });

  it('rejects an invalid cap', async () => {
    await expect(snapshotFromTarball(new Uint8Array(0), { source: SOURCE, maxUncompressedBytes: -5 })).rejects.toThrow(
      new SnapshotError('maxUncompressedBytes must be a whole number of 0 or more, not -5.'),
    );
  });
});
