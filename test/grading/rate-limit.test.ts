// Cost control: N graded runs per learner repository in any sliding hour, the time of the next
// one, released slots for dispatches that never started, and the pending-grade registry's expiry.

import { describe, expect, it } from 'vitest';

import { PendingGrades } from '../../src/grading/pending.ts';
import { SlidingWindowLimiter } from '../../src/grading/rate-limit.ts';
import { testsPartForMissingResult, testsPartForRateLimit } from '../../src/grading/results.ts';
import { CORRELATION_ID, pendingDispatch, workflowRunEvent } from './support/runs.ts';

const at = (time: string) => new Date(`2025-05-06T${time}Z`);

describe('SlidingWindowLimiter', () => {
  it('allows N runs per repository per sliding hour and says when the next is possible', async () => {
    const limiter = new SlidingWindowLimiter({ runsPerWindow: 3 });
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('09:00:00'))).toEqual({ allowed: true, remaining: 2 });
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('09:10:00'))).toEqual({ allowed: true, remaining: 1 });
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('09:20:00'))).toEqual({ allowed: true, remaining: 0 });
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('09:30:00'))).toEqual({ allowed: false, nextAllowedAt: at('10:00:00') });
    // Another learner's budget is separate; names compare without case, as on GitHub.
    expect(await limiter.tryAcquire('opsgrade-demo/grace', at('09:30:00'))).toEqual({ allowed: true, remaining: 2 });
    expect(await limiter.tryAcquire('OpsGrade-Demo/Ada', at('09:59:59'))).toEqual({ allowed: false, nextAllowedAt: at('10:00:00') });
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('10:00:00'))).toEqual({ allowed: true, remaining: 0 });
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('10:05:00'))).toEqual({ allowed: false, nextAllowedAt: at('10:10:00') });
  });

  it('gives a run back when its dispatch never started', async () => {
    const limiter = new SlidingWindowLimiter({ runsPerWindow: 1 });
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('09:00:00'))).toEqual({ allowed: true, remaining: 0 });
    await limiter.release('opsgrade-demo/ada', at('09:00:00'));
    expect(await limiter.tryAcquire('opsgrade-demo/ada', at('09:01:00'))).toEqual({ allowed: true, remaining: 0 });
  });

  it('rejects a limit below one', () => {
    expect(() => new SlidingWindowLimiter({ runsPerWindow: 0 })).toThrow('runsPerWindow must be a whole number of at least 1');
  });

  it('turns a refusal into the tests part the summary shows', () => {
    expect(testsPartForRateLimit({ allowed: false, nextAllowedAt: at('10:00:00') }, 3)).toEqual({ status: 'rate-limited', runsPerHour: 3, nextRunAt: '2025-05-06T10:00:00.000Z' });
  });
});

describe('PendingGrades', () => {
  it('finds a grade by run id, or by the correlation id in the run name, and forgets it once settled', () => {
    const pending = new PendingGrades<string>();
    pending.add(pendingDispatch({ runId: undefined }), 'check-run-1', 30);
    expect(pending.forRun(workflowRunEvent({ id: 1 }))?.data).toBe('check-run-1');
    pending.setRunId(CORRELATION_ID, 77);
    expect(pending.forRun(workflowRunEvent({ id: 77, displayTitle: 'renamed by the instructor' }))?.data).toBe('check-run-1');
    expect(pending.forRun(workflowRunEvent({ id: 78, displayTitle: 'opsgrade 11111111-2222-3333-4444-555555555555' }))).toBeUndefined();
    expect(pending.settle(CORRELATION_ID)?.data).toBe('check-run-1');
    expect(pending.size).toBe(0);
  });

  it('hands back grades whose result is overdue, each with its own timeout', () => {
    const pending = new PendingGrades<string>();
    pending.add(pendingDispatch({ correlationId: 'aaaaaaaa-1111', dispatchedAt: '2025-05-06T09:00:00.000Z' }), 'short', 20);
    pending.add(pendingDispatch({ correlationId: 'bbbbbbbb-2222', dispatchedAt: '2025-05-06T09:00:00.000Z' }), 'long', 60);
    expect(pending.expire(at('09:19:59')).map((entry) => entry.data)).toEqual([]);
    expect(pending.expire(at('09:20:00')).map((entry) => entry.data)).toEqual(['short']);
    expect(pending.size).toBe(1);
    expect(testsPartForMissingResult(pendingDispatch(), 20)).toEqual({ status: 'errored', problem: 'no-result', detail: 'No result arrived within 20 minutes of the dispatch at 2025-05-06 09:00 UTC.' });
  });
});
