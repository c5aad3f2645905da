// Sends check runs: creates one `in_progress`, then concludes it, appending annotations 50 per
// request as the Checks API requires. Publishing stage; the bodies come from `payloads.ts`.

import type { GitHubClient } from './client.ts';
import { ANNOTATIONS_PER_REQUEST } from './payloads.ts';
import type { CheckRunCompletion, CheckRunCreateBody, CheckRunUpdateBody } from './payloads.ts';

export interface RepositoryRef {
  owner: string;
  repo: string;
}

export interface CreatedCheckRun {
  id: number;
  htmlUrl: string | undefined;
  /** The app's slug as GitHub reports it; its comments are written by `<slug>[bot]`. */
  appSlug: string | undefined;
}

export async function createCheckRun(github: GitHubClient, repository: RepositoryRef, body: CheckRunCreateBody, signal?: AbortSignal): Promise<CreatedCheckRun> {
  const { data } = await github.request('POST /repos/{owner}/{repo}/check-runs', { owner: repository.owner, repo: repository.repo, ...body, request: { signal } });
  return { id: Number(data.id), htmlUrl: data.html_url ?? undefined, appSlug: data.app?.slug ?? undefined };
}

/**
 * Splits a completion into request bodies: every batch but the last only appends annotations, the
 * last one concludes, so a run never shows as completed with annotations still missing.
 */
export function completionRequests(completion: CheckRunCompletion, completedAt: Date): CheckRunUpdateBody[] {
  const batches: CheckRunCompletion['annotations'][] = [];
  for (let start = 0; start < completion.annotations.length; start += ANNOTATIONS_PER_REQUEST) {
    batches.push(completion.annotations.slice(start, start + ANNOTATIONS_PER_REQUEST));
  }
  if (batches.length === 0) batches.push([]);
  const output = { title: completion.title, summary: completion.summary };
  return batches.map((annotations, index): CheckRunUpdateBody => {
    const body: CheckRunUpdateBody = { output: annotations.length > 0 ? { ...output, annotations } : output };
    if (index < batches.length - 1) return body;
    return {
      ...body,
      conclusion: completion.conclusion,
      completed_at: completedAt.toISOString(),
      actions: completion.actions,
      ...(completion.detailsUrl ? { details_url: completion.detailsUrl } : {}),
    };
  });
}

/** Concludes a check run; returns how many requests it took. */
export async function completeCheckRun(github: GitHubClient, repository: RepositoryRef, checkRunId: number, completion: CheckRunCompletion, completedAt: Date, options: { signal?: AbortSignal; retries?: number } = {}): Promise<number> {
  const bodies = completionRequests(completion, completedAt);
  for (const body of bodies) {
    await github.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      owner: repository.owner,
    repo: repository.repo,
      check_run_id: checkRunId,
      ...body,
      request: { signal: options.signal, ...(options.retries === undefined ? {} : { retries: options.retries }) },
    });
  }
  return bodies.length;
}
