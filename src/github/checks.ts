// Sends check runs: creates one `in_progress`, then concludes it, appending annotations 50 per
// request as the Checks API requires. Publishing stage; the bodies come from `payloads.ts`.
// Neither write is idempotent, so when an answer is lost the sender looks before it writes again.

import { outcomeUnknown } from './client.ts';
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

interface CheckRunData {
  id: number | bigint;
  html_url?: string | null;
  app?: { slug?: string } | null;
}

const created = (data: CheckRunData): CreatedCheckRun => ({ id: Number(data.id), htmlUrl: data.html_url ?? undefined, appSlug: data.app?.slug ?? undefined });

/**
 * Creates the check run. If the answer is lost, the run may exist already: it is looked up by its
 * `external_id` before a second one is created, so a learner never sees a duplicate left running.
 */
export async function createCheckRun(github: GitHubClient, repository: RepositoryRef, body: CheckRunCreateBody, signal?: AbortSignal): Promise<CreatedCheckRun> {
  const create = async (retries?: number) => {
    const { data } = await github.request('POST /repos/{owner}/{repo}/check-runs', {
      owner: repository.owner, repo: repository.repo, ...body, request: { signal, ...(retries === undefined ? {} : { retries }) },
    });
    return created(data);
  };
  try {
    return await create(0);
  } catch (error) {
    if (!outcomeUnknown(error) || signal?.aborted) throw error;
    const existing = await github.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner: repository.owner, repo: repository.repo, ref: body.head_sha, check_name: body.name, filter: 'all', per_page: 100, request: { signal },
    }).then(({ data }) => data.check_runs.find((run) => run.external_id === body.external_id), () => undefined);
    // If even the lookup fails, a possible duplicate is better than no check run at all.
    return existing ? created(existing) : await create();
  }
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

/**
 * Concludes a check run; returns how many update requests it took. Annotations append, so when an
 * update's answer is lost the run is read back, and the update is sent again only if it did not land.
 */
export async function completeCheckRun(github: GitHubClient, repository: RepositoryRef, checkRunId: number, completion: CheckRunCompletion, completedAt: Date, options: { signal?: AbortSignal } = {}): Promise<number> {
  const bodies = completionRequests(completion, completedAt);
  const where = { owner: repository.owner, repo: repository.repo, check_run_id: checkRunId };
  const update = (body: CheckRunUpdateBody, retries?: number) => github.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    ...where, ...body, request: { signal: options.signal, ...(retries === undefined ? {} : { retries }) },
  });
  // The app's runs are created without annotations, so the count to expect starts at zero.
  let sent = 0;
  for (const body of bodies) {
    sent += body.output.annotations?.length ?? 0;
    try {
      await update(body, 0);
    } catch (error) {
      if (!outcomeUnknown(error) || options.signal?.aborted) throw error;
      const landed = await github.request('GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { ...where, request: { signal: options.signal } })
        .then(({ data }) => (data.output.annotations_count ?? 0) >= sent && (body.conclusion === undefined || data.status === 'completed'), () => false);
      if (!landed) await update(body);
    }
  }
  return bodies.length;
}
