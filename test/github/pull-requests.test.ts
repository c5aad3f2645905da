// Pieces of the pull-request sender that are pure: whose comment is the app's own, and the batched
// GraphQL document that hides outdated comments.

import { describe, expect, it } from 'vitest';

import { isOwnComment, minimizeMutation } from '../../src/github/pull-requests.ts';

describe('isOwnComment', () => {
  const node = (viewerDidAuthor: boolean, login: string | undefined) => ({ id: 'X', databaseId: 1, body: '', viewerDidAuthor, author: login === undefined ? null : { login } });

  it('needs GitHub to say the app wrote it, and the login to be the app bot', () => {
    expect(isOwnComment(node(true, 'opsgrade'), 'opsgrade')).toBe(true);
    expect(isOwnComment(node(true, 'opsgrade[bot]'), 'opsgrade')).toBe(true);
    // A learner who copies the marker into their own comment does not make it the app's.
    expect(isOwnComment(node(false, 'opsgrade'), 'opsgrade')).toBe(false);
    expect(isOwnComment(node(true, 'someone-else'), 'opsgrade')).toBe(false);
    expect(isOwnComment(node(true, undefined), 'opsgrade')).toBe(false);
  });
});

describe('minimizeMutation', () => {
  it('hides several comments in one document with one variable each', () => {
    expect(minimizeMutation(['A', 'B'])).toEqual({
      query: [
        'mutation OpsgradeMinimize($id0: ID!, $id1: ID!) {',
        '  m0: minimizeComment(input: { subjectId: $id0, classifier: OUTDATED }) { minimizedComment { isMinimized } }',
        '  m1: minimizeComment(input: { subjectId: $id1, classifier: OUTDATED }) { minimizedComment { isMinimized } }',
        '}',
      ].join('\n'),
      variables: { id0: 'A', id1: 'B' },
    });
  });
});
