// Dynamic grading in the app. After the static review of an exercise commit whose chapter has tests:
// rate limit → "OpsGrade tests" check run → dispatch of the instructor's workflow → pending grade.
// On `workflow_run.completed`: match → trust → artifact → combined grade → check run and PR summary.
// Decisions come from src/grading (pure); every GitHub call goes through src/github.

import { randomUUID } from 'node:crypto';

import type { Logger } from 'pino';

import {
  ARTIFACT_LIMITS, assessWorkflowRun, combineReport, PendingGrades, planDispatch, refusedRunDetails, renderGradeMarkdown,
  SlidingWindowLimiter, testsCheckRunCompleted, testsCheckRunStarted, testsPartForDispatchFailure, testsPartForMissingResult, testsPartForRateLimitedDispatch,
  testsPartForRateLimit, testsPartFromArtifact, TESTS_CHECK_RUN_NAME, withoutRunDetails, withRunId,
} from '../grading/index.ts';
import type { CombinedGrade, DispatchRequest, PendingGrade, TestGradingConfig, TestsPart, WorkflowRunEvent } from '../grading/index.ts';
import type { ChapterId } from '../rules/rule.ts';
import { dispatchRefusal, dispatchWorkflow, downloadArtifactZip, DownloadTooLargeError, listRunArtifacts } from '../github/actions.ts';
import type { Refusal } from '../github/actions.ts';
import { completeCheckRun, createCheckRun } from '../github/checks.ts';
import type { RepositoryRef } from '../github/checks.ts';
import type { GitHubClient } from '../github/client.ts';
import { summaryCommentBody, testsCheckRunConcludedBody, testsCheckRunStartBody, testsCompletion, TESTS_RUNNING_SECTION, TESTS_SECTION_LIMIT } from '../github/payloads.ts';
import type { MarkdownRenderer } from '../github/payloads.ts';
import { updateIssueComment } from '../github/pull-requests.ts';
import type { AppMetrics } from './metrics.ts';
import type { ReviewResult, RunningReview } from './review-pipeline.ts';

/** What the pull request's summary comment shows about the tests of the reviewed commit. */
export type TestsState =
  | { status: 'running' }
  | { status: 'concluded'; grade: CombinedGrade };

/** What happened to a grading run, for the `opsgrade_grading_total` metric: the tests check run's conclusion once there is one. */
export type GradingEvent =
  | 'dispatched'
  | 'rate_limited'
  | 'untrusted_run'
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'timed_out'
  | 'action_required'
  | 'skipped';

export interface GradingRequest {
  run: RunningReview;
  result: ReviewResult;
  github: GitHubClient;
  chapter: ChapterId;
  config: TestGradingConfig;
  /** The learner repository's default branch (where a learner-repository workflow lives). */
  defaultBranch: string;
}

/** What the app keeps beside each pending grade until its run reports back. */
interface PendingData {
  installationId: number;
  repository: RepositoryRef;
  headSha: string;
  checkRunId: number;
  result: ReviewResult;
  config: TestGradingConfig;
  log: Logger;
}

export interface GradingOptions {
  client(installationId: number): Promise<GitHubClient>;
  render: MarkdownRenderer;
  now(): Date;
  log: Logger;
  metrics: AppMetrics;
  /** How often overdue grades conclude `timed_out`; 0 starts no timer (tests call `sweep`). */
  sweepIntervalMs: number;
}

/** The summary comment's tests section for `tests`, or none when the chapter has no tests. */
export function testsSection(tests: TestsState | undefined): string | undefined {
  if (tests === undefined) return undefined;
  switch (tests.status) {
    case 'running':
      return TESTS_RUNNING_SECTION;
    case 'concluded':
      return renderGradeMarkdown(tests.grade, { maxLength: TESTS_SECTION_LIMIT });
  }
}

/** The sticky summary comment for a review result, with its tests section as it stands. */
export function summaryCommentFor(result: ReviewResult, headSha: string, render: MarkdownRenderer): string {
  const tests = testsSection(result.tests);
  return summaryCommentBody({
    report: result.report, graded: result.graded, render, notes: result.notes, headSha,
    ...(result.checkRunUrl === undefined ? {} : { checkRunUrl: result.checkRunUrl }),
    ...(tests === undefined ? {} : { tests }),
  });
}

const RESTARTED: TestsPart = { status: 'errored', problem: 'cancelled', detail: 'OpsGrade restarted while the tests were running, so it could not collect their result.' };
/** Pull requests whose summary comment is tracked, most recent first out. */
const SUMMARY_LEDGER_LIMIT = 5_000;

/** Sweeps run every minute by default: a result is retried for about an hour. */
const MAX_CONCLUDE_ATTEMPTS = 60;

export class GradingCoordinator {
  private readonly options: GradingOptions;
  private readonly pending = new PendingGrades<PendingData>();
  /** One limiter per `runsPerHour` value in use; keys inside are learner repositories. */
  private readonly limiters = new Map<number, SlidingWindowLimiter>();
  /** `owner/repo#number` → the commit whose review the pull request's summary comment shows. */
  private readonly summaries = new Map<string, string>();
  private readonly background = new Set<Promise<unknown>>();
  /** Results whose check run could not be concluded yet; each sweep tries them again. */
  private readonly unconcluded: { entry: PendingGrade<PendingData>; tests: TestsPart; attempts: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(options: GradingOptions) {
    this.options = options;
    if (options.sweepIntervalMs > 0) {
      this.timer = setInterval(() => this.track(this.sweep()), options.sweepIntervalMs);
      // The sweep alone must not keep the process alive (`probot receive`, tests).
      this.timer.unref();
    }
  }

  /** Whether the periodic sweep is running (it stops on shutdown). */
  get sweeping(): boolean {
    return this.timer !== undefined;
  }

  /** Grades waiting for their run. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Remembers which commit a pull request's summary comment now shows; an older commit's tests must not overwrite it. */
  recordSummary(repository: RepositoryRef, number: number, headSha: string): void {
    const key = pullRequestKey(repository, number);
    this.summaries.delete(key);
    this.summaries.set(key, headSha);
    while (this.summaries.size > SUMMARY_LEDGER_LIMIT) this.summaries.delete(this.summaries.keys().next().value as string);
  }

  /**
   * After the static check run concluded: start the grading run for this commit, or conclude the
   * tests check run at once (rate limit, dispatch refused). Never throws; problems are logged.
   */
  async begin(request: GradingRequest): Promise<void> {
    const { run, result, github, config } = request;
    const { job, log } = run;
    const now = this.options.now();
    const planned = planDispatch(config, { owner: job.repository.owner, repo: job.repository.repo, headSha: job.headSha, chapter: request.chapter, defaultBranch: request.defaultBranch }, { correlationId: randomUUID(), now });
    if (!planned) return;
    const repository: RepositoryRef = { owner: job.repository.owner, repo: job.repository.repo };
    const learnerRepository = planned.pending.learnerRepository;
    const concludeAtOnce = async (tests: TestsPart, event: GradingEvent) => {
      const grade = combineReport(result.report, tests, config);
      result.tests = { status: 'concluded', grade };
      await createCheckRun(github, repository, testsCheckRunConcludedBody({ name: TESTS_CHECK_RUN_NAME, headSha: job.headSha, externalId: planned.pending.correlationId, at: this.options.now(), completion: testsCheckRunCompleted(grade) }), run.signal);
      this.options.metrics.grading(event);
    };

    // Once the tests check run exists, something must conclude it: the run's result, or the sweep.
    let created: PendingData | undefined;
    try {
      if (this.closing) {
        await concludeAtOnce(RESTARTED, 'cancelled');
        return;
      }
      const limiter = this.limiter(config.rateLimit.runsPerHour);
      const decision = await limiter.tryAcquire(learnerRepository, now);
      if (!decision.allowed) {
        log.info({ nextAllowedAt: decision.nextAllowedAt.toISOString(), runsPerHour: config.rateLimit.runsPerHour }, 'graded run not started: rate limit');
        await concludeAtOnce(testsPartForRateLimit(decision, config.rateLimit.runsPerHour), 'rate_limited');
        return;
      }

      let checkRunId: number;
      try {
        checkRunId = (await createCheckRun(github, repository, testsCheckRunStartBody(testsCheckRunStarted(planned.pending), job.headSha, now), run.signal)).id;
      } catch (error) {
        await limiter.release(learnerRepository, now);
        throw error;
      }
      result.tests = { status: 'running' };
      created = { installationId: job.installationId, repository, headSha: job.headSha, checkRunId, result, config, log };

      const started = await this.dispatch(github, planned.request, run.signal);
      let pending = planned.pending;
      switch (started.kind) {
        case 'started':
          if (started.runId !== undefined) pending = withRunId(pending, started.runId);
          log.info({ correlationId: pending.correlationId, runId: started.runId, workflow: `${planned.request.owner}/${planned.request.repo}/${planned.request.workflow_id}` }, 'grading run dispatched');
          break;
        case 'unknown':
          // The run may have started: wait for it by correlation id; the sweep concludes it if not.
          log.warn({ err: started.error, correlationId: pending.correlationId }, 'grading dispatch got no answer; waiting for the run by correlation id');
          break;
        case 'refused': {
          await limiter.release(learnerRepository, now);
          const tests = started.refusal.rateLimited
            ? testsPartForRateLimitedDispatch(started.refusal.message)
            : testsPartForDispatchFailure(planned.request, started.refusal.status, describeRefusal(started.refusal));
          log.warn({ status: started.refusal.status, message: started.refusal.message, acceptedPermissions: started.refusal.acceptedPermissions }, 'grading workflow could not start');
          await this.conclude(created, tests, github, run.signal);
          created = undefined;
          return;
        }
      }
      this.options.metrics.grading('dispatched');
      // Shutting down meanwhile: nobody would be left to collect the result.
      if (this.closing) await this.conclude(created, RESTARTED, github);
      else this.pending.add(pending, created, config.resultTimeoutMinutes);
      created = undefined;
    } catch (error) {
      log.error({ err: error }, 'could not start grading');
      // Left `in_progress` by the failure: the sweep concludes it `timed_out` in due course.
      if (created) this.pending.add(planned.pending, created, config.resultTimeoutMinutes);
    }
  }

  /**
   * A `workflow_run.completed` delivery. Synchronously decides whether it is the run of a pending
   * grade that may count (claiming that grade at once, so a duplicate cannot conclude it twice);
   * returns the work left to do (download, conclude), or undefined when the event is ignored.
   */
  accept(event: WorkflowRunEvent, installationId: number): (() => Promise<void>) | undefined {
    const entry = this.pending.forRun(event);
    if (!entry) return undefined;
    const step = assessWorkflowRun(entry.dispatch, event);
    if (step.action === 'ignore') {
      entry.data.log.warn({ runId: event.workflow_run.id, repository: event.repository.full_name, reason: step.reason }, step.message);
      this.options.metrics.grading('untrusted_run');
      return undefined;
    }
    this.pending.settle(entry.dispatch.correlationId);
    return async () => {
      const tests = step.action === 'conclude' ? step.tests : await this.readResults(entry, event, installationId, step.artifactName);
      await this.concludeEntry(entry, tests);
    };
  }

  /** Concludes every grade whose result is overdue at `now` as `timed_out`. */
  async sweep(now = this.options.now()): Promise<void> {
    const overdue = this.pending.expire(now);
    const again = this.unconcluded.splice(0);
    await Promise.all([
      ...again.map(({ entry, tests, attempts }) => this.concludeEntry(entry, tests, attempts)),
      ...overdue.map((entry) => this.concludeEntry(entry, testsPartForMissingResult(entry.dispatch, entry.data.config.resultTimeoutMinutes))),
    ]);
  }

  /** Whether a sweep or a result is being processed. */
  get busy(): boolean {
    return this.background.size > 0;
  }

  /** Resolves when no sweep or result is being processed. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Runs `work` in the background, counted by `idle`. */
  track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.log.error({ err: error }, 'grading work failed')).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** From now on, reviews that finish get a cancelled tests check run instead of a grading run. */
  stopStarting(): void {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Stops the sweep and concludes every pending grade as cancelled: the pending grades live in this
   * process, so after a restart their results could never be matched and the check runs would stay
   * `in_progress`. Bounded by `withinMs`.
   */
  async shutdown(withinMs: number): Promise<void> {
    this.stopStarting();
    const left = this.pending.expire(new Date(8.64e15));
    for (const entry of left) this.track(this.concludeEntry(entry, RESTARTED));
    for (const { entry, tests } of this.unconcluded.splice(0)) this.track(this.concludeEntry(entry, tests, MAX_CONCLUDE_ATTEMPTS));
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, withinMs).unref())]);
  }

  private limiter(runsPerHour: number): SlidingWindowLimiter {
    let limiter = this.limiters.get(runsPerHour);
    if (!limiter) {
      limiter = new SlidingWindowLimiter({ runsPerWindow: runsPerHour });
      this.limiters.set(runsPerHour, limiter);
    }
    return limiter;
  }

  /** Dispatches with `return_run_details`, and once more without it where the server refuses that field. */
  private async dispatch(github: GitHubClient, request: DispatchRequest, signal: AbortSignal): Promise<
    { kind: 'started'; runId: number | undefined } | { kind: 'refused'; refusal: Refusal } | { kind: 'unknown'; error: unknown }> {
    let current = request;
    for (;;) {
      try {
        const started = await dispatchWorkflow(github, current, signal);
        return { kind: 'started', runId: started.runId };
      } catch (error) {
        const refusal = dispatchRefusal(error);
        if (!refusal) return { kind: 'unknown', error };
        if (current.return_run_details && refusedRunDetails(refusal.status, refusal.message)) {
          current = withoutRunDetails(current);
          continue;
        }
        return { kind: 'refused', refusal };
      }
    }
  }

  /** Lists the run's results artifact and downloads it at once (its link expires after a minute). */
  private async readResults(entry: PendingGrade<PendingData>, event: WorkflowRunEvent, installationId: number, artifactName: string): Promise<TestsPart> {
    const runId = event.workflow_run.id;
    const [owner = '', repo = ''] = event.repository.full_name.split('/');
    const where = { owner, repo };
    const errored = (detail: string): TestsPart => ({ status: 'errored', problem: 'malformed-results', detail });
    let artifact: Uint8Array | undefined;
    try {
      const github = await this.options.client(installationId);
      // A re-run uploads another artifact of the same name to the same run; the first attempt's is the oldest.
      const listed = (await listRunArtifacts(github, where, runId, artifactName)).filter((candidate) => !candidate.expired).sort((a, b) => a.id - b.id)[0];
      if (listed && listed.sizeInBytes > ARTIFACT_LIMITS.maxZipBytes) {
        return errored(`The results artifact of run ${runId} is ${listed.sizeInBytes.toLocaleString('en-US')} bytes; the limit is ${ARTIFACT_LIMITS.maxZipBytes.toLocaleString('en-US')}, so it was not downloaded.`);
      }
      if (listed) artifact = await downloadArtifactZip(github, where, listed.id, ARTIFACT_LIMITS.maxZipBytes);
    } catch (error) {
      if (error instanceof DownloadTooLargeError) return errored(`The results artifact of run ${runId} is larger than ${error.limit.toLocaleString('en-US')} bytes, so it was not read.`);
      entry.data.log.warn({ err: error, runId }, 'could not download the results artifact');
      return errored(`OpsGrade could not download the results artifact of run ${runId}: ${(error as Error).message.split('\n')[0] ?? ''}`);
    }
    // The dispatch carries the chapter key as configured (`8`, `project-1`).
    const chapter = entry.data.config.chapters[entry.dispatch.chapter];
    if (!chapter) return errored(`Chapter ${entry.dispatch.chapter} has no tests in the configuration this run was started with.`);
    return testsPartFromArtifact({ pending: entry.dispatch, event, artifact, chapter, now: this.options.now(), revealHiddenAt: entry.data.config.revealHiddenAt });
  }

  /**
   * Concludes the tests check run; when GitHub refuses (an outage, a used-up rate limit), the result
   * is kept and the next sweeps try again, so the check run is not left `in_progress`.
   */
  private async concludeEntry(entry: PendingGrade<PendingData>, tests: TestsPart, attempts = 0): Promise<void> {
    try {
      const github = await this.options.client(entry.data.installationId);
      await this.conclude(entry.data, tests, github);
    } catch (error) {
      const retry = attempts + 1 < MAX_CONCLUDE_ATTEMPTS && !this.closing;
      if (retry) this.unconcluded.push({ entry, tests, attempts: attempts + 1 });
      entry.data.log.error({ err: error, correlationId: entry.dispatch.correlationId, attempt: attempts + 1, retry }, 'could not conclude the tests check run');
    }
  }

  /** Concludes the tests check run with the combined grade, then refreshes the summary comments that show this commit. */
  private async conclude(data: PendingData, tests: TestsPart, github: GitHubClient, signal?: AbortSignal): Promise<void> {
    const grade = combineReport(data.result.report, tests, data.config);
    data.result.tests = { status: 'concluded', grade };
    const completion = testsCompletion(testsCheckRunCompleted(grade));
    await completeCheckRun(github, data.repository, data.checkRunId, completion, this.options.now(), signal ? { signal } : {});
    this.options.metrics.grading(completion.conclusion);
    data.log.info({ conclusion: completion.conclusion, title: completion.title }, 'tests check run concluded');
    for (const [number, commentId] of data.result.summaryComments) {
      // A newer push rewrote the comment for its own commit; this result belongs to an older one.
      if (this.summaries.get(pullRequestKey(data.repository, number)) !== data.headSha) continue;
      try {
        await updateIssueComment(github, data.repository, commentId, summaryCommentFor(data.result, data.headSha, this.options.render), signal);
      } catch (error) {
        data.log.warn({ err: error, pullRequest: number }, 'could not add the tests to the summary comment');
      }
    }
  }
}

/** A refusal as GitHub phrased it, with the permission it asked for (403). */
function describeRefusal(refusal: Refusal): string {
  return refusal.acceptedPermissions === undefined ? refusal.message : `${refusal.message} (X-Accepted-GitHub-Permissions: ${refusal.acceptedPermissions})`;
}

function pullRequestKey(repository: RepositoryRef, number: number): string {
  return `${repository.owner.toLowerCase()}/${repository.repo.toLowerCase()}#${number}`;
}
