// Runs reviews for the GitHub App off the main thread. `reviewSnapshot` is synchronous and
// CPU-bound (tree-sitter parsing, rules); on the main thread a large repository would stall webhook
// answers past GitHub's 10 s limit and /healthz. A worker can also be stopped when a review runs away.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import type { Report } from '../report/model.ts';
import type { Course } from '../rubric/course.ts';
import type { Snapshot } from '../snapshot/snapshot.ts';
import type { ChapterChoice } from './config.ts';

export interface ReviewInput {
  snapshot: Snapshot;
  course: Course;
  chapter: ChapterChoice;
}

export interface ReviewExecutor {
  review(input: ReviewInput, options: { signal?: AbortSignal; timeoutMs: number }): Promise<Report>;
  /** Starts a worker ahead of the first review, so it does not pay for loading the rules. */
  warm?(): void;
  close(): Promise<void>;
}

export class ReviewTimeoutError extends Error {
  override name = 'ReviewTimeoutError';
}

export interface WorkerSetup {
  rulesDir?: string;
}

export interface WorkerRequest extends ReviewInput {
  id: number;
}

export type WorkerReply = { id: number; report: Report; error?: undefined } | { id: number; error: string; stack?: string; report?: undefined };

/** An error thrown inside the review worker, with the worker's stack for the log. */
export class ReviewWorkerError extends Error {
  override name = 'ReviewWorkerError';
  constructor(message: string, workerStack: string | undefined) {
    super(message);
    if (workerStack) this.stack = `${this.name}: ${message}\n--- in the review worker ---\n${workerStack}`;
  }
}

interface PoolWorker {
  worker: Worker;
  busy: boolean;
}

interface PendingReview {
  input: ReviewInput;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  resolve: (report: Report) => void;
  reject: (error: Error) => void;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * A fixed-size pool of review workers, started lazily. Idle workers are unref'd so a one-shot
 * process (`probot receive`) can exit once its review is done.
 */
export function createWorkerExecutor(options: { size: number; rulesDir?: string }): ReviewExecutor {
  const size = Math.max(1, options.size);
  const workers: PoolWorker[] = [];
  const waiting: PendingReview[] = [];
  let nextId = 1;
  let closed = false;

  const spawn = (): PoolWorker => {
    const setup: WorkerSetup = options.rulesDir ? { rulesDir: options.rulesDir } : {};
    const worker = new Worker(new URL('./review-worker.ts', import.meta.url), { workerData: setup });
    worker.unref();
    const entry: PoolWorker = { worker, busy: false };
    workers.push(entry);
    return entry;
  };

  const retire = (entry: PoolWorker) => {
    const index = workers.indexOf(entry);
    if (index >= 0) workers.splice(index, 1);
    void entry.worker.terminate();
  };

  const dispatch = () => {
    while (waiting.length > 0 && !closed) {
      const entry = workers.find((candidate) => !candidate.busy) ?? (workers.length < size ? spawn() : undefined);
      if (!entry) return;
      run(entry, waiting.shift() as PendingReview);
    }
  };

  const run = (entry: PoolWorker, pending: PendingReview) => {
    if (pending.signal?.aborted) {
      pending.reject(abortError(pending.signal));
      return;
    }
    const id = nextId++;
    entry.busy = true;
    entry.worker.ref();
    let settled = false;
    const finish = (outcome: () => void, keepWorker: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pending.signal?.removeEventListener('abort', onAbort);
      entry.worker.off('message', onMessage);
      entry.worker.off('error', onError);
      entry.worker.off('exit', onExit);
      if (keepWorker) {
        entry.busy = false;
        entry.worker.unref();
      } else {
        retire(entry);
      }
      outcome();
      dispatch();
    };
    const onMessage = (reply: WorkerReply) => {
      if (reply.id !== id) return;
      if (reply.report) finish(() => pending.resolve(reply.report), true);
      else finish(() => pending.reject(new ReviewWorkerError(reply.error, reply.stack)), true);
    };
    const onError = (error: Error) => finish(() => pending.reject(error), false);
    const onExit = (code: number) => finish(() => pending.reject(new Error(`the review worker stopped (exit code ${code})`)), false);
    const onAbort = () => finish(() => pending.reject(abortError(pending.signal as AbortSignal)), false);
    const timer = setTimeout(() => finish(() => pending.reject(new ReviewTimeoutError(`the review did not finish within ${pending.timeoutMs} ms`)), false), pending.timeoutMs);
    entry.worker.on('message', onMessage);
    entry.worker.on('error', onError);
    entry.worker.on('exit', onExit);
    pending.signal?.addEventListener('abort', onAbort, { once: true });
    const request: WorkerRequest = { id, ...pending.input };
    entry.worker.postMessage(request);
  };

  return {
    review(input, { signal, timeoutMs }) {
      if (closed) return Promise.reject(new Error('the review executor is closed'));
      return new Promise<Report>((resolve, reject) => {
        waiting.push({ input, signal, timeoutMs, resolve, reject });
        dispatch();
      });
    },
    warm() {
      if (!closed && workers.length === 0) spawn();
    },
    async close() {
      closed = true;
      for (const pending of waiting.splice(0)) pending.reject(new Error('the review executor is closed'));
      await Promise.all(workers.splice(0).map((entry) => entry.worker.terminate()));
    },
  };
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The review was stopped', 'AbortError');
}
