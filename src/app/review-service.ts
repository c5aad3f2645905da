// Bookkeeping between webhooks and the review pipeline: one check run per commit however many events
// name it, redeliveries ignored, a newer push superseding an older review, the check run created the
// moment the event arrives, finished grading runs handed to the grading coordinator, and a clean
// shutdown that leaves no check run `in_progress`.

import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import type { WorkflowRunEvent } from '../grading/index.ts';

import { createCheckRun } from '../github/checks.ts';
import type { CreatedCheckRun } from '../github/checks.ts';
import { isGone } from '../github/client.ts';
import type { GitHubClient } from '../github/client.ts';
import { checkRunStart, explainCommentBody } from '../github/payloads.ts';
import { getPullRequestHead, postIssueComment } from '../github/pull-requests.ts';
import type { GradingCoordinator } from './grading.ts';
import type { AppMetrics, ReviewOutcome } from './metrics.ts';
import type { RubricInfo } from './review-executor.ts';
import type { JobQueue } from './queue.ts';
import { createFairQueue } from './queue.ts';
import { publishPullRequests, runReview } from './review-pipeline.ts';
import type { PipelineContext, RepositoryInfo, ReviewJob, ReviewResult, RunningReview, StopReason } from './review-pipeline.ts';

export interface ReviewRequest {
  deliveryId: string;
  event: string;
  installationId: number;
  repository: RepositoryInfo;
  headSha: string;
  lanes: string[];
  pullRequests: number[];
  newPullRequests?: number[];
  force: boolean;
}

export type SubmitResult =
  | 'queued'
  | 'merged'
  | 'already-reviewed'
  | 'pull-request-from-cache'
  | 'shutting-down';

export interface ServiceSettings {
  concurrency: number;
  shutdownGraceMs: number;
  /** How long a finished review is remembered, for duplicate events and late pull requests. */
  recentTtlMs: number;
}

interface JobState extends RunningReview {
  /** Set right after the state exists: creation starts at once, outside the queue. */
  checkRun: Promise<CreatedCheckRun | undefined>;
  readonly abort: AbortController;
  supersededBy: string | undefined;
  interrupted: boolean;
  started: boolean;
}

interface Remembered {
  expires: number;
  result: ReviewResult | undefined;
  published: Set<number>;
  installationId: number;
}

/** A Map that forgets its oldest entries beyond `limit`. */
class BoundedMap<K, V> extends Map<K, V> {
  private readonly limit: number;
  constructor(limit: number) {
    super();
    this.limit = limit;
  }

  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    while (this.size > this.limit) this.delete(this.keys().next().value as K);
    return this;
  }
}

export interface ReviewServiceOptions {
  context: PipelineContext;
  settings: ServiceSettings;
  metrics: AppMetrics;
  log: Logger;
  rubric: () => Promise<RubricInfo>;
  /** A client that does not wait for the queue (check-run creation, commands). */
  client(installationId: number): Promise<GitHubClient>;
}

export class ReviewService {
  private readonly options: ReviewServiceOptions;
  private readonly queue: JobQueue<ReviewJob>;
  private readonly states = new Map<string, JobState>();
  private readonly activeByKey = new Map<string, JobState>();
  private readonly deliveries = new BoundedMap<string, number>(20_000);
  private readonly recent = new BoundedMap<string, Remembered>(200);
  private readonly background = new Set<Promise<unknown>>();
  private closing = false;

  constructor(options: ReviewServiceOptions) {
    this.options = options;
    this.queue = createFairQueue<ReviewJob>({
      concurrency: options.settings.concurrency,
      run: (job) => this.run(job),
      onChange: (state) => options.metrics.queueChanged(state),
    });
  }

  get queueState() {
    return this.queue.state;
  }

  get shuttingDown(): boolean {
    return this.closing;
  }

  /** The grading coordinator, when grading is wired (the app always wires it). */
  get grading(): GradingCoordinator | undefined {
    return this.options.context.grading;
  }

  /** False when this delivery id was seen before: GitHub reuses the id on a redelivery. */
  claimDelivery(deliveryId: string): boolean {
    if (this.deliveries.has(deliveryId)) return false;
    this.deliveries.set(deliveryId, Date.now());
    return true;
  }

  /** Accepts a review request; returns at once. The check run is created right away, off the queue. */
  submit(request: ReviewRequest): SubmitResult {
    if (this.closing) return 'shutting-down';
    const key = commitKey(request.repository, request.headSha);
    const active = this.activeByKey.get(key);
    if (active) {
      mergeInto(active.job, request);
      return 'merged';
    }
    const remembered = this.recent.get(key);
    if (remembered && remembered.expires > Date.now() && !request.force) {
      const missing = request.pullRequests.filter((number) => !remembered.published.has(number));
      if (missing.length === 0 || !remembered.result) return 'already-reviewed';
      this.track(this.publishRemembered(request, remembered, missing));
      return 'pull-request-from-cache';
    }

    // A re-run may be for an older commit; only new commits supersede what is in flight.
    if (!request.force) this.supersedeOlder(request);
    const job: ReviewJob = {
      id: randomUUID(),
      deliveryId: request.deliveryId,
      event: request.event,
      installationId: request.installationId,
      repository: request.repository,
      headSha: request.headSha,
      lanes: [...new Set(request.lanes)],
      pullRequests: [...new Set(request.pullRequests)],
      newPullRequests: [...new Set(request.newPullRequests ?? [])],
      force: request.force,
      receivedAt: Date.now(),
    };
    const abort = new AbortController();
    const log = this.options.log.child({
      deliveryId: job.deliveryId, jobId: job.id, repo: `${job.repository.owner}/${job.repository.repo}`, sha: job.headSha,
    });
    const state: JobState = {
      job,
      log,
      abort,
      signal: abort.signal,
      supersededBy: undefined,
      interrupted: false,
      started: false,
      checkRun: Promise.resolve(undefined),
      stopReason: () => stopReason(state),
    };
    state.checkRun = this.startCheckRun(state);
    this.states.set(job.id, state);
    this.activeByKey.set(key, state);
    log.info({ event: job.event, force: job.force, pullRequests: job.pullRequests }, 'review queued');
    this.queue.enqueue(job);
    return 'queued';
  }

  /** `/opsgrade recheck` on a pull request: review its current head again. */
  recheck(request: Omit<ReviewRequest, 'headSha' | 'lanes' | 'pullRequests' | 'force'> & { number: number }): void {
    this.track((async () => {
      const github = await this.options.client(request.installationId);
      const head = await getPullRequestHead(github, request.repository, request.number);
      if (head.state !== 'open') return;
      this.submit({ ...request, headSha: head.sha, lanes: [`pr:${request.number}`], pullRequests: [request.number], force: true });
    })().catch((error: unknown) => this.options.log.warn({ err: error, deliveryId: request.deliveryId }, 'recheck failed')));
  }

  /** `/opsgrade explain <rule-id>`: answers with the rule's documentation. */
  explain(request: { deliveryId: string; installationId: number; repository: RepositoryInfo; number: number; ruleId: string }): void {
    this.track((async () => {
      const rubric = await this.options.rubric();
      const rule = rubric.rules.find((candidate) => candidate.id === request.ruleId);
      const body = explainCommentBody(rule, request.ruleId, rule?.helpUri, rubric.rules.map((candidate) => candidate.id));
      const github = await this.options.client(request.installationId);
      await postIssueComment(github, request.repository, request.number, body);
    })().catch((error: unknown) => this.options.log.warn({ err: error, deliveryId: request.deliveryId }, 'explain failed')));
  }

  /** Resolves once the rules are loaded in a review worker (the app starts this when it loads). */
  async warmUp(): Promise<void> {
    await this.options.rubric();
  }

  /**
   * A finished workflow run (`workflow_run.completed`). Only the run of a pending grade that may count
   * is processed, in the background; every other run (a learner's own workflow, a re-run, another
   * commit's run) is ignored without a GitHub call.
   */
  workflowRunCompleted(request: { deliveryId: string; installationId: number; event: WorkflowRunEvent }): 'queued' | 'ignored' {
    const grading = this.options.context.grading;
    const work = grading?.accept(request.event, request.installationId);
    if (!grading || !work) return 'ignored';
    this.options.log.info({ deliveryId: request.deliveryId, runId: request.event.workflow_run.id, repository: request.event.repository.full_name }, 'grading run finished');
    grading.track(work());
    return 'queued';
  }

  /** Resolves when no review is queued or running and no command or grading work is in flight. */
  async idle(): Promise<void> {
    const grading = this.options.context.grading;
    while (this.background.size > 0 || this.queue.state.running > 0 || this.queue.state.waiting > 0 || (grading?.busy ?? false)) {
      await Promise.allSettled([...this.background]);
      await this.queue.idle();
      await grading?.idle();
    }
  }

  /**
   * Stops taking work; queued reviews conclude at once, running ones get `shutdownGraceMs` to
   * finish and are then stopped and concluded. No check run is left `in_progress`.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    this.options.context.grading?.stopStarting();
    const waiting = this.queue.withdraw(() => true);
    for (const job of waiting) {
      const state = this.states.get(job.id);
      if (!state) continue;
      state.interrupted = true;
      this.track(this.concludeUnstarted(state));
    }
    const drained = await Promise.race([
      this.idle().then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), this.options.settings.shutdownGraceMs).unref()),
    ]);
    if (!drained) {
      for (const state of this.states.values()) {
        state.interrupted = true;
        state.abort.abort(new Error('the service is shutting down'));
      }
      // Concluding the stopped runs takes one request each; do not outlive the container's stop timeout.
      await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    }
    // Pending grades live in this process: conclude their check runs rather than leave them running.
    await this.options.context.grading?.shutdown(5_000);
    await this.options.context.executor.close();
  }

  private supersedeOlder(request: ReviewRequest): void {
    const lanes = new Set(request.lanes);
    for (const state of this.states.values()) {
      const { job } = state;
      if (job.repository.owner !== request.repository.owner || job.repository.repo !== request.repository.repo) continue;
      if (job.headSha === request.headSha || state.supersededBy !== undefined) continue;
      if (!job.lanes.some((lane) => lanes.has(lane))) continue;
      state.supersededBy = request.headSha;
      state.log.info({ bySha: request.headSha }, 'review superseded by a newer commit');
      if (!state.started && this.queue.withdraw((candidate) => candidate.id === job.id).length > 0) {
        this.track(this.concludeUnstarted(state));
      }
    }
  }

  private async startCheckRun(state: JobState): Promise<CreatedCheckRun | undefined> {
    const { job } = state;
    try {
      const github = await this.options.client(job.installationId);
      const created = await createCheckRun(github, job.repository, checkRunStart({ headSha: job.headSha, externalId: job.id, startedAt: new Date(job.receivedAt) }));
      state.log.info({ checkRunId: created.id }, 'check run created');
      return created;
    } catch (error) {
      if (isGone(error)) state.log.warn({ err: error }, 'review abandoned: the repository or commit no longer exists');
      else state.log.error({ err: error }, 'could not create the check run');
      return undefined;
    }
  }

  private async run(job: ReviewJob): Promise<void> {
    const state = this.states.get(job.id);
    if (!state) return;
    state.started = true;
    let outcome: ReviewOutcome = 'error';
    let result: ReviewResult | undefined;
    try {
      ({ outcome, result } = await runReview(state, this.options.context));
    } finally {
      this.finish(state, outcome, result, (await state.checkRun) !== undefined);
    }
  }

  /**
   * Concludes a job taken out of the queue before it started (superseded or shut down): the
   * pipeline sees the stop reason at its first step and only concludes the check run.
   */
  private async concludeUnstarted(state: JobState): Promise<void> {
    const { outcome } = await runReview(state, this.options.context);
    this.finish(state, outcome, undefined, (await state.checkRun) !== undefined);
  }

  /**
   * `visible`: a check run exists for the job. Without one the learner saw nothing, so the commit
   * is not remembered as reviewed: the next event for it (a redelivery, a pull request) tries again.
   */
  private finish(state: JobState, outcome: ReviewOutcome, result: ReviewResult | undefined, visible: boolean): void {
    const { job } = state;
    const key = commitKey(job.repository, job.headSha);
    this.states.delete(job.id);
    if (this.activeByKey.get(key) === state) this.activeByKey.delete(key);
    if (visible) this.recent.set(key, {
      expires: Date.now() + this.options.settings.recentTtlMs,
      result,
      published: new Set(result && state.supersededBy === undefined ? job.pullRequests : []),
      installationId: job.installationId,
    });
    const seconds = (Date.now() - job.receivedAt) / 1000;
    this.options.metrics.reviewFinished(outcome, seconds);
    state.log.info({ outcome, seconds }, 'review finished');
  }

  /** A pull request for a commit reviewed moments ago: comment from the remembered result. */
  private async publishRemembered(request: ReviewRequest, remembered: Remembered, numbers: number[]): Promise<void> {
    const result = remembered.result as ReviewResult;
    for (const number of numbers) remembered.published.add(number);
    const abort = new AbortController();
    const job: ReviewJob = {
      id: randomUUID(), deliveryId: request.deliveryId, event: request.event, installationId: request.installationId,
      repository: request.repository, headSha: request.headSha, lanes: request.lanes, pullRequests: numbers,
      newPullRequests: request.newPullRequests ?? [], force: false, receivedAt: Date.now(),
    };
    const log = this.options.log.child({ deliveryId: job.deliveryId, jobId: job.id, repo: `${job.repository.owner}/${job.repository.repo}`, sha: job.headSha });
    const run: RunningReview = { job, log, checkRun: Promise.resolve(undefined), signal: abort.signal, stopReason: () => undefined };
    const github = await this.options.client(request.installationId);
    await publishPullRequests(run, result, github, this.options.context);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.log.error({ err: error }, 'background work failed')).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }
}

function stopReason(state: JobState): StopReason | undefined {
  if (state.supersededBy !== undefined) return { kind: 'superseded', bySha: state.supersededBy };
  if (state.interrupted) return { kind: 'shutdown' };
  return undefined;
}

function commitKey(repository: RepositoryInfo, sha: string): string {
  return `${repository.owner.toLowerCase()}/${repository.repo.toLowerCase()}@${sha}`;
}

function mergeInto(job: ReviewJob, request: ReviewRequest): void {
  for (const lane of request.lanes) if (!job.lanes.includes(lane)) job.lanes.push(lane);
  for (const number of request.pullRequests) if (!job.pullRequests.includes(number)) job.pullRequests.push(number);
  for (const number of request.newPullRequests ?? []) if (!job.newPullRequests.includes(number)) job.newPullRequests.push(number);
}
