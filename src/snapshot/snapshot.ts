// Snapshot: the files of a repository at one moment, held in memory.
// First stage of the pipeline; filled from a local directory (CLI) or a tarball (GitHub App).

/** Why a path was skipped or changed while the snapshot was taken. Learner-facing text lives in `message`. */
export type NoticeKind =
  | 'file-too-large'
  | 'too-many-files'
  | 'total-bytes-exceeded'
  | 'binary-file'
  | 'not-utf8'
  | 'symlink-skipped'
  | 'unsafe-path'
  | 'special-file'
  | 'unreadable'
  | 'archive-too-large'
  | 'archive-invalid'
  | 'syntax-too-deep'
  /** Committed installed packages or tool caches (`site-packages/`, `__pycache__/`, …): listed in `paths`, not read. */
  | 'vendored-skipped';

export interface Notice {
  kind: NoticeKind;
  /** Repository-relative POSIX path, when the notice is about one file. */
  path?: string;
  message: string;
}

export interface SnapshotFile {
  /** Repository-relative POSIX path, no leading `./` or `/`. */
  path: string;
  /** Decoded text (UTF-8, invalid sequences replaced with U+FFFD). */
  text: string;
  /** Size on disk or in the archive, in bytes. */
  bytes: number;
}

export interface Snapshot {
  /** Human label of where the files came from: a directory path or `owner/repo@sha`. */
  source: string;
  /** Text files that were read, by path. */
  files: ReadonlyMap<string, SnapshotFile>;
  /**
   * Every path that exists in the repository, including skipped binary or oversized files,
   * so repository-level rules can still see that e.g. `.venv/` or `.env` was committed.
   */
  paths: readonly string[];
  notices: readonly Notice[];
}

export interface SnapshotLimits {
  /** Largest single file that is read, in bytes. */
  maxFileBytes: number;
  /** Most files read; later files are skipped with one notice. */
  maxFiles: number;
  /** Most bytes read across all files. */
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: SnapshotLimits = {
  maxFileBytes: 1024 * 1024,
  maxFiles: 5000,
  maxTotalBytes: 64 * 1024 * 1024,
};
