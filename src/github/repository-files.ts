// Reads single configuration files from a repository's default branch through the contents API.
// Publishing layer (input side): the instructor's `.github/opsgrade.yml` and course file live in
// the organisation's `.github` repository, which is read directly and never merged with the learner's.

import type { GitHubClient } from './client.ts';
import { errorStatus } from './client.ts';
import type { RepositoryRef } from './checks.ts';

/** The file's text, or `undefined` when the repository or file does not exist (or is not visible). */
export async function readRepositoryFile(github: GitHubClient, repository: RepositoryRef, path: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const response = await github.request('GET /repos/{owner}/{repo}/contents/{path}', {
      owner: repository.owner,
      repo: repository.repo,
      path,
      mediaType: { format: 'raw' },
      request: { signal },
    });
    return typeof response.data === 'string' ? response.data : JSON.stringify(response.data);
  } catch (error) {
    if (errorStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Where a person can read the file on GitHub, for links in check runs. */
export function fileUrl(serverUrl: string, repository: RepositoryRef, path: string): string {
  return `${serverUrl}/${repository.owner}/${repository.repo}/blob/HEAD/${path}`;
}
