// SARIF 2.1.0 output (`--format sarif`) for GitHub code scanning and other SARIF viewers.
// Render stage: one run whose driver lists every rule of the Report with its full teaching text.

import type { Finding, Range } from '../rules/finding.ts';
import type { Severity } from '../rules/rule.ts';
import type { Report, RuleSummary } from './model.ts';
import { assertNever, compareText } from './shared.ts';

export interface SarifOptions {
  /**
   * `tool.driver.informationUri`. Defaults to the rule reference the rules' help links point
   * into (their common address without the `#rule-id` fragment).
   */
  informationUri?: string;
}

/** The OASIS standard's schema, also used by the test that validates this output. */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json';

/** Key of `partialFingerprints`; bump the suffix if the fingerprint recipe changes. */
export const FINGERPRINT_KEY = 'opsgrade/v1';

/** Every path is relative to the repository root, which viewers resolve through this base id. */
const SOURCE_ROOT = '%SRCROOT%';

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'info':
      return 'note';
    default:
      return assertNever(severity, 'severity');
  }
}

export function renderSarif(report: Report, options: SarifOptions = {}): string {
  const rules = Object.values(report.rules).sort((a, b) => compareText(a.id, b.id));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const informationUri = options.informationUri ?? referenceUri(rules);

  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'opsgrade',
            version: report.tool.version,
            ...(informationUri === undefined ? {} : { informationUri }),
            rules: rules.map(describeRule),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.notices.map((notice) => ({
              descriptor: { id: notice.kind },
              level: 'note',
              message: { text: notice.message },
              ...(notice.path === undefined ? {} : { locations: [{ physicalLocation: fileLocation(notice.path) }] }),
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results: [
          ...report.findings.map((finding) => describeResult(finding, ruleIndex)),
          ...report.suppressed.map((finding) => describeResult(finding, ruleIndex)),
        ],
        properties: {
          course: report.course,
          chapter: report.chapter,
          source: report.source,
          overall: { percent: report.overall.percent, passed: report.overall.passed },
          grades: report.grades.map((grade) => ({
            chapter: grade.chapter,
            title: grade.title,
            percent: grade.percent,
            threshold: grade.threshold,
            passed: grade.passed,
          })),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** `HttpCallWithoutTimeout` for `http-call-without-timeout`: SARIF's readable rule name. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function describeRule(rule: RuleSummary) {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.docs.what },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    defaultConfiguration: { level: sarifLevel(rule.severity) },
    properties: {
      chapter: rule.chapter,
      area: rule.area,
      kind: rule.kind,
      equivalents: rule.equivalents,
      tags: ['opsgrade', rule.area, rule.kind],
    },
  };
}

/** The rule's documentation as plain text, in the order `opsgrade explain` prints it. */
function helpText(rule: RuleSummary): string {
  const parts = [rule.docs.what, `Why it matters: ${rule.docs.why}`];
  if (rule.docs.example) parts.push(`Example:\n${indent(rule.docs.example)}`);
  if (rule.docs.instead) parts.push(`Instead:\n${indent(rule.docs.instead)}`);
  if (rule.fixHint) parts.push(`Fix: ${rule.fixHint}`);
  if (rule.helpUri) parts.push(`More: ${rule.helpUri}`);
  return parts.join('\n\n');
}

function helpMarkdown(rule: RuleSummary): string {
  const parts = [rule.docs.what, `**Why it matters:** ${rule.docs.why}`];
  if (rule.docs.example) parts.push(`**Example**\n\n${codeBlock(rule.docs.example)}`);
  if (rule.docs.instead) parts.push(`**Instead**\n\n${codeBlock(rule.docs.instead)}`);
  if (rule.fixHint) parts.push(`**Fix:** ${rule.fixHint}`);
  if (rule.helpUri) parts.push(`[Rule reference](${rule.helpUri})`);
  return parts.join('\n\n');
}

function indent(text: string): string {
  return text
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : `    ${line}`))
    .join('\n');
}

/** A fenced block whose fence is longer than any backtick run inside the text. */
function codeBlock(text: string): string {
  const longestRun = Math.max(0, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}\n${text.replace(/\n+$/, '')}\n${fence}`;
}

function describeResult(finding: Finding, ruleIndex: ReadonlyMap<string, number>) {
  const index = ruleIndex.get(finding.ruleId);
  const location =
    finding.path === undefined
      ? // Repository-wide findings (an unmet requirement) point at the repository root, with no region.
        { physicalLocation: { artifactLocation: { uri: '.', uriBaseId: SOURCE_ROOT } } }
      : { physicalLocation: fileLocation(finding.path, finding.range) };
  const replacement = finding.fix?.replacement;
  return {
    ruleId: finding.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: sarifLevel(finding.severity),
    message: { text: finding.message },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
    ...(finding.suppression === undefined
      ? {}
      : {
          suppressions: [
            {
              kind: 'inSource',
              status: 'accepted',
              justification: finding.suppression.reason,
              ...(finding.path === undefined
                ? {}
                : {
                    location: {
                      physicalLocation: fileLocation(finding.path, {
                        start: { line: finding.suppression.line, column: 1 },
                        end: { line: finding.suppression.line, column: 1 },
                      }, true),
                    },
                  }),
            },
          ],
        }),
    ...(replacement === undefined || finding.path === undefined || finding.fix === undefined
      ? {}
      : {
          fixes: [
            {
              description: { text: finding.fix.hint },
              artifactChanges: [
                {
                  artifactLocation: artifactLocation(finding.path),
                  replacements: [
                    { deletedRegion: region(replacement.range), insertedContent: { text: replacement.text } },
                  ],
                },
              ],
              properties: { safety: replacement.safety },
            },
          ],
        }),
  };
}

function fileLocation(path: string, range?: Range, wholeLine = false) {
  return {
    artifactLocation: artifactLocation(path),
    ...(range === undefined ? {} : { region: wholeLine ? { startLine: range.start.line } : region(range) }),
  };
}

function artifactLocation(path: string) {
  return { uri: pathToUri(path), uriBaseId: SOURCE_ROOT };
}

/** SARIF columns are 1-based and `endColumn` is exclusive, exactly like a Finding's range. */
function region(range: Range) {
  return {
    startLine: range.start.line,
    startColumn: range.start.column,
    endLine: range.end.line,
    endColumn: range.end.column,
  };
}

/** A relative URI reference: each path segment percent-encoded, so `#`, `?`, `%` and spaces survive. */
export function pathToUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The common rule-reference address of the rules' help links, without the `#rule-id` fragment. */
function referenceUri(rules: readonly RuleSummary[]): string | undefined {
  const bases = new Set(rules.filter((rule) => rule.helpUri).map((rule) => rule.helpUri.replace(/#.*$/, '')));
  return bases.size === 1 ? [...bases][0] : undefined;
}
