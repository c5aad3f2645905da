// GitHub Actions I/O for dynamic grading: dispatching the grading workflow, listing a finished run's
// artifacts and downloading the results zip (the API redirects to a link that expires in a minute,
// so the download follows at once). Publishing layer; the bodies come from payloads.ts.

import { errorStatus } from './client.ts';
import type { GitHubClient } from './client.ts';
import type { RepositoryRef } from './checks.ts';
import { dispatchBody } from './payloads.ts';
import type { DispatchRequest } from '../grading/dispatch.ts';

export interface DispatchedRun {
  /** Present when GitHub accepted `return_run_details` (200); absent after a plain 204. */
  runId: number | undefined;
  htmlUrl: string | undefined;
}

/**
 * Starts the workflow. Not retried: a lost answer may hide a started run, and a second dispatch would
 * start another; the caller decides (see `dispatchRefusal`).
 */
export async function dispatchWorkflow(github: GitHubClient, request: DispatchRequest, signal?: AbortSignal): Promise<DispatchedRun> {
  const response = await github.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
    owner: request.owner, repo: request.repo, workflow_id: request.workflow_id, ...dispatchBody(request), request: { signal, retries: 0 },
  });
  const data = (response.status === 200 ? response.data : undefined) as { workflow_run_id?: number; html_url?: string } | undefined;
  return { runId: typeof data?.workflow_run_id === 'number' ? data.workflow_run_id : undefined, htmlUrl: data?.html_url };
}

/** GitHub's answer when it refused a request outright (4xx); the run certainly did not start. */
export interface Refusal {
  status: number;
  /** GitHub's own message, without Octokit's documentation link. */
  message: string;
  /** `X-Accepted-GitHub-Permissions`, sent with a 403: the permission the endpoint needs, e.g. `actions=write`. */
  acceptedPermissions: string | undefined;
  /** A rate limit (403/429 with `retry-after`, or saying so): nothing is wrong with the workflow. */
  rateLimited: boolean;
}

interface ErrorResponse {
  response?: { data?: unknown; headers?: Record<string, string | number | undefined> };
  message?: string;
}

/** The refusal in a failed request, or undefined when the outcome is unknown (no answer, 5xx). */
export function dispatchRefusal(error: unknown): Refusal | undefined {
  const status = errorStatus(error);
  if (status === undefined || status >= 500 || status < 400) return undefined;
  const { response, message } = error as ErrorResponse;
  const data = response?.data as { message?: unknown } | undefined;
  const text = typeof data?.message === 'string' ? data.message : message ?? '';
  const header = (name: string) => {
    const value = response?.headers?.[name];
    return value === undefined ? undefined : String(value);
  };
  return {
    status,
    message: text,
    acceptedPermissions: header('x-accepted-github-permissions'),
    rateLimited: status === 429 || (status === 403 && (header('retry-after') !== undefined || header('x-ratelimit-remaining') === '0' || /rate limit/i.test(text))),
  };
}

export interface RunArtifact {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
}

/** The run's artifacts called `name` (GitHub filters by name; one request). */
export async function listRunArtifacts(github: GitHubClient, repository: RepositoryRef, runId: number, name: string, signal?: AbortSignal): Promise<RunArtifact[]> {
  const { data } = await github.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts', {
    owner: repository.owner, repo: repository.repo, run_id: runId, name, per_page: 10, request: { signal },
  });
  return data.artifacts
    .filter((artifact) => artifact.name === name)
    .map((artifact) => ({ id: artifact.id, name: artifact.name, sizeInBytes: artifact.size_in_bytes, expired: artifact.expired }));
}

export class DownloadTooLargeError extends Error {
  override name = 'DownloadTooLargeError';
  readonly limit: number;
  constructor(limit: number) {
    super(`the download is larger than ${limit.toLocaleString('en-US')} bytes`);
    this.limit = limit;
  }
}

/**
 * Downloads an artifact's zip into memory, reading at most `maxBytes` (the listed size is only
 * checked beforehand; the stream itself is bounded too). Call it right after listing the artifact.
 */
export async function downloadArtifactZip(github: GitHubClient, repository: RepositoryRef, artifactId: number, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await github.request('GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}', {
    owner: repository.owner, repo: repository.repo, artifact_id: artifactId, archive_format: 'zip', request: { parseSuccessResponseBody: false, signal },
  });
  const body = response.data as ReadableStream<Uint8Array> | null;
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new DownloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}
