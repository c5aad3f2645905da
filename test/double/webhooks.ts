// Webhooks from the GitHub double to the app: payloads built on GitHub's own examples
// (@octokit/webhooks-examples) and pointed at the double's repositories, signed with
// `X-Hub-Signature-256`, and delivered over loopback with GitHub's 10-second limit. Every delivery is timed.

import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';

import type { Commit, GitHubState, PullRequest, Repository, WorkflowRun } from './state.ts';

type Payload = Record<string, unknown>;

interface ExampleGroup {
  name: string;
  examples: Payload[];
}

const EXAMPLES = path.resolve(import.meta.dirname, '../../node_modules/@octokit/webhooks-examples/api.github.com/index.json');
let groups: ExampleGroup[] | undefined;

/** A deep copy of GitHub's example for `event` (and `action`), preferring one sent to an app installation. */
export function example(event: string, action?: string): Payload {
  groups ??= JSON.parse(readFileSync(EXAMPLES, 'utf8')) as ExampleGroup[];
  const group = groups.find((candidate) => candidate.name === event);
  const matches = group?.examples.filter((candidate) => action === undefined || candidate.action === action) ?? [];
  const found = matches.find((candidate) => 'installation' in candidate) ?? matches[0];
  if (!found) throw new Error(`@octokit/webhooks-examples has no example for ${event}${action ? `.${action}` : ''}`);
  return structuredClone(found);
}

export function sign(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface Links {
  webBase: string;
  apiBase: string;
}

function repositoryPayload(base: Payload, repository: Repository, links: Links): Payload {
  const fullName = `${repository.owner}/${repository.name}`;
  const owner = { ...(base.owner as Payload), login: repository.owner, name: repository.owner, type: 'Organization', html_url: `${links.webBase}/${repository.owner}` };
  return {
    ...base,
    id: repository.id,
    node_id: repository.nodeId,
    name: repository.name,
    full_name: fullName,
    owner,
    private: repository.private,
    visibility: repository.private ? 'private' : 'public',
    html_url: `${links.webBase}/${fullName}`,
    url: `${links.apiBase}/repos/${fullName}`,
    default_branch: repository.defaultBranch,
    master_branch: repository.defaultBranch,
    topics: repository.topics,
  };
}

function common(payload: Payload, repository: Repository, state: GitHubState, links: Links, sender: string): Payload {
  payload.repository = repositoryPayload(payload.repository as Payload, repository, links);
  payload.installation = { id: repository.installationId, node_id: state.nodeId('MDIz', repository.installationId) };
  payload.organization = { ...(payload.organization ?? {}), login: repository.owner, id: repository.installationId };
  payload.sender = { ...(payload.sender as Payload), login: sender, type: 'User' };
  return payload;
}

function changedFiles(before: Commit | undefined, after: Commit): { added: string[]; removed: string[]; modified: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  const modified: string[] = [];
  for (const [file, entry] of after.tree) {
    const old = before?.tree.get(file);
    if (!old) added.push(file);
    else if (!old.content.equals(entry.content)) modified.push(file);
  }
  for (const file of before?.tree.keys() ?? []) if (!after.tree.has(file)) removed.push(file);
  return { added, removed, modified };
}

export function pushPayload(state: GitHubState, repository: Repository, branch: string, commit: Commit, links: Links, sender: string): Payload {
  const payload = common(example('push'), repository, state, links, sender);
  const before = commit.parent ?? '0'.repeat(40);
  const fullName = `${repository.owner}/${repository.name}`;
  payload.ref = `refs/heads/${branch}`;
  payload.before = before;
  payload.after = commit.sha;
  payload.created = commit.parent === undefined;
  payload.deleted = false;
  payload.forced = false;
  payload.base_ref = null;
  payload.compare = `${links.webBase}/${fullName}/compare/${before.slice(0, 12)}...${commit.sha.slice(0, 12)}`;
  payload.pusher = { name: sender, email: `${sender}@users.noreply.example` };
  const head = {
    ...(payload.head_commit as Payload | undefined ?? {}),
    id: commit.sha, tree_id: commit.sha, distinct: true, message: commit.message, timestamp: commit.committedAt.toISOString(),
    url: `${links.webBase}/${fullName}/commit/${commit.sha}`,
    author: { name: sender, email: `${sender}@users.noreply.example`, username: sender },
    committer: { name: sender, email: `${sender}@users.noreply.example`, username: sender },
    ...changedFiles(commit.parent ? repository.commits.get(commit.parent) : undefined, commit),
  };
  payload.head_commit = head;
  payload.commits = [head];
  return payload;
}

function pullRequestObject(base: Payload, repository: Repository, pull: PullRequest, repositoryJson: Payload, links: Links): Payload {
  const fullName = `${repository.owner}/${repository.name}`;
  return {
    ...base,
    id: pull.id,
    node_id: pull.nodeId,
    number: pull.number,
    state: pull.state,
    draft: false,
    title: pull.title,
    url: `${links.apiBase}/repos/${fullName}/pulls/${pull.number}`,
    html_url: `${links.webBase}/${fullName}/pull/${pull.number}`,
    user: { ...(base.user as Payload), login: pull.author, type: 'User' },
    head: { ...(base.head as Payload), sha: pull.headSha, ref: pull.headRef, label: `${repository.owner}:${pull.headRef}`, repo: repositoryJson },
    base: { ...(base.base as Payload), sha: pull.baseSha, ref: pull.baseRef, label: `${repository.owner}:${pull.baseRef}`, repo: repositoryJson },
  };
}

export function pullRequestPayload(state: GitHubState, repository: Repository, pull: PullRequest, action: 'opened' | 'synchronize' | 'reopened' | 'ready_for_review', links: Links, sender: string, before?: string): Payload {
  const payload = common(example('pull_request', action), repository, state, links, sender);
  payload.action = action;
  payload.number = pull.number;
  payload.pull_request = pullRequestObject(payload.pull_request as Payload, repository, pull, payload.repository as Payload, links);
  if (action === 'synchronize') {
    payload.before = before ?? pull.baseSha;
    payload.after = pull.headSha;
  }
  return payload;
}

export function checkSuitePayload(state: GitHubState, repository: Repository, branch: string, commit: Commit, links: Links, sender: string): Payload {
  const payload = common(example('check_suite', 'requested'), repository, state, links, sender);
  const pulls = [...repository.pulls.values()].filter((pull) => pull.state === 'open' && pull.headSha === commit.sha);
  payload.action = 'requested';
  payload.check_suite = {
    ...(payload.check_suite as Payload),
    id: state.nextId(),
    head_branch: branch,
    head_sha: commit.sha,
    before: commit.parent ?? '0'.repeat(40),
    after: commit.sha,
    status: 'queued',
    conclusion: null,
    pull_requests: pulls.map((pull) => ({
      url: `${links.apiBase}/repos/${repository.owner}/${repository.name}/pulls/${pull.number}`, id: pull.id, number: pull.number,
      head: { ref: pull.headRef, sha: pull.headSha, repo: { id: repository.id, url: '', name: repository.name } },
      base: { ref: pull.baseRef, sha: pull.baseSha, repo: { id: repository.id, url: '', name: repository.name } },
    })),
  };
  return payload;
}

export function workflowRunPayload(state: GitHubState, repository: Repository, run: WorkflowRun, action: 'requested' | 'in_progress' | 'completed', links: Links, workflowName: string, workflowPath: string): Payload {
  const payload = common(example('workflow_run', action === 'in_progress' ? 'requested' : action), repository, state, links, run.actor);
  const fullName = `${repository.owner}/${repository.name}`;
  payload.action = action;
  payload.workflow_run = {
    ...(payload.workflow_run as Payload),
    id: run.id, node_id: run.nodeId, name: workflowName, display_title: run.displayTitle, path: workflowPath, run_number: run.runNumber,
    event: run.event, status: run.status, conclusion: run.conclusion ?? null, workflow_id: run.workflowId, head_branch: run.headBranch,
    head_sha: run.headSha, html_url: `${links.webBase}/${fullName}/actions/runs/${run.id}`, url: `${links.apiBase}/repos/${fullName}/actions/runs/${run.id}`,
    artifacts_url: `${links.apiBase}/repos/${fullName}/actions/runs/${run.id}/artifacts`, created_at: run.createdAt.toISOString(), updated_at: run.updatedAt.toISOString(),
    repository: payload.repository, head_repository: payload.repository, pull_requests: [],
  };
  payload.workflow = { ...(payload.workflow ?? {}), id: run.workflowId, name: workflowName, path: workflowPath };
  return payload;
}

// ——— Delivery ———

export interface Delivery {
  id: string;
  event: string;
  action: string | undefined;
  repository: string | undefined;
  /** HTTP status of the app's answer; 0 when there was none. */
  status: number;
  /** From the first byte sent to the end of the app's answer. */
  ackMs: number;
  sentAt: number;
  error: string | undefined;
}

export interface WebhookTarget {
  url: string;
  secret: string;
}

/** GitHub gives up on a delivery after 10 seconds. */
export const DELIVERY_TIMEOUT_MS = 10_000;

/** Sends one delivery like GitHub's hookshot: a fresh connection, signed body, 10 s limit. */
export function deliver(target: WebhookTarget, event: string, payload: Payload, options: { id?: string; signature?: string | null; timeoutMs?: number } = {}): Promise<Delivery> {
  const body = Buffer.from(JSON.stringify(payload));
  const id = options.id ?? randomUUID();
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': body.length,
    'user-agent': 'GitHub-Hookshot/double',
    'x-github-event': event,
    'x-github-delivery': id,
    'x-github-hook-id': '1',
    'x-github-hook-installation-target-type': 'integration',
    'x-github-hook-installation-target-id': '1',
  };
  const signature = options.signature === undefined ? sign(body, target.secret) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const repository = (payload.repository as { full_name?: string } | undefined)?.full_name;
  const action = typeof payload.action === 'string' ? payload.action : undefined;
  const sentAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number, error?: string) => {
      if (settled) return;
      settled = true;
      resolve({ id, event, action, repository, status, ackMs: performance.now() - sentAt, sentAt, error });
    };
    const request = httpRequest(target.url, { method: 'POST', headers, agent: false, timeout: options.timeoutMs ?? DELIVERY_TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => finish(response.statusCode ?? 0));
      response.on('error', (error) => finish(response.statusCode ?? 0, error.message));
    });
    request.on('timeout', () => {
      request.destroy(new Error(`no answer within ${options.timeoutMs ?? DELIVERY_TIMEOUT_MS} ms`));
    });
    request.on('error', (error) => finish(0, error.message));
    request.end(body);
  });
}
