// The production start works from a clean `npm ci --omit=dev` (what the Dockerfile does): copy the
// package files, src, rules, schema and app.yml to a temporary folder, install production
// dependencies only, run `npm start` and the image's command, wait for /healthz, have the latter
// review a signed push against a local GitHub stand-in (GHE_HOST), then stop it with SIGTERM.
// NEEDS NETWORK: `npm ci` downloads from the npm registry. Set OPSGRADE_SKIP_NETWORK_TESTS=1 to skip.

import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { FakeGitHub, serveOverHttp } from './support/fake-github.ts';
import { sign, testPrivateKey } from './support/harness.ts';
import { COURSE_CONFIG, ROOT, serveCommit, setCourseConfig, WEAK_REPO } from './support/scenario.ts';
import { DEFAULT_TARGET } from './support/webhooks.ts';

const run = promisify(execFile);
const skip = process.env.OPSGRADE_SKIP_NETWORK_TESTS === '1';
const folder = mkdtempSync(path.join(tmpdir(), 'opsgrade-production-'));

let closeGitHub: (() => Promise<void>) | undefined;

afterAll(async () => {
  await closeGitHub?.();
  rmSync(folder, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function startAndCheck(command: string[], baseEnv: NodeJS.ProcessEnv) {
  const port = await freePort();
  const [program, ...args] = command as [string, ...string[]];
  const app = spawn(program, args, {
    cwd: folder,
    detached: true,
    env: {
      ...baseEnv, NODE_ENV: 'production', APP_ID: '12345', PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET: 'production-test',
      HOST: '127.0.0.1', PORT: String(port), LOG_FORMAT: 'json', LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = { pid: app.pid, url: `http://127.0.0.1:${port}`, output: '', health: undefined as { status: number; body: unknown } | undefined, metrics: '', exited: new Promise<number | null>((resolve) => app.on('exit', (code) => resolve(code))) };
  app.stdout.on('data', (chunk: Buffer) => { result.output += chunk.toString(); });
  app.stderr.on('data', (chunk: Buffer) => { result.output += chunk.toString(); });
  for (let attempt = 0; attempt < 120 && !result.health; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      result.health = { status: response.status, body: await response.json() };
      result.metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    } catch {
      // not listening yet
    }
  }
  return result;
}

describe.skipIf(skip)('production start (network: npm registry)', () => {
  it('installs without dev dependencies, serves /healthz with `npm start` and with the image command, which exits cleanly on SIGTERM', async () => {
    for (const entry of ['package.json', 'package-lock.json', 'app.yml', 'src', 'rules', 'schema']) {
      cpSync(path.join(ROOT, entry), path.join(folder, entry), { recursive: true });
    }
    // Node 24 first on PATH, as in the node:24-slim image (the system Node may be older).
    const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_update_notifier: 'false' };
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts=false', '--no-audit', '--no-fund'], { cwd: folder, env, maxBuffer: 64 * 1024 * 1024 });
    expect(existsSync(path.join(folder, 'node_modules/probot'))).toBe(true);
    expect(existsSync(path.join(folder, 'node_modules/vitest'))).toBe(false);
    expect(existsSync(path.join(folder, 'node_modules/nock'))).toBe(false);

    // `npm start` (the package script) and the Dockerfile's CMD (node as PID 1) both serve the app.
    const npmStart = await startAndCheck(['npm', 'start'], env);
    expect(npmStart.health, npmStart.output).toMatchObject({ status: 200, body: { status: 'ok', queue: { waiting: 0, running: 0 } } });
    process.kill(-(npmStart.pid as number), 'SIGTERM');
    await npmStart.exited;

    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? '[]') as string[];
    expect(command).toEqual(['node', 'node_modules/probot/bin/probot.js', 'run', './src/app/index.ts']);
    // The image command, pointed at a local GitHub stand-in through GHE_HOST, reviews a real push.
    const github = await serveOverHttp((codeloadBase) => new FakeGitHub({ codeloadBase }));
    closeGitHub = github.close;
    setCourseConfig(github.fake, COURSE_CONFIG);
    await serveCommit(github.fake, { sha: DEFAULT_TARGET.sha, folder: WEAK_REPO });
    const image = await startAndCheck(command, { ...env, GHE_HOST: github.url.replace('http://', ''), GHE_PROTOCOL: 'http' });
    expect(image.health, image.output).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(image.metrics).toContain('# TYPE opsgrade_reviews_total counter');
    const body = readFileSync(path.join(ROOT, 'fixtures/webhooks/push.json'), 'utf8');
    const delivery = await fetch(`${image.url}/api/github/webhooks`, {
      method: 'POST', body,
      headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'production-1', 'x-hub-signature-256': sign(body, 'production-test') },
    });
    expect(delivery.status).toBe(200);
    for (let attempt = 0; attempt < 120 && github.fake.checkRunsFor(DEFAULT_TARGET.sha)[0]?.status !== 'completed'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(github.fake.checkRunsFor(DEFAULT_TARGET.sha).map((run) => [run.status, run.conclusion]), image.output).toEqual([['completed', 'failure']]);
    expect(github.fake.problems).toEqual([]);
    process.kill(image.pid as number, 'SIGTERM');
    expect(await image.exited, image.output).toBe(0);
    expect(image.output).toContain('"msg":"shutdown complete"');
  }, 600_000);
});
