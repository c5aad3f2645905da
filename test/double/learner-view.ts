// Renders what a learner would see on GitHub from the double's state, as plain text: the check run
// (title, conclusion, summary, annotations), the pull request's review comments and the summary
// comment. Used by `npm run demo` and its test; reads state only.

import type { CheckRun, GitHubState, IssueComment, Repository, ReviewComment } from './state.ts';

export interface ViewOptions {
  /** Lines of each Markdown body to show before "… N more lines". */
  maxBodyLines?: number;
  maxAnnotations?: number;
}

/** Hidden markers (`<!-- … -->`) and `<details>` wrappers are for machines; the learner never sees them. */
export function visibleText(markdown: string): string {
  return markdown
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<\/?(details|summary)>/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function trimLines(text: string, maxLines: number, indent = ''): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, maxLines).map((line) => `${indent}${line}`.trimEnd());
  if (lines.length > maxLines) shown.push(`${indent}… ${lines.length - maxLines} more line${lines.length - maxLines === 1 ? '' : 's'}`);
  return shown.join('\n');
}

export function renderCheckRun(run: CheckRun, options: ViewOptions = {}): string {
  const maxLines = options.maxBodyLines ?? 30;
  const maxAnnotations = options.maxAnnotations ?? 15;
  const out: string[] = [];
  out.push(`Check run "${run.name}" on ${run.headSha.slice(0, 7)}: ${run.status}${run.conclusion ? ` → ${run.conclusion}` : ''}`);
  out.push(`  Title: ${run.output.title ?? '(none)'}`);
  out.push('  Summary:');
  out.push(trimLines(visibleText(run.output.summary ?? '(none)'), maxLines, '    '));
  out.push(`  Annotations (${run.annotations.length}):`);
  for (const annotation of run.annotations.slice(0, maxAnnotations)) {
    const lines = annotation.start_line === annotation.end_line ? `${annotation.start_line}` : `${annotation.start_line}-${annotation.end_line}`;
    out.push(`    ${annotation.path}:${lines}  ${annotation.annotation_level}  ${annotation.title ?? ''}`.trimEnd());
    out.push(`      ${(annotation.message.split('\n')[0] ?? '').trim()}`);
  }
  if (run.annotations.length > maxAnnotations) out.push(`    … ${run.annotations.length - maxAnnotations} more`);
  if (run.actions.length > 0) out.push(`  Buttons: ${run.actions.map((action) => `[${action.label}]`).join(' ')}`);
  return out.join('\n');
}

export function renderReviewComments(comments: readonly ReviewComment[], options: ViewOptions = {}): string {
  const maxLines = options.maxBodyLines ?? 30;
  if (comments.length === 0) return 'Review comments: none';
  const out = [`Review comments (${comments.length}):`];
  for (const comment of comments) {
    const range = comment.startLine !== undefined ? `${comment.startLine}-${comment.line}` : `${comment.line}`;
    out.push(`  ${comment.path}:${range} (${comment.author.login})${comment.minimized ? ` [hidden: ${comment.minimized.toLowerCase()}]` : ''}`);
    out.push(trimLines(visibleText(comment.body), Math.min(maxLines, 8), '    '));
  }
  return out.join('\n');
}

export function renderIssueComments(comments: readonly IssueComment[], options: ViewOptions = {}): string {
  const maxLines = options.maxBodyLines ?? 30;
  if (comments.length === 0) return 'Pull request comments: none';
  const out = [`Pull request comments (${comments.length}):`];
  for (const comment of comments) {
    out.push(`  by ${comment.author.login}${comment.updates > 0 ? ` (edited ${comment.updates}×)` : ''}:`);
    out.push(trimLines(visibleText(comment.body), maxLines, '    '));
  }
  return out.join('\n');
}

/** Everything a learner sees for one repository: its check runs, then each pull request. */
export function renderRepository(state: GitHubState, repository: Repository, options: ViewOptions = {}): string {
  const out: string[] = [`══ ${repository.owner}/${repository.name}`];
  for (const run of state.checkRunsFor(repository)) out.push('', renderCheckRun(run, options));
  for (const pull of repository.pulls.values()) {
    out.push('', `── Pull request #${pull.number} "${pull.title}" (${pull.headRef} → ${pull.baseRef})`);
    out.push(renderReviewComments(state.reviewCommentsOn(repository, pull.number), options));
    out.push(renderIssueComments(state.issueCommentsOn(repository, pull.number), options));
  }
  return out.join('\n');
}
