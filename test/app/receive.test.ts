// The documented `probot receive` example works: a committed fixture payload replayed through the
// real `probot` binary against a local GitHub stand-in (loopback only), ending with a concluded
// check run. Also keeps fixtures/webhooks/*.json in step with the generator in support/webhooks.ts.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { serveOverHttp } from './support/fake-github.ts';
import { FakeGitHub } from './support/fake-github.ts';
import { COURSE_CONFIG, ROOT, serveCommit, setCourseConfig, WEAK_REPO } from './support/scenario.ts';
import { committedFixtures, DEFAULT_TARGET } from './support/webhooks.ts';

let stop: (() => Promise<void>) | undefined;
afterAll(async () => stop?.());

describe('fixtures/webhooks', () => {
  it('hold exactly what the generator produces from @octokit/webhooks-examples', () => {
    for (const [name, payload] of Object.entries(committedFixtures())) {
      expect(readFileSync(path.join(ROOT, 'fixtures/webhooks', name), 'utf8'), name).toBe(`${JSON.stringify(payload, null, 2)}\n`);
    }
  });
});

describe('probot receive', () => {
  it('replays fixtures/webhooks/push.json through the app and concludes the check run', async () => {
    const server = await serveOverHttp((codeloadBase) => new FakeGitHub({ codeloadBase }));
    stop = server.close;
    setCourseConfig(server.fake, COURSE_CONFIG);
    await serveCommit(server.fake, { sha: DEFAULT_TARGET.sha, folder: WEAK_REPO });

    // The README/docs command, with the API pointed at the local stand-in.
    const args = ['node_modules/probot/bin/probot.js', 'receive', '-e', 'push', '-p', 'fixtures/webhooks/push.json', '-t', 'ghs_test_token', '--base-url', server.url, './src/app/index.ts'];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', APP_ID: '', PRIVATE_KEY: '', WEBHOOK_SECRET: '', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect(code, output).toBe(0);
    const runs = server.fake.checkRunsFor(DEFAULT_TARGET.sha);
    expect(runs.map((run) => [run.status, run.conclusion])).toEqual([['completed', 'failure']]);
    expect(server.fake.problems).toEqual([]);
    expect(output).toContain('"msg":"review finished"');
  }, 60_000);
});
