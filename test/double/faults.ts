// Fault injection for the GitHub double, per route: the errors GitHub really sends (500, a 502 HTML
// page from its load balancer, 403 secondary rate limits and 429s with `retry-after`), connection
// resets, answers slower than the client waits, a tarball gone mid-review and an oversized tarball.

export type FaultKind =
  | 'server-error'
  | 'bad-gateway-html'
  | 'secondary-rate-limit'
  | 'too-many-requests'
  | 'connection-reset'
  | 'slow'
  | 'not-found'
  | 'oversized-tarball';

export const FAULT_KINDS: readonly FaultKind[] = ['server-error', 'bad-gateway-html', 'secondary-rate-limit', 'too-many-requests', 'connection-reset', 'slow', 'not-found', 'oversized-tarball'];

/** Routes that are not in the REST description. */
export const DOWNLOAD_TARBALL = 'download:tarball';
export const DOWNLOAD_ARTIFACT = 'download:artifact';
export const GRAPHQL = 'graphql';

export interface FaultRule {
  /** A label for reports; defaults to `<kind> <method> <route>`. */
  name?: string;
  kind: FaultKind;
  /** HTTP method; any when absent. */
  method?: string;
  /**
   * An OpenAPI path template (`/repos/{owner}/{repo}/check-runs`), `download:tarball`,
   * `download:artifact` or `graphql`; any when absent.
   */
  route?: string;
  /** Further narrowing on the request path (without `/api/v3`). */
  path?: RegExp;
  /** Skip this many matching requests before the first hit (e.g. "the second tarball request"). */
  after?: number;
  /** Hit at most this many requests (default: no limit). */
  times?: number;
  /** Hit every n-th matching request after `after` (default 1: each one). */
  every?: number;
  /** Chance of a hit for each matching request, drawn from the double's seeded generator. */
  probability?: number;
  /** `slow`: how long to hold the request. */
  delayMs?: number;
  /** `secondary-rate-limit` and `too-many-requests`: the `retry-after` header, in seconds. */
  retryAfterSeconds?: number;
  /**
   * `connection-reset` and `slow`: `before` the request is handled (the write never happens) or
   * `after` (GitHub did the work; only the answer is lost or late). Default `before`.
   */
  phase?: 'before' | 'after';
  /** `oversized-tarball`: bytes the archive inflates to (default 300 MB, past the app's 256 MB cap). */
  uncompressedBytes?: number;
}

export interface FaultHit {
  rule: FaultRule;
  name: string;
}

interface RuleState {
  rule: FaultRule;
  name: string;
  seen: number;
  hits: number;
}

/** A small seeded generator (mulberry32) so a faulty run can be repeated exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class FaultInjector {
  private rules: RuleState[] = [];
  private readonly random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  add(...rules: FaultRule[]): void {
    for (const rule of rules) {
      this.rules.push({ rule, name: rule.name ?? `${rule.kind} ${rule.method ?? '*'} ${rule.route ?? rule.path?.source ?? '*'}`, seen: 0, hits: 0 });
    }
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule that fires for this request, counting the request against every matching rule. */
  pick(method: string, route: string | undefined, pathname: string): FaultHit | undefined {
    let fired: FaultHit | undefined;
    for (const state of this.rules) {
      const { rule } = state;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.route && rule.route !== route) continue;
      if (rule.path && !rule.path.test(pathname)) continue;
      state.seen += 1;
      if (fired) continue;
      const position = state.seen - (rule.after ?? 0);
      if (position <= 0) continue;
      if (rule.times !== undefined && state.hits >= rule.times) continue;
      if ((position - 1) % Math.max(1, rule.every ?? 1) !== 0) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      state.hits += 1;
      fired = { rule, name: state.name };
    }
    return fired;
  }

  /** Hits per rule name, for reports. */
  summary(): { name: string; matched: number; hits: number }[] {
    return this.rules.map((state) => ({ name: state.name, matched: state.seen, hits: state.hits }));
  }
}

/** What GitHub's edge answers with when a backend is down: an HTML page, not JSON. */
export const BAD_GATEWAY_HTML = `<!DOCTYPE html>
<html>
  <head><meta http-equiv="Content-type" content="text/html; charset=utf-8"><title>Unicorn! · GitHub</title></head>
  <body><h1>502 Bad Gateway</h1><p>We're having a really bad day. The Unicorns have taken over.</p></body>
</html>
`;

export const SECONDARY_RATE_LIMIT_MESSAGE = 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later. If you reach out to GitHub Support for help, please include the request ID.';
