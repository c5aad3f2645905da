// Suppression comments explain a finding; by default they do not restore its points.

import { beforeAll, describe, expect, it } from 'vitest';

import { reviewSnapshot } from '../../src/review.ts';
import { loadRubric } from '../../src/rules/load.ts';
import type { Rubric } from '../../src/rules/load.ts';
import { SnapshotBuilder, resolveLimits } from '../../src/snapshot/builder.ts';

let rubric: Rubric;
beforeAll(async () => {
  rubric = await loadRubric();
});

function review(source: string, options: { restore?: boolean } = {}) {
  const builder = new SnapshotBuilder(resolveLimits());
  const bytes = new TextEncoder().encode(source);
  builder.admit('app.py', bytes.length);
  builder.addContent('app.py', bytes);
  const course = { ...rubric.course, suppressionsRestorePoints: options.restore ?? false };
  return reviewSnapshot(builder.build('test'), { rubric: { ...rubric, course }, chapter: 8 });
}

const timeouts = (report: ReturnType<typeof review>) => report.findings.filter((finding) => finding.ruleId === 'http-call-without-timeout');
const deduction = (report: ReturnType<typeof review>) => report.grades[0]?.deductions.find((item) => item.ruleId === 'http-call-without-timeout');

describe('suppressions', () => {
  const base = 'import requests\n\nrequests.get("https://a.example", timeout=5)\n';

  it('move a finding on the same line to the suppressed list, with its reason', () => {
    const report = review(`${base}requests.get("https://b.example")  # opsgrade: ignore[http-call-without-timeout] -- local mock answers at once\n`);
    expect(timeouts(report)).toEqual([]);
    expect(report.suppressed.map((finding) => [finding.ruleId, finding.range?.start.line, finding.suppression])).toEqual([
      ['http-call-without-timeout', 4, { reason: 'local mock answers at once', line: 4 }],
    ]);
  });

  it('cover the next line when the comment stands alone, and no further', () => {
    const report = review(`${base}# opsgrade: ignore[http-call-without-timeout] -- health probe of a local mock\nrequests.get("https://b.example")\nrequests.get("https://c.example")\n`);
    expect(report.suppressed.map((finding) => finding.range?.start.line)).toEqual([5]);
    expect(timeouts(report).map((finding) => finding.range?.start.line)).toEqual([6]);
  });

  it('without a reason suppress nothing and are reported themselves', () => {
    const report = review(`${base}requests.get("https://b.example")  # opsgrade: ignore[http-call-without-timeout]\n`);
    expect(timeouts(report).map((finding) => finding.range?.start.line)).toEqual([4]);
    expect(report.findings.filter((finding) => finding.ruleId === 'invalid-suppression').map((finding) => finding.range?.start.line)).toEqual([4]);
  });

  it('still cost points unless the course says suppressions restore them', () => {
    const source = `${base}requests.get("https://b.example")  # opsgrade: ignore[http-call-without-timeout] -- mock\n`;
    expect(deduction(review(source))).toEqual({ ruleId: 'http-call-without-timeout', findings: 1, points: 10 });
    expect(deduction(review(source, { restore: true }))).toBeUndefined();
  });
});
