// Starts the real OpsGrade app as its own process — what `npm start` runs, `probot run
// ./src/app/index.ts` — pointed at the GitHub double through Probot's GHE_HOST/GHE_PROTOCOL, waits
// until it answers, samples its peak memory (VmHWM) and stops it with SIGTERM like a container stop.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ROOT } from './trees.ts';

export const PROBOT_BIN = path.join(ROOT, 'node_modules/probot/lib/bin/probot.js');
export const APP_ENTRY = path.join(ROOT, 'src/app/index.ts');

export interface AppProcessOptions {
  /** From `GitHubDouble.appEnvironment()`: APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST, GHE_PROTOCOL. */
  environment: Record<string, string>;
  /** The app module Probot loads (default: the production entry, src/app/index.ts). */
  entry?: string;
  /** More variables (OPSGRADE_*), over the defaults. */
  extraEnvironment?: Record<string, string>;
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** How long to wait for the app to answer /ping. */
  startTimeoutMs?: number;
  /** Keep this many log lines (oldest dropped). */
  maxLogLines?: number;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  pid: number;
  url: string;
  webhookUrl: string;
  /** The app's log lines (JSON, as Probot writes them with LOG_FORMAT=json). */
  logs: string[];
  /** Peak resident memory of the whole process (workers included), in kB, as sampled so far. */
  peakRssKb(): number;
  exited: Promise<AppExit>;
  /** SIGTERM, wait for the drain, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<AppExit>;
}

/** A free loopback port (Probot needs a number; `PORT=0` would mean its default 3000). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** VmHWM (peak resident set) of a live process from /proc, in kB; 0 once it has exited. */
export function readPeakRssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const port = await freePort();
  // Probot loads `.env` from its working directory over the environment: run it from an empty
  // folder so a developer's real credentials can never point it at GitHub.
  const cwd = mkdtempSync(path.join(tmpdir(), 'opsgrade-app-'));
  const env: Record<string, string> = {
    PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? cwd,
    ...options.environment,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'warn',
    LOG_FORMAT: 'json',
    NODE_ENV: 'production',
    ...options.extraEnvironment,
  };
  const child: ChildProcess = spawn(process.execPath, [PROBOT_BIN, 'run', options.entry ?? APP_ENTRY], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the app process did not start');
  const logs: string[] = [];
  const maxLines = options.maxLogLines ?? 5_000;
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      logs.push(...lines.filter((line) => line.trim() !== ''));
      if (logs.length > maxLines) logs.splice(0, logs.length - maxLines);
    });
  };
  collect(child.stdout);
  collect(child.stderr);

  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, readPeakRssKb(pid));
  };
  const sampler = setInterval(sample, 200);
  const exited = new Promise<AppExit>((resolve) => {
    child.once('exit', (code, signal) => {
      clearInterval(sampler);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let ready = false;
  let early: AppExit | undefined;
  void exited.then((exit) => {
    early = exit;
  });
  while (!ready && !early && Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
      ready = response.ok && (await response.text()) === 'PONG';
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const stop = async (graceMs = 15_000): Promise<AppExit> => {
    sample();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const exit = await exited;
    clearTimeout(timer);
    return exit;
  };
  if (!ready) {
    const exit = early ?? await stop(2_000);
    throw new Error(`the app did not start (exit ${String(exit.code ?? exit.signal)}); its last log lines:\n${logs.slice(-20).join('\n')}`);
  }
  const peakRssKb = () => {
    sample();
    return peak;
  };
  return { pid, url, webhookUrl: `${url}/api/github/webhooks`, logs, peakRssKb, exited, stop };
}
