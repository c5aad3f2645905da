// Runs the real app for a test: a Probot instance with a generated private key, the app loaded
// from src/app/index.ts, Probot's webhook middleware behind a loopback HTTP server, and the fake
// GitHub behind nock (net connect disabled except 127.0.0.1). Deliveries are signed like GitHub's.

import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import Bottleneck from 'bottleneck';
import nock from 'nock';
import { pino } from 'pino';
import { Probot } from 'probot';
import { Registry } from 'prom-client';

import { createOpsgradeApp } from '../../../src/app/index.ts';
import type { AppSettings } from '../../../src/app/index.ts';
import type { ReviewExecutor } from '../../../src/app/review-executor.ts';
import type { ReviewService } from '../../../src/app/review-service.ts';
import { FakeGitHub } from './fake-github.ts';

/** What Probot's `addHandler` accepts: answers a request and says whether it did. */
type Handler = (request: IncomingMessage, response: ServerResponse) => void | boolean | Promise<void | boolean>;

export const WEBHOOK_SECRET = 'opsgrade-test-secret';

let privateKey: string | undefined;
export function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return privateKey;
}

export function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface Delivery {
  status: number;
  /** Milliseconds from sending to the webhook answer. */
  ackMs: number;
  sentAt: number;
}

export interface Harness {
  fake: FakeGitHub;
  service: ReviewService;
  registry: Registry;
  logs: Record<string, unknown>[];
  url: string;
  deliver(event: string, payload: object, options?: { id?: string; signature?: string | null }): Promise<Delivery>;
  /** Waits until every queued review and command has finished. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<AppSettings>;
  executor?: ReviewExecutor;
  /** The app's clock for grading (rate limits, result timeouts); real time by default. */
  now?: () => Date;
}

export async function startApp(options: HarnessOptions = {}): Promise<Harness> {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  const fake = new FakeGitHub().install();
  const logs: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  const probot = new Probot({ appId: 12345, privateKey: testPrivateKey(), secret: WEBHOOK_SECRET, log });
  const registry = new Registry();
  let service: ReviewService | undefined;
  const app = createOpsgradeApp({
    settings: {
      concurrency: 2,
      reviewTimeoutMs: 30_000,
      shutdownGraceMs: 2_000,
      serverUrl: 'https://github.com',
      // Tests sweep overdue grades themselves (`service.grading.sweep`) unless they ask for a timer.
      gradingSweepMs: 0,
      ...options.settings,
      client: {
        retryBaseMs: 1,
        rateLimitBaseMs: 1,
        secondaryRetries: 2,
        maxRetryAfterSeconds: 120,
        requestTimeoutMs: 20_000,
        // GitHub's pacing of writes (1 s apart, 3 s for comments) would only slow the tests down.
        throttleGroups: {
          write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
          notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
        },
        ...options.settings?.client,
      },
    },
    ...(options.executor ? { executor: options.executor } : {}),
    ...(options.now ? { now: options.now } : {}),
    registry,
    handleSignals: false,
    onReady: (ready) => {
      service = ready;
    },
  });
  const handlers: Handler[] = [];
  await probot.load(app, { cwd: process.cwd(), addHandler: (handler) => handlers.push(handler) });
  const middleware = await probot.getNodeMiddleware();
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (await middleware(request, response)) return;
      for (const handler of handlers) if (await handler(request, response)) return;
      response.statusCode = 404;
      response.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!service) throw new Error('the app did not hand over its service');
  const ready: ReviewService = service;
  // Tests start from a running app: a review worker with the rules loaded.
  await ready.warmUp();

  return {
    fake,
    service: ready,
    registry,
    logs,
    url,
    async deliver(event, payload, deliveryOptions = {}) {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': deliveryOptions.id ?? randomUUID(),
        'user-agent': 'GitHub-Hookshot/test',
      };
      const signature = deliveryOptions.signature === undefined ? sign(body) : deliveryOptions.signature;
      if (signature !== null) headers['x-hub-signature-256'] = signature;
      const sentAt = performance.now();
      const response = await fetch(`${url}/api/github/webhooks`, { method: 'POST', headers, body });
      await response.text();
      return { status: response.status, ackMs: performance.now() - sentAt, sentAt };
    },
    settle: () => ready.idle(),
    async close() {
      await ready.shutdown();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fake.uninstall();
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}
