// renderJson: stable, complete output that validates against schema/report.schema.json, and a
// schema that cannot drift from the Report type without a test or the type checker noticing.

import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.ts';
import type { Report } from '../../src/report/model.ts';
import type { FixSafety, RuleKind } from '../../src/rules/rule.ts';
import { AREAS, SEVERITIES, type Area, type Severity } from '../../src/rules/rule.ts';
import type { NoticeKind } from '../../src/snapshot/snapshot.ts';
import { copyFixture, fixtureReport } from './fixture-report.ts';
import { addFormats } from './formats.ts';

type JsonSchema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  $defs?: Record<string, JsonSchema>;
};

const schema = JSON.parse(readFileSync(new URL('../../schema/report.schema.json', import.meta.url), 'utf8')) as JsonSchema;

function compileSchema() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

// Lists the type checker holds complete: adding a member to a union without listing it here
// turns `true` into a type error, and the tests below then compare the schema's enums to them.
type Exhaustive<Union, Listed> = [Exclude<Union, Listed>] extends [never] ? true : false;
const NOTICE_KINDS = [
  'file-too-large', 'too-many-files', 'total-bytes-exceeded', 'binary-file', 'not-utf8', 'symlink-skipped',
  'unsafe-path', 'special-file', 'unreadable', 'archive-too-large', 'archive-invalid', 'syntax-too-deep',
  'vendored-skipped',
] as const satisfies readonly NoticeKind[];
const RULE_KINDS = ['violation', 'requirement'] as const satisfies readonly RuleKind[];
const FIX_SAFETIES = ['safe', 'unsafe'] as const satisfies readonly FixSafety[];
const listsAreComplete: [
  Exhaustive<NoticeKind, (typeof NOTICE_KINDS)[number]>,
  Exhaustive<RuleKind, (typeof RULE_KINDS)[number]>,
  Exhaustive<FixSafety, (typeof FIX_SAFETIES)[number]>,
  Exhaustive<Severity, (typeof SEVERITIES)[number]>,
  Exhaustive<Area, (typeof AREAS)[number]>,
] = [true, true, true, true, true];

describe('renderJson', () => {
  const output = renderJson(fixtureReport);

  it('prints two-space indented JSON ending in one newline', () => {
    expect(output.endsWith('}\n')).toBe(true);
    expect(output.endsWith('\n\n')).toBe(false);
    expect(output.split('\n')[1]).toBe('  "schemaVersion": 1,');
  });

  it('round-trips the report exactly', () => {
    expect(JSON.parse(output)).toEqual(JSON.parse(JSON.stringify(fixtureReport)));
  });

  it('uses the model order for keys, whatever order the input objects have', () => {
    const shuffled = Object.fromEntries(Object.entries(copyFixture()).reverse()) as unknown as Report;
    shuffled.findings = shuffled.findings.map(
      (finding) => Object.fromEntries(Object.entries(finding).reverse()) as unknown as Report['findings'][number],
    );
    expect(renderJson(shuffled)).toBe(output);
    expect(Object.keys(JSON.parse(output) as object)).toEqual([
      'schemaVersion', 'tool', 'source', 'course', 'chapter', 'grades', 'overall', 'findings', 'suppressed',
      'notices', 'fixFirst', 'doneWell', 'rules', 'stats',
    ]);
    const firstFinding = (JSON.parse(output) as Report).findings[1];
    expect(Object.keys(firstFinding ?? {})).toEqual(['ruleId', 'severity', 'message', 'path', 'range', 'fix', 'fingerprint']);
  });

  it('sorts the rules record by id', () => {
    const report = copyFixture();
    report.rules = Object.fromEntries(Object.entries(report.rules).reverse());
    const ids = Object.keys((JSON.parse(renderJson(report)) as Report).rules);
    expect(ids).toEqual([...ids].sort());
    expect(ids[0]).toBe('broad-except');
  });

  it('leaves out properties the Report type does not have', () => {
    const report = copyFixture() as Report & { internal?: string };
    report.internal = 'engine scratch data';
    (report.findings[0] as unknown as Record<string, unknown>).node = { type: 'call' };
    const parsed = JSON.parse(renderJson(report)) as Record<string, unknown>;
    expect(parsed.internal).toBeUndefined();
    expect((parsed.findings as Record<string, unknown>[])[0]?.node).toBeUndefined();
  });
});

describe('schema/report.schema.json', () => {
  const validate = compileSchema();

  it('is draft 2020-12 with schemaVersion fixed at 1', () => {
    expect((schema as { $schema?: string }).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties?.schemaVersion).toMatchObject({ const: 1 });
  });

  it('accepts the rendered fixture report', () => {
    const valid = validate(JSON.parse(renderJson(fixtureReport)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    ['a missing top-level field', (report: Record<string, unknown>) => delete report.stats, "must have required property 'stats'"],
    [
      'a missing finding field',
      (report: Record<string, unknown>) => delete (report.findings as Record<string, unknown>[])[0]?.fingerprint,
      "must have required property 'fingerprint'",
    ],
    ['an unknown top-level field', (report: Record<string, unknown>) => (report.extra = true), 'must NOT have additional properties'],
    [
      'an unknown nested field',
      (report: Record<string, unknown>) =>
        (((report.grades as Record<string, unknown>[])[0]?.requirements as Record<string, unknown>[])[0]!.bonus = 1),
      'must NOT have additional properties',
    ],
    ['another schema version', (report: Record<string, unknown>) => (report.schemaVersion = 2), 'must be equal to constant'],
    [
      'an unknown severity',
      (report: Record<string, unknown>) => ((report.findings as Record<string, unknown>[])[0]!.severity = 'fatal'),
      'must be equal to one of the allowed values',
    ],
    [
      'column 0',
      (report: Record<string, unknown>) =>
        (((report.findings as Record<string, unknown>[])[0]!.range as { start: { column: number } }).start.column = 0),
      'must be >= 1',
    ],
    ['chapter 24', (report: Record<string, unknown>) => (report.chapter = 24), 'must match a schema in anyOf'],
  ])('rejects %s', (_, mutate, message) => {
    const report = JSON.parse(renderJson(fixtureReport)) as Record<string, unknown>;
    mutate(report);
    expect(validate(report)).toBe(false);
    expect(validate.errors?.map((error) => error.message)).toContain(message);
  });

  it('declares additionalProperties: false on every fixed-shape object', () => {
    const loose: string[] = [];
    walkSchema(schema, '#', (node, pointer) => {
      if (node.properties !== undefined && node.additionalProperties !== false) loose.push(pointer);
    });
    expect(loose).toEqual([]);
  });

  it('lists exactly the union members of the model', () => {
    const defs = schema.$defs ?? {};
    expect(listsAreComplete).toEqual([true, true, true, true, true]);
    expect(defs.noticeKind?.enum).toEqual([...NOTICE_KINDS]);
    expect(defs.ruleKind?.enum).toEqual([...RULE_KINDS]);
    expect(defs.fixSafety?.enum).toEqual([...FIX_SAFETIES]);
    expect(defs.severity?.enum).toEqual([...SEVERITIES]);
    expect(defs.area?.enum).toEqual([...AREAS]);
  });

  it('describes no property the fixture (which fills every optional field) never produces', () => {
    const seen = new Map<JsonSchema, Set<string>>();
    collectKeys(schema, JSON.parse(renderJson(fixtureReport)), seen);
    const unseen: string[] = [];
    walkSchema(schema, '#', (node, pointer) => {
      for (const key of Object.keys(node.properties ?? {})) {
        if (!seen.get(node)?.has(key)) unseen.push(`${pointer}/properties/${key}`);
      }
    });
    expect(unseen).toEqual([]);
  });
});

describe('docs/json-report.md', () => {
  const docs = readFileSync(new URL('../../docs/json-report.md', import.meta.url), 'utf8');

  it('documents every field of the schema', () => {
    const undocumented = new Set<string>();
    walkSchema(schema, '#', (node) => {
      for (const key of Object.keys(node.properties ?? {})) {
        if (!docs.includes(`\`${key}\``)) undocumented.add(key);
      }
    });
    expect([...undocumented]).toEqual([]);
  });

  it('shows an example that validates', () => {
    const example = /```json\n([\s\S]*?)\n```/.exec(docs)?.[1];
    expect(example).toBeDefined();
    const validate = compileSchema();
    expect(validate(JSON.parse(example!))).toBe(true);
  });

  it('states the current schema version', () => {
    expect(docs).toContain('`schemaVersion` is `1`');
  });
});

function resolve(node: JsonSchema): JsonSchema {
  if (node.$ref === undefined) return node;
  const name = node.$ref.replace('#/$defs/', '');
  const target = schema.$defs?.[name];
  if (target === undefined) throw new Error(`Unresolved ${node.$ref}`);
  return resolve(target);
}

function walkSchema(node: JsonSchema, pointer: string, visit: (node: JsonSchema, pointer: string) => void): void {
  visit(node, pointer);
  for (const [key, child] of Object.entries(node.properties ?? {})) walkSchema(child, `${pointer}/properties/${key}`, visit);
  if (node.items) walkSchema(node.items, `${pointer}/items`, visit);
  if (typeof node.additionalProperties === 'object') {
    walkSchema(node.additionalProperties, `${pointer}/additionalProperties`, visit);
  }
  for (const [key, child] of Object.entries(node.$defs ?? {})) walkSchema(child, `${pointer}/$defs/${key}`, visit);
}

/** Records, per schema object, which of its properties the value actually has. */
function collectKeys(node: JsonSchema, value: unknown, seen: Map<JsonSchema, Set<string>>): void {
  const schemaNode = resolve(node);
  if (Array.isArray(value)) {
    if (schemaNode.items) for (const item of value) collectKeys(schemaNode.items, item, seen);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const keys = seen.get(schemaNode) ?? new Set<string>();
  seen.set(schemaNode, keys);
  for (const [key, child] of Object.entries(value)) {
    const property = schemaNode.properties?.[key];
    if (property !== undefined) {
      keys.add(key);
      collectKeys(property, child, seen);
    } else if (typeof schemaNode.additionalProperties === 'object') {
      collectKeys(schemaNode.additionalProperties, child, seen);
    }
  }
}
