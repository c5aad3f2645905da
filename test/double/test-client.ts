// A minimal GitHub client for the double's own tests: signs app JWTs the way @octokit/auth-app does
// (RS256, `iss` = app id, iat 30 s in the past, 10 minutes long) and sends plain fetch requests, so
// the double is tested without the app's Octokit stack in between.

import { createSign } from 'node:crypto';

import type { GitHubDouble } from './server.ts';

export function appJwt(privateKeyPem: string, appId: number, now = Math.floor(Date.now() / 1000)): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: now - 30, exp: now + 570, iss: appId })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem).toString('base64url');
  return `${unsigned}.${signature}`;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  raw: Buffer;
}

export interface ApiOptions {
  token?: string;
  jwt?: string;
  body?: unknown;
  accept?: string;
  /** `manual` keeps 302s visible (the default here); `follow` downloads. */
  redirect?: 'manual' | 'follow';
}

/** One request to the double; `path` is GitHub's path (`/repos/…`), sent under `/api/v3`. */
export async function api(double: GitHubDouble, method: string, path: string, options: ApiOptions = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { accept: options.accept ?? 'application/vnd.github+json', 'user-agent': 'double-test' };
  if (options.token) headers.authorization = `token ${options.token}`;
  if (options.jwt) headers.authorization = `bearer ${options.jwt}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  const url = path.startsWith('http') ? path : path === '/graphql' ? `${double.webBase}/api/graphql` : `${double.apiBase}${path}`;
  const response = await fetch(url, {
    method,
    headers,
    redirect: options.redirect ?? 'manual',
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const raw = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : raw.toString('utf8');
  return { status: response.status, headers: response.headers, body, raw };
}

/** An installation token for `installationId`, as the app would get one. */
export async function installationToken(double: GitHubDouble, installationId: number): Promise<string> {
  const answer = await api(double, 'POST', `/app/installations/${installationId}/access_tokens`, { jwt: appJwt(double.privateKeyPem, double.appId) });
  if (answer.status !== 201) throw new Error(`token exchange failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return (answer.body as { token: string }).token;
}
