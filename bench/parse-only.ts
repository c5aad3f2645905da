// Benchmark baseline: read a directory into a snapshot and parse every Python file, nothing else.
import { releaseParseTrees } from '../src/parse/memory.ts';
import { parsePython } from '../src/parse/parse.ts';
import { snapshotFromDirectory } from '../src/snapshot/index.ts';

const dir = process.argv[2] ?? '.';
const snapshot = await snapshotFromDirectory(dir, { limits: { maxFiles: 1_000_000, maxTotalBytes: 4 * 1024 ** 3, maxFileBytes: 16 * 1024 ** 2 } });
let files = 0;
for (const file of snapshot.files.values()) {
  if (!/\.pyw?$/.test(file.path)) continue;
  parsePython(file);
  files += 1;
  // Let finished trees go, as the review does.
  if (files % 20 === 0) await releaseParseTrees();
}
process.stderr.write(`BENCH parsed=${files}\n`);
