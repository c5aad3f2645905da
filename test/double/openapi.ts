// Checks every request the GitHub double receives against GitHub's official REST description
// (@octokit/openapi, dereferenced api.github.com file, read once per process): the operation must
// exist, its path and query parameters must fit their schemas, and a JSON body must fit the
// operation's request schema. Invalid requests are answered with a 422 shaped like GitHub's.

import { readFileSync } from 'node:fs';
import path from 'node:path';

import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: object;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: object }> };
  externalDocs?: { url?: string };
  'x-github'?: { triggersNotification?: boolean; category?: string };
}

export interface RouteMatch {
  /** OpenAPI path template, e.g. `/repos/{owner}/{repo}/check-runs`. */
  template: string;
  method: string;
  operationId: string;
  params: Record<string, string>;
  documentationUrl: string;
  triggersNotification: boolean;
}

interface Route {
  template: string;
  method: string;
  pattern: RegExp;
  /** `{path}` of the contents API spans slashes; it is tried after single-segment routes. */
  greedyPattern: RegExp;
  names: string[];
  literalSegments: number;
  operation: Operation;
}

/** One failed check, as GitHub lists it in a 422's `errors`. */
export interface ValidationError {
  resource: string;
  field: string;
  code: 'invalid' | 'missing_field' | 'unprocessable';
  message: string;
}

export interface RequestValidation {
  /** Answer 422 with these. */
  errors: ValidationError[];
  /** Not fatal on GitHub (it ignores unknown body properties), but a silent bug in the client. */
  warnings: string[];
}

const SPEC_FILE = path.resolve(import.meta.dirname, '../../node_modules/@octokit/openapi/generated/api.github.com.deref.json');

let routesByMethod: Map<string, Route[]> | undefined;
const bodyValidators = new Map<string, ValidateFunction>();
const parameterValidators = new Map<string, ValidateFunction>();

function formats(ajv: Ajv): Ajv {
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/);
  for (const format of ['uri', 'email', 'uri-template', 'date', 'hostname', 'ipv4', 'ipv6', 'uuid', 'binary', 'repo.nwo', 'ssh-key', 'ssh-key fingerprint', 'int32', 'int64']) ajv.addFormat(format, true);
  return ajv;
}

const bodyAjv = formats(new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true }));
// Path and query values arrive as text; GitHub reads `per_page=100` as the number 100.
const parameterAjv = formats(new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes: true, useDefaults: false }));

/**
 * Reads the 73 MB description once and keeps only what validation needs (parameters, request
 * bodies, docs links): the response schemas are most of the file and are dropped for the GC.
 */
export function loadRoutes(): Map<string, Route[]> {
  if (routesByMethod) return routesByMethod;
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as { paths: Record<string, Record<string, Operation & { responses?: unknown }>> };
  const byMethod = new Map<string, Route[]>();
  for (const [template, methods] of Object.entries(spec.paths)) {
    for (const [method, full] of Object.entries(methods)) {
      if (!full || typeof full !== 'object' || !('operationId' in full)) continue;
      const operation: Operation = {
        operationId: full.operationId,
        ...(full.parameters ? { parameters: full.parameters } : {}),
        ...(full.requestBody ? { requestBody: full.requestBody } : {}),
        ...(full.externalDocs ? { externalDocs: full.externalDocs } : {}),
        ...(full['x-github'] ? { 'x-github': full['x-github'] } : {}),
      };
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      const route: Route = {
        template,
        method: method.toUpperCase(),
        pattern: new RegExp(`^${source.replace(/\{[^}]+\}/g, '([^/]+)')}$`),
        // Only the contents API's trailing `{path}` spans slashes.
        greedyPattern: new RegExp(`^${source.replace(/\{path\}$/, '(.+)').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
        names,
        literalSegments: template.split('/').filter((segment) => segment !== '' && !segment.startsWith('{')).length,
        operation,
      };
      const list = byMethod.get(route.method) ?? [];
      list.push(route);
      byMethod.set(route.method, list);
    }
  }
  // Literal segments first: `/repos/{o}/{r}/check-runs` before `/repos/{o}/{r}/{anything}` if such existed.
  for (const list of byMethod.values()) list.sort((a, b) => b.literalSegments - a.literalSegments || a.names.length - b.names.length);
  routesByMethod = byMethod;
  return byMethod;
}

/** The operation GitHub would run for `method` and `pathname` (no `/api/v3` prefix), if any. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  const candidates = loadRoutes().get(method.toUpperCase()) ?? [];
  const found = findRoute(candidates, pathname, false) ?? findRoute(candidates, pathname, true);
  if (!found) return undefined;
  const { route, values } = found;
  const params: Record<string, string> = {};
  route.names.forEach((name, index) => {
    params[name] = decodeURIComponent(values[index] ?? '');
  });
  return {
    template: route.template,
    method: route.method,
    operationId: route.operation.operationId,
    params,
    documentationUrl: route.operation.externalDocs?.url ?? 'https://docs.github.com/rest',
    triggersNotification: route.operation['x-github']?.triggersNotification === true,
  };
}

function findRoute(candidates: Route[], pathname: string, greedy: boolean): { route: Route; values: string[] } | undefined {
  for (const route of candidates) {
    const match = (greedy ? route.greedyPattern : route.pattern).exec(pathname);
    if (match) return { route, values: match.slice(1) };
  }
  return undefined;
}

function routeFor(match: RouteMatch): Route {
  return (loadRoutes().get(match.method) ?? []).find((route) => route.template === match.template) as Route;
}

/** Validates parameters and body of a matched request the way GitHub's API gateway does. */
export function validateRequest(match: RouteMatch, searchParams: URLSearchParams, body: unknown, contentType: string | undefined): RequestValidation {
  const route = routeFor(match);
  const errors: ValidationError[] = [];
  const warnings: string[] = [];
  const key = `${match.method} ${match.template}`;
  const resource = resourceName(match);

  const parameters = route.operation.parameters ?? [];
  const declaredQuery = new Set(parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
  for (const name of new Set(searchParams.keys())) {
    if (!declaredQuery.has(name)) warnings.push(`${key}: query parameter \`${name}\` is not declared`);
  }
  for (const parameter of parameters) {
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;
    const value = parameter.in === 'path' ? match.params[parameter.name] : searchParams.get(parameter.name) ?? undefined;
    if (value === undefined) {
      if (parameter.required) errors.push({ resource, field: parameter.name, code: 'missing_field', message: `${parameter.name} is required` });
      continue;
    }
    if (!parameter.schema) continue;
    const validatorKey = `${key} ${parameter.in}:${parameter.name}`;
    let validate = parameterValidators.get(validatorKey);
    if (!validate) {
      validate = parameterAjv.compile({ type: 'object', properties: { value: parameter.schema } });
      parameterValidators.set(validatorKey, validate);
    }
    if (!validate({ value })) errors.push(...ajvErrors(validate.errors ?? [], resource, parameter.name));
  }

  const schema = route.operation.requestBody?.content['application/json']?.schema;
  const hasBody = body !== undefined;
  if (hasBody && !schema) {
    warnings.push(`${key}: the operation takes no JSON body`);
  } else if (schema && !hasBody && route.operation.requestBody?.required) {
    errors.push({ resource, field: '', code: 'missing_field', message: 'a JSON body is required' });
  } else if (schema && hasBody) {
    if (contentType !== undefined && !/json/i.test(contentType)) warnings.push(`${key}: body sent as ${contentType}, not JSON`);
    let validate = bodyValidators.get(key);
    if (!validate) {
      validate = bodyAjv.compile(schema);
      bodyValidators.set(key, validate);
    }
    if (!validate(body)) errors.push(...ajvErrors(validate.errors ?? [], resource, ''));
    const known = (schema as { properties?: Record<string, unknown> }).properties;
    if (known && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      for (const name of Object.keys(body)) if (!(name in known)) warnings.push(`${key} body: unknown property \`${name}\` (GitHub ignores it)`);
    }
  }
  return { errors: dedupe(errors), warnings };
}

function ajvErrors(errors: readonly ErrorObject[], resource: string, prefix: string): ValidationError[] {
  // oneOf/anyOf branches repeat each other; the deepest errors say what is wrong.
  const deepest = errors.filter((error) => error.keyword !== 'oneOf' && error.keyword !== 'anyOf' && error.keyword !== 'if');
  return (deepest.length > 0 ? deepest : errors).map((error) => {
    const pointer = error.instancePath.replace(/^\/value/, '').split('/').filter(Boolean).join('.');
    const field = [prefix, pointer].filter(Boolean).join('.');
    const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty ?? '') : '';
    return {
      resource,
      field: missing ? [field, missing].filter(Boolean).join('.') : field,
      code: error.keyword === 'required' ? 'missing_field' : 'invalid',
      message: `${field || 'body'} ${error.message ?? 'is invalid'}${error.keyword === 'enum' ? `: ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)}` : ''}`,
    };
  });
}

function dedupe(errors: ValidationError[]): ValidationError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const id = `${error.field}|${error.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** GitHub names the resource in validation errors: `CheckRun`, `IssueComment`, … */
function resourceName(match: RouteMatch): string {
  const id = match.operationId;
  if (id.startsWith('checks/')) return 'CheckRun';
  if (id.startsWith('issues/') && id.includes('comment')) return 'IssueComment';
  if (id.startsWith('pulls/') && id.includes('review')) return 'PullRequestReview';
  if (id.startsWith('actions/')) return 'Actions';
  return id.split('/')[0] ?? 'Resource';
}

/** The 422 body GitHub sends when a request fails validation. */
export function invalidRequestBody(match: RouteMatch, errors: readonly ValidationError[]): { message: string; errors: ValidationError[]; documentation_url: string; status: string } {
  return {
    message: `Invalid request.\n\n${errors.map((error) => error.message).join('\n')}`,
    errors: [...errors],
    documentation_url: match.documentationUrl,
    status: '422',
  };
}

/** GraphQL is not in the REST description: check the envelope and that declared variables are supplied. */
export function validateGraphqlEnvelope(body: unknown): string[] {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null) return ['GraphQL body must be a JSON object'];
  const { query, variables } = body as { query?: unknown; variables?: unknown };
  if (typeof query !== 'string' || query.trim() === '') problems.push('GraphQL body needs a `query` string');
  if (variables !== undefined && variables !== null && typeof variables !== 'object') problems.push('GraphQL `variables` must be an object');
  if (typeof query === 'string') {
    const supplied = (variables ?? {}) as Record<string, unknown>;
    for (const [, name, type] of query.matchAll(/\$(\w+)\s*:\s*([\w![\]]+)/g)) {
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
  return problems;
}
