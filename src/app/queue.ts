// The in-process job queue between webhook handlers and reviews: bounded concurrency, and fair
// across installations (round-robin), so one cohort's deadline burst cannot starve another.
// The `JobQueue` interface is all the service uses, so a durable queue can replace this one.

export interface QueueItem {
  readonly id: string;
  readonly installationId: number;
}

export interface QueueState {
  waiting: number;
  running: number;
}

export interface JobQueue<J extends QueueItem> {
  enqueue(job: J): void;
  /** Takes jobs that have not started out of the queue (shutdown, supersession). */
  withdraw(predicate: (job: J) => boolean): J[];
  readonly state: QueueState;
  /** Resolves once nothing is running or waiting. */
  idle(): Promise<void>;
}

export interface FairQueueOptions<J> {
  concurrency: number;
  run: (job: J) => Promise<void>;
  onChange?: (state: QueueState) => void;
}

export function createFairQueue<J extends QueueItem>(options: FairQueueOptions<J>): JobQueue<J> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  /** Waiting jobs per installation, in arrival order. */
  const waiting = new Map<number, J[]>();
  /** Installations with waiting jobs, in the order they get their next turn. */
  const turns: number[] = [];
  let waitingCount = 0;
  let running = 0;
  let idleWaiters: (() => void)[] = [];

  const state = (): QueueState => ({ waiting: waitingCount, running });
  const changed = () => {
    options.onChange?.(state());
    if (waitingCount === 0 && running === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  const next = (): J | undefined => {
    const installation = turns.shift();
    if (installation === undefined) return undefined;
    const jobs = waiting.get(installation) as J[];
    const job = jobs.shift() as J;
    if (jobs.length > 0) turns.push(installation);
    else waiting.delete(installation);
    waitingCount -= 1;
    return job;
  };

  const pump = () => {
    while (running < concurrency) {
      const job = next();
      if (!job) break;
      running += 1;
      // A job's own errors are its business; the queue only keeps going.
      void options.run(job).catch(() => undefined).finally(() => {
        running -= 1;
        changed();
        pump();
      });
    }
    changed();
  };

  return {
    enqueue(job) {
      const jobs = waiting.get(job.installationId);
      if (jobs) jobs.push(job);
      else {
        waiting.set(job.installationId, [job]);
        turns.push(job.installationId);
      }
      waitingCount += 1;
      // Start on the next tick so the webhook handler that enqueued answers first.
      setImmediate(pump);
      options.onChange?.(state());
    },
    withdraw(predicate) {
      const taken: J[] = [];
      for (const [installation, jobs] of waiting) {
        const kept = jobs.filter((job) => {
          if (!predicate(job)) return true;
          taken.push(job);
          return false;
        });
        if (kept.length > 0) waiting.set(installation, kept);
        else {
          waiting.delete(installation);
          turns.splice(turns.indexOf(installation), 1);
        }
      }
      waitingCount -= taken.length;
      if (taken.length > 0) changed();
      return taken;
    },
    get state() {
      return state();
    },
    idle() {
      if (waitingCount === 0 && running === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
