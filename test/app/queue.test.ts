// The in-process queue: never more than `concurrency` jobs at once, installations served in turn so
// one cohort's burst cannot starve another, waiting jobs can be withdrawn, and idle() settles.

import { describe, expect, it } from 'vitest';

import { createFairQueue } from '../../src/app/queue.ts';

interface Job {
  id: string;
  installationId: number;
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => { resolve = done; });
  return { promise, resolve };
}

describe('createFairQueue', () => {
  it('serves installations in turn', async () => {
    const order: string[] = [];
    const queue = createFairQueue<Job>({ concurrency: 1, run: (job) => { order.push(job.id); return Promise.resolve(); } });
    for (const [id, installationId] of [['a1', 1], ['a2', 1], ['a3', 1], ['b1', 2], ['c1', 3], ['b2', 2]] as const) queue.enqueue({ id, installationId });
    await queue.idle();
    expect(order).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('never runs more than `concurrency` jobs and reports its state', async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const states: string[] = [];
    let running = 0;
    let peak = 0;
    const queue = createFairQueue<Job>({
      concurrency: 2,
      run: async (job) => {
        running += 1;
        peak = Math.max(peak, running);
        const gate = deferred();
        gates.set(job.id, gate);
        await gate.promise;
        running -= 1;
      },
      onChange: (state) => states.push(`${state.waiting}/${state.running}`),
    });
    for (let index = 0; index < 5; index += 1) queue.enqueue({ id: `j${index}`, installationId: index % 2 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.state).toEqual({ waiting: 3, running: 2 });
    for (let round = 0; round < 5; round += 1) {
      for (const [id, gate] of [...gates]) {
        gates.delete(id);
        gate.resolve();
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await queue.idle();
    expect(peak).toBe(2);
    expect(states.at(-1)).toBe('0/0');
  });

  it('withdraws waiting jobs without running them', async () => {
    const ran: string[] = [];
    const queue = createFairQueue<Job>({ concurrency: 1, run: (job) => { ran.push(job.id); return Promise.resolve(); } });
    queue.enqueue({ id: 'keep', installationId: 1 });
    queue.enqueue({ id: 'drop-1', installationId: 2 });
    queue.enqueue({ id: 'drop-2', installationId: 2 });
    const withdrawn = queue.withdraw((job) => job.id.startsWith('drop'));
    expect(withdrawn.map((job) => job.id)).toEqual(['drop-1', 'drop-2']);
    await queue.idle();
    expect(ran).toEqual(['keep']);
  });

  it('keeps going after a job fails', async () => {
    const ran: string[] = [];
    const queue = createFairQueue<Job>({
      concurrency: 1,
      run: (job) => {
        ran.push(job.id);
        return job.id === 'bad' ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
    });
    queue.enqueue({ id: 'bad', installationId: 1 });
    queue.enqueue({ id: 'good', installationId: 1 });
    await queue.idle();
    expect(ran).toEqual(['bad', 'good']);
  });
});
