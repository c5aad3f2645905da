// The GraphQL documents the GitHub double understands: reading a pull request's comments and review
// threads (who wrote them, outdated or minimised) and `minimizeComment`. Not a GraphQL engine: it
// recognises the shapes the app sends and answers unknown documents with GitHub's error envelope.

import type { GitHubState, IssueComment, Repository, ReviewComment } from './state.ts';

export interface GraphqlReply {
  data: unknown;
  errors?: { type?: string; message: string; path?: string[] }[];
}

export interface GraphqlCaller {
  installationId: number;
  permissions: Record<string, string>;
}

interface Document {
  query: string;
  variables: Record<string, unknown>;
}

/** Runs one document; `problems` collects what a real GitHub would also have refused or that breaks house rules. */
export function runGraphql(state: GitHubState, caller: GraphqlCaller, document: Document, problems: string[]): GraphqlReply {
  const { query } = document;
  if (/\bmutation\b/.test(query)) return runMutation(state, caller, document, problems);
  if (/pullRequest\s*\(\s*number:/.test(query)) return pullRequestComments(state, caller, document);
  problems.push(`GraphQL document the double does not know: ${query.replace(/\s+/g, ' ').slice(0, 100)}`);
  return { data: null, errors: [{ message: 'This GraphQL document is not supported by the GitHub double.' }] };
}

function argument(document: Document, text: string): unknown {
  const variable = /^\$(\w+)$/.exec(text.trim());
  if (variable) return document.variables[variable[1] as string];
  const literal = text.trim();
  if (/^-?\d+$/.test(literal)) return Number(literal);
  return literal.replace(/^"|"$/g, '');
}

function commentNode(state: GitHubState, comment: IssueComment | ReviewComment): Record<string, unknown> {
  return {
    id: comment.nodeId,
    databaseId: comment.id,
    body: comment.body,
    // Bots appear in GraphQL without the `[bot]` suffix.
    author: { login: comment.author.login.replace(/\[bot\]$/, '') },
    viewerDidAuthor: comment.author.byApp,
    isMinimized: comment.minimized !== undefined,
    minimizedReason: comment.minimized ?? null,
    createdAt: comment.createdAt.toISOString(),
    url: '',
    ...('path' in comment ? { path: comment.path, line: comment.line, outdated: state.isOutdated(comment) } : {}),
  };
}

function pullRequestComments(state: GitHubState, caller: GraphqlCaller, document: Document): GraphqlReply {
  const repositoryCall = /repository\s*\(\s*owner:\s*([^,)]+),\s*name:\s*([^,)]+)\)/.exec(document.query);
  const pullCall = /pullRequest\s*\(\s*number:\s*([^,)]+)\)/.exec(document.query);
  if (!repositoryCall || !pullCall) return { data: null, errors: [{ message: 'repository(owner:, name:) and pullRequest(number:) are required' }] };
  const owner = String(argument(document, repositoryCall[1] as string));
  const name = String(argument(document, repositoryCall[2] as string));
  const number = Number(argument(document, pullCall[1] as string));
  const repository: Repository | undefined = state.repository(owner, name);
  if (!repository || repository.installationId !== caller.installationId) {
    return { data: { repository: null }, errors: [{ type: 'NOT_FOUND', path: ['repository'], message: `Could not resolve to a Repository with the name '${owner}/${name}'.` }] };
  }
  const pull = repository.pulls.get(number);
  if (!pull) return { data: { repository: { pullRequest: null } }, errors: [{ type: 'NOT_FOUND', path: ['repository', 'pullRequest'], message: `Could not resolve to a PullRequest with the number of ${number}.` }] };

  const commentsFirst = Number(/comments\s*\(\s*first:\s*(\d+)/.exec(document.query)?.[1] ?? 100);
  const threadsCall = /reviewThreads\s*\(([^)]*)\)/.exec(document.query)?.[1] ?? '';
  const threadsFirst = Number(/first:\s*(\d+)/.exec(threadsCall)?.[1] ?? 100);
  const afterText = /after:\s*([^,)\s]+)/.exec(threadsCall)?.[1];
  const after = afterText === undefined ? undefined : argument(document, afterText);
  const start = typeof after === 'string' && after !== '' ? Number(Buffer.from(after, 'base64').toString('utf8').replace('cursor:', '')) : 0;

  const issueComments = state.issueCommentsOn(repository, number);
  const roots = state.reviewCommentsOn(repository, number).filter((comment) => comment.inReplyTo === undefined);
  const replies = state.reviewCommentsOn(repository, number).filter((comment) => comment.inReplyTo !== undefined);
  const slice = roots.slice(start, start + threadsFirst);
  const end = start + slice.length;
  return {
    data: {
      repository: {
        pullRequest: {
          number,
          comments: { totalCount: issueComments.length, nodes: issueComments.slice(0, commentsFirst).map((comment) => commentNode(state, comment)) },
          reviewThreads: {
            totalCount: roots.length,
            pageInfo: { hasNextPage: end < roots.length, endCursor: slice.length > 0 ? Buffer.from(`cursor:${end}`).toString('base64') : null },
            nodes: slice.map((root) => {
              const thread = [root, ...replies.filter((reply) => reply.inReplyTo === root.id)];
              return {
                id: `PRRT_${root.id}`,
                isOutdated: state.isOutdated(root),
                isResolved: false,
                path: root.path,
                line: root.line,
                comments: { totalCount: thread.length, nodes: thread.slice(0, 1).map((comment) => commentNode(state, comment)) },
              };
            }),
          },
        },
      },
    },
  };
}

function runMutation(state: GitHubState, caller: GraphqlCaller, document: Document, problems: string[]): GraphqlReply {
  const calls = [...document.query.matchAll(/(?:(\w+)\s*:\s*)?minimizeComment\s*\(\s*input:\s*\{\s*subjectId:\s*([^,}]+),\s*classifier:\s*(\w+)\s*\}\s*\)/g)];
  if (calls.length === 0) {
    problems.push(`GraphQL mutation the double does not know: ${document.query.replace(/\s+/g, ' ').slice(0, 100)}`);
    return { data: null, errors: [{ message: 'This GraphQL mutation is not supported by the GitHub double.' }] };
  }
  if (caller.permissions.pull_requests !== 'write' && caller.permissions.issues !== 'write') {
    return { data: null, errors: [{ type: 'FORBIDDEN', message: 'Resource not accessible by integration' }] };
  }
  const data: Record<string, unknown> = {};
  const errors: GraphqlReply['errors'] = [];
  for (const [, alias, subject, classifier] of calls) {
    const key = alias ?? 'minimizeComment';
    const nodeId = String(argument(document, subject as string));
    const comment = [...state.reviewComments.values(), ...state.issueComments.values()].find((candidate) => candidate.nodeId === nodeId);
    const repository = comment ? state.repositories.get(comment.repoKey) : undefined;
    if (!comment || !repository || repository.installationId !== caller.installationId) {
      data[key] = null;
      errors.push({ type: 'NOT_FOUND', path: [key], message: `Could not resolve to a node with the global id of '${nodeId}'` });
      continue;
    }
    if (!['SPAM', 'ABUSE', 'OFF_TOPIC', 'OUTDATED', 'DUPLICATE', 'RESOLVED'].includes(classifier as string)) {
      data[key] = null;
      errors.push({ path: [key], message: `Argument 'classifier' has an invalid value (${String(classifier)}).` });
      continue;
    }
    // House rules the double checks for the app: only its own comments, never a thread with replies.
    if (!comment.author.byApp) problems.push(`the app minimised comment ${comment.id}, which a person wrote`);
    if ('reviewId' in comment && [...state.reviewComments.values()].some((reply) => reply.inReplyTo === comment.id)) problems.push(`the app minimised review comment ${comment.id}, which has replies`);
    comment.minimized = classifier;
    data[key] = { minimizedComment: { isMinimized: true, minimizedReason: (classifier as string).toLowerCase() } };
  }
  return errors.length > 0 ? { data, errors } : { data };
}
