// A cohort deadline against the GitHub double: organisations with the app installed, learner
// repositories started from the course template, then every learner pushes their work (fixture
// trees) within a time window. Measures what the issue asks for: webhook ack latency, time to a
// concluded check run, lost or unfinished reviews, duplicates, API calls and errors.

import type { AppProcess } from './app-process.ts';
import { createClassroom, createLearnerRepository } from './classroom.ts';
import type { Classroom } from './classroom.ts';
import { seededRandom } from './faults.ts';
import type { GitHubDouble } from './server.ts';
import type { CheckRun, Commit, Repository } from './state.ts';
import { fixtureTree, overlay } from './trees.ts';
import { formatMs, percentile, waitFor } from './wait.ts';
import type { Delivery } from './webhooks.ts';

/** What learners push, weighted: mostly the everyday fixtures, now and then the hostile one. */
export const DEFAULT_FIXTURE_MIX: readonly (readonly [string, number])[] = [
  ['weak', 4], ['strong', 4], ['ops-scripts', 3], ['learner-basics', 3], ['final-project', 2], ['empty', 2], ['bad-input', 1],
];

export interface CohortPlan {
  repos: number;
  /** The pushes are spread over this window (uniformly at random, seeded). */
  seconds: number;
  organisations: number;
  seed: number;
  /** Organisations are named `<prefix>-1…n` (default `cohort`). */
  prefix?: string;
  fixtures?: readonly (readonly [string, number])[];
  /** Learners who also open a pull request once their push is reviewed (0–1). */
  pullRequestShare?: number;
}

export interface Learner {
  index: number;
  classroom: Classroom;
  repository: Repository;
  fixture: string;
  /** Milliseconds after the start of the burst. */
  pushOffsetMs: number;
  commit: Commit | undefined;
  push: Delivery | undefined;
  /** Every webhook the push caused (push, and check_suite when the double sends it). */
  deliveries: Delivery[];
}

export function pickFixture(random: () => number, mix: readonly (readonly [string, number])[]): string {
  const total = mix.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = random() * total;
  for (const [name, weight] of mix) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return mix[mix.length - 1]?.[0] ?? 'weak';
}

/** Organisations `<prefix>-1…n`, each with its installation, and `repos` learner repositories round-robin. */
export function seedCohort(double: GitHubDouble, plan: CohortPlan): Learner[] {
  const random = seededRandom(plan.seed);
  const classrooms = Array.from({ length: Math.max(1, plan.organisations) }, (_, index) => createClassroom(double, `${plan.prefix ?? 'cohort'}-${index + 1}`));
  const learners: Learner[] = [];
  for (let index = 0; index < plan.repos; index += 1) {
    const classroom = classrooms[index % classrooms.length] as Classroom;
    const repository = createLearnerRepository(double, classroom, `healthcheck-${String(index + 1).padStart(3, '0')}`, 'empty');
    learners.push({
      index, classroom, repository, fixture: pickFixture(random, plan.fixtures ?? DEFAULT_FIXTURE_MIX),
      pushOffsetMs: Math.floor(random() * plan.seconds * 1000), commit: undefined, push: undefined, deliveries: [],
    });
  }
  return learners;
}

/**
 * Every learner pushes their fixture on top of the template to `main` at their moment; deliveries
 * run in parallel. Resolves when every webhook was answered (or timed out after GitHub's 10 s).
 */
export async function runBurst(double: GitHubDouble, learners: readonly Learner[], onPushed?: (learner: Learner) => void): Promise<void> {
  const start = performance.now();
  const sends: Promise<void>[] = [];
  for (const learner of [...learners].sort((a, b) => a.pushOffsetMs - b.pushOffsetMs)) {
    const wait = start + learner.pushOffsetMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const base = learner.repository.commits.get(learner.repository.branches.get('main') ?? '')?.tree ?? new Map();
    const pushed = double.push(learner.repository, 'main', overlay(base, fixtureTree(learner.fixture)), `Submit the exercise (${learner.fixture})`, { sender: `learner-${learner.index + 1}` });
    learner.commit = pushed.commit;
    sends.push(pushed.deliveries.then((deliveries) => {
      learner.push = deliveries.find((delivery) => delivery.event === 'push');
      learner.deliveries = deliveries;
      onPushed?.(learner);
    }));
  }
  await Promise.all(sends);
}

export function checkRunsOf(double: GitHubDouble, learner: Learner): CheckRun[] {
  return learner.commit ? double.state.checkRunsFor(learner.repository, learner.commit.sha) : [];
}

/** Waits (bounded) until every pushed commit has a check run and none is still open. */
export async function waitForConclusions(double: GitHubDouble, learners: readonly Learner[], timeoutMs: number): Promise<boolean> {
  try {
    await waitFor('every review to conclude', () => learners.every((learner) => {
      const runs = checkRunsOf(double, learner);
      return runs.length > 0 && runs.every((run) => run.status === 'completed');
    }), { timeoutMs, intervalMs: 250 });
    return true;
  } catch {
    return false;
  }
}

export interface CohortReport {
  reviews: number;
  deliveries: number;
  /** Pushed commits without any check run. */
  lost: number;
  /** Check runs not concluded when the wait ended. */
  unfinished: number;
  /** Commits with more than one check run, and runs concluded more than once. */
  duplicateRuns: number;
  reconcluded: number;
  conclusions: Record<string, number>;
  ackMs: { p50: number; p99: number; max: number };
  concludedMs: { p50: number; p99: number; max: number };
  peakRssMb: number;
  apiCalls: number;
  callsPerReview: number;
  callsByOperation: Record<string, number>;
  /** Faulted requests, by rule name. */
  faults: { name: string; matched: number; hits: number }[];
  errors: {
    /** Webhook deliveries the app did not answer with 2xx within 10 s. */
    deliveries: number;
    /** API answers of 5xx or 4xx the double gave without a fault rule (client bugs or limits). */
    apiErrors: number;
    /** Requests GitHub would refuse (422s and the like). */
    rejected: number;
    /** The double's notes (validation warnings, house rules, secondary limits hit). */
    problems: number;
    /** Lines the app logged at level error or fatal. */
    appErrorLogs: number;
  };
  durationMs: number;
}

export function cohortReport(double: GitHubDouble, learners: readonly Learner[], app: AppProcess | undefined, since: number): CohortReport {
  const pushed = learners.filter((learner) => learner.commit);
  const deliveries = pushed.flatMap((learner) => learner.deliveries);
  const acks = deliveries.map((delivery) => delivery.ackMs);
  const concluded: number[] = [];
  const conclusions: Record<string, number> = {};
  let lost = 0;
  let unfinished = 0;
  let duplicateRuns = 0;
  let reconcluded = 0;
  for (const learner of pushed) {
    const runs = checkRunsOf(double, learner);
    if (runs.length === 0) lost += 1;
    if (runs.length > 1) duplicateRuns += 1;
    for (const run of runs) {
      reconcluded += run.reconcluded;
      if (run.status !== 'completed') unfinished += 1;
      else conclusions[run.conclusion ?? 'none'] = (conclusions[run.conclusion ?? 'none'] ?? 0) + 1;
    }
    const first = runs.find((run) => run.concludedAt !== undefined);
    if (first?.concludedAt !== undefined && learner.push) concluded.push(first.concludedAt - learner.push.sentAt);
  }
  const calls = double.apiRequests(since);
  const callsByOperation: Record<string, number> = {};
  for (const call of calls) {
    const name = call.operationId ?? call.route ?? 'unknown';
    callsByOperation[name] = (callsByOperation[name] ?? 0) + 1;
  }
  const appErrorLogs = (app?.logs ?? []).filter((line) => {
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
    } catch {
      return false;
    }
  }).length;
  const summary = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? Math.max(...values) : Number.NaN });
  return {
    reviews: pushed.length,
    deliveries: deliveries.length,
    lost,
    unfinished,
    duplicateRuns,
    reconcluded,
    conclusions,
    ackMs: summary(acks),
    concludedMs: summary(concluded),
    peakRssMb: app ? Math.round(app.peakRssKb() / 1024) : Number.NaN,
    apiCalls: calls.length,
    callsPerReview: pushed.length ? calls.length / pushed.length : Number.NaN,
    callsByOperation,
    faults: double.faults.summary(),
    errors: {
      deliveries: pushed.filter((learner) => !learner.push).length + deliveries.filter((delivery) => delivery.status < 200 || delivery.status >= 300).length,
      apiErrors: calls.filter((call) => call.fault === undefined && (call.status >= 500 || call.status === 429 || call.status === 403)).length,
      rejected: double.rejected.length,
      problems: double.problems.length,
      appErrorLogs,
    },
    durationMs: performance.now() - since,
  };
}

export function formatReport(report: CohortReport): string {
  const lines = [
    `reviews: ${report.reviews}   lost: ${report.lost}   left in progress: ${report.unfinished}   duplicate check runs: ${report.duplicateRuns}   concluded twice: ${report.reconcluded}`,
    `conclusions: ${Object.entries(report.conclusions).sort().map(([name, count]) => `${name} ${count}`).join(', ') || 'none'}`,
    `webhook ack latency (${report.deliveries} deliveries): p50 ${formatMs(report.ackMs.p50)}, p99 ${formatMs(report.ackMs.p99)}, max ${formatMs(report.ackMs.max)}`,
    `push → concluded check run: p50 ${formatMs(report.concludedMs.p50)}, p99 ${formatMs(report.concludedMs.p99)}, max ${formatMs(report.concludedMs.max)}`,
    `peak RSS of the app process (VmHWM): ${Number.isNaN(report.peakRssMb) ? 'n/a' : `${report.peakRssMb} MB`}`,
    `API calls: ${report.apiCalls} (${report.callsPerReview.toFixed(2)} per review)`,
    `  ${Object.entries(report.callsByOperation).sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${count}`).join(', ')}`,
    `errors: webhook deliveries ${report.errors.deliveries}, API errors not injected ${report.errors.apiErrors}, refused requests ${report.errors.rejected}, double's notes ${report.errors.problems}, app error log lines ${report.errors.appErrorLogs}`,
  ];
  const injected = report.faults.filter((fault) => fault.matched > 0 || fault.hits > 0);
  if (injected.length > 0) {
    lines.push('faults injected (hits / matching requests):');
    for (const fault of injected) lines.push(`  ${String(fault.hits).padStart(3)} / ${String(fault.matched).padEnd(4)} ${fault.name}`);
  }
  lines.push(`wall time: ${formatMs(report.durationMs)}`);
  return lines.join('\n');
}
