// Snapshot source for the CLI: reads a local directory. In a git work tree only tracked files
// count (what a commit would hold); elsewhere the directory is walked, leaving out virtualenvs,
// caches and build output. Links are never followed.

import { execFile } from 'node:child_process';
import type { Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { comparePaths, resolveLimits, SnapshotBuilder } from './builder.ts';
import { SnapshotError } from './error.ts';
import * as notices from './notices.ts';
import type { Snapshot, SnapshotLimits } from './snapshot.ts';

export interface DirectorySnapshotOptions {
  /** Overrides for `DEFAULT_LIMITS`. */
  limits?: Partial<SnapshotLimits>;
}

/** Folder names never walked into outside git: environments, caches, build output. */
const SKIPPED_FOLDER_NAMES: ReadonlySet<string> = new Set([
  '.git',
  'site-packages',
  'node_modules',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  'build',
  'dist',
]);

/** A file inside this marks a virtual environment, whatever the folder is called. */
const VIRTUALENV_MARKER = 'pyvenv.cfg';

/** Git settings and variables that would make `git ls-files` look at another repository or run code. */
const GIT_LOCATION_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_NAMESPACE'];
const GIT_LIST_OUTPUT_LIMIT = 256 * 1024 * 1024;

/** One thing found in the directory, before the builder decides what to read. */
type DirectoryEntry =
  | { path: string; type: 'file'; size: number }
  | { path: string; type: 'symlink' }
  | { path: string; type: 'special'; what: notices.SpecialFileKind }
  | { path: string; type: 'submodule' }
  | { path: string; type: 'unreadable'; code: string };

interface DirectoryListing {
  entries: DirectoryEntry[];
  /** Folders that could not be opened while walking. */
  unreadableFolders: { path: string; code: string }[];
}

/**
 * Reads the repository in `dir` into memory.
 * Throws `SnapshotError` when `dir` is missing or not a directory; every problem with a single
 * file becomes a notice instead.
 */
export async function snapshotFromDirectory(dir: string, options: DirectorySnapshotOptions = {}): Promise<Snapshot> {
  const builder = new SnapshotBuilder(resolveLimits(options.limits));
  await assertDirectory(dir);
  const tracked = await listTrackedPaths(dir);
  // An untracked folder inside some work tree has no tracked files; walking it is what the user meant.
  const listing = tracked !== undefined && tracked.length > 0 ? await describeTracked(dir, tracked) : await walk(dir);

  for (const { path, code } of listing.unreadableFolders) builder.addNotice(notices.unreadableDirectory(path, code));
  for (const entry of listing.entries.sort((left, right) => comparePaths(left.path, right.path))) {
    await addEntry(builder, dir, entry);
  }
  return builder.build(dir);
}

async function assertDirectory(dir: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await stat(dir);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new SnapshotError(`No such directory: ${dir}`, { cause: error });
    throw new SnapshotError(`The directory ${dir} could not be opened (${code ?? String(error)}).`, { cause: error });
  }
  if (!stats.isDirectory()) throw new SnapshotError(`Not a directory: ${dir}`);
}

/**
 * Paths tracked by git under `dir`, relative to `dir`; undefined when `dir` is not in a work tree.
 * Any git failure (git missing, "not a git repository", an ownership refusal) means: walk instead.
 */
async function listTrackedPaths(dir: string): Promise<string[] | undefined> {
  const environment = { ...process.env };
  for (const name of GIT_LOCATION_VARIABLES) delete environment[name];
  try {
    const { stdout } = await promisify(execFile)(
      'git',
      // A repository's own config could name an fsmonitor program; never run it.
      ['-c', 'core.fsmonitor=false', '-C', dir, 'ls-files', '-z', '--cached'],
      { encoding: 'utf8', maxBuffer: GIT_LIST_OUTPUT_LIMIT, env: environment },
    );
    // A path in a merge conflict is listed once per stage.
    return [...new Set(stdout.split('\0').filter((path) => path !== ''))];
  } catch {
    return undefined;
  }
}

async function describeTracked(dir: string, trackedPaths: string[]): Promise<DirectoryListing> {
  const entries: DirectoryEntry[] = [];
  for (const path of trackedPaths) {
    let stats: Stats;
    try {
      stats = await lstat(join(dir, path));
    } catch (error) {
      const code = errorCode(error);
      // Deleted in the work tree but still tracked: there is nothing to review.
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      entries.push({ path, type: 'unreadable', code: code ?? String(error) });
      continue;
    }
    // The only directory git tracks as one path is a submodule.
    entries.push(stats.isDirectory() ? { path, type: 'submodule' } : describeStats(path, stats));
  }
  return { entries, unreadableFolders: [] };
}

/** Walks `dir` with an explicit stack, so depth costs memory, never call-stack frames. */
async function walk(dir: string): Promise<DirectoryListing> {
  const entries: DirectoryEntry[] = [];
  const unreadableFolders: DirectoryListing['unreadableFolders'] = [];
  const pendingFolders = [''];
  for (let folder = pendingFolders.pop(); folder !== undefined; folder = pendingFolders.pop()) {
    let names: string[];
    try {
      names = await readdir(join(dir, folder));
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') continue;
      if (folder === '') throw new SnapshotError(`The directory ${dir} could not be read (${code ?? String(error)}).`, { cause: error });
      unreadableFolders.push({ path: folder, code: code ?? String(error) });
      continue;
    }
    if (folder !== '' && names.includes(VIRTUALENV_MARKER)) continue;
    for (const name of names) {
      const path = folder === '' ? name : `${folder}/${name}`;
      let stats: Stats;
      try {
        stats = await lstat(join(dir, path));
      } catch (error) {
        const code = errorCode(error);
        if (code === 'ENOENT') continue;
        entries.push({ path, type: 'unreadable', code: code ?? String(error) });
        continue;
      }
      if (stats.isDirectory()) {
        if (!isSkippedFolder(name)) pendingFolders.push(path);
      } else if (name !== '.git') {
        // `.git` as a file is a worktree's or submodule's pointer to its repository.
        entries.push(describeStats(path, stats));
      }
    }
  }
  return { entries, unreadableFolders };
}

function isSkippedFolder(name: string): boolean {
  return SKIPPED_FOLDER_NAMES.has(name) || name.endsWith('.egg-info');
}

function describeStats(path: string, stats: Stats): DirectoryEntry {
  if (stats.isFile()) return { path, type: 'file', size: stats.size };
  if (stats.isSymbolicLink()) return { path, type: 'symlink' };
  if (stats.isFIFO()) return { path, type: 'special', what: 'fifo' };
  if (stats.isSocket()) return { path, type: 'special', what: 'socket' };
  if (stats.isCharacterDevice()) return { path, type: 'special', what: 'character device' };
  if (stats.isBlockDevice()) return { path, type: 'special', what: 'block device' };
  return { path, type: 'special', what: 'unknown entry' };
}

async function addEntry(builder: SnapshotBuilder, dir: string, entry: DirectoryEntry): Promise<void> {
  const { path } = entry;
  switch (entry.type) {
    case 'file': {
      if (!builder.admit(path, entry.size)) return;
      let bytes: Uint8Array;
      try {
        bytes = await readFile(join(dir, path));
      } catch (error) {
        builder.addNotice(notices.unreadableFile(path, errorCode(error) ?? String(error)));
        return;
      }
      builder.addContent(path, bytes);
      return;
    }
    case 'symlink': {
      const target = await readlink(join(dir, path)).catch(() => undefined);
      builder.recordPath(path, notices.symlinkSkipped(path, target));
      return;
    }
    case 'special':
      builder.recordPath(path, notices.specialFile(path, entry.what));
      return;
    case 'submodule':
      builder.recordPath(path, notices.submodule(path));
      return;
    case 'unreadable':
      builder.recordPath(path, notices.unreadableFile(path, entry.code));
      return;
  }
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
