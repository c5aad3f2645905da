// Public surface of the snapshot stage, the first step of the review pipeline: a repository's
// files in memory, read from a local directory (CLI) or a GitHub tarball (GitHub App).

export type { Notice, NoticeKind, Snapshot, SnapshotFile, SnapshotLimits } from './snapshot.ts';
export { DEFAULT_LIMITS } from './snapshot.ts';
export { SnapshotError } from './error.ts';
export { snapshotFromDirectory } from './from-directory.ts';
export type { DirectorySnapshotOptions } from './from-directory.ts';
export { DEFAULT_MAX_UNCOMPRESSED_BYTES, snapshotFromTarball } from './from-tarball.ts';
export type { TarballSnapshotOptions } from './from-tarball.ts';
