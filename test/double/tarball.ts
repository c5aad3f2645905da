// Gzip tarballs as GitHub's `GET /repos/{o}/{r}/tarball/{ref}` download serves them: a pax global
// header carrying the commit id, then every entry under `<owner>-<repo>-<sha7>/`, links as links.
// Also the "oversized" archive for fault injection: a small download that inflates past any limit.

import { Readable } from 'node:stream';
import { constants as zlibConstants, createGzip, gzipSync } from 'node:zlib';

import tar from 'tar-stream';
import type { Header as TarHeader } from 'tar-stream';

import type { FileTree } from './trees.ts';

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0');
}

/** The 512-byte `pax_global_header` block (type `g`) git archive writes, plus its records. */
export function paxGlobalHeader(records: Record<string, string>, mtime: Date): Buffer {
  const body = Buffer.concat(Object.entries(records).map(([key, value]) => {
    const text = ` ${key}=${value}\n`;
    // The length prefix counts itself.
    let length = text.length + 1;
    while (`${length}${text}`.length !== length) length += 1;
    return Buffer.from(`${length}${text}`);
  }));
  const header = Buffer.alloc(512);
  header.write('pax_global_header', 0, 'ascii');
  header.write(`${octal(0o666, 8)}\0`, 100, 'ascii');
  header.write(`${octal(0, 8)}\0`, 108, 'ascii');
  header.write(`${octal(0, 8)}\0`, 116, 'ascii');
  header.write(`${octal(body.length, 12)}\0`, 124, 'ascii');
  header.write(`${octal(Math.floor(mtime.getTime() / 1000), 12)}\0`, 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('g', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${octal(sum, 7)}\0 `, 148, 'ascii');
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding]);
}

/** The gzip tarball of `tree` at commit `sha`, with GitHub's top folder name. */
export async function buildTarball(tree: FileTree, options: { owner: string; repo: string; sha: string; committedAt: Date }): Promise<Buffer> {
  const prefix = `${options.owner}-${options.repo}-${options.sha.slice(0, 7)}`;
  const pack = tar.pack();
  const chunks: Buffer[] = [paxGlobalHeader({ comment: options.sha }, options.committedAt)];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const add = (header: Partial<TarHeader> & Pick<TarHeader, 'name'>, content?: Buffer) => new Promise<void>((resolve, reject) => {
    pack.entry(header, content ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
  });
  const mtime = options.committedAt;
  await add({ name: `${prefix}/`, type: 'directory', mode: 0o775, mtime });
  const directories = new Set<string>();
  for (const [file, entry] of tree) {
    const parts = file.split('/');
    for (let depth = 1; depth < parts.length; depth += 1) {
      const directory = parts.slice(0, depth).join('/');
      if (directories.has(directory)) continue;
      directories.add(directory);
      await add({ name: `${prefix}/${directory}/`, type: 'directory', mode: 0o775, mtime });
    }
    if (entry.kind === 'symlink') await add({ name: `${prefix}/${file}`, type: 'symlink', linkname: entry.content.toString(), mode: 0o777, mtime });
    else await add({ name: `${prefix}/${file}`, type: 'file', mode: entry.executable ? 0o775 : 0o664, mtime }, entry.content);
  }
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks), { level: 6 });
}

let oversized: { bytes: number; archive: Promise<Buffer> } | undefined;

/**
 * A gzip tarball whose single file inflates to `uncompressedBytes` of zeros (about 1,000:1, so
 * 300 MB downloads as ~300 KB). Built once per size, streamed so the double never holds it inflated.
 */
export function oversizedTarball(uncompressedBytes: number, prefix = 'learner-repo-0000000'): Promise<Buffer> {
  if (oversized?.bytes === uncompressedBytes) return oversized.archive;
  const archive = (async () => {
    const pack = tar.pack();
    const gzip = createGzip({ level: 1, strategy: zlibConstants.Z_DEFAULT_STRATEGY });
    const chunks: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve, reject) => {
      gzip.on('end', resolve);
      gzip.on('error', reject);
    });
    pack.pipe(gzip);
    const size = Math.max(0, Math.floor(uncompressedBytes));
    const entry = pack.entry({ name: `${prefix}/data/zeros.bin`, type: 'file', size, mode: 0o664 });
    const block = Buffer.alloc(1024 * 1024);
    const source = Readable.from((function* zeros() {
      for (let left = size; left > 0; left -= block.length) yield left >= block.length ? block : block.subarray(0, left);
    })());
    await new Promise<void>((resolve, reject) => {
      source.pipe(entry);
      entry.on('finish', resolve);
      entry.on('error', reject);
    });
    pack.finalize();
    await done;
    return Buffer.concat(chunks);
  })();
  oversized = { bytes: uncompressedBytes, archive };
  return archive;
}
