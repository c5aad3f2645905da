// GitHub Actions workflow commands (`--format github`): one `::error`/`::warning`/`::notice` line
// per finding, which the runner turns into annotations on the diff. Render stage; pure text.

import type { Finding } from '../rules/finding.ts';
import type { Severity } from '../rules/rule.ts';
import type { Report } from './model.ts';
import { assertNever } from './shared.ts';

type WorkflowCommand = 'error' | 'warning' | 'notice';

function commandFor(severity: Severity): WorkflowCommand {
  switch (severity) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'notice';
    default:
      return assertNever(severity, 'severity');
  }
}

/**
 * Unsuppressed findings only. The message carries the finding's text, then its fix hint and rule
 * link on their own lines (GitHub shows multi-line annotation messages).
 */
export function renderGithubWorkflowCommands(report: Report): string {
  return report.findings.map((finding) => `${workflowCommand(finding, report)}\n`).join('');
}

function workflowCommand(finding: Finding, report: Report): string {
  const properties: [string, string | number][] = [];
  if (finding.path !== undefined) properties.push(['file', finding.path]);
  const range = finding.range;
  if (finding.path !== undefined && range !== undefined) {
    properties.push(['line', range.start.line]);
    // GitHub honours columns only on single-line annotations, and its endColumn is inclusive
    // where a Finding's end column is exclusive.
    if (range.end.line === range.start.line) {
      properties.push(['col', range.start.column]);
      properties.push(['endLine', range.end.line]);
      properties.push(['endColumn', Math.max(range.start.column, range.end.column - 1)]);
    } else {
      properties.push(['endLine', range.end.line]);
    }
  }
  properties.push(['title', finding.ruleId]);

  const rule = report.rules[finding.ruleId];
  const hint = finding.fix?.hint ?? rule?.fixHint;
  const message = [finding.message, hint ? `Fix: ${hint}` : '', rule?.helpUri ? `Help: ${rule.helpUri}` : '']
    .filter((part) => part !== '')
    .join('\n');

  const propertyText = properties.map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${commandFor(finding.severity)} ${propertyText}::${escapeData(message)}`;
}

/** Escaping of a command's message, as in `@actions/core` (`escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of a property value: also `:` and `,`, which would end the value (`escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
