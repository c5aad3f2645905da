// Webhook handlers: each turns one event into a review request, a command or a finished grading run,
// and returns at once. Entry point of the pipeline for the GitHub App; no GitHub calls and no analysis
// happen here, so GitHub's 10-second delivery timeout is never at risk.

import type { Context, Probot } from 'probot';

import type { WorkflowRunEvent } from '../grading/index.ts';

import type { AppMetrics } from './metrics.ts';
import type { RepositoryInfo } from './review-pipeline.ts';
import type { ReviewService, SubmitResult } from './review-service.ts';
import { CONFIG_REPOSITORY, type CourseConfigStore } from './course-config.ts';

/** The events in app.yml's `default_events`, plus the installation events every app receives. */
export const HANDLED_EVENTS = ['push', 'pull_request', 'check_suite', 'check_run', 'issue_comment', 'workflow_run', 'installation', 'installation_repositories'] as const;

const PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review'] as const;
const ZERO_SHA = /^0+$/;
const COMMAND = /^\/opsgrade\s+(recheck|explain)(?:\s+(\S+))?\s*$/;

interface RepositoryPayload {
  name: string;
  owner: { login?: string; name?: string | null } | null;
  topics?: string[];
  default_branch?: string;
}

function repositoryInfo(repository: RepositoryPayload): RepositoryInfo {
  return {
    owner: repository.owner?.login ?? repository.owner?.name ?? '',
    repo: repository.name,
    topics: repository.topics ?? [],
    ...(repository.default_branch ? { defaultBranch: repository.default_branch } : {}),
  };
}

export interface HandlerDependencies {
  service: ReviewService;
  configs: CourseConfigStore;
  metrics: AppMetrics;
  /** The app's check runs whose "Re-run" reviews the commit again: the static review's and the tests'. */
  checkRunNames: readonly string[];
}

export function registerHandlers(app: Probot, deps: HandlerDependencies): void {
  const { service, metrics } = deps;

  /** Redeliveries reuse the delivery id; the first one wins. */
  const fresh = (context: Context): boolean => {
    if (service.claimDelivery(context.id)) return true;
    metrics.webhook(context.name, 'redelivery');
    context.log.info({ deliveryId: context.id }, 'ignored a redelivered webhook');
    return false;
  };
  const installationOf = (context: Context): number | undefined => (context.payload as { installation?: { id: number } }).installation?.id;
  const record = (context: Context, result: SubmitResult | 'ignored') => {
    metrics.webhook(context.name, result);
    context.log.info({ deliveryId: context.id, event: context.name, result }, 'webhook handled');
    // A failed delivery (500) shows in the app's delivery log and can be redelivered after the
    // restart; a 200 would silently drop the review.
    if (result === 'shutting-down') throw new Error('OpsGrade is restarting; redeliver this event once it is back');
  };

  app.on('push', (context) => {
    const { payload } = context;
    const repository = repositoryInfo(payload.repository);
    if (repository.repo === CONFIG_REPOSITORY) {
      // The instructor changed the course configuration; the next review reads it again.
      deps.configs.invalidate(repository.owner);
      return record(context, 'ignored');
    }
    const installationId = installationOf(context);
    if (!payload.ref.startsWith('refs/heads/') || payload.deleted || !payload.head_commit || ZERO_SHA.test(payload.after) || installationId === undefined) {
      return record(context, 'ignored');
    }
    if (!fresh(context)) return;
    record(context, service.submit({
      deliveryId: context.id, event: 'push', installationId, repository, headSha: payload.after,
      lanes: [`ref:${payload.ref}`], pullRequests: [], force: false,
    }));
  });

  app.on(PULL_REQUEST_ACTIONS.map((action) => `pull_request.${action}` as const), (context) => {
    const { payload } = context;
    const installationId = installationOf(context);
    if (installationId === undefined || !fresh(context)) return;
    const pr = payload.pull_request;
    record(context, service.submit({
      deliveryId: context.id, event: `pull_request.${payload.action}`, installationId,
      repository: repositoryInfo(payload.repository), headSha: pr.head.sha,
      lanes: [`pr:${pr.number}`, ...(pr.head.repo?.full_name === payload.repository.full_name ? [`ref:refs/heads/${pr.head.ref}`] : [])],
      pullRequests: [pr.number], newPullRequests: payload.action === 'opened' ? [pr.number] : [], force: false,
    }));
  });

  app.on(['check_suite.requested', 'check_suite.rerequested'], (context) => {
    const { payload } = context;
    const installationId = installationOf(context);
    const repository = repositoryInfo(payload.repository);
    if (installationId === undefined || repository.repo === CONFIG_REPOSITORY || !fresh(context)) return;
    const suite = payload.check_suite;
    record(context, service.submit({
      deliveryId: context.id, event: `check_suite.${payload.action}`, installationId, repository, headSha: suite.head_sha,
      lanes: suite.head_branch ? [`ref:refs/heads/${suite.head_branch}`] : [],
      pullRequests: suite.pull_requests.map((pr) => pr.number), force: payload.action === 'rerequested',
    }));
  });

  app.on(['check_run.rerequested', 'check_run.requested_action'], (context) => {
    const { payload } = context;
    const installationId = installationOf(context);
    const run = payload.check_run;
    if (installationId === undefined || !deps.checkRunNames.includes(run.name)) return record(context, 'ignored');
    if (payload.action === 'requested_action' && payload.requested_action?.identifier !== 'rerun') return record(context, 'ignored');
    if (!fresh(context)) return;
    record(context, service.submit({
      deliveryId: context.id, event: `check_run.${payload.action}`, installationId, repository: repositoryInfo(payload.repository),
      headSha: run.head_sha, lanes: run.check_suite?.head_branch ? [`ref:refs/heads/${run.check_suite.head_branch}`] : [],
      pullRequests: run.pull_requests.map((pr) => pr.number), force: true,
    }));
  });

  app.on('issue_comment.created', (context) => {
    const { payload } = context;
    const installationId = installationOf(context);
    // Only pull-request comments by people: the app's own replies must never trigger it again.
    if (installationId === undefined || !payload.issue.pull_request || payload.sender.type === 'Bot') return record(context, 'ignored');
    const command = COMMAND.exec(payload.comment.body.trim().split('\n')[0]?.trim() ?? '');
    if (!command || !fresh(context)) return record(context, 'ignored');
    const base = { deliveryId: context.id, installationId, repository: repositoryInfo(payload.repository), number: payload.issue.number };
    if (command[1] === 'recheck') {
      service.recheck({ ...base, event: 'issue_comment.recheck' });
    } else if (command[2]) {
      service.explain({ ...base, ruleId: command[2] });
    } else {
      return record(context, 'ignored');
    }
    metrics.webhook(context.name, `command-${command[1]}`);
  });

  // Every workflow run in every repository the app is installed on arrives here; the service keeps
  // only the grading runs it started, matched in memory.
  app.on('workflow_run.completed', (context) => {
    const installationId = installationOf(context);
    if (installationId === undefined) return record(context, 'ignored');
    if (!fresh(context)) return;
    const event = context.payload as unknown as WorkflowRunEvent;
    record(context, service.workflowRunCompleted({ deliveryId: context.id, installationId, event }));
  });

  app.on(['installation', 'installation_repositories'], (context) => {
    const payload = context.payload as { action: string; installation: { id: number; account?: { login?: string } | null }; repositories_added?: { full_name: string }[]; repositories_removed?: { full_name: string }[] };
    context.log.info({
      deliveryId: context.id,
      event: `${context.name}.${payload.action}`,
      installationId: payload.installation.id,
      account: payload.installation.account?.login,
      added: payload.repositories_added?.map((repository) => repository.full_name),
      removed: payload.repositories_removed?.map((repository) => repository.full_name),
    }, 'installation changed');
    metrics.webhook(context.name, 'logged');
  });
}
