// The OpsGrade GitHub App (Probot 14): `npm start` runs `probot run ./src/app/index.ts`. This file
// wires the pieces — handlers, queue, review workers, publishing, grading runs, /healthz and
// /metrics — and reads the operator's settings from the environment. Entry point of the app side.

import type { ApplicationFunction, Probot } from 'probot';
import type { Registry } from 'prom-client';

import { renderMarkdown } from '../report/index.ts';
import { snapshotFromTarball } from '../snapshot/index.ts';
import { DEFAULT_CLIENT_SETTINGS, installationClient } from '../github/client.ts';
import type { ClientSettings, GitHubClient } from '../github/client.ts';
import { CHECK_RUN_NAME } from '../github/payloads.ts';
import { TESTS_CHECK_RUN_NAME } from '../grading/index.ts';
import { CourseConfigStore } from './course-config.ts';
import { GradingCoordinator } from './grading.ts';
import { registerHandlers } from './handlers.ts';
import { createMetrics } from './metrics.ts';
import { operationsHandler } from './operations.ts';
import { createWorkerExecutor, defaultWorkerCount } from './review-executor.ts';
import type { ReviewExecutor, RubricInfo } from './review-executor.ts';
import type { PipelineContext } from './review-pipeline.ts';
import { ReviewService } from './review-service.ts';

export interface AppSettings {
  /** Reviews running at once (and review worker threads). */
  concurrency: number;
  reviewTimeoutMs: number;
  /** Time running reviews get to finish on SIGTERM before they are stopped and concluded. */
  shutdownGraceMs: number;
  /** How long an organisation's course configuration is cached. */
  configTtlMs: number;
  maxUncompressedBytes: number;
  /** Base URL of the GitHub web UI, for links (GitHub Enterprise Server: from GHE_HOST). */
  serverUrl: string;
  /** How often grading runs without a result past their `resultTimeoutMinutes` conclude `timed_out`; 0 never. */
  gradingSweepMs: number;
  client: ClientSettings;
}

export interface OpsgradeAppOptions {
  settings?: Partial<AppSettings>;
  /** Replaces the worker pool; only queue-ordering unit tests stub the review this way. */
  executor?: ReviewExecutor;
  /** What the main thread knows of the rules; defaults to asking a review worker. */
  rubric?: () => Promise<RubricInfo>;
  /** Rules directory for the review workers (default `rules/`). */
  rulesDir?: string;
  registry?: Registry;
  /** Install SIGTERM/SIGINT handlers that drain the queue and exit (default: true). */
  handleSignals?: boolean;
  /** Hands the service to tests and embedding code. */
  onReady?: (service: ReviewService) => void;
  /** The clock for grading (rate limits, result timeouts) and check-run times; tests fix it. */
  now?: () => Date;
}

function numberFrom(value: string | undefined, fallback: number): number {
  const parsed = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

/** Settings from `OPSGRADE_*` variables (documented in docs/app.md), with defaults. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): AppSettings {
  const host = env.GHE_HOST;
  return {
    concurrency: Math.max(1, Math.floor(numberFrom(env.OPSGRADE_CONCURRENCY, defaultWorkerCount()))),
    reviewTimeoutMs: numberFrom(env.OPSGRADE_REVIEW_TIMEOUT_SECONDS, 60) * 1000,
    shutdownGraceMs: numberFrom(env.OPSGRADE_SHUTDOWN_GRACE_SECONDS, 8) * 1000,
    configTtlMs: numberFrom(env.OPSGRADE_CONFIG_TTL_SECONDS, 300) * 1000,
    maxUncompressedBytes: numberFrom(env.OPSGRADE_MAX_UNCOMPRESSED_MB, 256) * 1024 * 1024,
    serverUrl: host ? `${env.GHE_PROTOCOL ?? 'https'}://${host}` : 'https://github.com',
    gradingSweepMs: numberFrom(env.OPSGRADE_GRADING_SWEEP_SECONDS, 60) * 1000,
    client: { ...DEFAULT_CLIENT_SETTINGS },
  };
}

export function createOpsgradeApp(options: OpsgradeAppOptions = {}): ApplicationFunction {
  return (app: Probot, { addHandler }) => {
    const fromEnvironment = settingsFromEnvironment();
    const settings: AppSettings = { ...fromEnvironment, ...options.settings, client: { ...fromEnvironment.client, ...options.settings?.client } };
    const log = app.log.child({ name: 'opsgrade' });
    const metrics = createMetrics(options.registry);

    const executor = options.executor ?? createWorkerExecutor({ size: settings.concurrency, ...(options.rulesDir ? { rulesDir: options.rulesDir } : {}) });
    // The main thread never compiles rules: a review worker loads them and describes them.
    const rubric = options.rubric ?? (() => executor.describeRubric());
    const client = (installationId: number): Promise<GitHubClient> =>
      installationClient(app, installationId, settings.client, (exchange) => metrics.apiExchange(exchange), log.child({ name: 'github', installationId }));

    const configs = new CourseConfigStore({ rubric, ttlMs: settings.configTtlMs, serverUrl: settings.serverUrl });
    const now = options.now ?? (() => new Date());
    const render: PipelineContext['render'] = (report, renderOptions) => renderMarkdown(report, renderOptions);
    const grading = new GradingCoordinator({ client, render, now, log: log.child({ name: 'grading' }), metrics, sweepIntervalMs: settings.gradingSweepMs });
    const context: PipelineContext = {
      client,
      configs,
      executor,
      render,
      readSnapshot: (input, snapshotOptions) => snapshotFromTarball(input, snapshotOptions),
      settings: { reviewTimeoutMs: settings.reviewTimeoutMs, maxUncompressedBytes: settings.maxUncompressedBytes },
      now,
      grading,
    };
    const service = new ReviewService({
      context,
      settings: { concurrency: settings.concurrency, shutdownGraceMs: settings.shutdownGraceMs, recentTtlMs: 30 * 60 * 1000 },
      metrics,
      log,
      rubric,
      client,
    });

    // Start a worker and load the rules now, not inside the first review; errors show in the log.
    void rubric().catch((error: unknown) => log.error({ err: error }, 'the rubric could not be loaded'));

    registerHandlers(app, { service, configs, metrics, checkRunNames: [CHECK_RUN_NAME, TESTS_CHECK_RUN_NAME] });
    try {
      addHandler(operationsHandler(service, metrics));
    } catch {
      // `probot receive` runs without an HTTP server; there is nothing to serve then.
    }
    if (options.handleSignals ?? true) installSignalHandlers(service, log);
    log.info({ concurrency: settings.concurrency, serverUrl: settings.serverUrl }, 'OpsGrade app loaded');
    options.onReady?.(service);
  };
}

/**
 * On SIGTERM (container stop) or SIGINT: stop taking reviews, let running ones finish within the
 * grace period, conclude the rest, then exit. Probot itself does not handle SIGTERM.
 */
function installSignalHandlers(service: ReviewService, log: Probot['log']): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, queue: service.queueState }, 'shutting down: draining reviews');
    service.shutdown().then(
      () => {
        log.info('shutdown complete');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

export default createOpsgradeApp();
