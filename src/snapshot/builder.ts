// Collects the files of one repository into a Snapshot, applying the size limits and decoding
// text. Shared by the directory source (CLI) and the tarball source (GitHub App) so that the same
// commit yields the same snapshot whichever way it was read.

import { decodeContent } from './decode.ts';
import { SnapshotError } from './error.ts';
import * as notices from './notices.ts';
import type { VendoredFolderName } from './notices.ts';
import { DEFAULT_LIMITS } from './snapshot.ts';
import type { Notice, NoticeKind, Snapshot, SnapshotFile, SnapshotLimits } from './snapshot.ts';

/** Fills in defaults and rejects limits that are not whole, non-negative numbers. */
export function resolveLimits(overrides: Partial<SnapshotLimits> = {}): SnapshotLimits {
  const limits: SnapshotLimits = {
    maxFileBytes: overrides.maxFileBytes ?? DEFAULT_LIMITS.maxFileBytes,
    maxFiles: overrides.maxFiles ?? DEFAULT_LIMITS.maxFiles,
    maxTotalBytes: overrides.maxTotalBytes ?? DEFAULT_LIMITS.maxTotalBytes,
  };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SnapshotError(`The snapshot limit ${name} must be a whole number of 0 or more, not ${String(value)}.`);
    }
  }
  return limits;
}

/** One total order for repository paths (UTF-16 code units), so output never depends on the source's order. */
export function comparePaths(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

/** Notices without a path first (they speak about the whole review), in this order. */
const NOTICE_ORDER = {
  'archive-too-large': 0,
  'archive-invalid': 1,
  'too-many-files': 2,
  'total-bytes-exceeded': 3,
  'vendored-skipped': 4,
  'unsafe-path': 5,
  unreadable: 6,
  'file-too-large': 7,
  'binary-file': 8,
  'not-utf8': 9,
  'symlink-skipped': 10,
  'special-file': 11,
  'syntax-too-deep': 12,
} satisfies Record<NoticeKind, number>;

interface SkippedFiles {
  count: number;
  first: string;
}

interface VendoredFiles {
  count: number;
  /** Every folder of this name that held a file, to name the first one in sorted order. */
  folders: Set<string>;
}

/**
 * Accumulates one snapshot. Sources call, per repository path:
 * - `admit(path, size)` for a regular file, then `addContent(path, bytes)` if it returned true;
 * - `recordPath(path, notice)` for anything that exists but is not read (link, special file, …).
 * Limits are checked in the order files arrive: `maxFiles` and `maxTotalBytes` count every file
 * whose content is read, text or binary, so the work done stays bounded.
 */
export class SnapshotBuilder {
  readonly limits: SnapshotLimits;
  private readonly paths = new Set<string>();
  private readonly files = new Map<string, SnapshotFile>();
  private readonly notices: Notice[] = [];
  private filesAdmitted = 0;
  private bytesAdmitted = 0;
  private tooManyFiles: SkippedFiles | undefined;
  private totalBytesExceeded: SkippedFiles | undefined;
  private readonly vendored = new Map<VendoredFolderName, VendoredFiles>();

  constructor(limits: SnapshotLimits) {
    this.limits = limits;
  }

  /** True when `path` was already seen; an archive can list one path twice. */
  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** Adds a notice about the input as a whole, or about a path that is not recorded. */
  addNotice(notice: Notice): void {
    this.notices.push(notice);
  }

  /** Records a path that exists but is not read, with the notice explaining why. */
  recordPath(path: string, notice?: Notice): void {
    if (!this.claim(path)) return;
    if (this.countVendored(path)) return;
    if (notice !== undefined) this.notices.push(notice);
  }

  /** Records a regular file of `size` bytes and says whether its content should be read. */
  admit(path: string, size: number): boolean {
    if (!this.claim(path)) return false;
    if (this.countVendored(path)) return false;
    const { maxFileBytes, maxFiles, maxTotalBytes } = this.limits;
    if (size > maxFileBytes) {
      this.notices.push(notices.fileTooLarge(path, size, maxFileBytes));
      return false;
    }
    if (this.filesAdmitted >= maxFiles) {
      this.tooManyFiles = countSkipped(this.tooManyFiles, path);
      return false;
    }
    if (this.bytesAdmitted + size > maxTotalBytes) {
      this.totalBytesExceeded = countSkipped(this.totalBytesExceeded, path);
      return false;
    }
    this.filesAdmitted += 1;
    this.bytesAdmitted += size;
    return true;
  }

  /** Adds the content of a file that `admit` accepted. */
  addContent(path: string, bytes: Uint8Array): void {
    const decoded = decodeContent(bytes);
    switch (decoded.kind) {
      case 'binary':
        this.notices.push(notices.binaryFile(path));
        return;
      case 'utf16':
        this.notices.push(notices.utf16(path));
        break;
      case 'not-utf8':
        this.notices.push(notices.notUtf8(path, decoded.line));
        break;
      case 'text':
        break;
    }
    this.files.set(path, { path, text: decoded.text, bytes: bytes.length });
  }

  build(source: string): Snapshot {
    const summaries: Notice[] = [];
    if (this.tooManyFiles !== undefined) {
      const { count, first } = this.tooManyFiles;
      summaries.push(notices.tooManyFiles(count, first, this.limits.maxFiles));
    }
    if (this.totalBytesExceeded !== undefined) {
      const { count, first } = this.totalBytesExceeded;
      summaries.push(notices.totalBytesExceeded(count, first, this.limits.maxTotalBytes));
    }
    for (const [name, { count, folders }] of this.vendored) {
      const firstFolder = [...folders].sort(comparePaths)[0] ?? name;
      summaries.push(notices.vendoredSkipped(name, firstFolder, count));
    }
    const sortedPaths = [...this.paths].sort(comparePaths);
    const files = new Map<string, SnapshotFile>();
    for (const path of sortedPaths) {
      const file = this.files.get(path);
      if (file !== undefined) files.set(path, file);
    }
    return { source, files, paths: sortedPaths, notices: sortNotices([...this.notices, ...summaries]) };
  }

  private claim(path: string): boolean {
    if (this.paths.has(path)) {
      this.notices.push(notices.duplicateEntry(path));
      return false;
    }
    this.paths.add(path);
    return true;
  }

  /**
   * Files under installed-package or cache folders are listed (repository rules report that they
   * were committed) but not read: a committed virtual environment would otherwise use up the
   * file limits before the learner's own code, which sorts after `.venv/`.
   */
  private countVendored(path: string): boolean {
    const segments = path.split('/');
    const folderIndex = segments.slice(0, -1).findIndex((segment) => isVendoredFolderName(segment));
    if (folderIndex === -1) return false;
    const name = segments[folderIndex] as VendoredFolderName;
    const entry = this.vendored.get(name) ?? { count: 0, folders: new Set<string>() };
    entry.count += 1;
    entry.folders.add(segments.slice(0, folderIndex + 1).join('/'));
    this.vendored.set(name, entry);
    return true;
  }
}

function isVendoredFolderName(segment: string): segment is VendoredFolderName {
  return notices.VENDORED_FOLDER_NAMES.has(segment);
}

function countSkipped(skipped: SkippedFiles | undefined, path: string): SkippedFiles {
  return skipped === undefined ? { count: 1, first: path } : { count: skipped.count + 1, first: skipped.first };
}

function sortNotices(unsorted: Notice[]): Notice[] {
  return unsorted.sort((left, right) => {
    if (left.path === undefined || right.path === undefined) {
      if (left.path !== right.path) return left.path === undefined ? -1 : 1;
      return NOTICE_ORDER[left.kind] - NOTICE_ORDER[right.kind];
    }
    return comparePaths(left.path, right.path) || NOTICE_ORDER[left.kind] - NOTICE_ORDER[right.kind];
  });
}
