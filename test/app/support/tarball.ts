// Builds the gzip tarball GitHub would serve for a commit (`owner-repo-sha7/` top folder) from a
// fixture folder, plus hand-made entries for the hostile cases (`../` names, symlinks).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import tar from 'tar-stream';
import type { Header } from 'tar-stream';

export interface ExtraEntry {
  name: string;
  type?: 'file' | 'symlink' | 'link' | 'directory';
  content?: string;
  linkname?: string;
}

function listFiles(root: string, dir = ''): string[] {
  const entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  return entries.flatMap((entry) => {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) return listFiles(root, relative);
    return entry.isFile() ? [relative] : [];
  }).sort();
}

/** Files of `folder` (or none), then `extra` entries verbatim, under GitHub's top folder. */
export async function buildTarball(options: { folder?: string; files?: Record<string, string>; prefix: string; extra?: ExtraEntry[] }): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const add = (header: Partial<Header> & Pick<Header, 'name'>, content?: string) => new Promise<void>((resolve, reject) => {
    pack.entry(header, content ?? '', (error) => (error ? reject(error) : resolve()));
  });
  await add({ name: `${options.prefix}/`, type: 'directory' });
  // `files` replace the folder's file of the same name, as a later commit would.
  const contents = new Map<string, string>();
  if (options.folder) for (const file of listFiles(options.folder)) contents.set(file, readFileSync(path.join(options.folder, file), 'utf8'));
  for (const [file, text] of Object.entries(options.files ?? {})) contents.set(file, text);
  for (const [file, text] of contents) await add({ name: `${options.prefix}/${file}`, type: 'file' }, text);
  for (const entry of options.extra ?? []) {
    const type = entry.type ?? 'file';
    await add({ name: entry.name, type, ...(entry.linkname === undefined ? {} : { linkname: entry.linkname }) }, type === 'file' ? entry.content ?? '' : undefined);
  }
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}
