// Builds what the app sends to GitHub — check-run bodies, annotations, review comments, the sticky
// summary comment, the grading workflow's dispatch — as plain data. Render stage for the publishing layer: pure, no I/O; the senders
// in this folder batch and send what these functions return, within GitHub's documented limits.

import type { TestsCheckRunCompletion, TestsCheckRunStart } from '../grading/check-run.ts';
import type { DispatchRequest, WorkflowInputs } from '../grading/dispatch.ts';
import type { Report } from '../report/model.ts';
import type { Finding, Range } from '../rules/finding.ts';
import { chapterLabel } from '../rubric/course.ts';
import type { ChapterId, Severity } from '../rules/rule.ts';
import type { DiffIndex } from './diff.ts';

export const CHECK_RUN_NAME = 'OpsGrade';
/** `output.summary` and `output.text` limit of the Checks API. */
export const CHECK_TEXT_LIMIT = 65_535;
/** Issue and pull-request comment body limit. */
export const COMMENT_LIMIT = 65_536;
export const ANNOTATION_TITLE_LIMIT = 255;
/** Annotation `message` and `raw_details` are limited to 64 KB; stay well inside in UTF-8 bytes. */
const ANNOTATION_TEXT_BYTES = 60_000;
export const ANNOTATIONS_PER_REQUEST = 50;

export const SUMMARY_MARKER = '<!-- opsgrade:summary -->';
const FINGERPRINT_MARKER = /<!-- opsgrade:fingerprint (\S+) -->/;

export const RERUN_ACTION = {
  label: 'Re-run review',
  description: 'Review this commit again',
  identifier: 'rerun',
} as const;

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'action_required' | 'cancelled' | 'skipped' | 'timed_out';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunCreateBody {
  name: string;
  head_sha: string;
  /** `completed` only when the outcome is known at once (a grading run that was never started). */
  status: 'in_progress' | 'completed';
  external_id: string;
  started_at: string;
  conclusion?: CheckConclusion;
  completed_at?: string;
  details_url?: string;
  output: { title: string; summary: string };
  actions?: CheckRunAction[];
}

/** Everything needed to conclude a check run; the sender splits `annotations` into requests. */
export interface CheckRunCompletion {
  conclusion: CheckConclusion;
  title: string;
  summary: string;
  annotations: Annotation[];
  actions: CheckRunAction[];
  detailsUrl?: string;
}

/** One request body of `PATCH /repos/{o}/{r}/check-runs/{id}`. */
export interface CheckRunUpdateBody {
  conclusion?: CheckConclusion;
  completed_at?: string;
  details_url?: string;
  output: { title: string; summary: string; annotations?: Annotation[] };
  actions?: CheckRunAction[];
}

/** Cuts `text` to at most `limit` UTF-16 units, ending with `note` when it had to cut. */
export function fitText(text: string, limit: number, note = '\n\n_…cut here: the full text is longer than GitHub allows._'): string {
  if (text.length <= limit) return text;
  let cut = Math.max(0, limit - note.length);
  // Never split a surrogate pair: the half left behind is not valid text.
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + note.slice(0, limit - cut);
}

function fitBytes(text: string, bytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= bytes) return text;
  // A UTF-16 unit is at most 3 UTF-8 bytes, so a third of the budget always fits.
  return fitText(text, Math.floor(bytes / 3), '…');
}

export function severityRank(severity: Severity): number {
  switch (severity) {
    case 'error':
      return 0;
    case 'warning':
      return 1;
    case 'info':
      return 2;
  }
}

export function annotationLevel(severity: Severity): Annotation['annotation_level'] {
  switch (severity) {
    case 'error':
      return 'failure';
    case 'warning':
      return 'warning';
    case 'info':
      return 'notice';
  }
}

function byImportance(a: Finding, b: Finding): number {
  return severityRank(a.severity) - severityRank(b.severity)
    || (a.path ?? '').localeCompare(b.path ?? '')
    || (a.range?.start.line ?? 0) - (b.range?.start.line ?? 0)
    || (a.range?.start.column ?? 0) - (b.range?.start.column ?? 0)
    || a.ruleId.localeCompare(b.ruleId);
}

/** `Chapter 7` / `Final project 2`. */
export function chapterName(chapter: ChapterId): string {
  const label = chapterLabel(chapter);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export function checkRunStart(input: { headSha: string; externalId: string; startedAt: Date }): CheckRunCreateBody {
  return {
    name: CHECK_RUN_NAME,
    head_sha: input.headSha,
    status: 'in_progress',
    external_id: input.externalId,
    started_at: input.startedAt.toISOString(),
    output: { title: 'Review in progress', summary: 'OpsGrade is reviewing this commit. The result appears here in a few seconds.' },
  };
}

/**
 * One annotation per finding that points into a file, most severe first, at most `max`.
 * Repository-wide findings (an unmet requirement, a missing file) are in the summary instead.
 */
export function buildAnnotations(report: Report, max: number): { annotations: Annotation[]; omitted: number } {
  const located = report.findings.filter((finding) => finding.path !== undefined).sort(byImportance);
  const annotations = located.slice(0, Math.max(0, max)).map((finding) => toAnnotation(report, finding));
  return { annotations, omitted: located.length - annotations.length };
}

function toAnnotation(report: Report, finding: Finding): Annotation {
  const rule = report.rules[finding.ruleId];
  const start = finding.range?.start.line ?? 1;
  const end = Math.max(start, finding.range?.end.line ?? start);
  const annotation: Annotation = {
    path: finding.path as string,
    start_line: start,
    end_line: end,
    annotation_level: annotationLevel(finding.severity),
    message: fitBytes(finding.message, ANNOTATION_TEXT_BYTES),
    title: fitText(rule ? `${rule.title} (${finding.ruleId})` : finding.ruleId, ANNOTATION_TITLE_LIMIT, '…'),
  };
  // GitHub honours columns only on single-line annotations; its end column is inclusive.
  if (finding.range && start === end) {
    annotation.start_column = finding.range.start.column;
    annotation.end_column = Math.max(finding.range.start.column, finding.range.end.column - 1);
  }
  const details = [finding.fix?.hint ? `How to fix: ${finding.fix.hint}` : '', rule?.helpUri ? `Rule reference: ${rule.helpUri}` : '']
    .filter(Boolean).join('\n');
  if (details) annotation.raw_details = fitBytes(details, ANNOTATION_TEXT_BYTES);
  return annotation;
}

/** The check run's title: the score against the pass mark, or why there is no score. */
export function gradeTitle(report: Report): string {
  if (report.chapter === 'all') {
    const state = report.overall.passed ? 'passed' : 'not passed yet';
    return `All chapters: ${formatScore(report.overall.percent)}% (${state})`;
  }
  const grade = report.grades.find((candidate) => String(candidate.chapter) === String(report.chapter));
  if (!grade) return `${chapterName(report.chapter)}: ${formatScore(report.overall.percent)}%`;
  const state = grade.passed ? 'passed' : 'not passed yet';
  return `${chapterName(grade.chapter)}: ${formatScore(grade.percent)}% (pass mark ${formatScore(grade.threshold)}%, ${state})`;
}

/** 69.96 shows as 69.9, never as 70: a score next to a pass mark must not look like a pass. */
function formatScore(percent: number): string {
  if (Number.isInteger(percent)) return String(percent);
  return (Math.floor(percent * 10) / 10).toFixed(1).replace(/\.0$/, '');
}

/** Renders a report as Markdown within `maxLength` characters (the report stage's `renderMarkdown`). */
export type MarkdownRenderer = (report: Report, options: { maxLength?: number; title?: string }) => string;

/** Heading of the rendered summary; the renderer adds the score and the verdict to it. */
function renderTitle(graded: boolean): string {
  return graded ? 'OpsGrade' : 'OpsGrade (not a graded exercise)';
}

/** Lines the app adds below the teaching summary (ignored learner settings, notices, caps). */
export function notesSection(notes: readonly string[]): string {
  if (notes.length === 0) return '';
  return ['', '### Notes from OpsGrade', '', ...notes.map((note) => `- ${note}`)].join('\n');
}

export interface GradedCheckRunInput {
  report: Report;
  graded: boolean;
  /** Only part of the repository was read (archive over the size cap): reviewed, not graded. */
  partial?: boolean;
  render: MarkdownRenderer;
  maxAnnotations: number;
  notes: readonly string[];
}

/** Completion of a review that ran: `success`/`failure` from the rubric, `neutral` when not graded. */
export function gradedCompletion(input: GradedCheckRunInput): CheckRunCompletion {
  const { annotations, omitted } = buildAnnotations(input.report, input.maxAnnotations);
  const notes = [...input.notes];
  if (omitted > 0) {
    notes.push(`${omitted} more finding${omitted === 1 ? ' is' : 's are'} not shown as annotations (this course shows at most ${input.maxAnnotations}). Run \`opsgrade review\` locally to see them all.`);
  }
  const findings = `${input.report.findings.length} finding${input.report.findings.length === 1 ? '' : 's'}`;
  const title = input.graded ? gradeTitle(input.report)
    : input.partial ? `Partial review, no grade: ${findings}` : `Not a graded exercise: ${findings}`;
  const footer = notesSection(notes);
  const body = input.render(input.report, { maxLength: Math.max(1000, CHECK_TEXT_LIMIT - footer.length - 2), title: renderTitle(input.graded) });
  const conclusion: CheckConclusion = input.graded ? (input.report.overall.passed ? 'success' : 'failure') : 'neutral';
  return {
    conclusion,
    title,
    summary: fitText(footer ? `${body}\n${footer}` : body, CHECK_TEXT_LIMIT),
    annotations,
    actions: [RERUN_ACTION],
  };
}

/** Why a review ended without a score; each maps to one conclusion and one explanation. */
export type UngradedOutcome =
  | { kind: 'config-invalid'; problems: readonly ConfigProblemText[]; detailsUrl: string }
  | { kind: 'not-an-exercise'; reason: string }
  | { kind: 'superseded'; bySha: string }
  | { kind: 'shutdown' }
  | { kind: 'timed-out'; seconds: number }
  | { kind: 'archive-unreadable'; message: string }
  | { kind: 'gone' }
  | { kind: 'internal-error'; reference: string };

export interface ConfigProblemText {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function ungradedCompletion(outcome: UngradedOutcome): CheckRunCompletion {
  const completion = (conclusion: CheckConclusion, title: string, summary: string): CheckRunCompletion => ({
    conclusion, title, summary: fitText(summary, CHECK_TEXT_LIMIT), annotations: [], actions: [RERUN_ACTION],
  });
  switch (outcome.kind) {
    case 'config-invalid': {
      const lines = outcome.problems.map((problem) => `- \`${problem.file}:${problem.line}:${problem.column}\`: ${problem.message}`);
      return {
        ...completion('action_required', `OpsGrade configuration has ${outcome.problems.length} error${outcome.problems.length === 1 ? '' : 's'}`, [
          'The course configuration could not be used, so this commit was not reviewed. Your code is not at fault: an instructor needs to fix the configuration, then re-run the review.',
          '',
          ...lines,
        ].join('\n')),
        detailsUrl: outcome.detailsUrl,
      };
    }
    case 'not-an-exercise':
      return completion('skipped', 'Not an OpsGrade exercise', `${outcome.reason}\n\nThis repository is not mapped to a chapter in the course configuration, so OpsGrade does not review it.`);
    case 'superseded':
      return completion('cancelled', `Superseded by ${outcome.bySha.slice(0, 7)}`,
        `A newer commit (${outcome.bySha}) arrived on this branch or pull request before this review finished. OpsGrade reviews the newest commit, so this one was not graded and no pull-request comments were posted for it. Use "Re-run review" to grade this commit anyway.`);
    case 'shutdown':
      return completion('cancelled', 'Review interrupted by a restart',
        'The OpsGrade service restarted before this review could finish. Nothing is wrong with your code. Use "Re-run review" to review this commit again.');
    case 'timed-out':
      return completion('timed_out', 'Review took too long',
        `The review did not finish within ${outcome.seconds} seconds and was stopped. Very large or generated files are the usual cause; consider removing them from the repository. Use "Re-run review" to try again.`);
    case 'archive-unreadable':
      return completion('cancelled', 'The code at this commit could not be read',
        `OpsGrade downloaded this commit but could not unpack it: ${outcome.message}. Use "Re-run review" to try again.`);
    case 'gone':
      return completion('cancelled', 'This commit is no longer available',
        'GitHub no longer serves the code at this commit (it may have been force-pushed away, or the repository was deleted or made inaccessible), so it was not reviewed.');
    case 'internal-error':
      return completion('cancelled', 'OpsGrade could not finish this review',
        `Something went wrong inside OpsGrade while reviewing this commit (reference \`${outcome.reference}\`). Nothing is wrong with your code. Use "Re-run review" to try again; if it keeps happening, tell your instructor the reference.`);
  }
}

// ——— Pull-request review comments ———

export interface ExistingReviewComment {
  nodeId: string;
  fingerprint: string;
  /** GitHub marks a thread outdated when the lines it points at changed. */
  outdated: boolean;
  minimized: boolean;
  /** Someone answered in the thread: never hide it. */
  hasReplies: boolean;
}

export interface ReviewCommentPayload {
  path: string;
  line: number;
  side: 'RIGHT';
  start_line?: number;
  start_side?: 'RIGHT';
  body: string;
}

export interface ReviewPlan {
  /** Comments for `POST /pulls/{n}/reviews`, at most `maxComments`. */
  comments: ReviewCommentPayload[];
  /** Findings on lines the pull request did not change: they stay in the check run. */
  outsideDiff: number;
  alreadyPosted: number;
  overLimit: number;
  /** Node ids of the app's own comments to minimise as outdated. */
  minimize: string[];
}

export interface ReviewPlanInput {
  report: Report;
  /** File text by path, to turn a safe fix into a whole-line suggestion. */
  source: (path: string) => string | undefined;
  diff: DiffIndex;
  existing: readonly ExistingReviewComment[];
  maxComments: number;
  suggestions: boolean;
}

export function fingerprintMarker(fingerprint: string): string {
  return `<!-- opsgrade:fingerprint ${encodeURIComponent(fingerprint)} -->`;
}

export function readFingerprint(body: string): string | undefined {
  const match = FINGERPRINT_MARKER.exec(body);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return undefined;
  }
}

/** A fence longer than any backtick run in `text`, so the text cannot close it early. */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * The new full text of the lines a replacement touches, or undefined when it cannot be made
 * exactly (lines missing, columns out of range, or non-ASCII lines where columns are ambiguous).
 */
export function suggestionLines(source: string, range: Range, text: string): string | undefined {
  const lines = source.split('\n');
  const first = lines[range.start.line - 1];
  const last = lines[range.end.line - 1];
  if (first === undefined || last === undefined) return undefined;
  if (range.end.line < range.start.line) return undefined;
  // Columns count characters for ASCII text under every convention; elsewhere they may be bytes.
  const touched = lines.slice(range.start.line - 1, range.end.line).join('\n');
  if ([...touched].some((character) => character.charCodeAt(0) > 0x7f)) return undefined;
  if (range.start.column < 1 || range.start.column - 1 > first.length || range.end.column < 1 || range.end.column - 1 > last.length) return undefined;
  return first.slice(0, range.start.column - 1) + text + last.slice(range.end.column - 1);
}

function commentBody(report: Report, finding: Finding, suggestion: string | undefined): string {
  const rule = report.rules[finding.ruleId];
  const parts = [`**${rule?.title ?? finding.ruleId}** (\`${finding.ruleId}\`, ${finding.severity})`, '', finding.message];
  if (finding.fix?.hint) parts.push('', `**How to fix:** ${finding.fix.hint}`);
  if (suggestion !== undefined) {
    const fence = fenceFor(suggestion);
    parts.push('', `${fence}suggestion`, suggestion, fence);
  }
  if (rule?.helpUri) parts.push('', `[Why this matters and how the course does it](${rule.helpUri})`);
  parts.push(fingerprintMarker(finding.fingerprint));
  return fitText(parts.join('\n'), COMMENT_LIMIT);
}

/**
 * Chooses the review comments for one push to a pull request: only lines inside the diff, most
 * severe first, never a finding the app already commented on, and which of its old comments to hide.
 */
export function planReview(input: ReviewPlanInput): ReviewPlan {
  const current = new Set(input.report.findings.map((finding) => finding.fingerprint));
  // A comment still visible (or answered) already says what this finding would say.
  const posted = new Set(input.existing.filter((comment) => comment.hasReplies || (!comment.minimized && !comment.outdated)).map((comment) => comment.fingerprint));
  const minimize = input.existing
    .filter((comment) => !comment.minimized && !comment.hasReplies && (comment.outdated || !current.has(comment.fingerprint)))
    .map((comment) => comment.nodeId);

  let outsideDiff = 0;
  let alreadyPosted = 0;
  const planned = new Set<string>();
  const candidates: { finding: Finding; comment: ReviewCommentPayload }[] = [];
  for (const finding of [...input.report.findings].sort(byImportance)) {
    if (finding.path === undefined || finding.range === undefined) continue;
    if (posted.has(finding.fingerprint) || planned.has(finding.fingerprint)) {
      alreadyPosted += 1;
      continue;
    }
    const comment = placeComment(input, finding);
    if (!comment) {
      outsideDiff += 1;
      continue;
    }
    planned.add(finding.fingerprint);
    candidates.push({ finding, comment });
  }
  const max = Math.max(0, input.maxComments);
  return {
    comments: candidates.slice(0, max).map((candidate) => candidate.comment),
    outsideDiff,
    alreadyPosted,
    overLimit: Math.max(0, candidates.length - max),
    minimize,
  };
}

function placeComment(input: ReviewPlanInput, finding: Finding): ReviewCommentPayload | undefined {
  const path = finding.path as string;
  const range = finding.range as Range;
  const replacement = finding.fix?.replacement;
  if (input.suggestions && replacement?.safety === 'safe') {
    const source = input.source(path);
    const lines = source === undefined ? undefined : suggestionLines(source, replacement.range, replacement.text);
    const start = replacement.range.start.line;
    const end = replacement.range.end.line;
    // The suggestion replaces exactly the commented lines, so both must be the same range.
    if (lines !== undefined && input.diff.canComment(path, start, end)) {
      return { ...anchor(path, start, end), body: commentBody(input.report, finding, lines) };
    }
  }
  const start = range.start.line;
  const end = Math.max(start, range.end.line);
  if (input.diff.canComment(path, start, start)) return { ...anchor(path, start, start), body: commentBody(input.report, finding, undefined) };
  if (input.diff.canComment(path, start, end)) return { ...anchor(path, start, end), body: commentBody(input.report, finding, undefined) };
  return undefined;
}

function anchor(path: string, start: number, end: number): Omit<ReviewCommentPayload, 'body'> {
  return start === end
    ? { path, line: end, side: 'RIGHT' }
    : { path, line: end, side: 'RIGHT', start_line: start, start_side: 'RIGHT' };
}

export function reviewBody(plan: ReviewPlan): string {
  const parts = [`OpsGrade left ${plan.comments.length} comment${plan.comments.length === 1 ? '' : 's'} on lines this pull request changes.`];
  if (plan.overLimit > 0) parts.push(`${plan.overLimit} more on changed lines are listed in the check run, with everything else.`);
  else parts.push('The full review, with the score, is in the OpsGrade check run.');
  return parts.join(' ');
}

/** The longest tests section the summary comment carries; the static review keeps the rest of the room. */
export const TESTS_SECTION_LIMIT = 20_000;

/**
 * The sticky summary comment: the static review, then (when the chapter has tests) the tests section
 * — the combined grade, or that the tests are still running — then the notes and the footer.
 */
export function summaryCommentBody(input: { report: Report; graded: boolean; render: MarkdownRenderer; notes: readonly string[]; headSha: string; checkRunUrl?: string; tests?: string }): string {
  const footerLines = [`<sub>Reviewed commit ${input.headSha.slice(0, 7)}${input.checkRunUrl ? ` · [check run](${input.checkRunUrl})` : ''}. This comment is updated on every push.</sub>`];
  const footer = `${notesSection(input.notes)}\n\n${footerLines.join('\n')}`;
  const tests = input.tests === undefined ? '' : `\n${fitText(input.tests.trimEnd(), TESTS_SECTION_LIMIT)}\n`;
  const budget = COMMENT_LIMIT - SUMMARY_MARKER.length - footer.length - tests.length - 4;
  const body = input.render(input.report, { maxLength: Math.max(1000, budget), title: renderTitle(input.graded) });
  return fitText(`${SUMMARY_MARKER}\n${body}\n${tests}${footer}`, COMMENT_LIMIT);
}

/** Reply to `/opsgrade explain <rule-id>`: the rule's own documentation text. */
export function explainCommentBody(rule: { id: string; title: string; docs: { what: string; why: string; example: string; instead: string }; fix: { hint: string } } | undefined, ruleId: string, helpUri: string | undefined, knownIds: readonly string[]): string {
  if (!rule) {
    const close = knownIds.filter((id) => id.includes(ruleId) || ruleId.includes(id)).slice(0, 5);
    const hint = close.length > 0 ? ` Did you mean ${close.map((id) => `\`${id}\``).join(', ')}?` : '';
    return `OpsGrade has no rule called \`${ruleId}\`.${hint} Rule ids are shown in each finding, for example \`(http-call-without-timeout, error)\`.`;
  }
  const exampleFence = fenceFor(rule.docs.example);
  const insteadFence = fenceFor(rule.docs.instead);
  return fitText([
    `### ${rule.title} (\`${rule.id}\`)`,
    '',
    `**What it finds:** ${rule.docs.what}`,
    '',
    `**Why it matters:** ${rule.docs.why}`,
    '',
    '**Reported:**',
    `${exampleFence}python`, rule.docs.example.trimEnd(), exampleFence,
    '',
    '**Instead:**',
    `${insteadFence}python`, rule.docs.instead.trimEnd(), insteadFence,
    '',
    `**How to fix:** ${rule.fix.hint}`,
    ...(helpUri ? ['', `[Rule reference](${helpUri})`] : []),
  ].join('\n'), COMMENT_LIMIT);
}

// ——— Dynamic grading ———

/** The summary comment's tests section while the grading run is under way. */
export const TESTS_RUNNING_SECTION = [
  '## ⏳ OpsGrade grade: tests running',
  '',
  "Your instructor's tests are running on this commit. When they finish, this section and the **OpsGrade tests** check run show the combined grade of the static review and the tests.",
  '',
].join('\n');

/** Body of `POST /repos/{o}/{r}/actions/workflows/{workflow_id}/dispatches`: every input is a string. */
export function dispatchBody(request: DispatchRequest): { ref: string; inputs: Record<keyof WorkflowInputs, string>; return_run_details?: true } {
  return { ref: request.ref, inputs: { ...request.inputs }, ...(request.return_run_details ? { return_run_details: true } : {}) };
}

/** The "OpsGrade tests" check run, created `in_progress` before the grading workflow is dispatched. */
export function testsCheckRunStartBody(start: TestsCheckRunStart, headSha: string, startedAt: Date): CheckRunCreateBody {
  return {
    name: start.name,
    head_sha: headSha,
    status: 'in_progress',
    external_id: start.external_id,
    started_at: startedAt.toISOString(),
    output: { title: start.title, summary: fitText(start.summary, CHECK_TEXT_LIMIT) },
  };
}

/** The tests check run's conclusion, with the same "Re-run review" button as the static check run. */
export function testsCompletion(completion: TestsCheckRunCompletion): CheckRunCompletion {
  return {
    conclusion: completion.conclusion,
    title: fitText(completion.title, CHECK_TEXT_LIMIT),
    summary: fitText(completion.summary, CHECK_TEXT_LIMIT),
    annotations: [],
    actions: [RERUN_ACTION],
  };
}

/** The tests check run created already concluded, when no grading run was started (rate limit, restart): one request. */
export function testsCheckRunConcludedBody(input: { name: string; headSha: string; externalId: string; at: Date; completion: TestsCheckRunCompletion }): CheckRunCreateBody {
  const completion = testsCompletion(input.completion);
  return {
    name: input.name,
    head_sha: input.headSha,
    status: 'completed',
    external_id: input.externalId,
    started_at: input.at.toISOString(),
    conclusion: completion.conclusion,
    completed_at: input.at.toISOString(),
    output: { title: completion.title, summary: completion.summary },
    actions: completion.actions,
  };
}
