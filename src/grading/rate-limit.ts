// Cost control for grading runs: at most N graded runs per learner repository in any sliding hour,
// and when the next one is possible, for the summary. In memory for now; the interface is narrow
// (async acquire + release) so a durable store (Redis sorted set, a database table) can back it later.

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; nextAllowedAt: Date };

export interface GradedRunLimiter {
  /** Takes one run from `repository`'s budget when there is one left. */
  tryAcquire(repository: string, now: Date): Promise<RateDecision>;
  /** Gives back a run acquired at `acquiredAt` that never started (the dispatch failed). */
  release(repository: string, acquiredAt: Date): Promise<void>;
}

export const HOUR_MS = 60 * 60 * 1000;

export class SlidingWindowLimiter implements GradedRunLimiter {
  private readonly starts = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(options: { runsPerWindow: number; windowMs?: number }) {
    if (!Number.isInteger(options.runsPerWindow) || options.runsPerWindow < 1) throw new RangeError('runsPerWindow must be a whole number of at least 1');
    this.limit = options.runsPerWindow;
    this.windowMs = options.windowMs ?? HOUR_MS;
  }

  tryAcquire(repository: string, now: Date): Promise<RateDecision> {
    const key = repository.toLowerCase();
    const recent = this.recent(key, now.getTime());
    if (recent.length >= this.limit) {
      // The window frees a run when the oldest run in it turns one window old.
      const oldest = recent[recent.length - this.limit] ?? now.getTime();
      return Promise.resolve({ allowed: false, nextAllowedAt: new Date(oldest + this.windowMs) });
    }
    recent.push(now.getTime());
    this.starts.set(key, recent);
    return Promise.resolve({ allowed: true, remaining: this.limit - recent.length });
  }

  release(repository: string, acquiredAt: Date): Promise<void> {
    const key = repository.toLowerCase();
    const starts = this.starts.get(key) ?? [];
    const index = starts.lastIndexOf(acquiredAt.getTime());
    if (index >= 0) starts.splice(index, 1);
    if (starts.length === 0) this.starts.delete(key);
    return Promise.resolve();
  }

  /** Starts still inside the window, oldest first; forgets the rest so memory stays bounded. */
  private recent(key: string, now: number): number[] {
    const kept = (this.starts.get(key) ?? []).filter((start) => start > now - this.windowMs);
    if (kept.length === 0) this.starts.delete(key);
    else this.starts.set(key, kept);
    return kept;
  }
}
