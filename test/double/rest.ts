// The REST operations the GitHub double plays, keyed by GitHub's operation ids: app and installation
// tokens, contents, tarball redirects, check runs, pull-request files, reviews and comments, issue
// comments, workflow dispatch, runs and artifacts. Each answers with GitHub's status codes and rules.

import { createHash, randomBytes } from 'node:crypto';

import { zipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';

import { patchHunks } from './diff.ts';
import type { RouteMatch } from './openapi.ts';
import { repoKey } from './state.ts';
import type { Author, CheckRun, CheckRunAnnotation, Commit, GitHubState, IssueComment, PullRequest, Repository, Review, ReviewComment, Workflow, WorkflowRun } from './state.ts';
import { blobSha } from './trees.ts';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Caller =
  | { kind: 'app' }
  | { kind: 'installation'; installationId: number; permissions: Record<string, string> }
  | { kind: 'anonymous' };

export interface RestRequest {
  route: RouteMatch;
  search: URLSearchParams;
  body: unknown;
  accept: string;
  caller: Caller;
}

/** What the operations need from the server around them. */
export interface RestEnvironment {
  state: GitHubState;
  /** `http://127.0.0.1:<port>` — html_url links and download URLs. */
  webBase: string;
  /** `http://127.0.0.1:<port>/api/v3`. */
  apiBase: string;
  /** A one-off download URL for a tarball or artifact, valid for `ttlMs`. */
  signDownload(kind: 'tarball' | 'artifact', target: { repoKey: string; sha?: string; artifactId?: number }, ttlMs: number): string;
  tarballUrlTtlMs: number;
  artifactUrlTtlMs: number;
  /** Schedules a workflow run's progress; the server owns timers so it can stop them. */
  startWorkflowRun(run: WorkflowRun, workflow: Workflow): void;
}

type Operation = (request: RestRequest, environment: RestEnvironment) => Reply;

const LEVELS: Record<string, number> = { none: 0, read: 1, write: 2, admin: 3 };

/** Which installation permission each operation needs (GitHub's `X-Accepted-GitHub-Permissions`). */
const PERMISSIONS: Record<string, string[]> = {
  'repos/get': ['metadata=read'],
  'repos/get-content': ['contents=read'],
  'repos/download-tarball-archive': ['contents=read'],
  'repos/get-commit': ['contents=read'],
  'repos/create-dispatch-event': ['contents=write'],
  'checks/create': ['checks=write'],
  'checks/update': ['checks=write'],
  'checks/get': ['checks=read'],
  'checks/list-for-ref': ['checks=read'],
  'checks/list-annotations': ['checks=read'],
  'pulls/get': ['pull_requests=read'],
  'pulls/list': ['pull_requests=read'],
  'pulls/list-files': ['pull_requests=read'],
  'pulls/list-reviews': ['pull_requests=read'],
  'pulls/list-review-comments': ['pull_requests=read'],
  'pulls/create-review': ['pull_requests=write'],
  // On a pull request either permission will do.
  'issues/create-comment': ['issues=write', 'pull_requests=write'],
  'issues/update-comment': ['issues=write', 'pull_requests=write'],
  'issues/delete-comment': ['issues=write', 'pull_requests=write'],
  'issues/list-comments': ['issues=read', 'pull_requests=read'],
  'issues/get-comment': ['issues=read', 'pull_requests=read'],
  'actions/create-workflow-dispatch': ['actions=write'],
  'actions/get-workflow': ['actions=read'],
  'actions/list-repo-workflows': ['actions=read'],
  'actions/list-workflow-runs': ['actions=read'],
  'actions/list-workflow-runs-for-repo': ['actions=read'],
  'actions/get-workflow-run': ['actions=read'],
  'actions/list-workflow-run-artifacts': ['actions=read'],
  'actions/get-artifact': ['actions=read'],
  'actions/download-artifact': ['actions=read'],
  'apps/list-repos-accessible-to-installation': [],
  'rate-limit/get': [],
};

const APP_OPERATIONS = new Set(['apps/get-authenticated', 'apps/create-installation-access-token', 'apps/get-repo-installation', 'apps/list-installations', 'apps/get-installation']);

export function notFound(documentationUrl = 'https://docs.github.com/rest'): Reply {
  return { status: 404, body: { message: 'Not Found', documentation_url: documentationUrl, status: '404' } };
}

function validationFailed(route: RouteMatch, resource: string, field: string, message: string, code = 'custom'): Reply {
  return { status: 422, body: { message: 'Validation Failed', errors: [{ resource, code, field, message }], documentation_url: route.documentationUrl, status: '422' } };
}

function unprocessable(route: RouteMatch, message: string, errors?: unknown[]): Reply {
  return { status: 422, body: { message, ...(errors ? { errors } : {}), documentation_url: route.documentationUrl, status: '422' } };
}

/** Checks who may call the operation; returns the refusal GitHub would send, if any. */
export function authorize(request: RestRequest, environment: RestEnvironment): Reply | undefined {
  const { route, caller } = request;
  if (APP_OPERATIONS.has(route.operationId)) {
    if (caller.kind !== 'app') {
      return { status: 401, body: { message: 'A JSON web token could not be decoded', documentation_url: route.documentationUrl, status: '401' } };
    }
    return undefined;
  }
  if (caller.kind === 'anonymous') return { status: 401, body: { message: 'Requires authentication', documentation_url: route.documentationUrl, status: '401' } };
  if (caller.kind === 'app') {
    return { status: 403, body: { message: 'Resource not accessible by integration: this endpoint needs an installation token, not the app JWT', documentation_url: route.documentationUrl, status: '403' } };
  }
  const owner = route.params.owner;
  const repo = route.params.repo;
  if (owner !== undefined && repo !== undefined) {
    const repository = environment.state.repository(owner, repo);
    // A repository outside the installation is invisible to its token.
    if (!repository || repository.installationId !== caller.installationId) return notFound(route.documentationUrl);
  }
  const needed = PERMISSIONS[route.operationId];
  if (needed === undefined) return undefined;
  if (needed.length === 0) return undefined;
  const granted = needed.some((requirement) => {
    const [name, level] = requirement.split('=') as [string, string];
    return (LEVELS[caller.permissions[name] ?? 'none'] ?? 0) >= (LEVELS[level] ?? 0);
  });
  if (granted) return undefined;
  return {
    status: 403,
    body: { message: 'Resource not accessible by integration', documentation_url: route.documentationUrl, status: '403' },
    headers: { 'x-accepted-github-permissions': needed.join('; ') },
  };
}

// ——— Response shapes ———

function userJson(environment: RestEnvironment, author: Author): Record<string, unknown> {
  const id = Number.parseInt(createHash('sha1').update(author.login).digest('hex').slice(0, 7), 16);
  return {
    login: author.login, id, node_id: `U_${id}`, type: author.type, site_admin: false,
    avatar_url: `${environment.webBase}/avatars/${author.login}`, html_url: `${environment.webBase}/${author.login}`,
    url: `${environment.apiBase}/users/${author.login}`,
  };
}

function appJson(environment: RestEnvironment): Record<string, unknown> {
  const app = environment.state.app;
  if (!app) throw new Error('the double has no app');
  return {
    id: app.id, slug: app.slug, node_id: `A_${app.id}`, name: app.name, description: 'OpsGrade (GitHub double)',
    owner: { login: app.owner, id: 1, type: 'Organization' }, external_url: environment.webBase, html_url: `${environment.webBase}/apps/${app.slug}`,
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', permissions: app.permissions, events: app.events,
  };
}

export function repositoryJson(environment: RestEnvironment, repository: Repository): Record<string, unknown> {
  const fullName = `${repository.owner}/${repository.name}`;
  const installation = environment.state.installations.get(repository.installationId);
  return {
    id: repository.id, node_id: repository.nodeId, name: repository.name, full_name: fullName, private: repository.private,
    owner: { login: repository.owner, id: repository.installationId, type: installation?.accountType ?? 'Organization' },
    html_url: `${environment.webBase}/${fullName}`, url: `${environment.apiBase}/repos/${fullName}`,
    default_branch: repository.defaultBranch, topics: repository.topics, visibility: repository.private ? 'private' : 'public',
    created_at: repository.createdAt.toISOString(), archived: false, disabled: false, fork: false,
  };
}

function checkRunJson(environment: RestEnvironment, run: CheckRun): Record<string, unknown> {
  const [owner, repo] = run.repoKey.split('/') as [string, string];
  return {
    id: run.id, node_id: run.nodeId, head_sha: run.headSha, external_id: run.externalId ?? null, name: run.name,
    url: `${environment.apiBase}/repos/${owner}/${repo}/check-runs/${run.id}`,
    html_url: `${environment.webBase}/${owner}/${repo}/runs/${run.id}`, details_url: run.detailsUrl ?? null,
    status: run.status, conclusion: run.conclusion ?? null, started_at: run.startedAt.toISOString(),
    completed_at: run.completedAt?.toISOString() ?? null,
    output: {
      title: run.output.title ?? null, summary: run.output.summary ?? null, text: run.output.text ?? null,
      annotations_count: run.annotations.length, annotations_url: `${environment.apiBase}/repos/${owner}/${repo}/check-runs/${run.id}/annotations`,
    },
    check_suite: { id: run.id + 1 }, app: appJson(environment), pull_requests: [],
  };
}

function issueCommentJson(environment: RestEnvironment, comment: IssueComment): Record<string, unknown> {
  const [owner, repo] = comment.repoKey.split('/') as [string, string];
  return {
    id: comment.id, node_id: comment.nodeId, body: comment.body, user: userJson(environment, comment.author),
    url: `${environment.apiBase}/repos/${owner}/${repo}/issues/comments/${comment.id}`,
    html_url: `${environment.webBase}/${owner}/${repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${environment.apiBase}/repos/${owner}/${repo}/issues/${comment.issueNumber}`,
    created_at: comment.createdAt.toISOString(), updated_at: comment.updatedAt.toISOString(),
    author_association: comment.author.byApp ? 'NONE' : 'OWNER',
    ...(comment.author.byApp ? { performed_via_github_app: appJson(environment) } : {}),
  };
}

function reviewJson(environment: RestEnvironment, review: Review): Record<string, unknown> {
  const [owner, repo] = review.repoKey.split('/') as [string, string];
  return {
    id: review.id, node_id: review.nodeId, user: userJson(environment, review.author), body: review.body, state: review.state,
    html_url: `${environment.webBase}/${owner}/${repo}/pull/${review.pullNumber}#pullrequestreview-${review.id}`,
    pull_request_url: `${environment.apiBase}/repos/${owner}/${repo}/pulls/${review.pullNumber}`,
    commit_id: review.commitId, submitted_at: review.submittedAt.toISOString(), author_association: 'NONE',
    _links: { html: { href: '' }, pull_request: { href: '' } },
  };
}

function reviewCommentJson(environment: RestEnvironment, comment: ReviewComment): Record<string, unknown> {
  const [owner, repo] = comment.repoKey.split('/') as [string, string];
  return {
    id: comment.id, node_id: comment.nodeId, pull_request_review_id: comment.reviewId, path: comment.path, body: comment.body,
    line: comment.line, start_line: comment.startLine ?? null, side: comment.side, commit_id: comment.commitId,
    original_commit_id: comment.commitId, user: userJson(environment, comment.author), in_reply_to_id: comment.inReplyTo,
    html_url: `${environment.webBase}/${owner}/${repo}/pull/${comment.pullNumber}#discussion_r${comment.id}`,
    created_at: comment.createdAt.toISOString(), updated_at: comment.createdAt.toISOString(),
  };
}

function pullJson(environment: RestEnvironment, repository: Repository, pull: PullRequest): Record<string, unknown> {
  const fullName = `${repository.owner}/${repository.name}`;
  const repo = repositoryJson(environment, repository);
  return {
    id: pull.id, node_id: pull.nodeId, number: pull.number, state: pull.state, title: pull.title, draft: false,
    url: `${environment.apiBase}/repos/${fullName}/pulls/${pull.number}`, html_url: `${environment.webBase}/${fullName}/pull/${pull.number}`,
    user: { login: pull.author, id: 7, type: 'User' },
    head: { ref: pull.headRef, sha: pull.headSha, label: `${repository.owner}:${pull.headRef}`, repo },
    base: { ref: pull.baseRef, sha: pull.baseSha, label: `${repository.owner}:${pull.baseRef}`, repo },
    created_at: pull.createdAt.toISOString(), updated_at: pull.createdAt.toISOString(), merged: false, mergeable: true,
  };
}

function workflowRunJson(environment: RestEnvironment, run: WorkflowRun, workflow: Workflow | undefined): Record<string, unknown> {
  const [owner, repo] = run.repoKey.split('/') as [string, string];
  const base = `${environment.apiBase}/repos/${owner}/${repo}/actions/runs/${run.id}`;
  return {
    id: run.id, node_id: run.nodeId, name: workflow?.name ?? 'workflow', display_title: run.displayTitle, run_number: run.runNumber,
    run_attempt: 1, event: run.event, status: run.status, conclusion: run.conclusion ?? null, workflow_id: run.workflowId,
    head_branch: run.headBranch, head_sha: run.headSha, path: workflow?.path ?? '', url: base,
    html_url: `${environment.webBase}/${owner}/${repo}/actions/runs/${run.id}`, artifacts_url: `${base}/artifacts`,
    created_at: run.createdAt.toISOString(), updated_at: run.updatedAt.toISOString(),
    run_started_at: run.runStartedAt?.toISOString() ?? run.createdAt.toISOString(), actor: { login: run.actor, type: 'Bot' },
    triggering_actor: { login: run.actor, type: 'Bot' }, pull_requests: [],
  };
}

function workflowJson(environment: RestEnvironment, repository: Repository, workflow: Workflow): Record<string, unknown> {
  const fullName = `${repository.owner}/${repository.name}`;
  return {
    id: workflow.id, node_id: workflow.nodeId, name: workflow.name, path: workflow.path, state: 'active',
    created_at: repository.createdAt.toISOString(), updated_at: repository.createdAt.toISOString(),
    url: `${environment.apiBase}/repos/${fullName}/actions/workflows/${workflow.id}`,
    html_url: `${environment.webBase}/${fullName}/blob/${repository.defaultBranch}/${workflow.path}`, badge_url: '',
  };
}

// ——— Helpers ———

function repositoryOf(request: RestRequest, environment: RestEnvironment): Repository | undefined {
  const { owner, repo } = request.route.params;
  return owner === undefined || repo === undefined ? undefined : environment.state.repository(owner, repo);
}

function page<T>(items: T[], search: URLSearchParams, defaultPerPage = 30): T[] {
  const perPage = Math.min(100, Math.max(1, Number(search.get('per_page') ?? defaultPerPage)));
  const number = Math.max(1, Number(search.get('page') ?? 1));
  return items.slice((number - 1) * perPage, number * perPage);
}

/** A body field as text; GitHub reads numbers and booleans in text fields as their text. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function bodyOf(request: RestRequest): Record<string, unknown> {
  return typeof request.body === 'object' && request.body !== null ? request.body as Record<string, unknown> : {};
}

function appAuthor(environment: RestEnvironment): Author {
  return { login: `${environment.state.app?.slug ?? 'app'}[bot]`, type: 'Bot', byApp: true };
}

const CHECK_TEXT_LIMIT = 65_535;
const COMMENT_LIMIT = 65_536;
const ANNOTATIONS_PER_REQUEST = 50;

/** GitHub's own limits on check-run output, beyond what the schema says. */
function checkOutputProblem(request: RestRequest): Reply | undefined {
  const output = bodyOf(request).output as { summary?: string; text?: string; annotations?: unknown[] } | undefined;
  if (!output) return undefined;
  for (const field of ['summary', 'text'] as const) {
    const length = output[field]?.length ?? 0;
    if (length > CHECK_TEXT_LIMIT) return unprocessable(request.route, `Invalid request.\n\nOnly ${CHECK_TEXT_LIMIT} characters are allowed; ${length} were supplied.`, [{ resource: 'CheckRun', field: `output.${field}`, code: 'invalid' }]);
  }
  if ((output.annotations?.length ?? 0) > ANNOTATIONS_PER_REQUEST) {
    return unprocessable(request.route, `Invalid request.\n\nFor 'properties/annotations', ${output.annotations?.length ?? 0} items were supplied; at most ${ANNOTATIONS_PER_REQUEST} are allowed.`, [{ resource: 'CheckRun', field: 'output.annotations', code: 'invalid' }]);
  }
  return undefined;
}

function applyCheckRunBody(run: CheckRun, body: Record<string, unknown>): void {
  const output = body.output as { title?: string; summary?: string; text?: string; annotations?: CheckRunAnnotation[] } | undefined;
  if (output) {
    if (output.title !== undefined) run.output.title = output.title;
    if (output.summary !== undefined) run.output.summary = output.summary;
    if (output.text !== undefined) run.output.text = output.text;
    // Annotations are appended, never replaced: that is how more than 50 get in.
    if (output.annotations) run.annotations.push(...output.annotations);
  }
  if (Array.isArray(body.actions)) run.actions = body.actions as CheckRun['actions'];
  if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
  if (typeof body.external_id === 'string') run.externalId = body.external_id;
  if (typeof body.name === 'string') run.name = body.name;
  if (typeof body.started_at === 'string') run.startedAt = new Date(body.started_at);
  if (typeof body.status === 'string') run.status = body.status as CheckRun['status'];
  if (typeof body.conclusion === 'string') {
    if (run.conclusion !== undefined) run.reconcluded += 1;
    run.conclusion = body.conclusion;
    run.status = 'completed';
    run.completedAt = typeof body.completed_at === 'string' ? new Date(body.completed_at) : new Date();
    run.concludedAt = performance.now();
  }
}

/** GitHub's rule for review comments: every line must be in one hunk of the file's diff. */
function commentInDiff(files: { filename: string; patch?: string }[], comment: { path: string; line?: number; start_line?: number; side?: string; start_side?: string; position?: number }): boolean {
  const file = files.find((candidate) => candidate.filename === comment.path);
  if (!file?.patch) return false;
  const hunks = patchHunks(file.patch);
  if (comment.line === undefined) {
    // The deprecated `position`: lines below the first `@@` header, counting later headers.
    const count = file.patch.split('\n').length - 1;
    return comment.position !== undefined && comment.position >= 1 && comment.position <= count;
  }
  const side = comment.side === 'LEFT' ? 'left' : 'right';
  const startSide = comment.start_side === 'LEFT' ? 'left' : comment.start_side === 'RIGHT' ? 'right' : side;
  return hunks.some((hunk) => hunk[side].has(comment.line as number) && (comment.start_line === undefined || hunk[startSide].has(comment.start_line)));
}

function lineOf(commit: Commit | undefined, path: string, line: number): string | undefined {
  return commit?.tree.get(path)?.content.toString('utf8').split('\n')[line - 1];
}

// ——— Operations ———

const OPERATIONS: Record<string, Operation> = {
  'apps/get-authenticated': (_request, environment) => ({ status: 200, body: appJson(environment) }),

  'apps/list-installations': (_request, environment) => ({
    status: 200,
    body: [...environment.state.installations.values()].map((installation) => ({ id: installation.id, account: { login: installation.account, type: installation.accountType }, app_id: environment.state.app?.id, target_type: installation.accountType, permissions: environment.state.app?.permissions ?? {}, events: environment.state.app?.events ?? [], repository_selection: 'all' })),
  }),

  'apps/get-installation': (request, environment) => {
    const installation = environment.state.installations.get(Number(request.route.params.installation_id));
    if (!installation) return notFound(request.route.documentationUrl);
    return { status: 200, body: { id: installation.id, account: { login: installation.account, type: installation.accountType }, app_id: environment.state.app?.id, target_type: installation.accountType, permissions: environment.state.app?.permissions ?? {}, events: environment.state.app?.events ?? [], repository_selection: 'all' } };
  },

  'apps/create-installation-access-token': (request, environment) => {
    const installationId = Number(request.route.params.installation_id);
    if (!environment.state.installations.has(installationId)) return notFound(request.route.documentationUrl);
    const granted = environment.state.app?.permissions ?? {};
    const asked = (bodyOf(request).permissions ?? undefined) as Record<string, string> | undefined;
    if (asked) {
      for (const [name, level] of Object.entries(asked)) {
        if ((LEVELS[granted[name] ?? 'none'] ?? 0) < (LEVELS[level] ?? 0)) return unprocessable(request.route, `The permissions requested are not granted to this installation.`);
      }
    }
    const permissions = asked ?? granted;
    const { token, expiresAt } = environment.state.issueToken(installationId, permissions);
    return { status: 201, body: { token, expires_at: expiresAt.toISOString(), permissions, repository_selection: 'all' } };
  },

  'apps/get-repo-installation': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const installation = repository ? environment.state.installations.get(repository.installationId) : undefined;
    if (!installation) return notFound(request.route.documentationUrl);
    return { status: 200, body: { id: installation.id, account: { login: installation.account, type: installation.accountType }, app_id: environment.state.app?.id, target_type: installation.accountType, permissions: environment.state.app?.permissions ?? {}, events: environment.state.app?.events ?? [], repository_selection: 'all' } };
  },

  'apps/list-repos-accessible-to-installation': (request, environment) => {
    const caller = request.caller as Extract<Caller, { kind: 'installation' }>;
    const repositories = [...environment.state.repositories.values()].filter((repository) => repository.installationId === caller.installationId);
    return { status: 200, body: { total_count: repositories.length, repositories: page(repositories, request.search).map((repository) => repositoryJson(environment, repository)) } };
  },

  'rate-limit/get': () => ({ status: 200, body: { resources: { core: { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600, used: 0 } }, rate: { limit: 5000, remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600, used: 0 } } }),

  'repos/get': (request, environment) => {
    const repository = repositoryOf(request, environment);
    return repository ? { status: 200, body: repositoryJson(environment, repository) } : notFound(request.route.documentationUrl);
  },

  'repos/get-content': (request, environment) => {
    const repository = repositoryOf(request, environment);
    if (!repository) return notFound(request.route.documentationUrl);
    const commit = environment.state.resolveRef(repository, request.search.get('ref') ?? repository.defaultBranch);
    const path = (request.route.params.path ?? '').replace(/^\/+|\/+$/g, '');
    const entry = commit?.tree.get(path);
    if (!commit || !entry) {
      const prefix = `${path}/`;
      const children = commit ? [...commit.tree.keys()].filter((file) => file.startsWith(prefix)) : [];
      if (children.length === 0) return notFound(request.route.documentationUrl);
      const names = [...new Set(children.map((file) => file.slice(prefix.length).split('/')[0] as string))];
      return { status: 200, body: names.map((name) => ({ name, path: `${prefix}${name}`, type: commit?.tree.has(`${prefix}${name}`) ? 'file' : 'dir', sha: '', size: 0, url: '', html_url: '', git_url: '', download_url: null, _links: { self: '', git: '', html: '' } })) };
    }
    // The contents API serves files up to 1 MB fully; 1–100 MB only raw.
    const raw = /raw/.test(request.accept);
    if (!raw && entry.content.length > 1_048_576) {
      return { status: 403, body: { message: 'This API returns blobs up to 1 MB in size. The requested blob is too large to fetch via the API, but you can use the raw media type.', errors: [{ resource: 'Blob', field: 'data', code: 'too_large' }], documentation_url: request.route.documentationUrl, status: '403' } };
    }
    if (raw) return { status: 200, body: entry.content, headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
    const fullName = `${repository.owner}/${repository.name}`;
    return {
      status: 200,
      body: {
        type: entry.kind === 'symlink' ? 'symlink' : 'file', encoding: 'base64', size: entry.content.length, name: path.split('/').pop(), path,
        content: entry.content.toString('base64').replace(/(.{60})/g, '$1\n'), sha: blobSha(entry.content),
        url: `${environment.apiBase}/repos/${fullName}/contents/${path}?ref=${commit.sha}`, html_url: `${environment.webBase}/${fullName}/blob/${commit.sha}/${path}`,
        git_url: `${environment.apiBase}/repos/${fullName}/git/blobs/${blobSha(entry.content)}`, download_url: `${environment.webBase}/${fullName}/raw/${commit.sha}/${path}`,
        _links: { self: '', git: '', html: '' },
      },
    };
  },

  'repos/download-tarball-archive': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const commit = repository ? environment.state.resolveRef(repository, request.route.params.ref ?? '') : undefined;
    if (!repository || !commit) return notFound(request.route.documentationUrl);
    const location = environment.signDownload('tarball', { repoKey: repoKey(repository.owner, repository.name), sha: commit.sha }, environment.tarballUrlTtlMs);
    return { status: 302, headers: { location } };
  },

  'repos/get-commit': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const commit = repository ? environment.state.resolveRef(repository, request.route.params.ref ?? '') : undefined;
    if (!repository || !commit) return notFound(request.route.documentationUrl);
    return { status: 200, body: { sha: commit.sha, node_id: `C_${commit.sha.slice(0, 10)}`, commit: { message: commit.message, author: { name: 'learner', date: commit.committedAt.toISOString() } }, parents: commit.parent ? [{ sha: commit.parent }] : [], files: [] } };
  },

  'repos/create-dispatch-event': (request, environment) => {
    const repository = repositoryOf(request, environment);
    if (!repository) return notFound(request.route.documentationUrl);
    const payload = bodyOf(request).client_payload;
    if (payload && typeof payload === 'object' && Object.keys(payload).length > 10) return unprocessable(request.route, 'client_payload can have at most 10 top-level properties');
    if (payload && JSON.stringify(payload).length >= 65_536) return unprocessable(request.route, 'client_payload must be smaller than 64 KB');
    return { status: 204 };
  },

  'checks/create': (request, environment) => {
    const repository = repositoryOf(request, environment);
    if (!repository) return notFound(request.route.documentationUrl);
    const body = bodyOf(request);
    const limit = checkOutputProblem(request);
    if (limit) return limit;
    const headSha = String(body.head_sha);
    if (!repository.commits.has(headSha)) return unprocessable(request.route, 'No commit found for SHA: ' + headSha, [{ resource: 'CheckRun', field: 'head_sha', code: 'invalid' }]);
    if ((body.status === 'completed' || body.completed_at !== undefined) && body.conclusion === undefined) {
      return unprocessable(request.route, 'Invalid request.\n\n`conclusion` is required when `status` is `completed` or `completed_at` is given.');
    }
    const caller = request.caller as Extract<Caller, { kind: 'installation' }>;
    const id = environment.state.nextId();
    const run: CheckRun = {
      id, nodeId: environment.state.nodeId('CR', id), repoKey: repoKey(repository.owner, repository.name), appId: environment.state.app?.id ?? 0,
      installationId: caller.installationId, headSha, name: String(body.name), externalId: undefined, status: 'queued', conclusion: undefined,
      startedAt: new Date(), completedAt: undefined, output: {}, annotations: [], actions: [], detailsUrl: undefined,
      createdAt: performance.now(), concludedAt: undefined, updates: 0, reconcluded: 0,
    };
    applyCheckRunBody(run, body);
    environment.state.checkRuns.set(run.id, run);
    return { status: 201, body: checkRunJson(environment, run) };
  },

  'checks/update': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const run = environment.state.checkRuns.get(Number(request.route.params.check_run_id));
    if (!repository || !run || run.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    if (run.appId !== environment.state.app?.id) return { status: 403, body: { message: 'Invalid app_id `' + String(environment.state.app?.id) + '` - check run can only be modified by the GitHub App that created it.', documentation_url: request.route.documentationUrl, status: '403' } };
    const limit = checkOutputProblem(request);
    if (limit) return limit;
    const body = bodyOf(request);
    if ((body.status === 'completed' || body.completed_at !== undefined) && body.conclusion === undefined && run.conclusion === undefined) {
      return unprocessable(request.route, 'Invalid request.\n\n`conclusion` is required when `status` is `completed` or `completed_at` is given.');
    }
    run.updates += 1;
    applyCheckRunBody(run, body);
    return { status: 200, body: checkRunJson(environment, run) };
  },

  'checks/get': (request, environment) => {
    const run = environment.state.checkRuns.get(Number(request.route.params.check_run_id));
    const repository = repositoryOf(request, environment);
    if (!repository || !run || run.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    return { status: 200, body: checkRunJson(environment, run) };
  },

  'checks/list-for-ref': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const commit = repository ? environment.state.resolveRef(repository, request.route.params.ref ?? '') : undefined;
    if (!repository || !commit) return notFound(request.route.documentationUrl);
    const name = request.search.get('check_name');
    const status = request.search.get('status');
    const runs = environment.state.checkRunsFor(repository, commit.sha).filter((run) => (name === null || run.name === name) && (status === null || run.status === status));
    // `filter=latest` (the default) keeps the newest run per name.
    const latest = request.search.get('filter') === 'all' ? runs : [...new Map(runs.map((run) => [run.name, run])).values()];
    return { status: 200, body: { total_count: latest.length, check_runs: page(latest.reverse(), request.search).map((run) => checkRunJson(environment, run)) } };
  },

  'checks/list-annotations': (request, environment) => {
    const run = environment.state.checkRuns.get(Number(request.route.params.check_run_id));
    if (!run) return notFound(request.route.documentationUrl);
    return { status: 200, body: page(run.annotations, request.search).map((annotation) => ({ ...annotation, blob_href: '', start_column: annotation.start_column ?? null, end_column: annotation.end_column ?? null, title: annotation.title ?? null, raw_details: annotation.raw_details ?? null })) };
  },

  'pulls/get': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const pull = repository?.pulls.get(Number(request.route.params.pull_number));
    if (!repository || !pull) return notFound(request.route.documentationUrl);
    return { status: 200, body: pullJson(environment, repository, pull) };
  },

  'pulls/list': (request, environment) => {
    const repository = repositoryOf(request, environment);
    if (!repository) return notFound(request.route.documentationUrl);
    const state = request.search.get('state') ?? 'open';
    const pulls = [...repository.pulls.values()].filter((pull) => state === 'all' || pull.state === state);
    return { status: 200, body: page(pulls, request.search).map((pull) => pullJson(environment, repository, pull)) };
  },

  'pulls/list-files': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const pull = repository?.pulls.get(Number(request.route.params.pull_number));
    if (!repository || !pull) return notFound(request.route.documentationUrl);
    // GitHub lists at most 3,000 files.
    const files = environment.state.pullRequestFiles(repository, pull, environment.webBase, environment.apiBase).slice(0, 3000);
    return { status: 200, body: page(files, request.search) };
  },

  'pulls/create-review': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const pull = repository?.pulls.get(Number(request.route.params.pull_number));
    if (!repository || !pull) return notFound(request.route.documentationUrl);
    const body = bodyOf(request);
    const event = typeof body.event === 'string' ? body.event : 'PENDING';
    const text = typeof body.body === 'string' ? body.body : '';
    if ((event === 'COMMENT' || event === 'REQUEST_CHANGES') && text === '' && !Array.isArray(body.comments)) {
      return unprocessable(request.route, 'Unprocessable Entity', [`Body is required for the ${event} event`]);
    }
    if (text.length > COMMENT_LIMIT) return validationFailed(request.route, 'PullRequestReview', 'body', `body is too long (maximum is ${COMMENT_LIMIT} characters)`);
    const commitId = typeof body.commit_id === 'string' ? body.commit_id : pull.headSha;
    const commit = repository.commits.get(commitId);
    if (!commit) return unprocessable(request.route, 'Unprocessable Entity', ['Commit SHA is not part of the pull request']);
    const comments = (Array.isArray(body.comments) ? body.comments : []) as { path: string; line?: number; start_line?: number; side?: string; start_side?: string; position?: number; body: string }[];
    const files = environment.state.pullRequestFiles(repository, { ...pull, headSha: commitId }, environment.webBase, environment.apiBase);
    for (const comment of comments) {
      if (comment.body.length > COMMENT_LIMIT) return validationFailed(request.route, 'PullRequestReviewComment', 'body', `body is too long (maximum is ${COMMENT_LIMIT} characters)`);
      // One bad line fails the whole review, and GitHub does not say which.
      if (!commentInDiff(files, comment)) return unprocessable(request.route, 'Unprocessable Entity', ['Pull request review thread line must be part of the diff']);
      if (comment.start_line !== undefined && comment.line !== undefined && comment.start_line >= comment.line) {
        return unprocessable(request.route, 'Unprocessable Entity', ['Pull request review thread start line must precede the end line']);
      }
    }
    const author = appAuthor(environment);
    const id = environment.state.nextId();
    const review: Review = {
      id, nodeId: environment.state.nodeId('PRR', id), repoKey: repoKey(repository.owner, repository.name), pullNumber: pull.number, commitId,
      body: text, state: event === 'APPROVE' ? 'APPROVED' : event === 'REQUEST_CHANGES' ? 'CHANGES_REQUESTED' : event === 'COMMENT' ? 'COMMENTED' : 'PENDING',
      author, commentIds: [], submittedAt: new Date(),
    };
    for (const comment of comments) {
      const commentId = environment.state.nextId();
      const line = comment.line ?? 0;
      const stored: ReviewComment = {
        id: commentId, nodeId: environment.state.nodeId('PRRC', commentId), reviewId: id, repoKey: review.repoKey, pullNumber: pull.number,
        commitId, path: comment.path, line, startLine: comment.start_line, side: comment.side === 'LEFT' ? 'LEFT' : 'RIGHT', body: comment.body,
        author, lineText: lineOf(commit, comment.path, line), inReplyTo: undefined, minimized: undefined, createdAt: new Date(),
      };
      environment.state.reviewComments.set(commentId, stored);
      review.commentIds.push(commentId);
    }
    environment.state.reviews.set(id, review);
    return { status: 200, body: reviewJson(environment, review) };
  },

  'pulls/list-reviews': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const pull = repository?.pulls.get(Number(request.route.params.pull_number));
    if (!repository || !pull) return notFound(request.route.documentationUrl);
    return { status: 200, body: page(environment.state.reviewsOn(repository, pull.number), request.search).map((review) => reviewJson(environment, review)) };
  },

  'pulls/list-review-comments': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const pull = repository?.pulls.get(Number(request.route.params.pull_number));
    if (!repository || !pull) return notFound(request.route.documentationUrl);
    return { status: 200, body: page(environment.state.reviewCommentsOn(repository, pull.number), request.search).map((comment) => reviewCommentJson(environment, comment)) };
  },

  'issues/create-comment': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const number = Number(request.route.params.issue_number);
    if (!repository || !repository.pulls.has(number)) return notFound(request.route.documentationUrl);
    const text = textOf(bodyOf(request).body);
    if (text.length > COMMENT_LIMIT) return validationFailed(request.route, 'IssueComment', 'body', `body is too long (maximum is ${COMMENT_LIMIT} characters)`);
    if (text.trim() === '') return validationFailed(request.route, 'IssueComment', 'body', 'body cannot be blank', 'missing_field');
    const id = environment.state.nextId();
    const comment: IssueComment = {
      id, nodeId: environment.state.nodeId('IC', id), repoKey: repoKey(repository.owner, repository.name), issueNumber: number, body: text,
      author: appAuthor(environment), createdAt: new Date(), updatedAt: new Date(), updates: 0, minimized: undefined,
    };
    environment.state.issueComments.set(id, comment);
    return { status: 201, body: issueCommentJson(environment, comment) };
  },

  'issues/list-comments': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const number = Number(request.route.params.issue_number);
    if (!repository || !repository.pulls.has(number)) return notFound(request.route.documentationUrl);
    return { status: 200, body: page(environment.state.issueCommentsOn(repository, number), request.search).map((comment) => issueCommentJson(environment, comment)) };
  },

  'issues/get-comment': (request, environment) => {
    const comment = environment.state.issueComments.get(Number(request.route.params.comment_id));
    const repository = repositoryOf(request, environment);
    if (!repository || !comment || comment.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    return { status: 200, body: issueCommentJson(environment, comment) };
  },

  'issues/update-comment': (request, environment) => {
    const comment = environment.state.issueComments.get(Number(request.route.params.comment_id));
    const repository = repositoryOf(request, environment);
    if (!repository || !comment || comment.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    // An app may only edit what it wrote.
    if (!comment.author.byApp) return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: request.route.documentationUrl, status: '403' } };
    const text = textOf(bodyOf(request).body);
    if (text.length > COMMENT_LIMIT) return validationFailed(request.route, 'IssueComment', 'body', `body is too long (maximum is ${COMMENT_LIMIT} characters)`);
    comment.body = text;
    comment.updates += 1;
    comment.updatedAt = new Date();
    return { status: 200, body: issueCommentJson(environment, comment) };
  },

  'issues/delete-comment': (request, environment) => {
    const comment = environment.state.issueComments.get(Number(request.route.params.comment_id));
    const repository = repositoryOf(request, environment);
    if (!repository || !comment || comment.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    if (!comment.author.byApp) return { status: 403, body: { message: 'Resource not accessible by integration', documentation_url: request.route.documentationUrl, status: '403' } };
    environment.state.issueComments.delete(comment.id);
    return { status: 204 };
  },

  'actions/list-repo-workflows': (request, environment) => {
    const repository = repositoryOf(request, environment);
    if (!repository) return notFound(request.route.documentationUrl);
    const workflows = [...repository.workflows.values()];
    return { status: 200, body: { total_count: workflows.length, workflows: workflows.map((workflow) => workflowJson(environment, repository, workflow)) } };
  },

  'actions/get-workflow': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const workflow = repository ? findWorkflow(repository, request.route.params.workflow_id ?? '') : undefined;
    if (!repository || !workflow) return notFound(request.route.documentationUrl);
    return { status: 200, body: workflowJson(environment, repository, workflow) };
  },

  'actions/create-workflow-dispatch': (request, environment) => dispatchWorkflow(request, environment),

  'actions/list-workflow-runs': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const workflow = repository ? findWorkflow(repository, request.route.params.workflow_id ?? '') : undefined;
    if (!repository || !workflow) return notFound(request.route.documentationUrl);
    return listRuns(request, environment, repository, workflow);
  },

  'actions/list-workflow-runs-for-repo': (request, environment) => {
    const repository = repositoryOf(request, environment);
    if (!repository) return notFound(request.route.documentationUrl);
    return listRuns(request, environment, repository, undefined);
  },

  'actions/get-workflow-run': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const run = environment.state.workflowRuns.get(Number(request.route.params.run_id));
    if (!repository || !run || run.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    return { status: 200, body: workflowRunJson(environment, run, [...repository.workflows.values()].find((workflow) => workflow.id === run.workflowId)) };
  },

  'actions/list-workflow-run-artifacts': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const run = environment.state.workflowRuns.get(Number(request.route.params.run_id));
    if (!repository || !run || run.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    const name = request.search.get('name');
    const artifacts = [...environment.state.artifacts.values()].filter((artifact) => artifact.runId === run.id && (name === null || artifact.name === name));
    return { status: 200, body: { total_count: artifacts.length, artifacts: page(artifacts, request.search).map((artifact) => artifactJson(environment, artifact, run)) } };
  },

  'actions/get-artifact': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const artifact = environment.state.artifacts.get(Number(request.route.params.artifact_id));
    if (!repository || !artifact || artifact.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    return { status: 200, body: artifactJson(environment, artifact, environment.state.workflowRuns.get(artifact.runId)) };
  },

  'actions/download-artifact': (request, environment) => {
    const repository = repositoryOf(request, environment);
    const artifact = environment.state.artifacts.get(Number(request.route.params.artifact_id));
    if (!repository || !artifact || artifact.repoKey !== repoKey(repository.owner, repository.name)) return notFound(request.route.documentationUrl);
    if (request.route.params.archive_format !== 'zip') return notFound(request.route.documentationUrl);
    if (artifact.expiresAt.getTime() < Date.now()) return { status: 410, body: { message: 'Artifact has expired', documentation_url: request.route.documentationUrl, status: '410' } };
    // The signed URL lives one minute: download right after asking.
    const location = environment.signDownload('artifact', { repoKey: artifact.repoKey, artifactId: artifact.id }, environment.artifactUrlTtlMs);
    return { status: 302, headers: { location } };
  },
};

function artifactJson(environment: RestEnvironment, artifact: { id: number; nodeId: string; name: string; zip: Buffer; createdAt: Date; expiresAt: Date; repoKey: string }, run: WorkflowRun | undefined): Record<string, unknown> {
  const [owner, repo] = artifact.repoKey.split('/') as [string, string];
  const base = `${environment.apiBase}/repos/${owner}/${repo}/actions/artifacts/${artifact.id}`;
  return {
    id: artifact.id, node_id: artifact.nodeId, name: artifact.name, size_in_bytes: artifact.zip.length, url: base, archive_download_url: `${base}/zip`,
    expired: artifact.expiresAt.getTime() < Date.now(), created_at: artifact.createdAt.toISOString(), updated_at: artifact.createdAt.toISOString(),
    expires_at: artifact.expiresAt.toISOString(), digest: `sha256:${createHash('sha256').update(artifact.zip).digest('hex')}`,
    workflow_run: run ? { id: run.id, repository_id: 0, head_repository_id: 0, head_branch: run.headBranch, head_sha: run.headSha } : null,
  };
}

function findWorkflow(repository: Repository, idOrFile: string): Workflow | undefined {
  return [...repository.workflows.values()].find((workflow) => String(workflow.id) === idOrFile || workflow.path.endsWith(`/${idOrFile}`));
}

function listRuns(request: RestRequest, environment: RestEnvironment, repository: Repository, workflow: Workflow | undefined): Reply {
  const key = repoKey(repository.owner, repository.name);
  const { search } = request;
  const runs = [...environment.state.workflowRuns.values()]
    .filter((run) => run.repoKey === key && (workflow === undefined || run.workflowId === workflow.id))
    .filter((run) => (search.get('event') === null || run.event === search.get('event')) && (search.get('branch') === null || run.headBranch === search.get('branch')))
    .filter((run) => search.get('head_sha') === null || run.headSha === search.get('head_sha'))
    .filter((run) => {
      const status = search.get('status');
      return status === null || run.status === status || run.conclusion === status;
    })
    .filter((run) => {
      const created = search.get('created');
      if (created === null) return true;
      const since = /^>=?(.+)$/.exec(created);
      return since ? run.createdAt.getTime() >= Date.parse(since[1] as string) : true;
    })
    .sort((a, b) => b.id - a.id);
  return { status: 200, body: { total_count: runs.length, workflow_runs: page(runs, search).map((run) => workflowRunJson(environment, run, [...repository.workflows.values()].find((candidate) => candidate.id === run.workflowId))) } };
}

interface WorkflowFile {
  name?: string;
  'run-name'?: string;
  on?: unknown;
  true?: unknown;
}

function dispatchWorkflow(request: RestRequest, environment: RestEnvironment): Reply {
  const repository = repositoryOf(request, environment);
  if (!repository) return notFound(request.route.documentationUrl);
  const workflow = findWorkflow(repository, request.route.params.workflow_id ?? '');
  const body = bodyOf(request);
  const ref = textOf(body.ref);
  // The workflow file must exist on the default branch, and the ref must exist.
  const defaultCommit = environment.state.resolveRef(repository, repository.defaultBranch);
  const fileText = workflow ? defaultCommit?.tree.get(workflow.path)?.content.toString('utf8') : undefined;
  if (!workflow || fileText === undefined) return notFound(request.route.documentationUrl);
  const commit = environment.state.resolveRef(repository, ref);
  if (!commit) return unprocessable(request.route, `No ref found for: ${ref}`);
  let parsed: WorkflowFile;
  try {
    parsed = (parseYaml(fileText) ?? {}) as WorkflowFile;
  } catch {
    return unprocessable(request.route, `Invalid workflow file: ${workflow.path}`);
  }
  // YAML 1.1 readers turn the key `on` into `true`; accept both spellings.
  const triggers = parsed.on ?? parsed.true;
  const dispatch = triggerConfig(triggers, 'workflow_dispatch');
  if (dispatch === undefined) return unprocessable(request.route, "Workflow does not have 'workflow_dispatch' trigger");
  const declared = ((dispatch ?? {}) as { inputs?: Record<string, { required?: boolean; default?: unknown }> }).inputs ?? {};
  const given = (body.inputs ?? {}) as Record<string, unknown>;
  const unexpected = Object.keys(given).filter((name) => !(name in declared));
  if (unexpected.length > 0) return unprocessable(request.route, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? spec?.default;
    if (value === undefined && spec?.required) return unprocessable(request.route, `Required input '${name}' not provided`);
    if (value !== undefined) inputs[name] = typeof value === 'object' ? JSON.stringify(value) : textOf(value);
  }
  if (JSON.stringify(given).length > 65_535) return unprocessable(request.route, 'inputs are too large (65,535 characters at most)');
  const id = environment.state.nextId();
  const now = new Date();
  const run: WorkflowRun = {
    id, nodeId: environment.state.nodeId('WFR', id), workflowId: workflow.id, repoKey: repoKey(repository.owner, repository.name),
    runNumber: repository.nextRunNumber, event: 'workflow_dispatch',
    displayTitle: runName(parsed['run-name'], inputs) ?? parsed.name ?? workflow.name,
    headBranch: ref.replace(/^refs\/heads\//, ''), headSha: commit.sha, status: 'queued', conclusion: undefined, inputs,
    createdAt: now, updatedAt: now, runStartedAt: undefined, actor: `${environment.state.app?.slug ?? 'app'}[bot]`,
  };
  repository.nextRunNumber += 1;
  environment.state.workflowRuns.set(id, run);
  environment.startWorkflowRun(run, workflow);
  if (body.return_run_details === true) {
    const fullName = `${repository.owner}/${repository.name}`;
    return { status: 200, body: { workflow_run_id: run.id, run_url: `${environment.apiBase}/repos/${fullName}/actions/runs/${run.id}`, html_url: `${environment.webBase}/${fullName}/actions/runs/${run.id}` } };
  }
  return { status: 204 };
}

function triggerConfig(triggers: unknown, name: string): unknown {
  if (typeof triggers === 'string') return triggers === name ? null : undefined;
  if (Array.isArray(triggers)) return triggers.includes(name) ? null : undefined;
  if (triggers && typeof triggers === 'object' && name in triggers) return (triggers as Record<string, unknown>)[name] ?? null;
  return undefined;
}

/** `run-name` with `${{ inputs.x }}` / `${{ github.event.inputs.x }}` filled in. */
function runName(template: string | undefined, inputs: Record<string, string>): string | undefined {
  if (template === undefined) return undefined;
  return template.replace(/\$\{\{\s*(?:github\.event\.)?inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => inputs[name] ?? '');
}

/** Moves a run to `completed` and stores its artifacts; called by the server's timers. */
export function completeWorkflowRun(environment: RestEnvironment, run: WorkflowRun, workflow: Workflow): void {
  const outcome = workflow.simulate.outcome(run.inputs, run);
  const now = new Date();
  for (const [name, files] of Object.entries(outcome.artifacts ?? {})) {
    const id = environment.state.nextId();
    const zip = Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([file, content]) => [file, typeof content === 'string' ? Buffer.from(content) : content]))));
    environment.state.artifacts.set(id, { id, nodeId: environment.state.nodeId('MDE', id), runId: run.id, repoKey: run.repoKey, name, zip, createdAt: now, expiresAt: new Date(now.getTime() + 90 * 86_400_000) });
  }
  run.status = 'completed';
  run.conclusion = outcome.conclusion;
  run.updatedAt = now;
}

export function operationFor(operationId: string): Operation | undefined {
  return OPERATIONS[operationId];
}

export function implementedOperations(): string[] {
  return Object.keys(OPERATIONS).sort();
}

export function randomToken(): string {
  return randomBytes(16).toString('hex');
}
