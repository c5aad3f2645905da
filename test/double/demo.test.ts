// `npm run demo` end to end, as a newcomer runs it: the script starts the double and the real app,
// replays a push and a pull request, prints what the learner sees, stops both and exits 0.

import { spawnSync } from 'node:child_process';
import path from 'node:path';

import { expect, it } from 'vitest';

import { ROOT } from './trees.ts';

it('prints the check run, the review comments and the summary comment, then exits 0', () => {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/demo.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 80_000 });
  const output = result.stdout;
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  const lines = output.split('\n');
  const find = (pattern: RegExp) => lines.filter((line) => pattern.test(line));
  expect(find(/^Check run "OpsGrade" on [0-9a-f]{7}: completed → failure$/)).toHaveLength(1);
  expect(find(/^ {2}Title: Chapter 8: [\d.]+% \(pass mark 70%, not passed yet\)$/)).toHaveLength(1);
  expect(find(/^ {4}## ❌ OpsGrade: [\d.]+\/100, not passed yet$/)).toHaveLength(2);
  expect(find(/^ {4}healthcheck\.py:10 {2}failure {2}HTTP request without a timeout \(http-call-without-timeout\)$/)).toHaveLength(1);
  expect(find(/^── Pull request #1 "Add the health checker" \(health-checker → main\)$/)).toHaveLength(1);
  expect(find(/^ {2}healthcheck\.py:10 \(opsgrade\[bot\]\)$/)).toHaveLength(1);
  expect(find(/^ {4}\*\*HTTP request without a timeout\*\* \(`http-call-without-timeout`, error\)$/)).toHaveLength(1);
  expect(find(/^Pull request comments \(1\):$/)).toHaveLength(1);
  expect(find(/^ {2}by opsgrade\[bot\]:$/)).toHaveLength(1);
  // No hidden markers leak into what the learner sees.
  expect(output).not.toContain('<!--');
  expect(find(/^\[[\d.]+ s\] app and double stopped; done$/)).toHaveLength(1);
}, 90_000);
