// Entry point of the render stage: one call turns a Report into any supported output format.
// The CLI's `--format` and the GitHub App both come through here; nothing below does I/O.

import { renderGithubWorkflowCommands } from './github.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import type { Report } from './model.ts';
import { renderSarif } from './sarif.ts';
import { assertNever, type SourceLookup } from './shared.ts';
import { renderText } from './text.ts';

export type { SourceLookup } from './shared.ts';
export { renderGithubWorkflowCommands } from './github.ts';
export { renderJson } from './json.ts';
export { GITHUB_SUMMARY_LIMIT, renderMarkdown, type MarkdownOptions } from './markdown.ts';
export { renderSarif, type SarifOptions } from './sarif.ts';
export { renderText, type TextOptions } from './text.ts';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'markdown', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
/** The CLI's name for the same thing (`--format`). */
export type OutputFormat = ReportFormat;

/** Every format's options in one bag; each renderer reads only its own. */
export interface RenderOptions {
  /** text: ANSI colours (default false). */
  color?: boolean;
  /** markdown: longest output (default 65,535). */
  maxLength?: number;
  /** markdown: heading. */
  title?: string;
  /** sarif: `tool.driver.informationUri`. */
  informationUri?: string;
}

export function renderReport(
  format: ReportFormat,
  report: Report,
  sources: SourceLookup,
  options: RenderOptions = {},
): string {
  switch (format) {
    case 'text':
      return renderText(report, sources, { color: options.color ?? false });
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report, options.informationUri === undefined ? {} : { informationUri: options.informationUri });
    case 'markdown':
      return renderMarkdown(report, {
        ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }),
        ...(options.title === undefined ? {} : { title: options.title }),
      });
    case 'github':
      return renderGithubWorkflowCommands(report);
    default:
      return assertNever(format, 'report format');
  }
}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
