// Test helpers for the snapshot stage: temporary directories and git repositories, real tar/gzip
// archives built in memory, and a compact view of a Snapshot for exact assertions.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { Header } from 'tar-stream';
import { afterEach } from 'vitest';
import type { NoticeKind, Snapshot } from '../../src/snapshot/index.ts';

/** Returns a function that makes a fresh temporary directory, removed after each test. */
export function useTempDirs(): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opsgrade-snapshot-'));
    made.push(dir);
    return dir;
  };
}

/** Writes files (string or bytes) and symlinks (`{ symlink: target }`) under `root`. */
export async function writeTree(root: string, tree: Record<string, string | Uint8Array | { symlink: string }>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    if (typeof content === 'object' && 'symlink' in content) await symlink(content.symlink, full);
    else await writeFile(full, content);
  }
}

/** Runs git in `cwd`, isolated from any repository the test runner itself sits in. */
export function git(cwd: string, ...args: string[]): string {
  const environment: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete environment[name];
  return execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: environment, encoding: 'utf8' });
}

/** The parts of a Snapshot that tests compare exactly. */
export interface SnapshotSummary {
  source: string;
  files: string[];
  paths: readonly string[];
  notices: [NoticeKind, string | undefined][];
}

export function summarize(snapshot: Snapshot): SnapshotSummary {
  return {
    source: snapshot.source,
    files: [...snapshot.files.keys()],
    paths: snapshot.paths,
    notices: snapshot.notices.map((notice) => [notice.kind, notice.path]),
  };
}

export function messagesOf(snapshot: Snapshot, kind: NoticeKind): string[] {
  return snapshot.notices.filter((notice) => notice.kind === kind).map((notice) => notice.message);
}

export type TarEntrySpec = Partial<Header> & { name: string; content?: string | Uint8Array };

/** An uncompressed tar built with tar-stream's packer. */
export async function tarOf(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const collected = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const { content, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      pack.entry(header, content ?? '', (error) => (error ? reject(error) : resolve()));
    });
  }
  pack.finalize();
  return collected;
}

export async function tarballOf(entries: TarEntrySpec[]): Promise<Buffer> {
  return gzipSync(await tarOf(entries));
}

/**
 * Rewrites the type flag of the header block at `offset` (tar-stream cannot pack a pax global
 * header or an unknown type) and fixes the header checksum to match.
 */
export function withTypeFlag(archive: Buffer, offset: number, flag: string): Buffer {
  const patched = Buffer.from(archive);
  const header = patched.subarray(offset, offset + 512);
  header.write(flag, 156, 'ascii');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return patched;
}

/** One pax record, `"<length> <key>=<value>\n"`, where the length counts itself. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length += 1;
  return `${length}${body}`;
}

/** Feeds `bytes` as a stream of small chunks, like a download. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    await Promise.resolve();
    yield bytes.subarray(offset, offset + size);
  }
}
