// `npm run bench`: times a whole `opsgrade review --chapter all` process on a large real corpus
// (default: the Python standard library) at 25%, 50% and 100% of its files, against a parse-only
// baseline and, when installed, bandit and ruff's WebAssembly build. Prints numbers; asserts nothing.

import { execFile, spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
// The review runs as the installed command does: with the Node flags of the bin's `#!` line.
const CLI_NODE_FLAGS = /\bnode\s+(.*)$/.exec((await readFile(path.join(ROOT, 'src/cli/bin.ts'), 'utf8')).split('\n')[0] ?? '')?.[1]?.split(/\s+/) ?? [];
const run = promisify(execFile);

async function defaultCorpus(): Promise<string> {
  const candidates = (await readdir('/usr/lib')).filter((name) => /^python3\.\d+$/.test(name)).sort();
  const latest = candidates.at(-1);
  if (!latest) throw new Error('No /usr/lib/python3.* found; pass a corpus directory: npm run bench -- <dir>');
  return path.join('/usr/lib', latest);
}

async function pythonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.py') && !entry.parentPath.includes('site-packages'))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
}

interface Measure { seconds: number; maxRssMb: number; stderr: string }

async function timed(args: string[]): Promise<Measure> {
  const started = performance.now();
  const { stderr } = await run(process.execPath, ['--import', path.join(ROOT, 'bench/report-rss.ts'), ...args], { maxBuffer: 1024 ** 3, cwd: ROOT });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/BENCH maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
  return { seconds, maxRssMb: rss, stderr };
}

function timedCommand(command: string, args: string[]): number | undefined {
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.error) return undefined;
  return (performance.now() - started) / 1000;
}

async function ruffWasm(dir: string, files: string[]): Promise<number | undefined> {
  let module: { Workspace: new (options: unknown, positionEncoding?: unknown) => { check(source: string): unknown }; PositionEncoding?: Record<string, unknown> };
  try {
    const specifier: string = '@astral-sh/ruff-wasm-nodejs';
    module = (await import(specifier)) as typeof module;
  } catch {
    return undefined;
  }
  const started = performance.now();
  const workspace = new module.Workspace({ lint: { select: ['S', 'E', 'F', 'B', 'G', 'PL'] } }, module.PositionEncoding?.Utf16);
  for (const file of files) workspace.check(await readFile(path.join(dir, file), 'utf8'));
  return (performance.now() - started) / 1000;
}

const corpus = process.argv[2] ?? await defaultCorpus();
const all = await pythonFiles(corpus);
const lines = async (files: string[]) => {
  let count = 0;
  for (const file of files) count += (await readFile(path.join(corpus, file), 'utf8')).split('\n').length;
  return count;
};
console.log(`Corpus: ${corpus} (${all.length} Python files) · Node ${process.version} · ${os.cpus().length} cores`);
console.log('share  files   lines     review s  lines/s   parse-only s  parsing share  review/parse  peak RSS MB');
const work = await mkdtemp(path.join(os.tmpdir(), 'opsgrade-bench-'));
let full: { dir: string; files: string[]; review: Measure; parse: Measure } | undefined;
for (const share of [0.25, 0.5, 1]) {
  const files = all.slice(0, Math.ceil(all.length * share));
  const dir = path.join(work, `share-${share}`);
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await cp(path.join(corpus, file), path.join(dir, file));
  }
  const review = await timed([...CLI_NODE_FLAGS, 'src/cli/bin.ts', 'review', dir, '--chapter', 'all', '--format', 'json', '--fail-on', 'never',
    '--max-files', '1000000', '--max-total-bytes', '4G', '--max-file-bytes', '16M']);
  const parse = await timed(['bench/parse-only.ts', dir]);
  const lineCount = await lines(files);
  console.log([
    `${share * 100}%`.padEnd(6), String(files.length).padEnd(7), String(lineCount).padEnd(9),
    review.seconds.toFixed(2).padEnd(9), String(Math.round(lineCount / review.seconds)).padEnd(9),
    parse.seconds.toFixed(2).padEnd(13), `${Math.round((100 * parse.seconds) / review.seconds)}%`.padEnd(14),
    (review.seconds / parse.seconds).toFixed(2).padEnd(13), review.maxRssMb.toFixed(0),
  ].join(' '));
  if (share === 1) full = { dir, files, review, parse };
}
if (full) {
  console.log(`parsing share = parse-only time / review time; parse-only peak RSS ${full.parse.maxRssMb.toFixed(0)} MB`);
  const bandit = timedCommand('bandit', ['-r', full.dir, '-q', '-f', 'json', '-o', path.join(work, 'bandit.json')]);
  console.log(bandit === undefined ? 'bandit: not installed (apt-get install bandit to compare)'
    : `bandit: ${bandit.toFixed(2)} s · opsgrade takes ${(full.review.seconds / bandit).toFixed(2)}× bandit's time`);
  const ruff = await ruffWasm(full.dir, full.files);
  console.log(ruff === undefined ? 'ruff-wasm: not installed (npm install --no-save @astral-sh/ruff-wasm-nodejs to compare)'
    : `ruff-wasm (in-process, no startup): ${ruff.toFixed(2)} s · opsgrade takes ${(full.review.seconds / ruff).toFixed(2)}× ruff-wasm's time`);
}
if (full) {
  const { stdout } = await run(process.execPath, [path.join(ROOT, 'bench/engine-costs.ts'), full.dir], { maxBuffer: 1024 ** 2, cwd: ROOT });
  process.stdout.write(stdout);
}
await rm(work, { recursive: true, force: true });
