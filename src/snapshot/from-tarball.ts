// Snapshot source for the GitHub App: reads the gzip tarball GitHub serves for a commit
// (`GET /repos/{owner}/{repo}/tarball/{sha}`) in memory, without touching the file system.
// Entry names lose their top folder (`owner-repo-abc1234/`); links and unsafe names are never used.

import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { posix } from 'node:path';
import tar from 'tar-stream';
import type { Extract, Header } from 'tar-stream';
import { resolveLimits, SnapshotBuilder } from './builder.ts';
import { SnapshotError } from './error.ts';
import * as notices from './notices.ts';
import type { Snapshot, SnapshotLimits } from './snapshot.ts';

/** Default cap on the unpacked size of an archive (tar headers included): 256 MiB. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024;

export interface TarballSnapshotOptions {
  /** Label for the snapshot, e.g. `owner/repo@sha`. */
  source: string;
  /** Overrides for `DEFAULT_LIMITS`. */
  limits?: Partial<SnapshotLimits>;
  /** Reading stops after this many unpacked bytes (a decompression bomb guard). */
  maxUncompressedBytes?: number;
}

/** One entry of the archive: its header plus a stream of its content. */
type TarEntry = Extract extends AsyncIterable<infer Entry> ? Entry : never;

/** How far the unpacked stream got; shared between the feeding and the reading side. */
interface InflowState {
  bytes: number;
  capped: boolean;
}

/**
 * Reads a gzip tarball (whole, or as a stream of chunks) into a Snapshot.
 * Throws `SnapshotError` when the gzip or tar data is corrupt or cut short; problems with single
 * entries become notices. Past `maxUncompressedBytes` it stops and returns what it read, with an
 * `archive-too-large` notice.
 */
export async function snapshotFromTarball(
  input: AsyncIterable<Uint8Array> | Uint8Array,
  options: TarballSnapshotOptions,
): Promise<Snapshot> {
  const builder = new SnapshotBuilder(resolveLimits(options.limits));
  const maxUncompressedBytes = options.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  if (!Number.isSafeInteger(maxUncompressedBytes) || maxUncompressedBytes < 0) {
    throw new SnapshotError(`maxUncompressedBytes must be a whole number of 0 or more, not ${String(maxUncompressedBytes)}.`);
  }

  const extract = tar.extract();
  const inflow: InflowState = { bytes: 0, capped: false };
  const feeding = feedArchive(input, extract, maxUncompressedBytes, inflow);
  const root: { topFolder?: string } = {};
  try {
    for await (const entry of extract) await takeEntry(builder, root, entry);
  } catch (error) {
    // Once capped, the tar stream ends mid-archive by design; what was read before stays.
    if (!inflow.capped) throw archiveError(error);
  } finally {
    await feeding;
  }
  if (inflow.capped) builder.addNotice(notices.archiveTooLarge(maxUncompressedBytes));
  return builder.build(options.source);
}

/**
 * Gunzips `input` into `extract`, counting unpacked bytes and ending the tar stream at the cap.
 * Never rejects: a gzip or input error is handed to `extract`, where the reader sees it.
 */
async function feedArchive(
  input: AsyncIterable<Uint8Array> | Uint8Array,
  extract: Extract,
  maxUncompressedBytes: number,
  inflow: InflowState,
): Promise<void> {
  const compressed = Readable.from(input instanceof Uint8Array ? [input] : input);
  const gunzip = createGunzip();
  compressed.on('error', (error) => gunzip.destroy(error));
  compressed.pipe(gunzip);
  // When the reader gives up (an error, a bug), stop unpacking at once instead of at the next chunk.
  extract.on('close', () => gunzip.destroy());
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (extract.destroyed) break;
      const room = maxUncompressedBytes - inflow.bytes;
      if (chunk.length > room) {
        inflow.capped = true;
        inflow.bytes = maxUncompressedBytes;
        if (room > 0) extract.write(chunk.subarray(0, room));
        break;
      }
      inflow.bytes += chunk.length;
      if (!extract.write(chunk)) await drainedOrClosed(extract);
    }
    extract.end(null);
  } catch (error) {
    extract.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    // Stops pulling from the caller's download once we no longer need it.
    compressed.destroy();
    gunzip.destroy();
  }
}

function drainedOrClosed(extract: Extract): Promise<void> {
  if (extract.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      extract.off('drain', done);
      extract.off('close', done);
      resolve();
    };
    extract.on('drain', done);
    extract.on('close', done);
  });
}

/** Classifies one tar entry, reads it if it is a file the builder admits, and always drains it. */
async function takeEntry(builder: SnapshotBuilder, root: { topFolder?: string }, entry: TarEntry): Promise<void> {
  const { header } = entry;
  // tar-stream's types promise a known type, but an unknown type flag decodes to null.
  const type: Header['type'] | null = header.type;
  if (type === 'directory') return drain(entry);
  const path = repositoryPath(builder, root, header.name);
  if (path === undefined) return drain(entry);
  if (type === null || type === undefined) {
    // A type flag tar-stream does not know (e.g. a GNU sparse file): not something to read.
    builder.recordPath(path, notices.specialFile(path, 'unknown entry'));
    return drain(entry);
  }

  switch (type) {
    case 'file':
    case 'contiguous-file': {
      const size = header.size ?? 0;
      if (!builder.admit(path, size)) return drain(entry);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      builder.addContent(path, Buffer.concat(chunks));
      return;
    }
    case 'symlink':
      builder.recordPath(path, notices.symlinkSkipped(path, linkTarget(header)));
      return drain(entry);
    case 'link':
      // A hard link names another archive entry, so it carries the top folder too.
      builder.recordPath(path, notices.hardlinkSkipped(path, withoutTopFolder(root, linkTarget(header))));
      return drain(entry);
    case 'character-device':
      builder.recordPath(path, notices.specialFile(path, 'character device'));
      return drain(entry);
    case 'block-device':
      builder.recordPath(path, notices.specialFile(path, 'block device'));
      return drain(entry);
    case 'fifo':
      builder.recordPath(path, notices.specialFile(path, 'fifo'));
      return drain(entry);
  }
}

/**
 * The repository-relative path of an entry, or undefined (with a notice) when the name is absolute,
 * climbs out with `..`, or sits outside the single top folder every GitHub tarball has.
 */
function repositoryPath(builder: SnapshotBuilder, root: { topFolder?: string }, entryName: string): string | undefined {
  const reject = (reason: notices.UnsafePathReason): undefined => {
    builder.addNotice(notices.unsafePath(entryName, reason));
    return undefined;
  };
  if (entryName.startsWith('/') || /^[A-Za-z]:[\\/]/.test(entryName)) return reject('absolute');
  const slash = entryName.indexOf('/');
  const topFolder = slash === -1 ? entryName : entryName.slice(0, slash);
  if (topFolder === '..') return reject('parent-segment');
  if (slash === -1 || topFolder === '.' || topFolder === '') return reject('outside-top-folder');
  root.topFolder ??= topFolder;
  if (topFolder !== root.topFolder) return reject('outside-top-folder');

  const path = posix.normalize(entryName.slice(slash + 1));
  if (path === '..' || path.startsWith('../')) return reject('parent-segment');
  if (posix.isAbsolute(path)) return reject('absolute');
  // `top/` itself or `top/a/..`: the top folder, not a file in it.
  if (path === '.' || path === './') return undefined;
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

function linkTarget(header: Header): string | undefined {
  // Runtime headers carry null when there is no link name, whatever the declared type says.
  const linkname: string | null = header.linkname;
  return linkname === null || linkname === '' ? undefined : linkname;
}

function withoutTopFolder(root: { topFolder?: string }, name: string | undefined): string | undefined {
  const prefix = `${root.topFolder ?? ''}/`;
  return name?.startsWith(prefix) === true ? name.slice(prefix.length) : name;
}

/** Lets a skipped entry's bytes flow past so the archive keeps moving, and waits until they have. */
async function drain(entry: TarEntry): Promise<void> {
  for await (const _chunk of entry) {
    // Discarded on purpose.
  }
}

function archiveError(error: unknown): SnapshotError {
  const detail = describeArchiveError(error);
  return new SnapshotError(`The repository archive could not be read: ${detail}.`, { cause: error });
}

function describeArchiveError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error ? error.code : undefined;
  if (code === 'Z_DATA_ERROR') return `it is not valid gzip data (${error.message})`;
  if (code === 'Z_BUF_ERROR') return 'the gzip data ends early; the download was probably cut off';
  if (error.message === 'Unexpected end of data') return 'the tar data ends in the middle of an entry; the download was probably cut off';
  // tar-stream's own text suggests gunzipping, which is wrong advice here: we already did.
  if (/invalid tar header/i.test(error.message)) return 'it is not a valid tar archive (an entry header is damaged)';
  return error.message;
}
