// Downloads the code at one commit as a gzip tarball stream (`GET /repos/{o}/{r}/tarball/{sha}`):
// one API call per review; GitHub redirects to a short-lived download URL that fetch follows.
// Publishing layer (input side); the snapshot stage unpacks the stream in memory.

import type { GitHubClient } from './client.ts';
import type { RepositoryRef } from './checks.ts';

export async function downloadTarball(github: GitHubClient, repository: RepositoryRef, sha: string, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
  const response = await github.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
    owner: repository.owner,
    repo: repository.repo,
    ref: sha,
    request: { parseSuccessResponseBody: false, signal },
  });
  const body = response.data as ReadableStream<Uint8Array> | null;
  if (!body) return (async function* empty() {})();
  return body;
}
