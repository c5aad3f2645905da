// Authenticated Octokit clients for one installation, with retries and rate-limit handling tuned
// for the app. Publishing layer: the only place that decides how the app talks to GitHub.
// Probot 14 only logs secondary rate limits; reviews must survive them, so they are retried here.

import type { Logger } from 'pino';
import type { Probot, ProbotOctokit } from 'probot';

export type GitHubClient = ProbotOctokit;

export interface ClientSettings {
  /** Unit of @octokit/plugin-retry's back-off for 5xx answers: waits 1, 4, 9 × this. */
  retryBaseMs: number;
  /** Unit of a `retry-after` value (seconds on GitHub); tests shrink it. */
  rateLimitBaseMs: number;
  /** Retries of a request that hit a secondary rate limit. */
  secondaryRetries: number;
  /** A `retry-after` longer than this is not waited for: the review fails and says so. */
  maxRetryAfterSeconds: number;
  /** Whole-request limit, body included (tarballs stream through it). */
  requestTimeoutMs: number;
  /**
   * Bottleneck groups replacing the throttling plugin's write limiters (one write per second per
   * installation); only tests pass these, to keep runs short.
   */
  throttleGroups?: { write?: unknown; notifications?: unknown };
}

export const DEFAULT_CLIENT_SETTINGS: ClientSettings = {
  retryBaseMs: 1000,
  rateLimitBaseMs: 1000,
  secondaryRetries: 2,
  maxRetryAfterSeconds: 120,
  requestTimeoutMs: 120_000,
};

/** One HTTP exchange with GitHub, for metrics; retries count as separate exchanges. */
export interface ApiExchange {
  method: string;
  status: number | 'network-error';
}

type OctokitConstructor = new (options: Record<string, unknown>) => GitHubClient;

interface LimitRequest {
  method: string;
  url: string;
}

/**
 * A client authenticated as `installationId`, built from the same Octokit class (base URL,
 * app credentials, token cache) Probot uses, with the app's own throttle and retry settings.
 */
export async function installationClient(
  app: Probot,
  installationId: number,
  settings: ClientSettings,
  observe: (exchange: ApiExchange) => void,
  log: Logger,
): Promise<GitHubClient> {
  const appClient = await app.auth();
  const Client = appClient.constructor as OctokitConstructor;
  const onSecondaryRateLimit = (retryAfter: number, options: LimitRequest, _octokit: unknown, retryCount: number) => {
    const retry = retryCount < settings.secondaryRetries && retryAfter <= settings.maxRetryAfterSeconds;
    log.warn({ method: options.method, url: options.url, retryAfter, retryCount, retry }, 'GitHub secondary rate limit');
    return retry;
  };
  const onRateLimit = (retryAfter: number, options: LimitRequest, _octokit: unknown, retryCount: number) => {
    const retry = retryCount < 1 && retryAfter <= settings.maxRetryAfterSeconds;
    log.warn({ method: options.method, url: options.url, retryAfter, retryCount, retry }, 'GitHub rate limit exhausted');
    return retry;
  };
  return new Client({
    auth: { installationId },
    log,
    throttle: {
      enabled: true,
      id: String(installationId),
      retryAfterBaseValue: settings.rateLimitBaseMs,
      onSecondaryRateLimit,
      onRateLimit,
      ...settings.throttleGroups,
    },
    retry: { enabled: true, retryAfterBaseValue: settings.retryBaseMs, retries: 3 },
    request: { fetch: observedFetch(settings.requestTimeoutMs, observe) },
  });
}

/** `fetch` that records every exchange and bounds how long one may take, body included. */
function observedFetch(timeoutMs: number, observe: (exchange: ApiExchange) => void): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? 'GET').toUpperCase();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      const response = await globalThis.fetch(input, { ...init, signal });
      observe({ method, status: response.status });
      return response;
    } catch (error) {
      observe({ method, status: 'network-error' });
      throw error;
    }
  };
}

/** HTTP status of an Octokit error, if it is one. */
export function errorStatus(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number') return error.status;
  return undefined;
}

/**
 * A failure after which a write may or may not have happened: no answer (network, timeout) or a
 * server error. A 4xx means GitHub refused it; rate limits are retried by the throttling plugin.
 */
export function outcomeUnknown(error: unknown): boolean {
  const status = errorStatus(error);
  return status === undefined || status >= 500;
}

/** The repository or commit no longer exists (deleted, transferred, force-pushed away). */
export function isGone(error: unknown): boolean {
  const status = errorStatus(error);
  return status === 404 || status === 410;
}
