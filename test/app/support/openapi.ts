// Validates outgoing GitHub requests against GitHub's official REST description, with the same
// checks the GitHub double answers with (test/double/openapi.ts), so nock-based tests and the
// double agree on what GitHub accepts: the operation must exist for the method and path, path and
// query parameters must be declared and valid, and the JSON body must satisfy the operation's
// request schema, with no property GitHub would silently ignore. GraphQL is not part of that
// description; see `validateGraphql`.

import { matchRoute, validateGraphqlEnvelope, validateRequest } from '../../double/openapi.ts';

export interface RequestCheck {
  operationId?: string;
  problems: string[];
}

/** Checks one REST request; `pathWithQuery` is the path GitHub would see (no `/api/v3` prefix). */
export function validateRestRequest(method: string, pathWithQuery: string, body: unknown): RequestCheck {
  const url = new URL(pathWithQuery, 'https://api.github.com');
  const upper = method.toUpperCase();
  const match = matchRoute(upper, url.pathname);
  if (!match) return { problems: [`${upper} ${url.pathname}: no such operation in GitHub's REST API description`] };
  const { errors, warnings } = validateRequest(match, url.searchParams, body === '' ? undefined : body, undefined);
  const problems = [...errors.map((error) => `${upper} ${match.template}: ${error.message}`), ...warnings];
  return { operationId: match.operationId, problems };
}

/**
 * GraphQL requests are not described by the REST document: check the envelope GitHub expects and
 * that every variable the document declares is supplied (an unsupplied `$id: ID!` is a 200 with errors).
 */
export function validateGraphql(body: unknown): RequestCheck {
  return { operationId: 'graphql', problems: validateGraphqlEnvelope(body) };
}
