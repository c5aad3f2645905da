// renderReport: every format routes to its renderer with its own options.

import { describe, expect, it } from 'vitest';
import {
  REPORT_FORMATS,
  isReportFormat,
  renderGithubWorkflowCommands,
  renderJson,
  renderMarkdown,
  renderReport,
  renderSarif,
  renderText,
} from '../../src/report/index.ts';
import { fixtureReport, fixtureSourceLookup } from './fixture-report.ts';

describe('renderReport', () => {
  it('knows exactly the five formats', () => {
    expect(REPORT_FORMATS).toEqual(['text', 'json', 'sarif', 'markdown', 'github']);
    expect(isReportFormat('sarif')).toBe(true);
    expect(isReportFormat('html')).toBe(false);
  });

  it('routes each format to its renderer', () => {
    const render = (format: (typeof REPORT_FORMATS)[number], options = {}) =>
      renderReport(format, fixtureReport, fixtureSourceLookup, options);
    expect(render('text')).toBe(renderText(fixtureReport, fixtureSourceLookup, { color: false }));
    expect(render('text', { color: true })).toBe(renderText(fixtureReport, fixtureSourceLookup, { color: true }));
    expect(render('json')).toBe(renderJson(fixtureReport));
    expect(render('sarif')).toBe(renderSarif(fixtureReport));
    expect(render('sarif', { informationUri: 'https://example.org/x' })).toBe(
      renderSarif(fixtureReport, { informationUri: 'https://example.org/x' }),
    );
    expect(render('markdown')).toBe(renderMarkdown(fixtureReport));
    expect(render('markdown', { maxLength: 600, title: 'T' })).toBe(
      renderMarkdown(fixtureReport, { maxLength: 600, title: 'T' }),
    );
    expect(render('github')).toBe(renderGithubWorkflowCommands(fixtureReport));
  });

  it('rejects an unknown format at run time too', () => {
    expect(() => renderReport('html' as never, fixtureReport, fixtureSourceLookup)).toThrow(
      'Unhandled report format: html',
    );
  });
});
