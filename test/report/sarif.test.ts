// renderSarif: SARIF 2.1.0 that the OASIS schema accepts (test/schemas/sarif-schema-2.1.0.json),
// with rule metadata, 1-based regions, fingerprints, suppressions and fixes mapped exactly.

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { pascalCase, pathToUri, renderSarif } from '../../src/report/sarif.ts';
import { copyFixture, fixtureReport } from './fixture-report.ts';
import { addFormats, isUriReference } from './formats.ts';

const sarifSchema = JSON.parse(
  readFileSync(new URL('../schemas/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
) as object;

function compileSarifSchema() {
  // The schema is draft-07, Ajv's default dialect, and is used unmodified. Unknown keywords stay
  // errors (`strictSchema`); Ajv's style lints are off because the OASIS schema predates them
  // (`required` inside `anyOf`, `enum` without `type`). `unicodeRegExp: false` because the
  // standard's `language` pattern (`…[a-zA-Z]{2}]?$`) has a stray `]` that only non-Unicode
  // regular expressions accept.
  const ajv = new Ajv({
    strictSchema: true,
    strictRequired: false,
    strictTypes: false,
    strictTuples: false,
    allErrors: true,
    unicodeRegExp: false,
  });
  addFormats(ajv);
  return ajv.compile(sarifSchema);
}

interface SarifRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}
interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: SarifRegion };
}
interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; status: string; justification: string; location?: SarifLocation }[];
  fixes?: {
    description: { text: string };
    artifactChanges: {
      artifactLocation: { uri: string };
      replacements: { deletedRegion: SarifRegion; insertedContent: { text: string } }[];
    }[];
  }[];
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
  properties: Record<string, unknown>;
}
interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri?: string; rules: SarifRule[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: unknown[] }[];
    results: SarifResult[];
    columnKind: string;
  }[];
}

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

describe('renderSarif', () => {
  const output = renderSarif(fixtureReport);
  const log = parse(output);
  const run = log.runs[0]!;
  const validate = compileSarifSchema();

  it('matches the reviewed snapshot', async () => {
    await expect(output).toMatchFileSnapshot('./__snapshots__/fixture.sarif.json');
  });

  it('is valid against the official SARIF 2.1.0 schema', () => {
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('is checked by a validator that does reject broken SARIF', () => {
    const broken = parse(output);
    (broken.runs[0]!.results[0] as unknown as Record<string, unknown>).level = 'info';
    expect(validate(broken)).toBe(false);
    const noDriver = parse(output) as unknown as { runs: { tool: Record<string, unknown> }[] };
    delete noDriver.runs[0]!.tool.driver;
    expect(validate(noDriver)).toBe(false);
  });

  it('has one run whose driver is opsgrade with every rule of the report', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('opsgrade');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.informationUri).toBe('https://opsgrade.example/rules/');
    expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(Object.keys(fixtureReport.rules).sort());
    expect(run.columnKind).toBe('utf16CodeUnits');
  });

  it('describes each rule with the report’s own text', () => {
    const rule = run.tool.driver.rules.find((candidate) => candidate.id === 'http-call-without-timeout')!;
    const source = fixtureReport.rules['http-call-without-timeout']!;
    expect(rule.name).toBe('HttpCallWithoutTimeout');
    expect(rule.shortDescription.text).toBe(source.title);
    expect(rule.fullDescription.text).toBe(source.docs.what);
    expect(rule.helpUri).toBe(source.helpUri);
    expect(rule.defaultConfiguration.level).toBe('error');
    expect(rule.properties).toEqual({
      chapter: 7,
      area: 'retries-timeouts',
      kind: 'violation',
      equivalents: ['ruff:S113', 'bandit:B113', 'pylint:W3101'],
      tags: ['opsgrade', 'retries-timeouts', 'violation'],
    });
    expect(rule.help.text).toBe(
      [
        source.docs.what,
        `Why it matters: ${source.docs.why}`,
        'Example:\n    requests.get(url)',
        'Instead:\n    requests.get(url, timeout=10)',
        `Fix: ${source.fixHint}`,
        `More: ${source.helpUri}`,
      ].join('\n\n'),
    );
    expect(rule.help.markdown).toContain('**Example**\n\n```\nrequests.get(url)\n```');
    expect(rule.help.markdown).toContain('**Instead**\n\n```\nrequests.get(url, timeout=10)\n```');
    expect(rule.help.markdown).toContain(`**Fix:** ${source.fixHint}`);
  });

  it('grows the code fence when an example contains backticks', () => {
    const report = copyFixture();
    report.rules['has-tests']!.docs.example = 'text with ``` inside';
    const rule = parse(renderSarif(report)).runs[0]!.tool.driver.rules.find((r) => r.id === 'has-tests')!;
    expect(rule.help.markdown).toContain('````\ntext with ``` inside\n````');
  });

  it('maps a finding to a result with a 1-based, end-exclusive region', () => {
    const result = run.results.find((candidate) => candidate.ruleId === 'http-call-without-timeout')!;
    expect(run.tool.driver.rules[result.ruleIndex!]!.id).toBe('http-call-without-timeout');
    expect(result.level).toBe('error');
    expect(result.message.text).toBe(fixtureReport.findings[2]!.message);
    expect(result.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'src/deploy.py', uriBaseId: '%SRCROOT%' },
          region: { startLine: 11, startColumn: 13, endLine: 11, endColumn: 30 },
        },
      },
    ]);
    expect(result.partialFingerprints).toEqual({ 'opsgrade/v1': 'e4d909c290d0fb1ca068ffaddf22cbd0' });
  });

  it('maps severities to SARIF levels (info becomes note)', () => {
    expect(run.results.map((result) => [result.ruleId, result.level])).toEqual([
      ['hardcoded-secret', 'error'],
      ['fstring-without-placeholder', 'note'],
      ['http-call-without-timeout', 'error'],
      ['subprocess-run-without-check', 'warning'],
      ['print-instead-of-logging', 'warning'],
      ['has-tests', 'warning'],
      ['broad-except', 'warning'],
    ]);
  });

  it('keeps a multi-line range as one region', () => {
    const result = run.results.find((candidate) => candidate.ruleId === 'subprocess-run-without-check')!;
    expect(result.locations[0]!.physicalLocation.region).toEqual({
      startLine: 16,
      startColumn: 14,
      endLine: 19,
      endColumn: 6,
    });
  });

  it('points a repository-wide finding at the repository root, without a region', () => {
    const result = run.results.find((candidate) => candidate.ruleId === 'has-tests')!;
    expect(result.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: '.', uriBaseId: '%SRCROOT%' } } }]);
  });

  it('includes suppressed findings with an in-source suppression and its reason', () => {
    const result = run.results.find((candidate) => candidate.ruleId === 'broad-except')!;
    expect(result.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'the loop logs every failure and moves on to the next host',
        location: {
          physicalLocation: {
            artifactLocation: { uri: 'scripts/cleanup.py', uriBaseId: '%SRCROOT%' },
            region: { startLine: 8 },
          },
        },
      },
    ]);
    expect(run.results.filter((candidate) => candidate.suppressions !== undefined)).toHaveLength(1);
  });

  it('offers replacements as fixes', () => {
    const result = run.results.find((candidate) => candidate.ruleId === 'http-call-without-timeout')!;
    expect(result.fixes).toEqual([
      {
        description: { text: 'Pass `timeout=` with the seconds you are willing to wait.' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'src/deploy.py', uriBaseId: '%SRCROOT%' },
            replacements: [
              {
                deletedRegion: { startLine: 11, startColumn: 13, endLine: 11, endColumn: 30 },
                insertedContent: { text: 'requests.get(url, timeout=10)' },
              },
            ],
          },
        ],
        properties: { safety: 'unsafe' },
      },
    ]);
    expect(run.results.find((candidate) => candidate.ruleId === 'print-instead-of-logging')!.fixes).toBeUndefined();
  });

  it('reports skipped files as tool notifications', () => {
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([
      {
        descriptor: { id: 'file-too-large' },
        level: 'note',
        message: { text: 'Not reviewed: 3.2 MB is over the 1 MB limit for one file.' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'data/inventory.csv', uriBaseId: '%SRCROOT%' } } }],
      },
      {
        descriptor: { id: 'binary-file' },
        level: 'note',
        message: { text: 'Not reviewed: binary file.' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'tools/helper.bin', uriBaseId: '%SRCROOT%' } } }],
      },
    ]);
  });

  it('percent-encodes paths into valid URI references', () => {
    expect(pathToUri('docs/my notes #1/50%.py')).toBe('docs/my%20notes%20%231/50%25.py');
    expect(pathToUri('a:b/ü.py')).toBe('a%3Ab/%C3%BC.py');
    const report = copyFixture();
    report.findings[0]!.path = 'docs/my notes #1/50%.py';
    const sarif = parse(renderSarif(report));
    const uri = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    expect(uri).toBe('docs/my%20notes%20%231/50%25.py');
    expect(isUriReference(uri)).toBe(true);
    expect(validate(sarif)).toBe(true);
  });

  it('uses the informationUri it is given', () => {
    const sarif = parse(renderSarif(fixtureReport, { informationUri: 'https://example.org/opsgrade' }));
    expect(sarif.runs[0]!.tool.driver.informationUri).toBe('https://example.org/opsgrade');
  });

  it('turns rule ids into PascalCase names', () => {
    expect(pascalCase('http-call-without-timeout')).toBe('HttpCallWithoutTimeout');
    expect(pascalCase('subprocess-run-without-check')).toBe('SubprocessRunWithoutCheck');
    expect(pascalCase('pd0101')).toBe('Pd0101');
  });

  it('stays valid for an empty report', () => {
    const report = copyFixture();
    report.findings = [];
    report.suppressed = [];
    report.fixFirst = [];
    report.notices = [];
    report.rules = {};
    const sarif = parse(renderSarif(report));
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0]!.results).toEqual([]);
    expect(sarif.runs[0]!.tool.driver.informationUri).toBeUndefined();
  });
});
