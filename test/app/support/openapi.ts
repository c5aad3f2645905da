// Validates outgoing GitHub requests against GitHub's official REST description
// (@octokit/openapi, dereferenced api.github.com file, loaded once per test file): the operation
// must exist for the method and path, query names must be declared, and the JSON body must satisfy
// the operation's request schema. GraphQL is not part of that description; see `validateGraphql`.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: object }> };
}

interface Route {
  template: string;
  method: string;
  pattern: RegExp;
  /** Routes with fewer parameters are more specific and tried first. */
  parameters: number;
  operation: Operation;
}

const SPEC_FILE = path.resolve(import.meta.dirname, '../../../node_modules/@octokit/openapi/generated/api.github.com.deref.json');

let routes: Route[] | undefined;
const validators = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/);
for (const format of ['uri', 'email', 'uri-template', 'date', 'hostname', 'ipv4', 'ipv6', 'uuid', 'binary', 'repo.nwo', 'ssh-key', 'ssh-key fingerprint']) ajv.addFormat(format, true);

function loadRoutes(): Route[] {
  if (routes) return routes;
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
  routes = [];
  for (const [template, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!operation || typeof operation !== 'object' || !('operationId' in operation)) continue;
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)');
      routes.push({
        template,
        method: method.toUpperCase(),
        pattern: new RegExp(`^${source}$`),
        parameters: (template.match(/\{/g) ?? []).length,
        operation,
      });
    }
  }
  routes.sort((a, b) => a.parameters - b.parameters);
  return routes;
}

export interface RequestCheck {
  operationId?: string;
  problems: string[];
}

/** Checks one REST request; `pathWithQuery` is the path GitHub would see (no `/api/v3` prefix). */
export function validateRestRequest(method: string, pathWithQuery: string, body: unknown): RequestCheck {
  const url = new URL(pathWithQuery, 'https://api.github.com');
  const pathname = decodeURIComponent(url.pathname);
  const upper = method.toUpperCase();
  const candidates = loadRoutes().filter((route) => route.method === upper);
  // `{path}` of the contents API spans slashes: try single segments first, then greedy ones.
  let route = candidates.find((candidate) => candidate.pattern.test(url.pathname));
  route ??= candidates.find((candidate) => new RegExp(candidate.pattern.source.replaceAll('([^/]+)', '(.+)')).test(pathname));
  if (!route) return { problems: [`${upper} ${url.pathname}: no such operation in GitHub's REST API description`] };
  const problems: string[] = [];
  const declared = new Set((route.operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
  for (const name of url.searchParams.keys()) {
    if (!declared.has(name)) problems.push(`${upper} ${route.template}: query parameter \`${name}\` is not declared`);
  }
  const schema = route.operation.requestBody?.content['application/json']?.schema;
  if (body !== undefined && body !== '' && schema) {
    const key = `${upper} ${route.template}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(schema);
      validators.set(key, validate);
    }
    if (!validate(body)) {
      for (const error of validate.errors ?? []) problems.push(`${key} body${error.instancePath}: ${error.message ?? 'invalid'} ${JSON.stringify(error.params)}`);
    }
    // GitHub ignores properties it does not know, so a stray one is a silent bug: flag it here.
    const known = (schema as { properties?: Record<string, unknown> }).properties;
    if (known && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      for (const name of Object.keys(body)) if (!(name in known)) problems.push(`${key} body: unknown property \`${name}\``);
    }
  } else if (body !== undefined && body !== '' && !schema) {
    problems.push(`${upper} ${route.template}: the operation takes no JSON body`);
  }
  return { operationId: route.operation.operationId, problems };
}

/**
 * GraphQL requests are not described by the REST document: check the envelope GitHub expects and
 * that every variable the document declares is supplied (an unsupplied `$id: ID!` is a 200 with errors).
 */
export function validateGraphql(body: unknown): RequestCheck {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null) return { problems: ['GraphQL body must be a JSON object'] };
  const { query, variables } = body as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string' || query.trim() === '') problems.push('GraphQL body needs a `query` string');
  if (variables !== undefined && (typeof variables !== 'object' || variables === null)) problems.push('GraphQL `variables` must be an object');
  if (typeof query === 'string') {
    const declared = [...query.matchAll(/\$(\w+)\s*:\s*([\w![\]]+)/g)];
    const supplied = (variables ?? {}) as Record<string, unknown>;
    for (const [, name, type] of declared) {
      if (type?.endsWith('!') && (supplied[name as string] === undefined || supplied[name as string] === null)) problems.push(`GraphQL variable $${name} (${type}) is not supplied`);
    }
    let depth = 0;
    for (const character of query) {
      if (character === '{') depth += 1;
      if (character === '}') depth -= 1;
      if (depth < 0) break;
    }
    if (depth !== 0) problems.push('GraphQL document has unbalanced braces');
  }
  return { operationId: 'graphql', problems };
}
