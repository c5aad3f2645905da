// Spreads the parse and rule stages over worker threads: tree-sitter parsing and queries are
// CPU-bound and synchronous, so on a 2-core machine two workers roughly halve a large review.

import os from 'node:os';
import { Worker } from 'node:worker_threads';

import type { Rubric } from '../rules/load.ts';
import type { SnapshotFile } from '../snapshot/snapshot.ts';
import type { FileAnalysis } from './file-analysis.ts';
import type { WorkerRequest } from './worker.ts';

/** Below this many bytes of text, starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD_BYTES = 2 * 1024 * 1024;
const BATCH_BYTES = 256 * 1024;

type WorkerReply = { kind: 'ready' } | { kind: 'done'; batch: number; results: FileAnalysis[] } | { kind: 'error'; message: string };

/**
 * A review allocates many short-lived objects (one per tree-sitter match); left alone, V8 grows
 * the young generation to ~100 MB per thread for no speed gain. This is the CLI's
 * `--max-semi-space-size=8` (a young generation is three semi-spaces).
 */
export const REVIEW_WORKER_LIMITS = { maxYoungGenerationSizeMb: 24 } as const;

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 8));
}

function batchesOf(files: SnapshotFile[]): SnapshotFile[][] {
  const batches: SnapshotFile[][] = [];
  let current: SnapshotFile[] = [];
  let size = 0;
  for (const file of files) {
    current.push(file);
    size += file.text.length;
    if (size >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export async function analyseInWorkers(rubric: Rubric, files: SnapshotFile[], matching: ReadonlySet<string>, workerCount: number): Promise<FileAnalysis[]> {
  if (!rubric.sources) throw new Error('this rubric has no sources to send to worker threads');
  const sources = rubric.sources;
  // Largest files first, so no worker is left with one big file at the end.
  const batches = batchesOf([...files].sort((a, b) => b.text.length - a.text.length));
  const results: FileAnalysis[][] = new Array<FileAnalysis[]>(batches.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(workerCount, batches.length) }, () => new Worker(new URL('./worker.ts', import.meta.url), { resourceLimits: REVIEW_WORKER_LIMITS }));
  try {
    await Promise.all(workers.map((worker) => new Promise<void>((resolve, reject) => {
      const send = () => {
        if (next >= batches.length) {
          resolve();
          return;
        }
        const batch = next;
        next += 1;
        worker.postMessage({ kind: 'analyse', batch, files: batches[batch] ?? [], matching: [...matching] } satisfies WorkerRequest);
      };
      worker.on('message', (reply: WorkerReply) => {
        switch (reply.kind) {
          case 'ready': send(); break;
          case 'done': results[reply.batch] = reply.results; send(); break;
          case 'error': reject(new Error(`review worker failed: ${reply.message}`)); break;
        }
      });
      worker.on('error', reject);
      worker.on('exit', (code) => { if (next < batches.length || code !== 0) reject(new Error(`review worker exited with code ${code}`)); });
      worker.postMessage({ kind: 'init', sources } satisfies WorkerRequest);
    })));
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results.flat();
}
