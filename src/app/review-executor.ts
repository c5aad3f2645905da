// Runs reviews for the GitHub App off the main thread. `reviewSnapshot` is synchronous and
// CPU-bound (tree-sitter parsing, rules); on the main thread a large repository would stall webhook
// answers past GitHub's 10 s limit and /healthz. A worker can also be stopped when a review runs away.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { REVIEW_WORKER_LIMITS } from '../analysis/pool.ts';
import type { Report } from '../report/model.ts';
import type { Course } from '../rubric/course.ts';
import type { Rule } from '../rules/rule.ts';
import type { Snapshot } from '../snapshot/snapshot.ts';
import type { ChapterChoice } from './config.ts';

export interface ReviewInput {
  snapshot: Snapshot;
  course: Course;
  chapter: ChapterChoice;
}

/**
 * What the main thread needs to know about the rules (validating configuration, `explain`), as
 * plain data: loading and compiling the rules takes a second of CPU, which only workers spend.
 */
export interface RubricInfo {
  course: Course;
  rules: (Pick<Rule, 'id' | 'kind' | 'title' | 'docs' | 'fix'> & { helpUri: string })[];
}

export interface ReviewExecutor {
  review(input: ReviewInput, options: { signal?: AbortSignal; timeoutMs: number }): Promise<Report>;
  /** The loaded rules and default course, described by a worker. */
  describeRubric(): Promise<RubricInfo>;
  close(): Promise<void>;
}

export class ReviewTimeoutError extends Error {
  override name = 'ReviewTimeoutError';
}

export interface WorkerSetup {
  rulesDir?: string;
}

export type WorkerRequest = { id: number; kind: 'review'; input: ReviewInput } | { id: number; kind: 'describe' };

export type WorkerReply =
  | { id: number; report: Report; rubric?: undefined; error?: undefined }
  | { id: number; rubric: RubricInfo; report?: undefined; error?: undefined }
  | { id: number; error: string; stack?: string; report?: undefined; rubric?: undefined };

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
  /** A review, or `undefined` for a request to describe the rubric. */
  input: ReviewInput | undefined;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  resolve: (reply: WorkerReply) => void;
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
    const worker = new Worker(new URL('./review-worker.ts', import.meta.url), { workerData: setup, resourceLimits: REVIEW_WORKER_LIMITS });
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
      if (reply.error !== undefined) finish(() => pending.reject(new ReviewWorkerError(reply.error, reply.stack)), true);
      else finish(() => pending.resolve(reply), true);
    };
    const onError = (error: Error) => finish(() => pending.reject(error), false);
    const onExit = (code: number) => finish(() => pending.reject(new Error(`the review worker stopped (exit code ${code})`)), false);
    const onAbort = () => finish(() => pending.reject(abortError(pending.signal as AbortSignal)), false);
    const timer = setTimeout(() => finish(() => pending.reject(new ReviewTimeoutError(`the review did not finish within ${pending.timeoutMs} ms`)), false), pending.timeoutMs);
    entry.worker.on('message', onMessage);
    entry.worker.on('error', onError);
    entry.worker.on('exit', onExit);
    pending.signal?.addEventListener('abort', onAbort, { once: true });
    const request: WorkerRequest = pending.input ? { id, kind: 'review', input: pending.input } : { id, kind: 'describe' };
    entry.worker.postMessage(request);
  };

  const submit = (input: ReviewInput | undefined, signal: AbortSignal | undefined, timeoutMs: number): Promise<WorkerReply> => {
    if (closed) return Promise.reject(new Error('the review executor is closed'));
    return new Promise<WorkerReply>((resolve, reject) => {
      waiting.push({ input, signal, timeoutMs, resolve, reject });
      dispatch();
    });
  };
  let described: Promise<RubricInfo> | undefined;

  return {
    async review(input, { signal, timeoutMs }) {
      const reply = await submit(input, signal, timeoutMs);
      if (!reply.report) throw new Error('the review worker answered without a report');
      return reply.report;
    },
    describeRubric() {
      described ??= submit(undefined, undefined, 120_000).then((reply) => {
        if (!reply.rubric) throw new Error('the review worker answered without the rubric');
        return reply.rubric;
      });
      // A failure (rules that do not load) is retried by the next caller, and logged by this one.
      described.catch(() => { described = undefined; });
      return described;
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
