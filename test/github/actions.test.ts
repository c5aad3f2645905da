// The Actions senders' own rules: which dispatch failures are refusals (the run did not start) and
// what GitHub said, and an artifact download that stops reading past its limit.

import { RequestError } from '@octokit/request-error';
import { describe, expect, it } from 'vitest';

import { dispatchRefusal, downloadArtifactZip, DownloadTooLargeError } from '../../src/github/actions.ts';
import type { GitHubClient } from '../../src/github/client.ts';

const DISPATCH = { method: 'POST' as const, url: 'https://api.github.com/repos/o/grader/actions/workflows/grade.yml/dispatches', headers: {} };

function requestError(status: number, data: unknown, headers: Record<string, string> = {}): RequestError {
  return new RequestError(`${(data as { message?: string }).message ?? ''} - https://docs.github.com/rest`, status, {
    request: DISPATCH,
    response: { status, url: DISPATCH.url, headers, data },
  });
}

describe('dispatchRefusal', () => {
  it("reads GitHub's message and the permission a 403 names", () => {
    expect(dispatchRefusal(requestError(403, { message: 'Resource not accessible by integration' }, { 'x-accepted-github-permissions': 'actions=write' }))).toEqual({
      status: 403, message: 'Resource not accessible by integration', acceptedPermissions: 'actions=write', rateLimited: false,
    });
    expect(dispatchRefusal(requestError(404, { message: 'Not Found' }))).toEqual({ status: 404, message: 'Not Found', acceptedPermissions: undefined, rateLimited: false });
  });

  it('tells a rate limit from a missing permission', () => {
    expect(dispatchRefusal(requestError(403, { message: 'You have exceeded a secondary rate limit.' }, { 'retry-after': '60' }))?.rateLimited).toBe(true);
    expect(dispatchRefusal(requestError(429, { message: 'Too many requests' }))?.rateLimited).toBe(true);
  });

  it('is undefined when the outcome is unknown: no answer, or a server error', () => {
    expect(dispatchRefusal(new TypeError('fetch failed'))).toBeUndefined();
    expect(dispatchRefusal(requestError(502, { message: 'Bad Gateway' }))).toBeUndefined();
  });
});

/** A client whose download answers with `chunks` of the given sizes. */
function streaming(sizes: number[]): { github: GitHubClient; read: () => number } {
  let read = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const size = sizes.shift();
      if (size === undefined) return controller.close();
      read += size;
      controller.enqueue(new Uint8Array(size).fill(7));
    },
  }, { highWaterMark: 0 });
  const github = { request: () => Promise.resolve({ status: 200, data: stream, headers: {}, url: '' }) } as unknown as GitHubClient;
  return { github, read: () => read };
}

describe('downloadArtifactZip', () => {
  it('returns the whole zip within the limit', async () => {
    const { github } = streaming([3, 4]);
    expect(await downloadArtifactZip(github, { owner: 'o', repo: 'r' }, 1, 7)).toEqual(new Uint8Array(7).fill(7));
  });

  it('stops reading past the limit, whatever the listed size said', async () => {
    const { github, read } = streaming([4, 4, 4, 4]);
    await expect(downloadArtifactZip(github, { owner: 'o', repo: 'r' }, 1, 7)).rejects.toThrow(new DownloadTooLargeError(7));
    expect(read()).toBe(8);
  });
});
