// The shared snapshot builder: limits, their summarising notices, vendored folders, ordering.

import { describe, expect, it } from 'vitest';
import { resolveLimits, SnapshotBuilder } from '../../src/snapshot/builder.ts';
import { formatBytes } from '../../src/snapshot/notices.ts';
import { DEFAULT_LIMITS, SnapshotError } from '../../src/snapshot/index.ts';
import type { SnapshotLimits } from '../../src/snapshot/index.ts';
import { messagesOf, summarize } from './helpers.ts';

const text = (content: string): Uint8Array => new TextEncoder().encode(content);

function builderWith(limits: Partial<SnapshotLimits>): SnapshotBuilder {
  return new SnapshotBuilder(resolveLimits(limits));
}

/** Offers each file to the builder the way a source does: admit, then read if admitted. */
function offer(builder: SnapshotBuilder, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const bytes = text(content);
    if (builder.admit(path, bytes.length)) builder.addContent(path, bytes);
  }
}

describe('resolveLimits', () => {
  it('fills in the defaults', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(resolveLimits({ maxFiles: 3, maxFileBytes: undefined })).toEqual({ ...DEFAULT_LIMITS, maxFiles: 3 });
  });

  it('rejects limits that are not whole numbers of 0 or more', () => {
    expect(() => resolveLimits({ maxFileBytes: -1 })).toThrow(
      new SnapshotError('The snapshot limit maxFileBytes must be a whole number of 0 or more, not -1.'),
    );
    expect(() => resolveLimits({ maxTotalBytes: Number.NaN })).toThrow(
      'The snapshot limit maxTotalBytes must be a whole number of 0 or more, not NaN.',
    );
    expect(() => resolveLimits({ maxFiles: 1.5 })).toThrow(SnapshotError);
  });
});

describe('SnapshotBuilder limits', () => {
  it('reads a file of exactly maxFileBytes and lists a larger one without reading it', () => {
    const builder = builderWith({ maxFileBytes: 4 });
    offer(builder, { 'a.py': 'abcd', 'big.py': 'abcde' });
    const snapshot = builder.build('here');
    expect(summarize(snapshot)).toEqual({
      source: 'here',
      files: ['a.py'],
      paths: ['a.py', 'big.py'],
      notices: [['file-too-large', 'big.py']],
    });
    expect(messagesOf(snapshot, 'file-too-large')).toEqual([
      'big.py is 5 bytes, over the 4 bytes limit, so it was not reviewed. Large generated or data files do not ' +
        'belong in the repository; raise the limit with --max-file-bytes if it is real code.',
    ]);
  });

  it('words megabyte sizes the way the learner reads them', () => {
    const builder = builderWith({});
    expect(builder.admit('src/big.py', 5_452_595)).toBe(false);
    expect(builder.build('here').notices[0]?.message).toBe(
      'src/big.py is 5.2 MB, over the 1 MB limit, so it was not reviewed. Large generated or data files do not ' +
        'belong in the repository; raise the limit with --max-file-bytes if it is real code.',
    );
  });

  it('reads maxFiles files and summarises all later ones in one notice with their count', () => {
    const builder = builderWith({ maxFiles: 2 });
    offer(builder, { 'a.py': 'a', 'b.py': 'b', 'c.py': 'c', 'd.py': 'd', 'e.py': 'e' });
    const snapshot = builder.build('here');
    expect(summarize(snapshot)).toEqual({
      source: 'here',
      files: ['a.py', 'b.py'],
      paths: ['a.py', 'b.py', 'c.py', 'd.py', 'e.py'],
      notices: [['too-many-files', undefined]],
    });
    expect(messagesOf(snapshot, 'too-many-files')).toEqual([
      'Only the first 2 files are reviewed, so 3 more files (starting with c.py) were not reviewed. ' +
        'Remove generated, vendored or data files from the repository, or raise the limit with --max-files.',
    ]);
  });

  it('counts binary files against maxFiles, since their bytes were read', () => {
    const builder = builderWith({ maxFiles: 1 });
    offer(builder, { 'a.bin': 'x\0y', 'b.py': 'b' });
    expect(summarize(builder.build('here')).notices).toEqual([
      ['too-many-files', undefined],
      ['binary-file', 'a.bin'],
    ]);
  });

  it('skips files that would pass maxTotalBytes but still reads later ones that fit', () => {
    const builder = builderWith({ maxTotalBytes: 10 });
    offer(builder, { 'a.py': '123456', 'b.py': '123456', 'c.py': '1234', 'd.py': '1' });
    const snapshot = builder.build('here');
    expect(summarize(snapshot)).toEqual({
      source: 'here',
      files: ['a.py', 'c.py'],
      paths: ['a.py', 'b.py', 'c.py', 'd.py'],
      notices: [['total-bytes-exceeded', undefined]],
    });
    expect(messagesOf(snapshot, 'total-bytes-exceeded')).toEqual([
      'At most 10 bytes of files are reviewed in total, so 2 more files (starting with b.py) were not reviewed. ' +
        'Remove large generated or data files from the repository, or raise the limit with --max-total-bytes.',
    ]);
  });

  it('gives one summary per limit even when both limits are hit', () => {
    const builder = builderWith({ maxFiles: 2, maxTotalBytes: 3 });
    offer(builder, { 'a.py': '12', 'b.py': '12', 'c.py': '1', 'd.py': '1', 'e.py': '1' });
    expect(summarize(builder.build('here'))).toEqual({
      source: 'here',
      files: ['a.py', 'c.py'],
      paths: ['a.py', 'b.py', 'c.py', 'd.py', 'e.py'],
      notices: [
        ['too-many-files', undefined],
        ['total-bytes-exceeded', undefined],
      ],
    });
  });
});

describe('SnapshotBuilder content', () => {
  it('keeps non-UTF-8 files as text with replacement characters and a notice naming the line', () => {
    const builder = builderWith({});
    const latin1 = Uint8Array.from([...text('x = 1\n# caf'), 0xe9, 0x0a]);
    builder.admit('latin1.py', latin1.length);
    builder.addContent('latin1.py', latin1);
    const snapshot = builder.build('here');
    expect(snapshot.files.get('latin1.py')).toEqual({ path: 'latin1.py', text: 'x = 1\n# caf\uFFFD\n', bytes: 13 });
    expect(snapshot.notices).toEqual([
      {
        kind: 'not-utf8',
        path: 'latin1.py',
        message:
          'latin1.py is not valid UTF-8 (the first bad byte is on line 2), so it was reviewed with the unreadable ' +
          'bytes shown as \uFFFD. Python 3 reads source files as UTF-8: reopen it in your editor and save it with ' +
          'the UTF-8 encoding.',
      },
    ]);
  });

  it('lists binary files without text, explaining NUL bytes in a .py file', () => {
    const builder = builderWith({});
    offer(builder, { 'logo.png': '\x89PNG\0\0', 'tool.py': 'print(1)\0' });
    const snapshot = builder.build('here');
    expect(summarize(snapshot)).toEqual({
      source: 'here',
      files: [],
      paths: ['logo.png', 'tool.py'],
      notices: [
        ['binary-file', 'logo.png'],
        ['binary-file', 'tool.py'],
      ],
    });
    expect(messagesOf(snapshot, 'binary-file')).toEqual([
      'logo.png is a binary file, so it was not reviewed.',
      'tool.py contains NUL bytes, so it was treated as a binary file and not reviewed. Text files cannot contain ' +
        'NUL bytes (Python refuses to run such a file); open it in your editor, remove them or save it again as ' +
        'UTF-8, and commit it again.',
    ]);
  });

  it('records the size in bytes including a stripped byte order mark', () => {
    const builder = builderWith({});
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...text('x = 1\n')]);
    builder.admit('bom.py', withBom.length);
    builder.addContent('bom.py', withBom);
    expect(builder.build('here').files.get('bom.py')).toEqual({ path: 'bom.py', text: 'x = 1\n', bytes: 9 });
  });
});

describe('SnapshotBuilder vendored folders', () => {
  it('lists committed packages and caches but does not read them or spend limits on them', () => {
    const builder = builderWith({ maxFiles: 2 });
    offer(builder, {
      '.venv/pyvenv.cfg': 'home = /usr/bin\n',
      '.venv/lib/python3.12/site-packages/requests/__init__.py': 'x',
      '.venv/lib/python3.12/site-packages/requests/api.py': 'x',
      'lib/site-packages/six.py': 'x',
      'src/__pycache__/app.cpython-312.pyc': 'x',
      'src/app.py': 'x',
    });
    builder.recordPath('.venv/lib/python3.12/site-packages/bin/tool', undefined);
    const snapshot = builder.build('here');
    expect(summarize(snapshot)).toEqual({
      source: 'here',
      files: ['.venv/pyvenv.cfg', 'src/app.py'],
      paths: [
        '.venv/lib/python3.12/site-packages/bin/tool',
        '.venv/lib/python3.12/site-packages/requests/__init__.py',
        '.venv/lib/python3.12/site-packages/requests/api.py',
        '.venv/pyvenv.cfg',
        'lib/site-packages/six.py',
        'src/__pycache__/app.cpython-312.pyc',
        'src/app.py',
      ],
      notices: [
        ['vendored-skipped', undefined],
        ['vendored-skipped', undefined],
      ],
    });
    expect(messagesOf(snapshot, 'vendored-skipped')).toEqual([
      '4 committed files under site-packages/ (such as .venv/lib/python3.12/site-packages/) are installed Python ' +
        'packages, usually from a committed virtual environment, so they were not reviewed. Generated files do not ' +
        'belong in git: remove them with "git rm -r --cached .venv/lib/python3.12/site-packages" and add ' +
        'site-packages/ to .gitignore.',
      '1 committed file under __pycache__/ (such as src/__pycache__/) is compiled Python bytecode, so it was not ' +
        'reviewed. Generated files do not belong in git: remove them with "git rm -r --cached src/__pycache__" and ' +
        'add __pycache__/ to .gitignore.',
    ]);
  });

  it('does not treat a file named like a vendored folder as vendored', () => {
    const builder = builderWith({});
    offer(builder, { 'docs/node_modules': 'x', '__pycache__': 'y' });
    expect(summarize(builder.build('here')).files).toEqual(['__pycache__', 'docs/node_modules']);
  });
});

describe('SnapshotBuilder ordering', () => {
  it('sorts paths, files and notices whatever order the source delivered them in', () => {
    const builder = builderWith({ maxFileBytes: 1 });
    offer(builder, { 'z.py': 'z', 'b/big.py': 'big', 'a.py': 'a', 'B.py': 'B' });
    const snapshot = builder.build('here');
    expect(summarize(snapshot)).toEqual({
      source: 'here',
      files: ['B.py', 'a.py', 'z.py'],
      paths: ['B.py', 'a.py', 'b/big.py', 'z.py'],
      notices: [['file-too-large', 'b/big.py']],
    });
  });

  it('keeps the first copy of a path that arrives twice and says so', () => {
    const builder = builderWith({});
    offer(builder, { 'a.py': 'first' });
    expect(builder.admit('a.py', 6)).toBe(false);
    const snapshot = builder.build('here');
    expect(snapshot.files.get('a.py')?.text).toBe('first');
    expect(snapshot.notices).toEqual([
      {
        kind: 'archive-invalid',
        path: 'a.py',
        message: 'a.py appears more than once in the repository archive; only the first copy was reviewed.',
      },
    ]);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [1023, '1023 bytes'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [1024 * 1024, '1 MB'],
    [5_452_595, '5.2 MB'],
    [256 * 1024 * 1024, '256 MB'],
    [3 * 1024 ** 3, '3 GB'],
  ])('%d bytes → %s', (value, expected) => {
    expect(formatBytes(value)).toBe(expected);
  });
});
