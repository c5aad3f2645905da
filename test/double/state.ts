// What the GitHub double remembers: the app and its installations, repositories with commits,
// branches and pull requests, and everything the app writes (check runs, comments, reviews) or
// starts (workflow runs, artifacts). Plain data with small helpers; HTTP semantics live in rest.ts.

import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { pullRequestFiles } from './diff.ts';
import type { PullRequestFileEntry } from './diff.ts';
import { commitSha, overlay } from './trees.ts';
import type { FileTree } from './trees.ts';

export interface AppIdentity {
  id: number;
  slug: string;
  name: string;
  owner: string;
  /** The public half of the key the app signs its JWTs with. */
  publicKey: KeyObject;
  /** From app.yml `default_permissions`. */
  permissions: Record<string, string>;
  /** From app.yml `default_events`. */
  events: string[];
}

export interface Installation {
  id: number;
  account: string;
  accountType: 'Organization' | 'User';
  createdAt: Date;
}

export interface Commit {
  sha: string;
  tree: FileTree;
  parent: string | undefined;
  message: string;
  committedAt: Date;
}

export interface PullRequest {
  number: number;
  id: number;
  nodeId: string;
  title: string;
  headRef: string;
  baseRef: string;
  headSha: string;
  baseSha: string;
  state: 'open' | 'closed';
  author: string;
  createdAt: Date;
}

export interface Workflow {
  id: number;
  nodeId: string;
  /** `.github/workflows/<file>`. */
  path: string;
  name: string;
  /** What a run does once it starts; called with the dispatch inputs. */
  simulate: WorkflowSimulation;
}

export interface WorkflowOutcome {
  conclusion: 'success' | 'failure' | 'cancelled' | 'timed_out';
  /** Artifact name → files inside its zip. */
  artifacts?: Record<string, Record<string, string | Buffer>>;
}

export interface WorkflowSimulation {
  /** How long the run stays queued, then in progress. */
  queuedMs: number;
  runningMs: number;
  outcome(inputs: Record<string, string>, run: WorkflowRun): WorkflowOutcome;
}

export interface WorkflowRun {
  id: number;
  nodeId: string;
  workflowId: number;
  repoKey: string;
  runNumber: number;
  event: 'workflow_dispatch' | 'push' | 'repository_dispatch';
  displayTitle: string;
  headBranch: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: WorkflowOutcome['conclusion'] | undefined;
  inputs: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  runStartedAt: Date | undefined;
  actor: string;
}

export interface Artifact {
  id: number;
  nodeId: string;
  runId: number;
  repoKey: string;
  name: string;
  zip: Buffer;
  createdAt: Date;
  expiresAt: Date;
}

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRun {
  id: number;
  nodeId: string;
  repoKey: string;
  appId: number;
  installationId: number;
  headSha: string;
  name: string;
  externalId: string | undefined;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | undefined;
  startedAt: Date;
  completedAt: Date | undefined;
  output: { title?: string; summary?: string; text?: string };
  annotations: CheckRunAnnotation[];
  actions: { label: string; description: string; identifier: string }[];
  detailsUrl: string | undefined;
  createdAt: number;
  /** `performance.now()` of the request that concluded it. */
  concludedAt: number | undefined;
  updates: number;
  /** Conclusions after the first: a run concluded twice is a bug in the client. */
  reconcluded: number;
}

export interface Author {
  login: string;
  type: 'User' | 'Bot';
  /** Written by this app's installation token (the GraphQL viewer). */
  byApp: boolean;
}

export interface IssueComment {
  id: number;
  nodeId: string;
  repoKey: string;
  issueNumber: number;
  body: string;
  author: Author;
  createdAt: Date;
  updatedAt: Date;
  updates: number;
  minimized: string | undefined;
}

export interface ReviewComment {
  id: number;
  nodeId: string;
  reviewId: number;
  repoKey: string;
  pullNumber: number;
  commitId: string;
  path: string;
  line: number;
  startLine: number | undefined;
  side: 'LEFT' | 'RIGHT';
  body: string;
  author: Author;
  /** The line's text when the comment was made, to tell when a later push makes it outdated. */
  lineText: string | undefined;
  inReplyTo: number | undefined;
  minimized: string | undefined;
  createdAt: Date;
}

export interface Review {
  id: number;
  nodeId: string;
  repoKey: string;
  pullNumber: number;
  commitId: string;
  body: string;
  state: 'COMMENTED' | 'APPROVED' | 'CHANGES_REQUESTED' | 'PENDING';
  author: Author;
  commentIds: number[];
  submittedAt: Date;
}

export interface Repository {
  id: number;
  nodeId: string;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  topics: string[];
  installationId: number;
  branches: Map<string, string>;
  commits: Map<string, Commit>;
  pulls: Map<number, PullRequest>;
  workflows: Map<string, Workflow>;
  /** Issues and pull requests share one number sequence. */
  nextNumber: number;
  nextRunNumber: number;
  createdAt: Date;
}

export function repoKey(owner: string, name: string): string {
  return `${owner.toLowerCase()}/${name.toLowerCase()}`;
}

export class GitHubState {
  readonly installations = new Map<number, Installation>();
  readonly repositories = new Map<string, Repository>();
  readonly checkRuns = new Map<number, CheckRun>();
  readonly issueComments = new Map<number, IssueComment>();
  readonly reviews = new Map<number, Review>();
  readonly reviewComments = new Map<number, ReviewComment>();
  readonly workflowRuns = new Map<number, WorkflowRun>();
  readonly artifacts = new Map<number, Artifact>();
  /** Installation token → installation id and expiry. */
  readonly tokens = new Map<string, { installationId: number; expiresAt: number; permissions: Record<string, string> }>();
  app: AppIdentity | undefined;
  private nextIdValue = 1_000;
  private clock = Date.parse('2026-01-15T09:00:00Z');

  nextId(): number {
    this.nextIdValue += 1;
    return this.nextIdValue;
  }

  /** GitHub's global node ids are opaque base64; tests only need them unique and typed. */
  nodeId(prefix: string, id: number): string {
    return `${prefix}_kwDO${id.toString(36).toUpperCase().padStart(6, '0')}`;
  }

  /** Commit times advance one minute per commit so tarballs and payloads are reproducible. */
  tick(): Date {
    this.clock += 60_000;
    return new Date(this.clock);
  }

  addInstallation(account: string, options: { id?: number; accountType?: 'Organization' | 'User' } = {}): Installation {
    const installation: Installation = { id: options.id ?? this.nextId(), account, accountType: options.accountType ?? 'Organization', createdAt: this.tick() };
    this.installations.set(installation.id, installation);
    return installation;
  }

  installationFor(account: string): Installation | undefined {
    return [...this.installations.values()].find((installation) => installation.account.toLowerCase() === account.toLowerCase());
  }

  issueToken(installationId: number, permissions: Record<string, string>, ttlMs = 3_600_000): { token: string; expiresAt: Date } {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = Date.now() + ttlMs;
    this.tokens.set(token, { installationId, expiresAt, permissions });
    return { token, expiresAt: new Date(expiresAt) };
  }

  createRepository(owner: string, name: string, options: { topics?: string[]; defaultBranch?: string; private?: boolean } = {}): Repository {
    const installation = this.installationFor(owner);
    if (!installation) throw new Error(`no installation for ${owner}: add one before its repositories`);
    const id = this.nextId();
    const repository: Repository = {
      id,
      nodeId: this.nodeId('R', id),
      owner,
      name,
      private: options.private ?? true,
      defaultBranch: options.defaultBranch ?? 'main',
      topics: options.topics ?? [],
      installationId: installation.id,
      branches: new Map(),
      commits: new Map(),
      pulls: new Map(),
      workflows: new Map(),
      nextNumber: 1,
      nextRunNumber: 1,
      createdAt: this.tick(),
    };
    this.repositories.set(repoKey(owner, name), repository);
    return repository;
  }

  repository(owner: string, name: string): Repository | undefined {
    return this.repositories.get(repoKey(owner, name));
  }

  /** Commits `tree` (whole, or as changes to the branch head) on `branch`; returns the new commit. */
  commit(repository: Repository, branch: string, tree: FileTree, message: string, options: { replace?: boolean } = {}): Commit {
    const parent = repository.branches.get(branch) ?? repository.branches.get(repository.defaultBranch);
    const parentTree = parent ? repository.commits.get(parent)?.tree : undefined;
    const full = options.replace || !parentTree ? overlay(new Map(), tree) : overlay(parentTree, tree);
    const committedAt = this.tick();
    const sha = commitSha(full, parent, message, `${repository.owner}/${repository.name}@${committedAt.toISOString()}`);
    const commit: Commit = { sha, tree: full, parent, message, committedAt };
    repository.commits.set(sha, commit);
    repository.branches.set(branch, sha);
    return commit;
  }

  /** A commit by full sha, short sha, branch name or `refs/heads/<branch>`. */
  resolveRef(repository: Repository, ref: string): Commit | undefined {
    const branch = ref.replace(/^refs\/heads\//, '');
    const sha = repository.branches.get(branch) ?? (repository.commits.has(ref) ? ref : [...repository.commits.keys()].find((candidate) => ref.length >= 7 && candidate.startsWith(ref)));
    return sha ? repository.commits.get(sha) : undefined;
  }

  openPullRequest(repository: Repository, options: { head: string; base?: string; title: string; author: string }): PullRequest {
    const base = options.base ?? repository.defaultBranch;
    const headSha = repository.branches.get(options.head);
    const baseSha = repository.branches.get(base);
    if (!headSha || !baseSha) throw new Error(`branches ${options.head} and ${base} must exist before a pull request`);
    const id = this.nextId();
    const pull: PullRequest = {
      number: repository.nextNumber,
      id,
      nodeId: this.nodeId('PR', id),
      title: options.title,
      headRef: options.head,
      baseRef: base,
      headSha,
      baseSha,
      state: 'open',
      author: options.author,
      createdAt: this.tick(),
    };
    repository.nextNumber += 1;
    repository.pulls.set(pull.number, pull);
    return pull;
  }

  /** A push to a pull request's head branch moves the pull request (see `isOutdated` for its comments). */
  syncPullRequests(repository: Repository, branch: string): PullRequest[] {
    const moved: PullRequest[] = [];
    const head = repository.branches.get(branch);
    for (const pull of repository.pulls.values()) {
      if (pull.state !== 'open' || pull.headRef !== branch || !head || pull.headSha === head) continue;
      pull.headSha = head;
      moved.push(pull);
    }
    return moved;
  }

  /** Whether a review comment's line changed since it was made, as GitHub's "Outdated" label says. */
  isOutdated(comment: ReviewComment): boolean {
    const repository = this.repositories.get(comment.repoKey);
    const pull = repository?.pulls.get(comment.pullNumber);
    if (!repository || !pull || pull.headSha === comment.commitId) return false;
    const text = repository.commits.get(pull.headSha)?.tree.get(comment.path)?.content.toString('utf8').split('\n')[comment.line - 1];
    return text !== comment.lineText;
  }

  pullRequestFiles(repository: Repository, pull: PullRequest, webBase: string, apiBase: string): PullRequestFileEntry[] {
    const base = repository.commits.get(pull.baseSha)?.tree ?? new Map();
    const head = repository.commits.get(pull.headSha)?.tree ?? new Map();
    return pullRequestFiles(base, head, { webBase: `${webBase}/${repository.owner}/${repository.name}`, apiBase: `${apiBase}/repos/${repository.owner}/${repository.name}`, headSha: pull.headSha });
  }

  checkRunsFor(repository: Repository, sha?: string): CheckRun[] {
    const key = repoKey(repository.owner, repository.name);
    return [...this.checkRuns.values()].filter((run) => run.repoKey === key && (sha === undefined || run.headSha === sha));
  }

  issueCommentsOn(repository: Repository, number: number): IssueComment[] {
    const key = repoKey(repository.owner, repository.name);
    return [...this.issueComments.values()].filter((comment) => comment.repoKey === key && comment.issueNumber === number).sort((a, b) => a.id - b.id);
  }

  reviewCommentsOn(repository: Repository, number: number): ReviewComment[] {
    const key = repoKey(repository.owner, repository.name);
    return [...this.reviewComments.values()].filter((comment) => comment.repoKey === key && comment.pullNumber === number).sort((a, b) => a.id - b.id);
  }

  reviewsOn(repository: Repository, number: number): Review[] {
    const key = repoKey(repository.owner, repository.name);
    return [...this.reviews.values()].filter((review) => review.repoKey === key && review.pullNumber === number).sort((a, b) => a.id - b.id);
  }

  /** A learner's reply under a review comment (for "never minimise threads with replies"). */
  addReply(parent: ReviewComment, body: string, login: string): ReviewComment {
    const id = this.nextId();
    const reply: ReviewComment = { ...parent, id, nodeId: this.nodeId('PRRC', id), body, author: { login, type: 'User', byApp: false }, inReplyTo: parent.id, minimized: undefined, createdAt: this.tick() };
    this.reviewComments.set(id, reply);
    return reply;
  }

  addHumanIssueComment(repository: Repository, number: number, body: string, login: string): IssueComment {
    const id = this.nextId();
    const comment: IssueComment = { id, nodeId: this.nodeId('IC', id), repoKey: repoKey(repository.owner, repository.name), issueNumber: number, body, author: { login, type: 'User', byApp: false }, createdAt: this.tick(), updatedAt: new Date(), updates: 0, minimized: undefined };
    this.issueComments.set(id, comment);
    return comment;
  }
}
