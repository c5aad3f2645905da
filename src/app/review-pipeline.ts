// One review job, top to bottom: course config → tarball → snapshot → review (worker) → check run →
// grading run started (when the chapter has tests) → pull-request comments. The same `reviewSnapshot`
// as the CLI does the analysis; this file only fetches its input and publishes its Report, stopping
// early when a newer push supersedes the job.

import type { Logger } from 'pino';

import type { Report } from '../report/model.ts';
import { SnapshotError } from '../snapshot/error.ts';
import type { Snapshot } from '../snapshot/snapshot.ts';
import { completeCheckRun } from '../github/checks.ts';
import type { CreatedCheckRun, RepositoryRef } from '../github/checks.ts';
import { isGone } from '../github/client.ts';
import type { GitHubClient } from '../github/client.ts';
import { DiffIndex } from '../github/diff.ts';
import { gradedCompletion, planReview, reviewBody, ungradedCompletion } from '../github/payloads.ts';
import type { CheckRunCompletion, MarkdownRenderer, UngradedOutcome } from '../github/payloads.ts';
import { createReview, findOwnComments, listPullRequestFiles, minimizeComments, upsertSummaryComment } from '../github/pull-requests.ts';
import { downloadTarball } from '../github/tarball.ts';
import { LEARNER_CONFIG_PATHS, readLearnerSettings, resolveExercise } from './config.ts';
import type { InstructorConfig } from './config.ts';
import type { CourseConfigStore } from './course-config.ts';
import { summaryCommentFor } from './grading.ts';
import type { GradingCoordinator, TestsState } from './grading.ts';
import { ReviewTimeoutError } from './review-executor.ts';
import type { ReviewExecutor } from './review-executor.ts';
import type { ReviewOutcome } from './metrics.ts';

/** The data of one review job: serialisable, so a durable queue could carry it. */
export interface ReviewJob {
  id: string;
  deliveryId: string;
  event: string;
  installationId: number;
  repository: RepositoryInfo;
  headSha: string;
  /** What a newer commit supersedes this one on: `ref:refs/heads/main`, `pr:7`. */
  lanes: string[];
  /** Pull requests whose head is this commit; comments go to each. */
  pullRequests: number[];
  /** Pull requests that were just opened, so they cannot hold comments from the app yet. */
  newPullRequests: number[];
  /** A re-run the user asked for: reviewed again even if this commit was reviewed before. */
  force: boolean;
  receivedAt: number;
}

export interface RepositoryInfo extends RepositoryRef {
  topics: string[];
  /** From the webhook; where a learner-repository grading workflow is dispatched (default `main`). */
  defaultBranch?: string;
}

export type StopReason = { kind: 'superseded'; bySha: string } | { kind: 'shutdown' };

/** The service's view of a running job, as the pipeline needs it. */
export interface RunningReview {
  readonly job: ReviewJob;
  readonly log: Logger;
  readonly checkRun: Promise<CreatedCheckRun | undefined>;
  readonly signal: AbortSignal;
  stopReason(): StopReason | undefined;
}

/** What a finished review leaves behind for pull requests that show up later. */
export interface ReviewResult {
  report: Report;
  graded: boolean;
  notes: string[];
  /** Text of the files a safe fix applies to, for suggestions. */
  sources: Map<string, string>;
  checkRunUrl: string | undefined;
  appSlug: string | undefined;
  config: InstructorConfig;
  /** The chapter's tests, when it has any: running, then the combined grade (shared with the grading coordinator). */
  tests: TestsState | undefined;
  /** Pull request → id of the summary comment that shows this result, for the tests' later update. */
  summaryComments: Map<number, number>;
}

export interface PipelineSettings {
  reviewTimeoutMs: number;
  maxUncompressedBytes: number;
}

export interface PipelineContext {
  client(installationId: number): Promise<GitHubClient>;
  configs: CourseConfigStore;
  executor: ReviewExecutor;
  render: MarkdownRenderer;
  readSnapshot(input: AsyncIterable<Uint8Array>, options: { source: string; maxUncompressedBytes: number }): Promise<Snapshot>;
  settings: PipelineSettings;
  now(): Date;
  /** Starts the instructor's tests after the static review; absent where grading is not wired (unit tests). */
  grading?: GradingCoordinator;
}

export interface PipelineOutcome {
  outcome: ReviewOutcome;
  result?: ReviewResult;
}

const repoRef = (job: ReviewJob): RepositoryRef => ({ owner: job.repository.owner, repo: job.repository.repo });

/** Runs one review job to a concluded check run (and PR comments), whatever happens on the way. */
export async function runReview(run: RunningReview, context: PipelineContext): Promise<PipelineOutcome> {
  const checkRun = await run.checkRun;
  if (!checkRun) return { outcome: 'error' };
  let github: GitHubClient | undefined;
  try {
    github = await context.client(run.job.installationId);
    return await reviewAndPublish(run, context, github, checkRun);
  } catch (error) {
    const stop = run.stopReason();
    if (stop && github) return await concludeStopped(run, context, github, checkRun, stop);
    if (isGone(error)) {
      run.log.warn({ err: error }, 'review abandoned: the repository or commit no longer exists');
      if (github) await bestEffortConclude(run, context, github, checkRun, ungradedCompletion({ kind: 'gone' }));
      return { outcome: 'gone' };
    }
    if (!github) {
      run.log.error({ err: error }, 'review failed before a GitHub client was available');
      return { outcome: 'error' };
    }
    if (error instanceof ReviewTimeoutError) {
      run.log.warn({ err: error }, 'review timed out');
      await bestEffortConclude(run, context, github, checkRun, ungradedCompletion({ kind: 'timed-out', seconds: Math.round(context.settings.reviewTimeoutMs / 1000) }));
      return { outcome: 'timed_out' };
    }
    if (error instanceof SnapshotError) {
      run.log.warn({ err: error }, 'the tarball could not be unpacked');
      await bestEffortConclude(run, context, github, checkRun, ungradedCompletion({ kind: 'archive-unreadable', message: error.message }));
      return { outcome: 'archive_unreadable' };
    }
    run.log.error({ err: error }, 'review failed');
    await bestEffortConclude(run, context, github, checkRun, ungradedCompletion({ kind: 'internal-error', reference: run.job.id }));
    return { outcome: 'error' };
  }
}

async function reviewAndPublish(run: RunningReview, context: PipelineContext, github: GitHubClient, checkRun: CreatedCheckRun): Promise<PipelineOutcome> {
  const { job, signal } = run;
  const stopped = async (): Promise<PipelineOutcome | undefined> => {
    const stop = run.stopReason();
    return stop ? await concludeStopped(run, context, github, checkRun, stop) : undefined;
  };
  const conclude = async (completion: CheckRunCompletion) => {
    await completeCheckRun(github, repoRef(job), checkRun.id, completion, context.now(), { signal });
  };

  const early = await stopped();
  if (early) return early;

  const loaded = await context.configs.load(github, job.repository.owner);
  if (loaded.kind === 'invalid') {
    run.log.info({ problems: loaded.problems.length }, 'course configuration is invalid');
    await conclude(ungradedCompletion({ kind: 'config-invalid', problems: loaded.problems, detailsUrl: loaded.detailsUrl }));
    return { outcome: 'action_required' };
  }
  const { config, course } = loaded;
  const facts = { name: job.repository.repo, topics: job.repository.topics };
  // Without a learner choice, an unmatched repository in a `skip` course needs no download at all.
  const instructorOnly = resolveExercise(config, facts, { notes: [] });
  if (!instructorOnly.graded && instructorOnly.mode === 'skip' && config.learnerConfig.allow.length === 0) {
    await conclude(ungradedCompletion({ kind: 'not-an-exercise', reason: instructorOnly.reason }));
    return { outcome: 'skipped' };
  }

  const archive = await downloadTarball(github, repoRef(job), job.headSha, signal);
  const snapshot = await context.readSnapshot(archive, {
    source: `${job.repository.owner}/${job.repository.repo}@${job.headSha}`,
    maxUncompressedBytes: context.settings.maxUncompressedBytes,
  });
  const learnerFile = LEARNER_CONFIG_PATHS.find((path) => snapshot.files.has(path));
  const learner = readLearnerSettings(learnerFile ? snapshot.files.get(learnerFile)?.text : undefined, learnerFile ?? LEARNER_CONFIG_PATHS[0], config);
  const decision = resolveExercise(config, facts, learner);
  if (!decision.graded && decision.mode === 'skip') {
    await conclude(ungradedCompletion({ kind: 'not-an-exercise', reason: decision.reason }));
    return { outcome: 'skipped' };
  }
  const afterDownload = await stopped();
  if (afterDownload) return afterDownload;

  // A partial archive (past the size cap) would be graded on missing files: review it, grade nothing.
  const partial = snapshot.notices.some((notice) => notice.kind === 'archive-too-large');
  const graded = decision.graded && !partial;
  const chapter = decision.graded ? decision.chapter : 'all';
  const report = await context.executor.review({ snapshot, course, chapter }, { signal, timeoutMs: context.settings.reviewTimeoutMs });
  const afterReview = await stopped();
  if (afterReview) return afterReview;

  const notes = [
    decision.graded ? `Graded as ${decision.reason}.` : `${decision.reason} It was reviewed against every chapter, without a grade.`,
    ...(partial ? ['Only part of the repository could be read, so this review gives no grade. Remove large generated or data files from the repository, or ask your instructor to raise the size limit.'] : []),
    ...learner.notes,
  ];
  const completion = gradedCompletion({ report, graded, partial, render: context.render, maxAnnotations: config.checkRun.maxAnnotations, notes });
  await conclude(completion);
  run.log.info({ conclusion: completion.conclusion, findings: report.findings.length, annotations: completion.annotations.length }, 'check run concluded');

  const result: ReviewResult = {
    report,
    graded,
    notes,
    sources: suggestionSources(report, snapshot),
    checkRunUrl: checkRun.htmlUrl,
    appSlug: checkRun.appSlug,
    config,
    tests: undefined,
    summaryComments: new Map(),
  };
  // Only a graded chapter has tests; a superseded or stopping job leaves them to the newer commit.
  if (context.grading && config.testGrading && graded && chapter !== 'all' && !run.stopReason()) {
    await context.grading.begin({ run, result, github, chapter, config: config.testGrading, defaultBranch: job.repository.defaultBranch ?? 'main' });
  }
  await publishPullRequests(run, result, github, context);
  return { outcome: completion.conclusion === 'success' ? 'success' : completion.conclusion === 'failure' ? 'failure' : 'neutral', result };
}

/** Texts of the files a safe fix touches; all a suggestion needs once the snapshot is gone. */
function suggestionSources(report: Report, snapshot: Snapshot): Map<string, string> {
  const sources = new Map<string, string>();
  for (const finding of report.findings) {
    if (finding.path === undefined || finding.fix?.replacement?.safety !== 'safe') continue;
    const text = snapshot.files.get(finding.path)?.text;
    if (text !== undefined) sources.set(finding.path, text);
  }
  return sources;
}

/**
 * Posts the review comments and the summary comment on each pull request of the job. Pull requests
 * merged into the job while this runs are picked up too; a superseded job posts nothing more.
 */
export async function publishPullRequests(run: RunningReview, result: ReviewResult, github: GitHubClient, context: PipelineContext, done = new Set<number>()): Promise<Set<number>> {
  const settings = result.config.pullRequests;
  if (!settings.comments && !settings.summaryComment) return done;
  for (;;) {
    const number = run.job.pullRequests.find((candidate) => !done.has(candidate));
    if (number === undefined) return done;
    if (run.stopReason()) return done;
    done.add(number);
    try {
      await publishPullRequest(run, result, github, context, number);
    } catch (error) {
      if (run.stopReason()) return done;
      // The check run already carries the review; a failed comment must not undo that.
      run.log.error({ err: error, pullRequest: number }, 'could not publish the pull-request review');
    }
  }
}

async function publishPullRequest(run: RunningReview, result: ReviewResult, github: GitHubClient, context: PipelineContext, number: number): Promise<void> {
  const { job } = run;
  const repository = repoRef(job);
  const settings = result.config.pullRequests;
  const files = await listPullRequestFiles(github, repository, number, run.signal);
  const own = job.newPullRequests.includes(number)
    ? { summary: undefined, reviewComments: [] }
    : await findOwnComments(github, repository, number, result.appSlug);
  const plan = planReview({
    report: result.report,
    source: (path) => result.sources.get(path),
    diff: new DiffIndex(files),
    existing: own.reviewComments,
    maxComments: settings.comments ? settings.maxComments : 0,
    suggestions: settings.suggestions,
  });
  if (run.stopReason()) return;
  if (plan.comments.length > 0) {
    await createReview(github, repository, number, { commit_id: job.headSha, event: 'COMMENT', body: reviewBody(plan), comments: plan.comments }, { signal: run.signal, appSlug: result.appSlug });
  }
  if (run.stopReason()) return;
  if (settings.summaryComment) {
    const id = await upsertSummaryComment(github, repository, number, own.summary, summaryCommentFor(result, job.headSha, context.render), { signal: run.signal, appSlug: result.appSlug });
    if (id !== undefined) result.summaryComments.set(number, id);
    context.grading?.recordSummary(repository, number, job.headSha);
  }
  if (plan.minimize.length > 0) await minimizeComments(github, plan.minimize);
  run.log.info({ pullRequest: number, comments: plan.comments.length, outsideDiff: plan.outsideDiff, alreadyPosted: plan.alreadyPosted, minimized: plan.minimize.length }, 'pull-request review published');
}

async function concludeStopped(run: RunningReview, context: PipelineContext, github: GitHubClient, checkRun: CreatedCheckRun, stop: StopReason): Promise<PipelineOutcome> {
  const outcome: UngradedOutcome = stop.kind === 'superseded' ? { kind: 'superseded', bySha: stop.bySha } : { kind: 'shutdown' };
  run.log.info({ stop: stop.kind }, 'review stopped before it finished');
  await bestEffortConclude(run, context, github, checkRun, ungradedCompletion(outcome));
  return { outcome: stop.kind === 'superseded' ? 'superseded' : 'shutdown' };
}

/** Concludes without the job's abort signal (it may be what stopped the job); logs instead of throwing. */
async function bestEffortConclude(run: RunningReview, context: PipelineContext, github: GitHubClient, checkRun: CreatedCheckRun, completion: CheckRunCompletion): Promise<void> {
  try {
    await completeCheckRun(github, repoRef(run.job), checkRun.id, completion, context.now());
  } catch (error) {
    run.log.warn({ err: error, conclusion: completion.conclusion }, 'could not conclude the check run');
  }
}
