// The GitHub double: a node:http server on loopback that plays GitHub Enterprise Server's API for
// the real app (`GHE_HOST=127.0.0.1:<port>`, `GHE_PROTOCOL=http`, so REST under `/api/v3` and
// GraphQL at `/api/graphql`). It checks app JWTs and installation tokens, validates every request
// against GitHub's OpenAPI description, applies GitHub's rate limits, injects faults, records every
// exchange, and sends the app the webhooks a learner's pushes and pull requests would cause.

import { createPublicKey, generateKeyPairSync, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { parse as parseYaml } from 'yaml';

import { BAD_GATEWAY_HTML, DOWNLOAD_ARTIFACT, DOWNLOAD_TARBALL, FaultInjector, GRAPHQL, SECONDARY_RATE_LIMIT_MESSAGE } from './faults.ts';
import type { FaultHit, FaultRule } from './faults.ts';
import { runGraphql } from './graphql.ts';
import { invalidRequestBody, loadRoutes, matchRoute, validateGraphqlEnvelope, validateRequest } from './openapi.ts';
import type { RouteMatch } from './openapi.ts';
import { authorize, completeWorkflowRun, notFound, operationFor, randomToken } from './rest.ts';
import type { Caller, Reply, RestEnvironment } from './rest.ts';
import { GitHubState } from './state.ts';
import type { AppIdentity, Commit, PullRequest, Repository, Workflow, WorkflowRun, WorkflowSimulation } from './state.ts';
import { buildTarball, oversizedTarball } from './tarball.ts';
import { ROOT } from './trees.ts';
import type { FileTree } from './trees.ts';
import { checkSuitePayload, deliver, pullRequestPayload, pushPayload, workflowRunPayload } from './webhooks.ts';
import type { Delivery, WebhookTarget } from './webhooks.ts';

export interface RecordedRequest {
  seq: number;
  /** `performance.now()` when the request arrived. */
  at: number;
  method: string;
  /** Path as GitHub would see it (no `/api/v3`), with the query. */
  path: string;
  /** OpenAPI template, `graphql`, `download:tarball`, `download:artifact`, or undefined when unknown. */
  route: string | undefined;
  operationId: string | undefined;
  installationId: number | undefined;
  status: number;
  /** Name of the fault rule that answered instead of the double, if one did. */
  fault: string | undefined;
  ms: number;
}

export interface RejectedRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

export interface DoubleOptions {
  appId?: number;
  appSlug?: string;
  /** PEM of the app's RSA key; generated when absent (`privateKeyPem` hands it to the app). */
  privateKeyPem?: string;
  /** Read from app.yml when absent. */
  permissions?: Record<string, string>;
  events?: string[];
  webhookSecret?: string;
  faults?: FaultRule[];
  seed?: number;
  /** GitHub's content-creation secondary limits (80/min, 500/h) on notification-triggering writes. */
  contentLimits?: { perMinute: number; perHour: number } | false;
  /** GitHub's limit of concurrent requests per installation. */
  maxConcurrentRequests?: number;
  /** Also send `check_suite.requested` after each push, as GitHub does for apps subscribed to it. */
  checkSuiteOnPush?: boolean;
  tarballUrlTtlMs?: number;
  artifactUrlTtlMs?: number;
  /** Keep at most this many request records (oldest dropped). */
  maxRecords?: number;
}

interface SignedDownload {
  kind: 'tarball' | 'artifact';
  repoKey: string;
  sha?: string;
  artifactId?: number;
  expiresAt: number;
  oversizedBytes?: number;
}

const API_PREFIX = '/api/v3';
const GRAPHQL_PATH = '/api/graphql';
const MAX_BODY_BYTES = 25 * 1024 * 1024;

interface AppManifest {
  default_permissions?: Record<string, string>;
  default_events?: string[];
}

/** The permissions and events app.yml asks for: what GitHub would grant on installation. */
export function manifestSettings(file = path.join(ROOT, 'app.yml')): { permissions: Record<string, string>; events: string[] } {
  const manifest = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as AppManifest;
  return { permissions: manifest.default_permissions ?? {}, events: manifest.default_events ?? [] };
}

export class GitHubDouble {
  readonly state = new GitHubState();
  readonly faults: FaultInjector;
  readonly requests: RecordedRequest[] = [];
  /** Requests answered 4xx because the client sent something GitHub refuses (not faults). */
  readonly rejected: RejectedRequest[] = [];
  /** Things GitHub would accept but that are bugs in the client or break the app's own rules. */
  readonly problems: string[] = [];
  readonly deliveries: Delivery[] = [];
  readonly privateKeyPem: string;
  readonly webhookSecret: string;
  private readonly options: DoubleOptions;
  private server: Server | undefined;
  private port = 0;
  private sequence = 0;
  private readonly downloads = new Map<string, SignedDownload>();
  private readonly tarballs = new Map<string, Promise<Buffer>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Map<number, number>();
  private readonly contentWrites = new Map<number, number[]>();
  private readonly primaryUsed = new Map<number, { windowStart: number; used: number }>();
  private readonly pendingDeliveries = new Set<Promise<Delivery>>();
  private target: WebhookTarget | undefined;

  constructor(options: DoubleOptions = {}) {
    this.options = options;
    this.faults = new FaultInjector(options.seed ?? 1);
    if (options.faults) this.faults.add(...options.faults);
    this.privateKeyPem = options.privateKeyPem ?? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    this.webhookSecret = options.webhookSecret ?? randomBytes(20).toString('hex');
    const manifest = options.permissions && options.events ? { permissions: options.permissions, events: options.events } : manifestSettings();
    const app: AppIdentity = {
      id: options.appId ?? 424_242,
      slug: options.appSlug ?? 'opsgrade',
      name: 'OpsGrade',
      owner: 'opsgrade',
      publicKey: createPublicKey(this.privateKeyPem),
      permissions: options.permissions ?? manifest.permissions,
      events: options.events ?? manifest.events,
    };
    this.state.app = app;
    // Read the 73 MB description before the first request, not during it.
    loadRoutes();
  }

  get appId(): number {
    return (this.state.app as AppIdentity).id;
  }

  /** `127.0.0.1:<port>`, for `GHE_HOST`. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get webBase(): string {
    return `http://${this.host}`;
  }

  get apiBase(): string {
    return `${this.webBase}${API_PREFIX}`;
  }

  /** The environment that points the real app (Probot) at this double. */
  appEnvironment(): Record<string, string> {
    return {
      APP_ID: String(this.appId),
      PRIVATE_KEY: this.privateKeyPem,
      WEBHOOK_SECRET: this.webhookSecret,
      GHE_HOST: this.host,
      GHE_PROTOCOL: 'http',
    };
  }

  async start(port = 0): Promise<void> {
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.pendingDeliveries]);
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Where GitHub sends this app's webhooks (the app's `/api/github/webhooks`). */
  connectApp(url: string): void {
    this.target = { url, secret: this.webhookSecret };
  }

  // ——— Learner actions: state changes plus the webhooks GitHub would send ———

  /** Pushes `tree` to `branch` (as changes on top of the branch, or whole with `replace`). */
  push(repository: Repository, branch: string, tree: FileTree, message: string, options: { sender?: string; replace?: boolean } = {}): { commit: Commit; deliveries: Promise<Delivery[]> } {
    const commit = this.state.commit(repository, branch, tree, message, { replace: options.replace ?? false });
    const sender = options.sender ?? repository.owner;
    const moved = this.state.syncPullRequests(repository, branch);
    const sends: Promise<Delivery | undefined>[] = [this.send('push', pushPayload(this.state, repository, branch, commit, this.links(), sender))];
    if (this.options.checkSuiteOnPush ?? false) sends.push(this.send('check_suite', checkSuitePayload(this.state, repository, branch, commit, this.links(), sender)));
    for (const pull of moved) sends.push(this.send('pull_request', pullRequestPayload(this.state, repository, pull, 'synchronize', this.links(), sender, commit.parent)));
    return { commit, deliveries: settleAll(sends) };
  }

  openPullRequest(repository: Repository, options: { head: string; base?: string; title: string; author?: string }): { pull: PullRequest; deliveries: Promise<Delivery[]> } {
    const author = options.author ?? repository.owner;
    const pull = this.state.openPullRequest(repository, { ...options, author });
    return { pull, deliveries: settleAll([this.send('pull_request', pullRequestPayload(this.state, repository, pull, 'opened', this.links(), author))]) };
  }

  /** A workflow the app may dispatch; its file must also be committed on the default branch. */
  addWorkflow(repository: Repository, file: string, simulate: WorkflowSimulation, name = file): Workflow {
    const id = this.state.nextId();
    const workflow: Workflow = { id, nodeId: this.state.nodeId('W', id), path: `.github/workflows/${file}`, name, simulate };
    repository.workflows.set(workflow.path, workflow);
    return workflow;
  }

  /** Sends an event if the app subscribes to it (app.yml `default_events`), as GitHub does. */
  send(event: string, payload: Record<string, unknown>, options: { id?: string; signature?: string | null } = {}): Promise<Delivery | undefined> {
    const target = this.target;
    if (!target) return Promise.resolve(undefined);
    if (!(this.state.app?.events ?? []).includes(event)) return Promise.resolve(undefined);
    const sending = deliver(target, event, payload, options).then((delivery) => {
      this.deliveries.push(delivery);
      return delivery;
    });
    this.pendingDeliveries.add(sending);
    void sending.finally(() => this.pendingDeliveries.delete(sending));
    return sending;
  }

  // ——— Reading what happened ———

  /** API requests (REST and GraphQL, not downloads), optionally since a moment. */
  apiRequests(since = 0): RecordedRequest[] {
    return this.requests.filter((request) => request.at >= since && request.route !== DOWNLOAD_TARBALL && request.route !== DOWNLOAD_ARTIFACT);
  }

  private links() {
    return { webBase: this.webBase, apiBase: this.apiBase };
  }

  // ——— The HTTP side ———

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(request.url ?? '/', this.webBase);
    const method = (request.method ?? 'GET').toUpperCase();
    const record: RecordedRequest = {
      seq: (this.sequence += 1), at, method, path: url.pathname.replace(API_PREFIX, '') + url.search, route: undefined, operationId: undefined,
      installationId: undefined, status: 0, fault: undefined, ms: 0,
    };
    this.requests.push(record);
    const limit = this.options.maxRecords ?? 200_000;
    if (this.requests.length > limit) this.requests.splice(0, this.requests.length - limit);
    response.on('close', () => {
      record.ms = performance.now() - at;
      if (record.installationId !== undefined) this.track(record.installationId, -1);
    });

    let raw: Buffer;
    try {
      raw = await readBody(request);
    } catch {
      this.answer(response, record, { status: 413, body: { message: 'Request body too large' } });
      return;
    }

    let route: RouteMatch | undefined;
    let routeName: string | undefined;
    if (url.pathname.startsWith('/_download/')) routeName = url.pathname.startsWith('/_download/tarball/') ? DOWNLOAD_TARBALL : DOWNLOAD_ARTIFACT;
    else if (url.pathname === GRAPHQL_PATH) routeName = GRAPHQL;
    else if (url.pathname.startsWith(`${API_PREFIX}/`)) {
      route = matchRoute(method, url.pathname.slice(API_PREFIX.length));
      routeName = route?.template;
    }
    record.route = routeName;
    record.operationId = route?.operationId;

    const fault = this.faults.pick(method, routeName, url.pathname.replace(API_PREFIX, ''));
    if (fault) {
      record.fault = fault.name;
      const handled = await this.applyFault(fault, request, response, record, () => this.dispatch(request, url, method, route, routeName, raw, record));
      if (handled) return;
    }
    const reply = await this.dispatch(request, url, method, route, routeName, raw, record);
    this.answer(response, record, reply);
  }

  /** Answers a request the way a fault says; false when the normal answer should follow. */
  private async applyFault(hit: FaultHit, request: IncomingMessage, response: ServerResponse, record: RecordedRequest, work: () => Promise<Reply>): Promise<boolean> {
    const { rule } = hit;
    const retryAfter = String(rule.retryAfterSeconds ?? 1);
    switch (rule.kind) {
      case 'server-error':
        this.answer(response, record, { status: 500, body: { message: 'Server Error' } });
        return true;
      case 'bad-gateway-html':
        this.answer(response, record, { status: 502, body: Buffer.from(BAD_GATEWAY_HTML), headers: { 'content-type': 'text/html; charset=utf-8' } });
        return true;
      case 'secondary-rate-limit':
        this.answer(response, record, { status: 403, body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' }, headers: { 'retry-after': retryAfter } });
        return true;
      case 'too-many-requests':
        this.answer(response, record, { status: 429, body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' }, headers: { 'retry-after': retryAfter } });
        return true;
      case 'not-found':
        this.answer(response, record, notFound());
        return true;
      case 'connection-reset': {
        if (rule.phase === 'after') await work();
        record.status = -1;
        request.socket.resetAndDestroy();
        return true;
      }
      case 'slow': {
        const delay = rule.delayMs ?? 30_000;
        if (rule.phase === 'after') {
          const reply = await work();
          await this.sleep(delay);
          this.answer(response, record, reply);
        } else {
          await this.sleep(delay);
          // GitHub cannot tell the client gave up: the work happens anyway.
          this.answer(response, record, await work());
        }
        return true;
      }
      case 'oversized-tarball': {
        const bytes = rule.uncompressedBytes ?? 300 * 1024 * 1024;
        if (record.route === DOWNLOAD_TARBALL) {
          this.answer(response, record, { status: 200, body: await oversizedTarball(bytes), headers: { 'content-type': 'application/x-gzip' } });
          return true;
        }
        const reply = await work();
        const location = reply.headers?.location;
        if (reply.status === 302 && location) {
          const token = location.split('/').pop() as string;
          const download = this.downloads.get(token);
          if (download) download.oversizedBytes = bytes;
        }
        this.answer(response, record, reply);
        return true;
      }
    }
  }

  private async dispatch(request: IncomingMessage, url: URL, method: string, route: RouteMatch | undefined, routeName: string | undefined, raw: Buffer, record: RecordedRequest): Promise<Reply> {
    try {
      if (routeName === DOWNLOAD_TARBALL || routeName === DOWNLOAD_ARTIFACT) return await this.download(url);
      const caller = this.caller(request);
      if (caller.kind === 'installation') {
        record.installationId = caller.installationId;
        this.track(caller.installationId, 1);
      }
      if ('reply' in caller) return caller.reply;
      if (routeName === GRAPHQL) return this.graphql(method, caller, raw);
      if (!url.pathname.startsWith(`${API_PREFIX}/`) || !route) {
        if (url.pathname.startsWith(`${API_PREFIX}/`)) this.problems.push(`${method} ${url.pathname.slice(API_PREFIX.length)}: no such operation in GitHub's REST API description`);
        return notFound();
      }
      const body = parseJson(raw);
      if (body === INVALID_JSON) return { status: 400, body: { message: 'Problems parsing JSON', documentation_url: route.documentationUrl, status: '400' } };
      const validation = validateRequest(route, url.searchParams, body, request.headers['content-type']);
      this.problems.push(...validation.warnings);
      if (validation.errors.length > 0) {
        const reply = { status: 422, body: invalidRequestBody(route, validation.errors) };
        this.rejected.push({ method, path: record.path, status: 422, body: reply.body });
        return reply;
      }
      const operation = operationFor(route.operationId);
      if (!operation) {
        this.problems.push(`${method} ${route.template} (${route.operationId}) is a real GitHub operation the double does not play`);
        return notFound(route.documentationUrl);
      }
      const restRequest = { route, search: url.searchParams, body, accept: String(request.headers.accept ?? ''), caller };
      const refusal = authorize(restRequest, this.environment());
      if (refusal) {
        this.rejected.push({ method, path: record.path, status: refusal.status, body: refusal.body });
        return refusal;
      }
      if (caller.kind === 'installation') {
        const limited = this.rateLimit(caller.installationId, route);
        if (limited) return limited;
      }
      const reply = operation(restRequest, this.environment());
      if (reply.status >= 400 && reply.status !== 404) this.rejected.push({ method, path: record.path, status: reply.status, body: reply.body });
      return this.withRateHeaders(reply, caller);
    } catch (error) {
      this.problems.push(`the double failed on ${method} ${record.path}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return { status: 500, body: { message: 'Server Error (the double failed)' } };
    }
  }

  private caller(request: IncomingMessage): Caller | (Caller & { reply: Reply }) {
    const header = request.headers.authorization ?? '';
    const [scheme, credential] = header.split(/\s+/, 2);
    if (!scheme || !credential) return { kind: 'anonymous' };
    if (/^bearer$/i.test(scheme) && credential.split('.').length === 3) {
      const problem = this.verifyJwt(credential);
      if (problem) return { kind: 'anonymous', reply: { status: 401, body: { message: problem, documentation_url: 'https://docs.github.com/rest', status: '401' } } };
      return { kind: 'app' };
    }
    const token = this.state.tokens.get(credential);
    if (!token) return { kind: 'anonymous', reply: { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } } };
    if (token.expiresAt < Date.now()) return { kind: 'anonymous', reply: { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' } } };
    return { kind: 'installation', installationId: token.installationId, permissions: token.permissions };
  }

  /** GitHub's checks on an app JWT: RS256 by the app's key, `iss` the app id, at most 10 minutes long. */
  private verifyJwt(jwt: string): string | undefined {
    const [header, payload, signature] = jwt.split('.') as [string, string, string];
    let claims: { iss?: string | number; iat?: number; exp?: number };
    let algorithm: string | undefined;
    try {
      algorithm = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string }).alg;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return 'A JSON web token could not be decoded';
    }
    if (algorithm !== 'RS256') return `'Algorithm' must be RS256, not ${String(algorithm)}`;
    const app = this.state.app as AppIdentity;
    const valid = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), app.publicKey, Buffer.from(signature, 'base64url'));
    if (!valid) return 'A JSON web token could not be decoded';
    if (String(claims.iss) !== String(app.id)) return `'Issuer' claim ('iss') must be an Integer (the app id ${app.id})`;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp < now) return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (typeof claims.iat !== 'number' || claims.iat > now + 60) return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    if (claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    return undefined;
  }

  /** GitHub's primary limit (per installation, per hour) and its secondary limits. */
  private rateLimit(installationId: number, route: RouteMatch): Reply | undefined {
    const concurrent = this.inFlight.get(installationId) ?? 0;
    if (concurrent > (this.options.maxConcurrentRequests ?? 100)) {
      return { status: 403, body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: route.documentationUrl }, headers: { 'retry-after': '60' } };
    }
    const limits = this.options.contentLimits === undefined ? { perMinute: 80, perHour: 500 } : this.options.contentLimits;
    if (limits && route.triggersNotification) {
      const now = Date.now();
      const writes = (this.contentWrites.get(installationId) ?? []).filter((time) => time > now - 3_600_000);
      const lastMinute = writes.filter((time) => time > now - 60_000).length;
      if (lastMinute >= limits.perMinute || writes.length >= limits.perHour) {
        this.problems.push(`secondary rate limit: installation ${installationId} created content ${lastMinute} times in a minute, ${writes.length} in an hour`);
        return { status: 403, body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: route.documentationUrl }, headers: { 'retry-after': '60' } };
      }
      writes.push(now);
      this.contentWrites.set(installationId, writes);
    }
    const usage = this.primaryUsage(installationId);
    if (usage.used >= usage.limit) {
      return { status: 403, body: { message: `API rate limit exceeded for installation ID ${installationId}.`, documentation_url: route.documentationUrl }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': String(usage.limit), 'x-ratelimit-reset': String(usage.reset) } };
    }
    usage.entry.used += 1;
    return undefined;
  }

  /** 5,000 requests an hour, plus 50 per repository beyond 20, at most 12,500. */
  private primaryUsage(installationId: number): { used: number; limit: number; reset: number; entry: { windowStart: number; used: number } } {
    const now = Date.now();
    let entry = this.primaryUsed.get(installationId);
    if (!entry || entry.windowStart + 3_600_000 < now) {
      entry = { windowStart: now, used: 0 };
      this.primaryUsed.set(installationId, entry);
    }
    const repositories = [...this.state.repositories.values()].filter((repository) => repository.installationId === installationId).length;
    const limit = Math.min(12_500, 5_000 + 50 * Math.max(0, repositories - 20));
    return { used: entry.used, limit, reset: Math.floor((entry.windowStart + 3_600_000) / 1000), entry };
  }

  private withRateHeaders(reply: Reply, caller: Caller): Reply {
    if (caller.kind !== 'installation') return reply;
    const usage = this.primaryUsage(caller.installationId);
    return {
      ...reply,
      headers: {
        'x-ratelimit-limit': String(usage.limit), 'x-ratelimit-remaining': String(Math.max(0, usage.limit - usage.used)),
        'x-ratelimit-used': String(usage.used), 'x-ratelimit-reset': String(usage.reset), 'x-ratelimit-resource': 'core',
        ...reply.headers,
      },
    };
  }

  private graphql(method: string, caller: Caller, raw: Buffer): Reply {
    if (method !== 'POST') return notFound();
    if (caller.kind !== 'installation') return { status: 401, body: { message: 'This endpoint requires you to be authenticated.', documentation_url: 'https://docs.github.com/graphql' } };
    const body = parseJson(raw);
    if (body === INVALID_JSON) return { status: 400, body: { message: 'Problems parsing JSON' } };
    const envelope = validateGraphqlEnvelope(body);
    if (envelope.length > 0) {
      this.problems.push(...envelope);
      return { status: 200, body: { data: null, errors: envelope.map((message) => ({ message })) } };
    }
    const document = body as { query: string; variables?: Record<string, unknown> | null };
    const reply = runGraphql(this.state, caller, { query: document.query, variables: document.variables ?? {} }, this.problems);
    return this.withRateHeaders({ status: 200, body: reply }, caller);
  }

  private async download(url: URL): Promise<Reply> {
    const token = url.pathname.split('/').pop() ?? '';
    const download = this.downloads.get(token);
    if (!download) return { status: 404, body: Buffer.from('404: Not Found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    if (download.expiresAt < Date.now()) {
      this.downloads.delete(token);
      return download.kind === 'artifact'
        ? { status: 403, body: Buffer.from('<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Signed expiry time has passed</Message></Error>'), headers: { 'content-type': 'application/xml' } }
        : { status: 404, body: Buffer.from('404: Not Found'), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    }
    if (download.kind === 'artifact') {
      const artifact = this.state.artifacts.get(download.artifactId ?? -1);
      if (!artifact) return { status: 404, body: Buffer.from('Not Found') };
      return { status: 200, body: artifact.zip, headers: { 'content-type': 'application/zip' } };
    }
    const [owner, name] = download.repoKey.split('/') as [string, string];
    if (download.oversizedBytes !== undefined) {
      return { status: 200, body: await oversizedTarball(download.oversizedBytes, `${owner}-${name}-${(download.sha ?? '').slice(0, 7)}`), headers: { 'content-type': 'application/x-gzip' } };
    }
    const repository = this.state.repository(owner, name);
    const commit = repository?.commits.get(download.sha ?? '');
    if (!repository || !commit) return { status: 404, body: Buffer.from('404: Not Found') };
    const key = `${download.repoKey}@${commit.sha}`;
    let archive = this.tarballs.get(key);
    if (!archive) {
      archive = buildTarball(commit.tree, { owner: repository.owner, repo: repository.name, sha: commit.sha, committedAt: commit.committedAt });
      this.tarballs.set(key, archive);
    }
    const body = await archive;
    return {
      status: 200,
      body,
      headers: {
        'content-type': 'application/x-gzip',
        'content-disposition': `attachment; filename=${repository.owner}-${repository.name}-${commit.sha.slice(0, 7)}.tar.gz`,
        etag: `"${commit.sha}"`,
      },
    };
  }

  private environment(): RestEnvironment {
    return {
      state: this.state,
      webBase: this.webBase,
      apiBase: this.apiBase,
      tarballUrlTtlMs: this.options.tarballUrlTtlMs ?? 5 * 60_000,
      artifactUrlTtlMs: this.options.artifactUrlTtlMs ?? 60_000,
      signDownload: (kind, target, ttlMs) => {
        const token = randomToken();
        this.downloads.set(token, { kind, repoKey: target.repoKey, ...(target.sha ? { sha: target.sha } : {}), ...(target.artifactId ? { artifactId: target.artifactId } : {}), expiresAt: Date.now() + ttlMs });
        // Like codeload's URLs, the repository is in the path (fault rules can aim at one learner).
        return `${this.webBase}/_download/${kind}/${target.repoKey}/${token}`;
      },
      startWorkflowRun: (run, workflow) => this.progressWorkflowRun(run, workflow),
    };
  }

  private progressWorkflowRun(run: WorkflowRun, workflow: Workflow): void {
    const repository = this.state.repositories.get(run.repoKey);
    if (!repository) return;
    const notify = (action: 'requested' | 'in_progress' | 'completed') => {
      void this.send('workflow_run', workflowRunPayload(this.state, repository, run, action, this.links(), workflow.name, workflow.path));
    };
    notify('requested');
    this.later(workflow.simulate.queuedMs, () => {
      run.status = 'in_progress';
      run.runStartedAt = new Date();
      run.updatedAt = new Date();
      notify('in_progress');
      this.later(workflow.simulate.runningMs, () => {
        completeWorkflowRun(this.environment(), run, workflow);
        notify('completed');
      });
    });
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }

  private answer(response: ServerResponse, record: RecordedRequest, reply: Reply): void {
    record.status = reply.status;
    if (response.destroyed || response.writableEnded) return;
    const headers: Record<string, string> = {
      'x-github-request-id': `DBL:${record.seq.toString(16).toUpperCase()}`,
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      ...reply.headers,
    };
    let payload: Buffer | undefined;
    if (Buffer.isBuffer(reply.body)) payload = reply.body;
    else if (reply.body !== undefined) {
      payload = Buffer.from(JSON.stringify(reply.body));
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
    if (payload) headers['content-length'] = String(payload.length);
    response.writeHead(reply.status, headers);
    response.end(payload);
  }

  /** Counts requests in flight per installation, for the concurrency limit. */
  private track(installationId: number, delta: 1 | -1): void {
    this.inFlight.set(installationId, (this.inFlight.get(installationId) ?? 0) + delta);
  }
}

const INVALID_JSON = Symbol('invalid JSON');

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function settleAll(sends: Promise<Delivery | undefined>[]): Promise<Delivery[]> {
  const results = await Promise.all(sends);
  return results.filter((delivery): delivery is Delivery => delivery !== undefined);
}
