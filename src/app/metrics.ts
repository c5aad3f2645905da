// Prometheus metrics of the GitHub App (served at GET /metrics): reviews by outcome, how long a
// review takes from webhook to concluded check run, queue depth, GitHub API calls by status, and
// grading runs by how they ended.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { ApiExchange } from '../github/client.ts';
import type { GradingEvent } from './grading.ts';
import type { QueueState } from './queue.ts';

/** How a review job ended; one label value each. */
export type ReviewOutcome =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'skipped'
  | 'action_required'
  | 'superseded'
  | 'shutdown'
  | 'timed_out'
  | 'archive_unreadable'
  | 'gone'
  | 'error';

export interface AppMetrics {
  registry: Registry;
  reviewFinished(outcome: ReviewOutcome, seconds: number): void;
  queueChanged(state: QueueState): void;
  apiExchange(exchange: ApiExchange): void;
  webhook(event: string, result: string): void;
  grading(event: GradingEvent): void;
}

export function createMetrics(registry = new Registry()): AppMetrics {
  collectDefaultMetrics({ register: registry, prefix: 'opsgrade_' });
  const reviews = new Counter({
    name: 'opsgrade_reviews_total',
    help: 'Reviews finished, by outcome (check-run conclusion or why there was none).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'opsgrade_review_duration_seconds',
    help: 'Time from the webhook arriving to the check run being concluded.',
    labelNames: ['outcome'],
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const waiting = new Gauge({ name: 'opsgrade_queue_depth', help: 'Reviews waiting for a worker.', registers: [registry] });
  const running = new Gauge({ name: 'opsgrade_reviews_in_flight', help: 'Reviews running now.', registers: [registry] });
  const api = new Counter({
    name: 'opsgrade_github_requests_total',
    help: 'HTTP requests to the GitHub API (retries included), by method and status.',
    labelNames: ['method', 'status'],
    registers: [registry],
  });
  const apiErrors = new Counter({
    name: 'opsgrade_github_request_errors_total',
    help: 'GitHub API requests that failed (status 400 or more, or no answer), by status.',
    labelNames: ['status'],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'opsgrade_webhooks_total',
    help: 'Webhook deliveries handled, by event and what the app did with them.',
    labelNames: ['event', 'result'],
    registers: [registry],
  });
  const grading = new Counter({
    name: 'opsgrade_grading_total',
    help: 'Grading runs: dispatched, not started (rate_limited), untrusted runs ignored (untrusted_run), and the tests check run conclusions.',
    labelNames: ['event'],
    registers: [registry],
  });
  return {
    registry,
    reviewFinished(outcome, seconds) {
      reviews.inc({ outcome });
      duration.observe({ outcome }, seconds);
    },
    queueChanged(state) {
      waiting.set(state.waiting);
      running.set(state.running);
    },
    apiExchange(exchange) {
      const status = String(exchange.status);
      api.inc({ method: exchange.method, status });
      if (exchange.status === 'network-error' || exchange.status >= 400) apiErrors.inc({ status });
    },
    webhook(event, result) {
      webhooks.inc({ event, result });
    },
    grading(event) {
      grading.inc({ event });
    },
  };
}
