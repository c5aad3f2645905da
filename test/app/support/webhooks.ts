// Webhook payloads for the app tests: real examples from @octokit/webhooks-examples, edited to point
// at the fixture organisation, repository, commit and installation. The committed files in
// fixtures/webhooks/ are produced by `committedFixtures()` (a test keeps them in step).

import { readFileSync } from 'node:fs';
import path from 'node:path';

type Payload = Record<string, unknown> & { action?: string };

interface ExampleGroup {
  name: string;
  examples: Payload[];
}

const INDEX = path.resolve(import.meta.dirname, '../../../node_modules/@octokit/webhooks-examples/api.github.com/index.json');
let groups: ExampleGroup[] | undefined;

/** A deep copy of the first example of `event` (with `action`, and `predicate`) that was sent to an app installation. */
export function example(event: string, action?: string, predicate: (payload: Payload) => boolean = () => true): Payload {
  groups ??= JSON.parse(readFileSync(INDEX, 'utf8')) as ExampleGroup[];
  const group = groups.find((candidate) => candidate.name === event);
  const matches = (candidate: Payload) => (action === undefined || candidate.action === action) && predicate(candidate);
  const found = group?.examples.find((candidate) => matches(candidate) && 'installation' in candidate)
    ?? group?.examples.find(matches);
  if (!found) throw new Error(`no example for ${event}.${action ?? ''}`);
  return structuredClone(found);
}

export interface Target {
  owner: string;
  repo: string;
  sha: string;
  installationId: number;
  topics?: string[];
  branch?: string;
}

export const DEFAULT_TARGET: Target = { owner: 'opsgrade-demo', repo: 'weak-ops', sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', installationId: 4242, topics: [], branch: 'main' };

function retargetRepository(repository: Record<string, unknown>, target: Target): Record<string, unknown> {
  const owner = { ...(repository.owner as Record<string, unknown>), login: target.owner, name: target.owner, type: 'Organization' };
  return {
    ...repository,
    name: target.repo,
    full_name: `${target.owner}/${target.repo}`,
    owner,
    html_url: `https://github.com/${target.owner}/${target.repo}`,
    url: `https://api.github.com/repos/${target.owner}/${target.repo}`,
    default_branch: 'main',
    topics: target.topics ?? [],
    private: true,
  };
}

function common(payload: Payload, target: Target): Payload {
  payload.repository = retargetRepository(payload.repository as Record<string, unknown>, target);
  payload.installation = { id: target.installationId, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==' };
  if (payload.organization) payload.organization = { ...(payload.organization as Record<string, unknown>), login: target.owner };
  return payload;
}

export function pushPayload(target: Partial<Target> = {}, before = '0123456789abcdef0123456789abcdef01234567'): Payload {
  const t = { ...DEFAULT_TARGET, ...target };
  const payload = common(example('push'), t);
  const branch = t.branch ?? 'main';
  payload.ref = `refs/heads/${branch}`;
  payload.before = before;
  payload.after = t.sha;
  payload.created = false;
  payload.deleted = false;
  payload.base_ref = null;
  payload.compare = `https://github.com/${t.owner}/${t.repo}/compare/${before.slice(0, 12)}...${t.sha.slice(0, 12)}`;
  const head = { ...(payload.head_commit as Record<string, unknown>), id: t.sha, tree_id: t.sha, message: 'Check the health endpoint' };
  payload.head_commit = head;
  payload.commits = [head];
  return payload;
}

export function tagPushPayload(target: Partial<Target> = {}): Payload {
  const payload = pushPayload(target);
  payload.ref = 'refs/tags/v1.0.0';
  return payload;
}

export function branchDeletionPayload(target: Partial<Target> = {}): Payload {
  const payload = pushPayload(target);
  payload.deleted = true;
  payload.after = '0000000000000000000000000000000000000000';
  payload.head_commit = null;
  payload.commits = [];
  return payload;
}

export function pullRequestPayload(action: 'opened' | 'synchronize' | 'reopened' | 'ready_for_review', number: number, target: Partial<Target> = {}): Payload {
  const t = { ...DEFAULT_TARGET, ...target };
  const payload = common(example('pull_request', action), t);
  const pr = payload.pull_request as Record<string, unknown>;
  const repository = payload.repository as Record<string, unknown>;
  payload.number = number;
  pr.number = number;
  pr.state = 'open';
  pr.draft = false;
  pr.url = `https://api.github.com/repos/${t.owner}/${t.repo}/pulls/${number}`;
  pr.html_url = `https://github.com/${t.owner}/${t.repo}/pull/${number}`;
  pr.head = { ...(pr.head as Record<string, unknown>), sha: t.sha, ref: t.branch ?? 'feature', label: `${t.owner}:${t.branch ?? 'feature'}`, repo: repository };
  pr.base = { ...(pr.base as Record<string, unknown>), ref: 'main', label: `${t.owner}:main`, repo: repository };
  if (action === 'synchronize') payload.after = t.sha;
  return payload;
}

export function checkSuitePayload(action: 'requested' | 'rerequested', target: Partial<Target> = {}, pullRequests: number[] = []): Payload {
  const t = { ...DEFAULT_TARGET, ...target };
  const payload = common(example('check_suite', action), t);
  const suite = payload.check_suite as Record<string, unknown>;
  suite.head_sha = t.sha;
  suite.after = t.sha;
  suite.head_branch = t.branch ?? 'main';
  suite.pull_requests = pullRequests.map((number) => ({
    url: `https://api.github.com/repos/${t.owner}/${t.repo}/pulls/${number}`, id: number, number,
    head: { ref: t.branch ?? 'main', sha: t.sha, repo: { id: 1, url: '', name: t.repo } },
    base: { ref: 'main', sha: '0'.repeat(40), repo: { id: 1, url: '', name: t.repo } },
  }));
  return payload;
}

export function checkRunPayload(action: 'rerequested' | 'requested_action', target: Partial<Target> = {}, identifier = 'rerun'): Payload {
  const t = { ...DEFAULT_TARGET, ...target };
  const payload = common(example('check_run', action), t);
  const run = payload.check_run as Record<string, unknown>;
  run.name = 'OpsGrade';
  run.head_sha = t.sha;
  run.app = { ...(run.app as Record<string, unknown>), slug: 'opsgrade', name: 'OpsGrade' };
  run.pull_requests = [];
  run.check_suite = { ...(run.check_suite as Record<string, unknown>), head_branch: t.branch ?? 'main', head_sha: t.sha };
  if (action === 'requested_action') payload.requested_action = { identifier };
  return payload;
}

export function issueCommentPayload(body: string, number: number, target: Partial<Target> = {}, senderType: 'User' | 'Bot' = 'User'): Payload {
  const t = { ...DEFAULT_TARGET, ...target };
  const payload = common(example('issue_comment', 'created'), t);
  const issue = payload.issue as Record<string, unknown>;
  issue.number = number;
  issue.pull_request = {
    url: `https://api.github.com/repos/${t.owner}/${t.repo}/pulls/${number}`,
    html_url: `https://github.com/${t.owner}/${t.repo}/pull/${number}`,
    diff_url: `https://github.com/${t.owner}/${t.repo}/pull/${number}.diff`,
    patch_url: `https://github.com/${t.owner}/${t.repo}/pull/${number}.patch`,
  };
  payload.comment = { ...(payload.comment as Record<string, unknown>), body };
  payload.sender = { ...(payload.sender as Record<string, unknown>), type: senderType, login: senderType === 'Bot' ? 'opsgrade[bot]' : 'learner' };
  return payload;
}

export function installationPayload(): Payload {
  const payload = example('installation', 'created');
  const installation = payload.installation as Record<string, unknown>;
  payload.installation = { ...installation, id: DEFAULT_TARGET.installationId, account: { ...(installation.account as Record<string, unknown>), login: DEFAULT_TARGET.owner } };
  return payload;
}

export function installationRepositoriesPayload(): Payload {
  const payload = example('installation_repositories', 'added');
  const installation = payload.installation as Record<string, unknown>;
  payload.installation = { ...installation, id: DEFAULT_TARGET.installationId, account: { ...(installation.account as Record<string, unknown>), login: DEFAULT_TARGET.owner } };
  payload.repositories_added = [{ id: 1, node_id: 'R_1', name: DEFAULT_TARGET.repo, full_name: `${DEFAULT_TARGET.owner}/${DEFAULT_TARGET.repo}`, private: true }];
  return payload;
}

export interface WorkflowRunFields {
  /** `owner/name` the run ran in (default: the grader repository `opsgrade-demo/opsgrade-grader`). */
  repository?: string;
  id: number;
  displayTitle: string;
  path?: string;
  event?: string;
  runAttempt?: number;
  createdAt: string;
  conclusion?: string | null;
  installationId?: number;
}

export const GRADER_REPOSITORY = `${DEFAULT_TARGET.owner}/opsgrade-grader`;

/**
 * A `workflow_run.completed` delivery (GitHub's example with `display_title`), retargeted: by default
 * a successful first attempt of the grader repository's `grade.yml`, started by workflow_dispatch.
 */
export function workflowRunPayload(fields: WorkflowRunFields): Payload {
  const payload = example('workflow_run', 'completed', (candidate) => typeof (candidate.workflow_run as { display_title?: unknown }).display_title === 'string');
  const fullName = fields.repository ?? GRADER_REPOSITORY;
  const [owner = '', repo = ''] = fullName.split('/');
  const target: Target = { ...DEFAULT_TARGET, owner, repo, installationId: fields.installationId ?? DEFAULT_TARGET.installationId };
  common(payload, target);
  const run = payload.workflow_run as Record<string, unknown>;
  Object.assign(run, {
    id: fields.id,
    name: 'OpsGrade grade',
    path: fields.path ?? '.github/workflows/grade.yml',
    event: fields.event ?? 'workflow_dispatch',
    run_attempt: fields.runAttempt ?? 1,
    created_at: fields.createdAt,
    run_started_at: fields.createdAt,
    updated_at: fields.createdAt,
    display_title: fields.displayTitle,
    status: 'completed',
    conclusion: fields.conclusion === undefined ? 'success' : fields.conclusion,
    // A dispatched run's head is the workflow repository's branch, never the learner's commit.
    head_branch: 'main',
    head_sha: '9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4938271605',
    html_url: `https://github.com/${fullName}/actions/runs/${fields.id}`,
    artifacts_url: `https://api.github.com/repos/${fullName}/actions/runs/${fields.id}/artifacts`,
    repository: retargetRepository(run.repository as Record<string, unknown>, target),
    head_repository: retargetRepository(run.head_repository as Record<string, unknown>, target),
  });
  return payload;
}

/** The payloads committed under fixtures/webhooks/ (for `probot receive` and the docs). */
export function committedFixtures(): Record<string, Payload> {
  return {
    'push.json': pushPayload(),
    'pull_request.opened.json': pullRequestPayload('opened', 7, { branch: 'feature' }),
    'pull_request.synchronize.json': pullRequestPayload('synchronize', 7, { branch: 'feature' }),
    'check_suite.requested.json': checkSuitePayload('requested'),
    'check_run.requested_action.json': checkRunPayload('requested_action'),
    'issue_comment.explain.json': issueCommentPayload('/opsgrade explain http-call-without-timeout', 7),
    'installation.created.json': installationPayload(),
  };
}
