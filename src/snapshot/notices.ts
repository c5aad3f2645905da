// Learner-facing text for everything the snapshot stage skips or changes, kept in one place so
// the directory and tarball sources word the same situation the same way.

import type { Notice } from './snapshot.ts';

/** Sizes as a learner reads them: "5.2 MB", "1 MB", "600 bytes" (1 KB = 1024 bytes). */
export function formatBytes(bytes: number): string {
  const units = ['KB', 'MB', 'GB'] as const;
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit: (typeof units)[number] = 'KB';
  for (const next of units.slice(1)) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  const rounded = value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(/\.0$/, '');
  return `${rounded} ${unit}`;
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

export function fileTooLarge(path: string, bytes: number, maxFileBytes: number): Notice {
  return {
    kind: 'file-too-large',
    path,
    message:
      `${path} is ${formatBytes(bytes)}, over the ${formatBytes(maxFileBytes)} limit, so it was not reviewed. ` +
      'Large generated or data files do not belong in the repository; ' +
      'raise the limit with --max-file-bytes if it is real code.',
  };
}

export function tooManyFiles(skipped: number, firstSkipped: string, maxFiles: number): Notice {
  return {
    kind: 'too-many-files',
    message:
      `Only the first ${plural(maxFiles, 'file')} are reviewed, so ${plural(skipped, 'more file')} ` +
      `(starting with ${firstSkipped}) were not reviewed. ` +
      'Remove generated, vendored or data files from the repository, or raise the limit with --max-files.',
  };
}

export function totalBytesExceeded(skipped: number, firstSkipped: string, maxTotalBytes: number): Notice {
  return {
    kind: 'total-bytes-exceeded',
    message:
      `At most ${formatBytes(maxTotalBytes)} of files are reviewed in total, so ${plural(skipped, 'more file')} ` +
      `(starting with ${firstSkipped}) were not reviewed. ` +
      'Remove large generated or data files from the repository, or raise the limit with --max-total-bytes.',
  };
}

/** File types a learner means as text; a NUL byte in one of these is damage worth explaining. */
const TEXT_EXTENSIONS = ['.py', '.pyi', '.txt', '.md', '.rst', '.toml', '.cfg', '.ini', '.yml', '.yaml', '.json', '.sh'];

export function binaryFile(path: string): Notice {
  const meantAsText = TEXT_EXTENSIONS.some((extension) => path.toLowerCase().endsWith(extension));
  return {
    kind: 'binary-file',
    path,
    message: meantAsText
      ? `${path} contains NUL bytes, so it was treated as a binary file and not reviewed. ` +
        'Text files cannot contain NUL bytes (Python refuses to run such a file); ' +
        'open it in your editor, remove them or save it again as UTF-8, and commit it again.'
      : `${path} is a binary file, so it was not reviewed.`,
  };
}

export function notUtf8(path: string, line: number): Notice {
  return {
    kind: 'not-utf8',
    path,
    message:
      `${path} is not valid UTF-8 (the first bad byte is on line ${line}), so it was reviewed with ` +
      'the unreadable bytes shown as \uFFFD. Python 3 reads source files as UTF-8: ' +
      'reopen it in your editor and save it with the UTF-8 encoding.',
  };
}

export function utf16(path: string): Notice {
  return {
    kind: 'not-utf8',
    path,
    message:
      `${path} is saved as UTF-16; it was converted for the review, but Python and pip expect UTF-8. ` +
      'Save it again as UTF-8 (in PowerShell, ">" writes UTF-16: use "| Out-File -Encoding utf8" instead).',
  };
}

export function symlinkSkipped(path: string, target: string | undefined): Notice {
  const pointsTo = target === undefined ? '' : ` to ${target}`;
  return {
    kind: 'symlink-skipped',
    path,
    message:
      `${path} is a symbolic link${pointsTo}; links are not followed, so what it points to was not reviewed ` +
      'through this path. Commit the file itself if it should be reviewed here.',
  };
}

export function hardlinkSkipped(path: string, target: string | undefined): Notice {
  const pointsTo = target === undefined ? '' : ` to ${target}`;
  return {
    kind: 'symlink-skipped',
    path,
    message: `${path} is a hard link${pointsTo} in the repository archive; links are not followed, so it was not reviewed.`,
  };
}

/** What kind of non-regular file a path is, in words. */
export type SpecialFileKind = 'fifo' | 'socket' | 'character device' | 'block device' | 'unknown entry';

export function specialFile(path: string, what: SpecialFileKind): Notice {
  const article = what === 'unknown entry' ? 'an' : 'a';
  return {
    kind: 'special-file',
    path,
    message: `${path} is ${article} ${what}, not a regular file, so it was not reviewed. Only regular files belong in a repository.`,
  };
}

export function submodule(path: string): Notice {
  return {
    kind: 'special-file',
    path,
    message: `${path} is a git submodule; its files belong to another repository and were not reviewed.`,
  };
}

export function unreadableFile(path: string, code: string): Notice {
  return {
    kind: 'unreadable',
    path,
    message: `${path} could not be read (${code}), so it was not reviewed. Check its file permissions.`,
  };
}

export function unreadableDirectory(path: string, code: string): Notice {
  return {
    kind: 'unreadable',
    path,
    message: `The folder ${path}/ could not be opened (${code}), so nothing inside it was reviewed. Check its permissions.`,
  };
}

/** Why an archive entry name cannot be placed inside the repository. */
export type UnsafePathReason = 'absolute' | 'parent-segment' | 'outside-top-folder';

export function unsafePath(entryName: string, reason: UnsafePathReason): Notice {
  const why = {
    absolute: 'it is an absolute path',
    'parent-segment': 'it climbs out of the repository with ".."',
    'outside-top-folder': 'it is not inside the archive\'s top folder',
  } satisfies Record<UnsafePathReason, string>;
  return {
    kind: 'unsafe-path',
    message: `The archive entry "${entryName}" was ignored because ${why[reason]}.`,
  };
}

export function duplicateEntry(path: string): Notice {
  return {
    kind: 'archive-invalid',
    path,
    message: `${path} appears more than once in the repository archive; only the first copy was reviewed.`,
  };
}

export function archiveTooLarge(maxUncompressedBytes: number): Notice {
  return {
    kind: 'archive-too-large',
    message:
      `The repository archive unpacks to more than ${formatBytes(maxUncompressedBytes)}, so reading stopped there ` +
      'and this review is partial: files later in the archive were not reviewed. ' +
      'Remove large generated or data files from the repository.',
  };
}

/** What a vendored folder holds, by folder name: the words the learner sees. */
const VENDORED_CONTENTS = {
  'site-packages': 'installed Python packages, usually from a committed virtual environment',
  node_modules: 'installed Node.js packages',
  __pycache__: 'compiled Python bytecode',
  '.tox': 'tox test environments',
  '.nox': 'nox test environments',
  '.mypy_cache': 'mypy cache data',
  '.pytest_cache': 'pytest cache data',
  '.ruff_cache': 'ruff cache data',
} as const;

export type VendoredFolderName = keyof typeof VENDORED_CONTENTS;

export const VENDORED_FOLDER_NAMES: ReadonlySet<string> = new Set(Object.keys(VENDORED_CONTENTS));

export function vendoredSkipped(folder: VendoredFolderName, firstFolder: string, files: number): Notice {
  return {
    kind: 'vendored-skipped',
    message:
      `${plural(files, 'committed file')} under ${folder}/ (such as ${firstFolder}/) ` +
      `${files === 1 ? 'is' : 'are'} ${VENDORED_CONTENTS[folder]}, so ${files === 1 ? 'it was' : 'they were'} not reviewed. ` +
      `Generated files do not belong in git: remove them with "git rm -r --cached ${firstFolder}" ` +
      `and add ${folder}/ to .gitignore.`,
  };
}
