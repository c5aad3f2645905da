// Pull-request I/O: the diff (`GET /pulls/{n}/files`), the app's own earlier comments (one GraphQL
// query), the review with inline comments, the sticky summary comment, and hiding outdated comments
// (GraphQL `minimizeComment`, the only way to do it). Publishing stage; bodies come from payloads.ts.

import { outcomeUnknown } from './client.ts';
import type { GitHubClient } from './client.ts';
import type { RepositoryRef } from './checks.ts';
import type { PullRequestFile } from './diff.ts';
import { readFingerprint, SUMMARY_MARKER } from './payloads.ts';
import type { ExistingReviewComment, ReviewCommentPayload } from './payloads.ts';

/** GitHub lists at most 3,000 files of a pull request, 100 per page. */
const MAX_FILE_PAGES = 30;
const MAX_THREAD_PAGES = 10;
const MINIMIZE_PER_REQUEST = 20;

export async function listPullRequestFiles(github: GitHubClient, repository: RepositoryRef, number: number, signal?: AbortSignal): Promise<PullRequestFile[]> {
  const files: PullRequestFile[] = [];
  for (let page = 1; page <= MAX_FILE_PAGES; page += 1) {
    const { data } = await github.request('GET /repos/{owner}/{repo}/pulls/{pull_number}/files', {
      owner: repository.owner, repo: repository.repo, pull_number: number, per_page: 100, page, request: { signal },
    });
    for (const file of data) files.push({ filename: file.filename, status: file.status, ...(file.patch === undefined ? {} : { patch: file.patch }) });
    if (data.length < 100) break;
  }
  return files;
}

export interface PullRequestHead {
  sha: string;
  ref: string;
  state: string;
}

export async function getPullRequestHead(github: GitHubClient, repository: RepositoryRef, number: number, signal?: AbortSignal): Promise<PullRequestHead> {
  const { data } = await github.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', { owner: repository.owner, repo: repository.repo, pull_number: number, request: { signal } });
  return { sha: data.head.sha, ref: data.head.ref, state: data.state };
}

export interface OwnComments {
  /** The sticky summary comment, if the app already wrote one. */
  summary: { id: number } | undefined;
  reviewComments: ExistingReviewComment[];
}

interface CommentNode {
  id: string;
  databaseId: number | null;
  body: string;
  viewerDidAuthor: boolean;
  isMinimized?: boolean;
  author: { login: string } | null;
}

interface OwnCommentsResponse {
  repository: {
    pullRequest: {
      comments: { nodes: (CommentNode | null)[] };
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: ({ isOutdated: boolean; comments: { totalCount: number; nodes: (CommentNode | null)[] } } | null)[];
      };
    } | null;
  } | null;
}

export const OWN_COMMENTS_QUERY = `query OpsgradeOwnComments($owner: String!, $repo: String!, $number: Int!, $threads: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      comments(first: 100) { nodes { id databaseId body viewerDidAuthor author { login } } }
      reviewThreads(first: 100, after: $threads) {
        pageInfo { hasNextPage endCursor }
        nodes { isOutdated comments(first: 1) { totalCount nodes { id databaseId body isMinimized viewerDidAuthor author { login } } } }
      }
    }
  }
}`;

/**
 * A comment is the app's own when GitHub says the viewer (this installation's bot) wrote it and the
 * author login is the app's `<slug>[bot]` (GraphQL reports bot logins without the suffix).
 */
export function isOwnComment(node: CommentNode, appSlug: string | undefined): boolean {
  if (!node.viewerDidAuthor) return false;
  if (appSlug === undefined) return true;
  const login = node.author?.login ?? '';
  return login === appSlug || login === `${appSlug}[bot]`;
}

export async function findOwnComments(github: GitHubClient, repository: RepositoryRef, number: number, appSlug: string | undefined): Promise<OwnComments> {
  let summary: OwnComments['summary'];
  const reviewComments: ExistingReviewComment[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_THREAD_PAGES; page += 1) {
    const response: OwnCommentsResponse = await github.graphql<OwnCommentsResponse>(OWN_COMMENTS_QUERY, { owner: repository.owner, repo: repository.repo, number, threads: cursor });
    const pullRequest = response.repository?.pullRequest;
    if (!pullRequest) break;
    if (page === 0) {
      const sticky = pullRequest.comments.nodes.find((node) => node && node.body.includes(SUMMARY_MARKER) && isOwnComment(node, appSlug));
      if (sticky?.databaseId) summary = { id: sticky.databaseId };
    }
    for (const thread of pullRequest.reviewThreads.nodes) {
      const root = thread?.comments.nodes[0];
      if (!thread || !root || !isOwnComment(root, appSlug)) continue;
      const fingerprint = readFingerprint(root.body);
      if (fingerprint === undefined) continue;
      reviewComments.push({
        nodeId: root.id,
        fingerprint,
        outdated: thread.isOutdated,
        minimized: root.isMinimized === true,
        hasReplies: thread.comments.totalCount > 1,
      });
    }
    if (!pullRequest.reviewThreads.pageInfo.hasNextPage) break;
    cursor = pullRequest.reviewThreads.pageInfo.endCursor;
  }
  return { summary, reviewComments };
}

export interface ReviewRequestBody {
  commit_id: string;
  event: 'COMMENT';
  body: string;
  comments: ReviewCommentPayload[];
}

/**
 * Posts the review. Creating one is not idempotent: when the answer is lost, the app's comments are
 * read back and the review is sent again only if none of its fingerprints arrived.
 */
export async function createReview(github: GitHubClient, repository: RepositoryRef, number: number, review: ReviewRequestBody, options: { signal?: AbortSignal; appSlug: string | undefined }): Promise<void> {
  const send = (retries?: number) => github.request('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
    owner: repository.owner, repo: repository.repo, pull_number: number, ...review, request: { signal: options.signal, ...(retries === undefined ? {} : { retries }) },
  });
  try {
    await send(0);
  } catch (error) {
    if (!outcomeUnknown(error) || options.signal?.aborted) throw error;
    const own = await findOwnComments(github, repository, number, options.appSlug).catch(() => undefined);
    const posted = new Set(own?.reviewComments.map((comment) => comment.fingerprint));
    if (!review.comments.some((comment) => posted.has(readFingerprint(comment.body) ?? ''))) await send();
  }
}

/**
 * Edits the sticky summary comment in place (idempotent), or writes it the first time; a lost answer
 * to that first write is checked by looking for the comment before writing it again. Returns the
 * comment's id when known, so a later update (the tests' result) needs no lookup.
 */
export async function upsertSummaryComment(github: GitHubClient, repository: RepositoryRef, number: number, existing: { id: number } | undefined, body: string, options: { signal?: AbortSignal; appSlug: string | undefined }): Promise<number | undefined> {
  const { signal } = options;
  if (existing) {
    await updateIssueComment(github, repository, existing.id, body, signal);
    return existing.id;
  }
  const create = async (retries?: number) => {
    const { data } = await github.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner: repository.owner, repo: repository.repo, issue_number: number, body, request: { signal, ...(retries === undefined ? {} : { retries }) },
    });
    return Number(data.id);
  };
  try {
    return await create(0);
  } catch (error) {
    if (!outcomeUnknown(error) || signal?.aborted) throw error;
    const own = await findOwnComments(github, repository, number, options.appSlug).catch(() => undefined);
    return own?.summary ? own.summary.id : await create();
  }
}

/** Replaces the text of a comment the app wrote (idempotent). */
export async function updateIssueComment(github: GitHubClient, repository: RepositoryRef, commentId: number, body: string, signal?: AbortSignal): Promise<void> {
  await github.request('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { owner: repository.owner, repo: repository.repo, comment_id: commentId, body, request: { signal } });
}

export async function postIssueComment(github: GitHubClient, repository: RepositoryRef, number: number, body: string, signal?: AbortSignal): Promise<void> {
  await github.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { owner: repository.owner, repo: repository.repo, issue_number: number, body, request: { signal } });
}

/** One GraphQL document hiding up to 20 comments as outdated, using aliases. */
export function minimizeMutation(nodeIds: readonly string[]): { query: string; variables: Record<string, string> } {
  const variables: Record<string, string> = {};
  const declarations: string[] = [];
  const fields: string[] = [];
  nodeIds.forEach((id, index) => {
    variables[`id${index}`] = id;
    declarations.push(`$id${index}: ID!`);
    fields.push(`m${index}: minimizeComment(input: { subjectId: $id${index}, classifier: OUTDATED }) { minimizedComment { isMinimized } }`);
  });
  return { query: `mutation OpsgradeMinimize(${declarations.join(', ')}) {\n  ${fields.join('\n  ')}\n}`, variables };
}

export async function minimizeComments(github: GitHubClient, nodeIds: readonly string[]): Promise<number> {
  let requests = 0;
  for (let start = 0; start < nodeIds.length; start += MINIMIZE_PER_REQUEST) {
    const { query, variables } = minimizeMutation(nodeIds.slice(start, start + MINIMIZE_PER_REQUEST));
    await github.graphql(query, variables);
    requests += 1;
  }
  return requests;
}
