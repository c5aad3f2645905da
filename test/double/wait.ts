// Bounded waiting for end-to-end runs against the GitHub double: poll a condition until it holds or
// a deadline passes (every loop here ends), and small statistics for the figures scripts print.

import type { GitHubDouble } from './server.ts';

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}

/** Polls `condition` every `intervalMs` until it is true; throws WaitTimeout after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean, options: { timeoutMs: number; intervalMs?: number }): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    if (condition()) return;
    if (performance.now() >= deadline) throw new WaitTimeout(`gave up after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** Waits until the double has seen no API request for `quietMs` (the app has nothing left to say). */
export async function waitForQuiet(double: GitHubDouble, quietMs: number, timeoutMs: number): Promise<void> {
  await waitFor(`${quietMs} ms without API traffic`, () => {
    const last = double.requests[double.requests.length - 1];
    return !last || performance.now() - last.at >= quietMs;
  }, { timeoutMs, intervalMs: Math.min(100, quietMs) });
}

/** The p-th percentile (0–100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function formatMs(ms: number): string {
  if (Number.isNaN(ms)) return 'n/a';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
