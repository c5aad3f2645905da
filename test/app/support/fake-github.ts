// A stateful stand-in for api.github.com (and codeload.github.com, and the blob storage artifacts
// are downloaded from) behind nock, for the app tests. Every request is recorded and validated
// against GitHub's OpenAPI description; the routes keep check runs, comments, reviews, workflow
// dispatches and artifacts, and answer like GitHub where its rules bite (422 for a review comment
// outside the diff, for 51 annotations, for a summary over 65,535 characters; 404 for a workflow
// that is not on the default branch).

import nock from 'nock';

import { validateGraphql, validateRestRequest } from './openapi.ts';

export const API = 'https://api.github.com';
export const CODELOAD = 'https://codeload.github.com';
/** Tarball downloads on a local fake server (see `serveOverHttp`) live under this path. */
export const LOCAL_CODELOAD_PATH = '/_codeload';
/** Where `GET …/actions/artifacts/{id}/zip` redirects to: a signed link, valid for a minute. */
export const BLOB = 'https://productionresultssa0.blob.core.windows.net';
export const LOCAL_BLOB_PATH = '/_blob';
const BLOB_HOST = new URL(BLOB).hostname;

export interface RecordedRequest {
  at: number;
  method: string;
  host: string;
  path: string;
  body: unknown;
  status: number;
  operationId?: string;
}

export interface CheckRunState {
  id: number;
  owner: string;
  repo: string;
  head_sha: string;
  name: string;
  external_id?: string;
  status: string;
  conclusion?: string;
  title?: string;
  summary?: string;
  annotations: Record<string, unknown>[];
  actions?: unknown[];
  details_url?: string;
  completedAt?: number;
  updates: number;
}

export interface IssueCommentState {
  id: number;
  node_id: string;
  owner: string;
  repo: string;
  issue: number;
  body: string;
  login: string;
  byApp: boolean;
  updates: number;
}

export interface ReviewCommentState {
  id: number;
  node_id: string;
  owner: string;
  repo: string;
  pull: number;
  path: string;
  line: number;
  start_line?: number;
  body: string;
  byApp: boolean;
  outdated: boolean;
  minimized: boolean;
  replies: number;
}

export interface ReviewState {
  owner: string;
  repo: string;
  pull: number;
  commit_id: string;
  body: string;
  comments: ReviewCommentState[];
}

export interface DispatchState {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
  inputs: Record<string, string>;
  returnRunDetails: boolean;
  /** The run id returned (200 with `return_run_details`), or the id the run would get (204). */
  runId: number;
}

export interface ArtifactState {
  id: number;
  owner: string;
  repo: string;
  runId: number;
  name: string;
  zip: Uint8Array;
  /** Reported size; the zip's own length unless a test says otherwise. */
  sizeInBytes?: number;
  expired?: boolean;
}

export interface PullFile {
  filename: string;
  status: string;
  patch?: string;
}

export interface Fault {
  method: string;
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times: number;
  /** GitHub did the work, but its answer was lost: the route runs, the client sees the fault. */
  applied?: boolean;
}

type Reply = [number, unknown, Record<string, string>?];

const APP_SLUG = 'opsgrade';

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  readonly checkRuns = new Map<number, CheckRunState>();
  readonly issueComments: IssueCommentState[] = [];
  readonly reviewComments: ReviewCommentState[] = [];
  readonly reviews: ReviewState[] = [];
  /** `${owner}/${repo}:${path}` → text, for the contents API. */
  readonly files = new Map<string, string>();
  /** `${owner}/${repo}@${sha}` → gzip tarball. */
  readonly tarballs = new Map<string, Buffer>();
  /** `${owner}/${repo}#${number}` → files with patches. */
  readonly pullFiles = new Map<string, PullFile[]>();
  readonly pullHeads = new Map<string, { sha: string; ref: string; state: string }>();
  /** `${owner}/${repo}:${file}` → the inputs of a workflow on the default branch (dispatchable). */
  readonly workflows = new Map<string, string[]>();
  readonly dispatches: DispatchState[] = [];
  readonly artifacts: ArtifactState[] = [];
  /** Older GitHub Enterprise Server: `return_run_details` is answered with 400. */
  refuseRunDetails = false;
  readonly faults: Fault[] = [];
  private readonly gates: { method: string; path: RegExp; opened: Promise<void>; arrived: () => void; reached: Promise<void> }[] = [];
  private nextId = 1000;
  /** Where tarball downloads are redirected: codeload.github.com, or a path on a local server. */
  private readonly codeloadBase: string;
  /** Where artifact downloads are redirected: blob storage, or a path on a local server. */
  private readonly blobBase: string;

  constructor(options: { codeloadBase?: string; blobBase?: string } = {}) {
    this.codeloadBase = options.codeloadBase ?? CODELOAD;
    this.blobBase = options.blobBase ?? BLOB;
  }

  private readonly noMatch = (request: Request) => {
    const url = new URL(request.url);
    // Loopback is the app's own webhook server, which the tests talk to for real.
    if (url.hostname === '127.0.0.1') return;
    this.problems.push(`request nobody answers: ${request.method} ${request.url}`);
  };

  install(): this {
    for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
      nock(API).persist().intercept(() => true, method).reply(async (request: Request) => this.handleRequest(request));
      nock(CODELOAD).persist().intercept(() => true, method).reply(async (request: Request) => this.handleRequest(request));
      nock(BLOB).persist().intercept(() => true, method).reply(async (request: Request) => this.handleRequest(request));
    }
    nock.emitter.on('no match', this.noMatch);
    return this;
  }

  uninstall(): void {
    nock.emitter.removeListener('no match', this.noMatch);
  }

  /** Next request(s) matching `method` and `path` get this answer instead of the normal one. */
  fail(fault: Omit<Fault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** API requests (what counts against rate limits), optionally after a moment; downloads excluded. */
  apiRequests(since = 0): RecordedRequest[] {
    return this.requests.filter((request) => !isDownload(request.host, request.path) && request.at >= since);
  }

  /** Downloads from codeload and blob storage (not API requests), optionally after a moment. */
  downloads(since = 0): RecordedRequest[] {
    return this.requests.filter((request) => isDownload(request.host, request.path) && request.at >= since);
  }

  /** A finished run's results artifact, as `actions/upload-artifact` leaves it. */
  addArtifact(artifact: Omit<ArtifactState, 'id'>): ArtifactState {
    const stored = { ...artifact, id: this.id() };
    this.artifacts.push(stored);
    return stored;
  }

  checkRunsFor(sha: string): CheckRunState[] {
    return [...this.checkRuns.values()].filter((run) => run.head_sha === sha);
  }

  addHumanComment(owner: string, repo: string, issue: number, body: string): IssueCommentState {
    const comment: IssueCommentState = { id: this.id(), node_id: `IC_${this.nextId}`, owner, repo, issue, body, login: 'learner', byApp: false, updates: 0 };
    this.issueComments.push(comment);
    return comment;
  }

  private id(): number {
    this.nextId += 1;
    return this.nextId;
  }

  /**
   * Holds the next matching request until `release()` is called; `reached` resolves when it
   * arrives. Lets a test act while a review is in a known place (superseding, shutdown).
   */
  hold(method: string, path: RegExp): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let arrived!: () => void;
    const opened = new Promise<void>((resolve) => { release = resolve; });
    const reached = new Promise<void>((resolve) => { arrived = resolve; });
    this.gates.push({ method, path, opened, arrived, reached });
    return { reached, release };
  }

  /** nock 15 hands reply functions the fetch Request. */
  private async handleRequest(request: Request): Promise<Reply> {
    const url = new URL(request.url);
    const text = await request.text();
    const uri = url.pathname + url.search;
    const gate = this.gates.findIndex((candidate) => candidate.method === request.method && candidate.path.test(uri));
    if (gate >= 0) {
      const [held] = this.gates.splice(gate, 1);
      held?.arrived();
      await held?.opened;
    }
    return this.handle(request.method, url.hostname, uri, text);
  }

  handle(method: string, host: string, uri: string, rawBody: unknown): Reply {
    const body = typeof rawBody === 'string' && rawBody !== '' ? safeJson(rawBody) : rawBody === '' ? undefined : rawBody;
    const recorded: RecordedRequest = { at: performance.now(), method, host, path: uri, body, status: 0 };
    this.requests.push(recorded);
    if (!isDownload(host, uri)) {
      const check = uri.startsWith('/graphql') ? validateGraphql(body) : validateRestRequest(method, uri, body);
      if (check.operationId) recorded.operationId = check.operationId;
      this.problems.push(...check.problems);
    }
    const fault = this.faults.find((candidate) => candidate.times > 0 && candidate.method === method && candidate.path.test(uri));
    let reply: Reply;
    if (fault) {
      fault.times -= 1;
      if (fault.applied) this.route(method, uri, body);
      reply = [fault.status, fault.body ?? { message: 'fault' }, fault.headers ?? {}];
    } else {
      try {
        reply = host === 'codeload.github.com' ? this.codeload(uri)
          : uri.startsWith(LOCAL_CODELOAD_PATH) ? this.codeload(uri.slice(LOCAL_CODELOAD_PATH.length))
            : host === BLOB_HOST ? this.blob(uri)
              : uri.startsWith(LOCAL_BLOB_PATH) ? this.blob(uri.slice(LOCAL_BLOB_PATH.length))
                : this.route(method, uri, body);
      } catch (error) {
        this.problems.push(`fake GitHub failed on ${method} ${uri}: ${String(error)}`);
        reply = [500, { message: 'fake failure' }];
      }
    }
    recorded.status = reply[0];
    return reply;
  }

  private codeload(uri: string): Reply {
    const match = /^\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/(.+)$/.exec(uri);
    const tarball = match && this.tarballs.get(`${match[1]}/${match[2]}@${match[3]}`);
    if (!tarball) return [404, 'Not Found', { 'content-type': 'text/plain' }];
    return [200, tarball, { 'content-type': 'application/x-gzip' }];
  }

  private blob(uri: string): Reply {
    const match = /^\/actions-results\/(\d+)\.zip\?sig=/.exec(uri);
    const artifact = match && this.artifacts.find((candidate) => candidate.id === Number(match[1]));
    if (!artifact) return [404, 'BlobNotFound', { 'content-type': 'application/xml' }];
    return [200, Buffer.from(artifact.zip), { 'content-type': 'application/zip' }];
  }

  private route(method: string, uri: string, body: unknown): Reply {
    const url = new URL(uri, API);
    const path = url.pathname;
    let match: RegExpExecArray | null;
    const notFound: Reply = [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }];

    if (method === 'POST' && (match = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(path))) {
      return [201, { token: `ghs_installation_${match[1]}`, expires_at: new Date(Date.now() + 3_600_000).toISOString(), permissions: { checks: 'write' }, repository_selection: 'all' }];
    }
    if (method === 'POST' && path === '/graphql') return this.graphql(body as { query: string; variables?: Record<string, unknown> });

    if (method === 'POST' && (match = /^\/repos\/([^/]+)\/([^/]+)\/check-runs$/.exec(path))) {
      const input = body as { name: string; head_sha: string; status?: string; conclusion?: string; external_id?: string; output?: { title?: string; summary?: string }; actions?: unknown[] };
      const run: CheckRunState = {
        id: this.id(), owner: match[1] as string, repo: match[2] as string, head_sha: input.head_sha, name: input.name,
        status: input.conclusion === undefined ? input.status ?? 'queued' : 'completed', annotations: [], updates: 0,
        ...(input.external_id === undefined ? {} : { external_id: input.external_id }),
        ...(input.output?.title === undefined ? {} : { title: input.output.title }),
        ...(input.output?.summary === undefined ? {} : { summary: input.output.summary }),
        ...(input.conclusion === undefined ? {} : { conclusion: input.conclusion, completedAt: performance.now() }),
        ...(input.actions === undefined ? {} : { actions: input.actions }),
      };
      this.checkRuns.set(run.id, run);
      return [201, this.checkRunBody(run)];
    }
    if (method === 'PATCH' && (match = /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/.exec(path))) {
      const run = this.checkRuns.get(Number(match[3]));
      if (!run || run.owner !== match[1] || run.repo !== match[2]) return notFound;
      const input = body as { status?: string; conclusion?: string; output?: { title?: string; summary?: string; annotations?: Record<string, unknown>[] }; actions?: unknown[]; details_url?: string };
      const annotations = input.output?.annotations ?? [];
      if (annotations.length > 50) return [422, { message: 'Only 50 annotations are allowed per request' }];
      if ((input.output?.summary?.length ?? 0) > 65_535) return [422, { message: 'Invalid request.\n\nOnly 65535 characters are allowed; 65536 were supplied.' }];
      if (run.status === 'completed' && input.conclusion !== undefined) this.problems.push(`check run ${run.id} was concluded twice`);
      run.updates += 1;
      run.annotations.push(...annotations);
      if (input.output?.title !== undefined) run.title = input.output.title;
      if (input.output?.summary !== undefined) run.summary = input.output.summary;
      if (input.actions) run.actions = input.actions;
      if (input.details_url) run.details_url = input.details_url;
      if (input.status) run.status = input.status;
      if (input.conclusion) {
        run.conclusion = input.conclusion;
        run.status = 'completed';
        run.completedAt = performance.now();
      }
      return [200, this.checkRunBody(run)];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/commits\/([^/]+)\/check-runs$/.exec(path))) {
      const name = url.searchParams.get('check_name');
      const runs = [...this.checkRuns.values()].filter((run) => run.owner === match?.[1] && run.repo === match[2] && run.head_sha === match[3] && (name === null || run.name === name));
      return [200, { total_count: runs.length, check_runs: runs.map((run) => this.checkRunBody(run)) }];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/check-runs\/(\d+)$/.exec(path))) {
      const run = this.checkRuns.get(Number(match[3]));
      if (!run || run.owner !== match[1] || run.repo !== match[2]) return notFound;
      return [200, this.checkRunBody(run)];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(path))) {
      const text = this.files.get(`${match[1]}/${match[2]}:${decodeURIComponent(match[3] as string)}`);
      if (text === undefined) return notFound;
      return [200, text, { 'content-type': 'application/vnd.github.raw; charset=utf-8' }];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/tarball\/(.+)$/.exec(path))) {
      if (!this.tarballs.has(`${match[1]}/${match[2]}@${match[3]}`)) return notFound;
      return [302, '', { location: `${this.codeloadBase}/${match[1]}/${match[2]}/legacy.tar.gz/${match[3]}` }];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/files$/.exec(path))) {
      const files = this.pullFiles.get(`${match[1]}/${match[2]}#${match[3]}`);
      if (!files) return notFound;
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      return [200, files.slice((page - 1) * perPage, page * perPage).map((file, index) => ({
        sha: `f${index}`, filename: file.filename, status: file.status, additions: 1, deletions: 0, changes: 1,
        blob_url: '', raw_url: '', contents_url: '', ...(file.patch === undefined ? {} : { patch: file.patch }),
      }))];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/.exec(path))) {
      const head = this.pullHeads.get(`${match[1]}/${match[2]}#${match[3]}`);
      if (!head) return notFound;
      return [200, { number: Number(match[3]), state: head.state, head: { sha: head.sha, ref: head.ref }, base: { ref: 'main' } }];
    }
    if (method === 'POST' && (match = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)\/reviews$/.exec(path))) {
      return this.createReview(match[1] as string, match[2] as string, Number(match[3]), body as { commit_id: string; body: string; event: string; comments?: { path: string; line: number; start_line?: number; side?: string; body: string }[] });
    }
    if (method === 'POST' && (match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path))) {
      const text = (body as { body: string }).body;
      if (text.length > 65_536) return [422, { message: 'Body is too long (maximum is 65536 characters)' }];
      const comment: IssueCommentState = { id: this.id(), node_id: `IC_${this.nextId}`, owner: match[1] as string, repo: match[2] as string, issue: Number(match[3]), body: text, login: `${APP_SLUG}[bot]`, byApp: true, updates: 0 };
      this.issueComments.push(comment);
      return [201, { id: comment.id, node_id: comment.node_id, body: comment.body, user: { login: comment.login, type: 'Bot' } }];
    }
    if (method === 'POST' && (match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/workflows\/([^/]+)\/dispatches$/.exec(path))) {
      const [owner, repo, workflow] = [match[1] as string, match[2] as string, decodeURIComponent(match[3] as string)];
      const declared = this.workflows.get(`${owner}/${repo}:${workflow}`);
      if (!declared) return notFound;
      const input = body as { ref: string; inputs?: Record<string, string>; return_run_details?: boolean };
      if (this.refuseRunDetails && input.return_run_details !== undefined) {
        return [400, { message: 'Invalid request.\n\n"return_run_details" is not a permitted key.', documentation_url: 'https://docs.github.com/enterprise-server@3.14/rest/actions/workflows#create-a-workflow-dispatch-event' }];
      }
      const unexpected = Object.keys(input.inputs ?? {}).filter((name) => !declared.includes(name));
      if (unexpected.length > 0) return [422, { message: `Unexpected inputs provided: ${JSON.stringify(unexpected)}` }];
      const runId = this.id();
      this.dispatches.push({ owner, repo, workflow, ref: input.ref, inputs: { ...input.inputs }, returnRunDetails: input.return_run_details === true, runId });
      if (input.return_run_details !== true) return [204, ''];
      return [200, { workflow_run_id: runId, run_url: `${API}/repos/${owner}/${repo}/actions/runs/${runId}`, html_url: `https://github.com/${owner}/${repo}/actions/runs/${runId}` }];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/artifacts$/.exec(path))) {
      const name = url.searchParams.get('name');
      const found = this.artifacts.filter((artifact) => artifact.owner === match?.[1] && artifact.repo === match[2] && artifact.runId === Number(match[3]) && (name === null || artifact.name === name));
      return [200, {
        total_count: found.length,
        artifacts: found.map((artifact) => ({
          id: artifact.id, node_id: `MDg6QXJ0aWZhY3Q${artifact.id}`, name: artifact.name, size_in_bytes: artifact.sizeInBytes ?? artifact.zip.byteLength,
          url: `${API}/repos/${artifact.owner}/${artifact.repo}/actions/artifacts/${artifact.id}`,
          archive_download_url: `${API}/repos/${artifact.owner}/${artifact.repo}/actions/artifacts/${artifact.id}/zip`,
          expired: artifact.expired ?? false, created_at: '2025-05-06T09:01:30Z', updated_at: '2025-05-06T09:01:30Z', expires_at: '2025-08-04T09:01:30Z',
          workflow_run: { id: artifact.runId, repository_id: 1, head_repository_id: 1, head_branch: 'main', head_sha: '9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4938271605' },
        })),
      }];
    }
    if (method === 'GET' && (match = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/zip$/.exec(path))) {
      const artifact = this.artifacts.find((candidate) => candidate.owner === match?.[1] && candidate.repo === match[2] && candidate.id === Number(match[3]));
      if (!artifact) return notFound;
      if (artifact.expired) return [410, { message: 'Artifact has expired', documentation_url: 'https://docs.github.com/rest/actions/artifacts#download-an-artifact' }];
      return [302, '', { location: `${this.blobBase}/actions-results/${artifact.id}.zip?sig=signed-for-one-minute` }];
    }
    if (method === 'PATCH' && (match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path))) {
      const comment = this.issueComments.find((candidate) => candidate.id === Number(match?.[3]));
      if (!comment) return notFound;
      if (!comment.byApp) this.problems.push(`the app edited comment ${comment.id}, which it did not write`);
      const text = (body as { body: string }).body;
      if (text.length > 65_536) return [422, { message: 'Body is too long (maximum is 65536 characters)' }];
      comment.body = text;
      comment.updates += 1;
      return [200, { id: comment.id, body: comment.body }];
    }
    return notFound;
  }

  private checkRunBody(run: CheckRunState) {
    return {
      id: run.id, head_sha: run.head_sha, name: run.name, status: run.status, conclusion: run.conclusion ?? null,
      html_url: `https://github.com/${run.owner}/${run.repo}/runs/${run.id}`, external_id: run.external_id ?? null,
      output: { title: run.title ?? null, summary: run.summary ?? null, annotations_count: run.annotations.length },
      app: { id: 1, slug: APP_SLUG, name: 'OpsGrade' },
    };
  }

  private createReview(owner: string, repo: string, pull: number, input: { commit_id: string; body: string; event: string; comments?: { path: string; line: number; start_line?: number; side?: string; body: string }[] }): Reply {
    const files = this.pullFiles.get(`${owner}/${repo}#${pull}`) ?? [];
    for (const comment of input.comments ?? []) {
      const lines = rightSideLines(files.find((file) => file.filename === comment.path)?.patch);
      const first = comment.start_line ?? comment.line;
      for (let line = first; line <= comment.line; line += 1) {
        if (!lines.has(line)) return [422, { message: 'Unprocessable Entity', errors: ['Pull request review thread line must be part of the diff'] }];
      }
    }
    const review: ReviewState = { owner, repo, pull, commit_id: input.commit_id, body: input.body, comments: [] };
    for (const comment of input.comments ?? []) {
      const stored: ReviewCommentState = {
        id: this.id(), node_id: `PRRC_${this.nextId}`, owner, repo, pull, path: comment.path, line: comment.line,
        ...(comment.start_line === undefined ? {} : { start_line: comment.start_line }),
        body: comment.body, byApp: true, outdated: false, minimized: false, replies: 0,
      };
      review.comments.push(stored);
      this.reviewComments.push(stored);
    }
    this.reviews.push(review);
    return [200, { id: this.id(), body: input.body, state: 'COMMENTED', commit_id: input.commit_id }];
  }

  private graphql(input: { query: string; variables?: Record<string, unknown> }): Reply {
    const variables = input.variables ?? {};
    if (input.query.includes('OpsgradeOwnComments')) {
      const owner = String(variables.owner);
      const repo = String(variables.repo);
      const number = Number(variables.number);
      const author = (byApp: boolean, login: string) => ({ viewerDidAuthor: byApp, author: { login: byApp ? APP_SLUG : login } });
      return [200, {
        data: {
          repository: {
            pullRequest: {
              comments: {
                nodes: this.issueComments.filter((comment) => comment.owner === owner && comment.repo === repo && comment.issue === number)
                  .map((comment) => ({ id: comment.node_id, databaseId: comment.id, body: comment.body, ...author(comment.byApp, comment.login) })),
              },
              reviewThreads: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: this.reviewComments.filter((comment) => comment.owner === owner && comment.repo === repo && comment.pull === number).map((comment) => ({
                  isOutdated: comment.outdated,
                  comments: { totalCount: 1 + comment.replies, nodes: [{ id: comment.node_id, databaseId: comment.id, body: comment.body, isMinimized: comment.minimized, ...author(comment.byApp, 'learner') }] },
                })),
              },
            },
          },
        },
      }];
    }
    if (input.query.includes('minimizeComment')) {
      const data: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(variables)) {
        const comment = this.reviewComments.find((candidate) => candidate.node_id === value);
        if (!comment) return [200, { data: null, errors: [{ type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${String(value)}'` }] }];
        if (comment.replies > 0) this.problems.push(`the app minimised comment ${comment.id}, which has replies`);
        comment.minimized = true;
        data[`m${name.slice(2)}`] = { minimizedComment: { isMinimized: true } };
      }
      return [200, { data }];
    }
    this.problems.push(`unexpected GraphQL document: ${input.query.slice(0, 80)}`);
    return [200, { data: null, errors: [{ message: 'unexpected document' }] }];
  }
}

function isDownload(host: string, uri: string): boolean {
  return host === 'codeload.github.com' || host === BLOB_HOST || uri.startsWith(LOCAL_CODELOAD_PATH) || uri.startsWith(LOCAL_BLOB_PATH);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** New-side line numbers a review comment may use: every line of every hunk (GitHub's rule). */
export function rightSideLines(patch: string | undefined): Set<number> {
  const lines = new Set<number>();
  if (patch === undefined) return lines;
  let next = 0;
  let remaining = 0;
  for (const line of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (header) {
      next = Number(header[1]);
      remaining = header[2] === undefined ? 1 : Number(header[2]);
      continue;
    }
    if (remaining <= 0 || line.startsWith('-') || line.startsWith('\\')) continue;
    lines.add(next);
    next += 1;
    remaining -= 1;
  }
  return lines;
}

/**
 * Serves a FakeGitHub over real HTTP on loopback, for child processes nock cannot reach
 * (`probot receive`, a production process): API paths at the root (as with `--base-url`) or under
 * `/api/v3` (as with `GHE_HOST`), downloads under /_codeload.
 */
export async function serveOverHttp(build: (codeloadBase: string) => FakeGitHub): Promise<{ fake: FakeGitHub; url: string; close: () => Promise<void> }> {
  const { createServer } = await import('node:http');
  // The fake needs the server's address, the server needs the fake: fill this in once listening.
  const holder: { fake?: FakeGitHub } = {};
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const uri = (request.url ?? '/').replace(/^\/api\/v3(?=\/)/, '');
      const [status, body, headers] = (holder.fake as FakeGitHub).handle(request.method ?? 'GET', '127.0.0.1', uri, Buffer.concat(chunks).toString('utf8'));
      const isBinary = Buffer.isBuffer(body);
      const isText = typeof body === 'string';
      response.writeHead(status, { 'content-type': isBinary ? 'application/octet-stream' : isText ? 'text/plain' : 'application/json', ...headers });
      response.end(isBinary || isText ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const fake = build(`${url}${LOCAL_CODELOAD_PATH}`);
  holder.fake = fake;
  return { fake, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
