// snapshotFromDirectory: git-tracked versus walked directories, skip rules, links, special and
// unreadable files, limits and decoding, against real temporary directories and repositories.

import { execFileSync } from 'node:child_process';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnapshotError, snapshotFromDirectory } from '../../src/snapshot/index.ts';
import type { Snapshot } from '../../src/snapshot/index.ts';
import { git, messagesOf, summarize, useTempDirs, writeTree } from './helpers.ts';

const makeTempDir = useTempDirs();

describe('snapshotFromDirectory outside git (walked)', () => {
  it('reads every file, sorted, with POSIX repository-relative paths', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, {
      'main.py': 'print("hi")\n',
      'src/tool/__init__.py': '',
      'src/tool/cli.py': 'def main():\n    pass\n',
      '.env': 'TOKEN=abc\n',
      'README.md': '# Tool\n',
    });
    const snapshot = await snapshotFromDirectory(dir);
    expect(summarize(snapshot)).toEqual({
      source: dir,
      files: ['.env', 'README.md', 'main.py', 'src/tool/__init__.py', 'src/tool/cli.py'],
      paths: ['.env', 'README.md', 'main.py', 'src/tool/__init__.py', 'src/tool/cli.py'],
      notices: [],
    });
    expect(snapshot.files.get('src/tool/cli.py')).toEqual({
      path: 'src/tool/cli.py',
      text: 'def main():\n    pass\n',
      bytes: 21,
    });
  });

  it('skips git data, virtualenvs, installed packages, caches and build output', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, {
      'app.py': 'x = 1\n',
      '.git/config': '[core]\n',
      'vendor/lib/.git': 'gitdir: ../../.git/modules/lib\n',
      'vendor/lib/lib.py': 'y = 2\n',
      '.venv/pyvenv.cfg': 'home = /usr/bin\n',
      '.venv/lib/python3.12/site-packages/requests/__init__.py': 'x',
      'my-env/pyvenv.cfg': 'home = /usr/bin\n',
      'my-env/bin/activate': 'x',
      'lib/site-packages/six.py': 'x',
      'web/node_modules/left-pad/index.js': 'x',
      'src/__pycache__/app.cpython-312.pyc': 'x',
      '.tox/py312/log.txt': 'x',
      '.nox/tests/log.txt': 'x',
      '.mypy_cache/3.12/app.json': 'x',
      '.pytest_cache/v/cache/nodeids': 'x',
      '.ruff_cache/0.6.0/data': 'x',
      'build/lib/app.py': 'x',
      'dist/app-1.0.tar.gz': 'x',
      'src/app.egg-info/PKG-INFO': 'x',
      // Only folders are skipped by name: files called like them are ordinary files.
      'src/build.py': 'def build(): pass\n',
      'docs/dist': 'notes\n',
    });
    expect(summarize(await snapshotFromDirectory(dir))).toEqual({
      source: dir,
      files: ['app.py', 'docs/dist', 'src/build.py', 'vendor/lib/lib.py'],
      paths: ['app.py', 'docs/dist', 'src/build.py', 'vendor/lib/lib.py'],
      notices: [],
    });
  });

  it('walks the given directory even when it holds pyvenv.cfg itself', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, { 'pyvenv.cfg': 'home = /usr/bin\n', 'bin/tool.py': 'x\n' });
    expect(summarize(await snapshotFromDirectory(dir)).files).toEqual(['bin/tool.py', 'pyvenv.cfg']);
  });

  it('lists symlinks without following them, so a symlink loop is harmless', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, {
      'real.py': 'x = 1\n',
      src: { symlink: '.' },
      loop: { symlink: 'loop' },
      'ping/a': { symlink: 'b' },
      'ping/b': { symlink: 'a' },
      'outside.py': { symlink: '/etc/passwd' },
    });
    const snapshot = await snapshotFromDirectory(dir);
    expect(summarize(snapshot)).toEqual({
      source: dir,
      files: ['real.py'],
      paths: ['loop', 'outside.py', 'ping/a', 'ping/b', 'real.py', 'src'],
      notices: [
        ['symlink-skipped', 'loop'],
        ['symlink-skipped', 'outside.py'],
        ['symlink-skipped', 'ping/a'],
        ['symlink-skipped', 'ping/b'],
        ['symlink-skipped', 'src'],
      ],
    });
    expect(messagesOf(snapshot, 'symlink-skipped')[0]).toBe(
      'loop is a symbolic link to loop; links are not followed, so what it points to was not reviewed through ' +
        'this path. Commit the file itself if it should be reviewed here.',
    );
  });

  it('lists fifos and sockets as special files without opening them', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, { 'app.py': 'x\n' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, 'agent.sock'), resolve));
    try {
      const snapshot = await snapshotFromDirectory(dir);
      expect(summarize(snapshot)).toEqual({
        source: dir,
        files: ['app.py'],
        paths: ['agent.sock', 'app.py', 'pipe'],
        notices: [
          ['special-file', 'agent.sock'],
          ['special-file', 'pipe'],
        ],
      });
      expect(messagesOf(snapshot, 'special-file')).toEqual([
        'agent.sock is a socket, not a regular file, so it was not reviewed. Only regular files belong in a repository.',
        'pipe is a fifo, not a regular file, so it was not reviewed. Only regular files belong in a repository.',
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('notes unreadable files and folders and carries on', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, { 'ok.py': 'x = 1\n', 'secret.py': 'x = 2\n', 'locked/inner.py': 'x = 3\n' });
    await chmod(dir, 0o755);
    await chmod(join(dir, 'secret.py'), 0o000);
    await chmod(join(dir, 'locked'), 0o000);
    try {
      const summary = await snapshotAsUnprivilegedUser(dir);
      expect(summary).toEqual({
        source: dir,
        files: ['ok.py'],
        paths: ['ok.py', 'secret.py'],
        notices: [
          ['unreadable', 'locked', 'The folder locked/ could not be opened (EACCES), so nothing inside it was reviewed. Check its permissions.'],
          ['unreadable', 'secret.py', 'secret.py could not be read (EACCES), so it was not reviewed. Check its file permissions.'],
        ],
      });
    } finally {
      await chmod(join(dir, 'locked'), 0o755);
    }
  });

  it('walks deep folder trees without recursion', async () => {
    const dir = await makeTempDir();
    const deep = Array.from({ length: 60 }, (_, index) => `d${index}`).join('/');
    await writeTree(dir, { [`${deep}/leaf.py`]: 'x\n' });
    expect(summarize(await snapshotFromDirectory(dir)).files).toEqual([`${deep}/leaf.py`]);
  });

  it('applies the limits with one summarising notice per limit', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, {
      'a.py': 'a = 1\n',
      'b.py': 'b = 2\n',
      'big.py': 'x'.repeat(100),
      'c.py': 'c = 3\n',
      'd.py': 'd = 4\n',
    });
    const byFiles = await snapshotFromDirectory(dir, { limits: { maxFiles: 2, maxFileBytes: 50 } });
    expect(summarize(byFiles)).toEqual({
      source: dir,
      files: ['a.py', 'b.py'],
      paths: ['a.py', 'b.py', 'big.py', 'c.py', 'd.py'],
      notices: [
        ['too-many-files', undefined],
        ['file-too-large', 'big.py'],
      ],
    });
    expect(messagesOf(byFiles, 'too-many-files')).toEqual([
      'Only the first 2 files are reviewed, so 2 more files (starting with c.py) were not reviewed. ' +
        'Remove generated, vendored or data files from the repository, or raise the limit with --max-files.',
    ]);
    const byBytes = await snapshotFromDirectory(dir, { limits: { maxTotalBytes: 12, maxFileBytes: 50 } });
    expect(summarize(byBytes).files).toEqual(['a.py', 'b.py']);
    expect(messagesOf(byBytes, 'total-bytes-exceeded')).toEqual([
      'At most 12 bytes of files are reviewed in total, so 2 more files (starting with c.py) were not reviewed. ' +
        'Remove large generated or data files from the repository, or raise the limit with --max-total-bytes.',
    ]);
  });

  it('decodes non-UTF-8 files with replacement characters and strips a byte order mark', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, {
      'latin1.py': Uint8Array.from([...Buffer.from('# caf'), 0xe9, ...Buffer.from('\nprint("ok")\n')]),
      'bom.py': Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from('x = 1\n')]),
      'blob.dat': Uint8Array.from([1, 2, 0, 3]),
    });
    const snapshot = await snapshotFromDirectory(dir);
    expect(snapshot.files.get('latin1.py')).toEqual({ path: 'latin1.py', text: '# caf\uFFFD\nprint("ok")\n', bytes: 19 });
    expect(snapshot.files.get('bom.py')).toEqual({ path: 'bom.py', text: 'x = 1\n', bytes: 9 });
    expect(summarize(snapshot)).toEqual({
      source: dir,
      files: ['bom.py', 'latin1.py'],
      paths: ['blob.dat', 'bom.py', 'latin1.py'],
      notices: [
        ['binary-file', 'blob.dat'],
        ['not-utf8', 'latin1.py'],
      ],
    });
  });

  it('rejects a missing directory or a file with a clear SnapshotError', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, { 'file.py': 'x\n' });
    const missing = join(dir, 'nope');
    await expect(snapshotFromDirectory(missing)).rejects.toThrow(new SnapshotError(`No such directory: ${missing}`));
    await expect(snapshotFromDirectory(missing)).rejects.toBeInstanceOf(SnapshotError);
    const file = join(dir, 'file.py');
    await expect(snapshotFromDirectory(file)).rejects.toThrow(new SnapshotError(`Not a directory: ${file}`));
  });

  it('keeps `source` exactly as given', async () => {
    const dir = await makeTempDir();
    await writeTree(dir, { 'a.py': 'x\n' });
    const given = `${dir}/./`;
    expect((await snapshotFromDirectory(given)).source).toBe(given);
  });
});

describe('snapshotFromDirectory in a git work tree (tracked files)', () => {
  async function makeRepository(): Promise<string> {
    const dir = await makeTempDir();
    git(dir, 'init', '--quiet');
    await writeTree(dir, {
      '.gitignore': '.env\n',
      'app.py': 'import os\n',
      'src/tool/cli.py': 'def main(): ...\n',
      'build/keep.py': 'tracked on purpose\n',
      '.venv/pyvenv.cfg': 'home = /usr/bin\n',
      '.venv/lib/python3.12/site-packages/requests/__init__.py': 'x',
      'gone.py': 'deleted later\n',
      'link.py': { symlink: 'app.py' },
      loop: { symlink: 'loop' },
    });
    git(dir, 'add', '--force', '.');
    await rm(join(dir, 'gone.py'));
    await writeTree(dir, { '.env': 'TOKEN=abc\n', 'scratch.py': 'untracked\n', 'node_modules/x/index.js': 'untracked\n' });
    return dir;
  }

  it('reads only tracked files, keeps tracked links as paths and ignores tracked files missing from disk', async () => {
    const dir = await makeRepository();
    const snapshot = await snapshotFromDirectory(dir);
    expect(summarize(snapshot)).toEqual({
      source: dir,
      files: ['.gitignore', '.venv/pyvenv.cfg', 'app.py', 'build/keep.py', 'src/tool/cli.py'],
      paths: [
        '.gitignore',
        '.venv/lib/python3.12/site-packages/requests/__init__.py',
        '.venv/pyvenv.cfg',
        'app.py',
        'build/keep.py',
        'link.py',
        'loop',
        'src/tool/cli.py',
      ],
      notices: [
        ['vendored-skipped', undefined],
        ['symlink-skipped', 'link.py'],
        ['symlink-skipped', 'loop'],
      ],
    });
    expect(messagesOf(snapshot, 'symlink-skipped')[0]).toBe(
      'link.py is a symbolic link to app.py; links are not followed, so what it points to was not reviewed ' +
        'through this path. Commit the file itself if it should be reviewed here.',
    );
  });

  it('lists paths relative to a subdirectory of the work tree', async () => {
    const dir = await makeRepository();
    expect(summarize(await snapshotFromDirectory(join(dir, 'src')))).toEqual({
      source: join(dir, 'src'),
      files: ['tool/cli.py'],
      paths: ['tool/cli.py'],
      notices: [],
    });
  });

  it('walks an untracked folder inside a work tree, since git lists nothing there', async () => {
    const dir = await makeRepository();
    await writeTree(dir, { 'new-project/main.py': 'print(1)\n', 'new-project/__pycache__/main.pyc': 'x' });
    expect(summarize(await snapshotFromDirectory(join(dir, 'new-project'))).files).toEqual(['main.py']);
  });

  it('lists a submodule as one path without reading into it', async () => {
    const dir = await makeTempDir();
    git(dir, 'init', '--quiet');
    await writeTree(dir, { 'app.py': 'x\n', 'vendor/lib/lib.py': 'y\n' });
    // A gitlink entry is what `git submodule add` leaves in the index.
    const commit = '0123456789abcdef0123456789abcdef01234567';
    git(dir, 'add', 'app.py');
    git(dir, 'update-index', '--add', '--cacheinfo', `160000,${commit},vendor/lib`);
    const snapshot = await snapshotFromDirectory(dir);
    expect(summarize(snapshot)).toEqual({
      source: dir,
      files: ['app.py'],
      paths: ['app.py', 'vendor/lib'],
      notices: [['special-file', 'vendor/lib']],
    });
    expect(messagesOf(snapshot, 'special-file')).toEqual([
      'vendor/lib is a git submodule; its files belong to another repository and were not reviewed.',
    ]);
  });

  it('treats a folder with a broken .git as a plain directory', async () => {
    const dir = await makeTempDir();
    await mkdir(join(dir, '.git'));
    await writeTree(dir, { '.git/HEAD': 'garbage\n', 'app.py': 'x\n' });
    expect(summarize(await snapshotFromDirectory(dir)).files).toEqual(['app.py']);
  });
});

/**
 * Permission checks do not apply to root, so when the tests run as root the snapshot is taken in
 * a child process running as `nobody`. Returns the summary with each notice's message.
 */
async function snapshotAsUnprivilegedUser(dir: string): Promise<unknown> {
  const withMessages = (snapshot: Snapshot): unknown => ({
    ...summarize(snapshot),
    notices: snapshot.notices.map((notice) => [notice.kind, notice.path, notice.message]),
  });
  if (process.getuid?.() !== 0) return withMessages(await snapshotFromDirectory(dir));
  const moduleUrl = new URL('../../src/snapshot/index.ts', import.meta.url).href;
  const script = `
    const { snapshotFromDirectory } = await import(${JSON.stringify(moduleUrl)});
    const snapshot = await snapshotFromDirectory(${JSON.stringify(dir)});
    console.log(JSON.stringify({ ...snapshot, files: [...snapshot.files.keys()] }));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
  });
  const parsed = JSON.parse(output) as Omit<Snapshot, 'files'> & { files: string[] };
  return {
    source: parsed.source,
    files: parsed.files,
    paths: parsed.paths,
    notices: parsed.notices.map((notice) => [notice.kind, notice.path, notice.message]),
  };
}
