// Grading runs the app has dispatched and is waiting for: found again by run id or correlation id
// when `workflow_run` arrives, and handed back when no result came in time (`timed_out`). In memory,
// like the rate limiter; the app keeps its own data (check run id, installation) beside each record.

import type { PendingDispatch } from './dispatch.ts';
import { isRunFor } from './trust.ts';
import type { WorkflowRunEvent } from './trust.ts';

export interface PendingGrade<T> {
  dispatch: PendingDispatch;
  data: T;
  /** When the tests part concludes `timed_out` if no result has arrived (the config's `resultTimeoutMinutes`). */
  expiresAt: Date;
}

export class PendingGrades<T> {
  private readonly byCorrelationId = new Map<string, PendingGrade<T>>();

  add(dispatch: PendingDispatch, data: T, resultTimeoutMinutes: number): void {
    const expiresAt = new Date(Date.parse(dispatch.dispatchedAt) + resultTimeoutMinutes * 60_000);
    this.byCorrelationId.set(dispatch.correlationId, { dispatch, data, expiresAt });
  }

  /** Records the run id GitHub returned for a dispatch (`return_run_details`). */
  setRunId(correlationId: string, runId: number): void {
    const entry = this.byCorrelationId.get(correlationId);
    if (entry) entry.dispatch = { ...entry.dispatch, runId };
  }

  /** The pending grade a run belongs to, if any; judge it with `judgeRun` before trusting it. */
  forRun(event: WorkflowRunEvent): PendingGrade<T> | undefined {
    for (const entry of this.byCorrelationId.values()) if (isRunFor(entry.dispatch, event)) return entry;
    return undefined;
  }

  /** Removes and returns the pending grade: once concluded, a later run for it never counts. */
  settle(correlationId: string): PendingGrade<T> | undefined {
    const entry = this.byCorrelationId.get(correlationId);
    this.byCorrelationId.delete(correlationId);
    return entry;
  }

  /** Removes and returns every grade whose result is overdue at `now`. */
  expire(now: Date): PendingGrade<T>[] {
    const expired = [...this.byCorrelationId.values()].filter((entry) => entry.expiresAt.getTime() <= now.getTime());
    for (const entry of expired) this.byCorrelationId.delete(entry.dispatch.correlationId);
    return expired;
  }

  get size(): number {
    return this.byCorrelationId.size;
  }
}
