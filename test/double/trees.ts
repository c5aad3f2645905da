// File trees of the GitHub double's commits: fixture folders read from disk (symbolic links kept as
// links, like git), overlaid to make later commits, with git's blob and commit ids so tarballs,
// the contents API and pull-request files all describe the same bytes.

import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURE_REPOS = path.join(ROOT, 'fixtures/repos');

export interface TreeEntry {
  kind: 'file' | 'symlink';
  /** File bytes, or the link target for a symbolic link. */
  content: Buffer;
  executable: boolean;
}

/** Paths (slash-separated, relative to the repository root) to entries. */
export type FileTree = ReadonlyMap<string, TreeEntry>;

const fixtureCache = new Map<string, FileTree>();

/** The files of `fixtures/repos/<name>` (or any folder), read once and shared. */
export function fixtureTree(nameOrFolder: string): FileTree {
  const folder = path.isAbsolute(nameOrFolder) ? nameOrFolder : path.join(FIXTURE_REPOS, nameOrFolder);
  const cached = fixtureCache.get(folder);
  if (cached) return cached;
  const tree = new Map<string, TreeEntry>();
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(folder, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const absolute = path.join(folder, child);
      if (entry.isSymbolicLink()) {
        tree.set(child, { kind: 'symlink', content: Buffer.from(readlinkSync(absolute)), executable: false });
      } else if (entry.isDirectory()) {
        walk(child);
      } else if (entry.isFile()) {
        tree.set(child, { kind: 'file', content: readFileSync(absolute), executable: (lstatSync(absolute).mode & 0o111) !== 0 });
      }
    }
  };
  walk('');
  fixtureCache.set(folder, tree);
  return tree;
}

/** A tree from text files, for small hand-made commits. */
export function textTree(files: Record<string, string>): FileTree {
  return new Map(Object.entries(files).map(([file, text]) => [file, { kind: 'file', content: Buffer.from(text), executable: false }]));
}

/** `base` with `changes` applied: entries replace, `null` deletes. */
export function overlay(base: FileTree, ...changes: (FileTree | Record<string, string | null>)[]): FileTree {
  const tree = new Map(base);
  for (const change of changes) {
    const entries: [string, TreeEntry | string | null][] = change instanceof Map ? [...(change as FileTree).entries()] : Object.entries(change as Record<string, string | null>);
    for (const [file, entry] of entries) {
      if (entry === null) tree.delete(file);
      else if (typeof entry === 'string') tree.set(file, { kind: 'file', content: Buffer.from(entry), executable: false });
      else tree.set(file, entry);
    }
  }
  return new Map([...tree.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** git's blob id: sha1 of `blob <size>\0<content>`. */
export function blobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

/** A commit id that changes with the tree, the parent and the message, like git's. */
export function commitSha(tree: FileTree, parent: string | undefined, message: string, salt: string): string {
  const hash = createHash('sha1');
  for (const [file, entry] of tree) hash.update(`${entry.kind} ${entry.executable ? 755 : 644} ${file} ${blobSha(entry.content)}\n`);
  hash.update(`parent ${parent ?? ''}\nmessage ${message}\nsalt ${salt}\n`);
  return hash.digest('hex');
}

/** Whether the bytes look like text to git (no NUL in the first 8,000 bytes). */
export function isText(content: Buffer): boolean {
  return !content.subarray(0, 8000).includes(0);
}
