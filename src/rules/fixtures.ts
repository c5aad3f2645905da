// Rule fixtures that state their own expectations (semgrep's convention). In
// `fixtures/rules/<chapter>/<id>.py`, `# expect: <id>` on the line before code means the rule must
// report there, `# ok: <id>` marks a near-miss it must not report. Repository and text rules may use a
// folder `fixtures/rules/<chapter>/<id>/` of mini repositories named `expect-*` (must report) and
// `ok-*` (must not), with the same annotations inside any of their files.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { collectRuleHits, ENGINE_RULES, reviewSnapshot } from '../review.ts';
import { SnapshotBuilder, resolveLimits } from '../snapshot/builder.ts';
import type { Snapshot } from '../snapshot/snapshot.ts';
import { chapterFolder } from './load.ts';
import type { LoadedRule, Rubric } from './load.ts';

export interface FixtureOutcome {
  ruleId: string;
  /** Fixture file or case folder, relative to the fixtures root. */
  fixture: string;
  expects: number;
  oks: number;
  /** e.g. `missing on line 4`, `unexpected on line 12`; empty when the fixture passes. */
  problems: string[];
}

const ANNOTATION = /#\s*(expect|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$/;
/** `# fixture-path: tests/test_x.py` on the first line reviews a single-file fixture under that path. */
const FIXTURE_PATH = /^#\s*fixture-path:\s*(\S+)/;

interface Annotations {
  /** Expected lines per path. */
  expect: Map<string, Set<number>>;
  ok: Map<string, Set<number>>;
}

function annotationsFor(snapshot: Snapshot, ruleId: string): Annotations {
  const result: Annotations = { expect: new Map(), ok: new Map() };
  for (const file of snapshot.files.values()) {
    const lines = file.text.split('\n');
    let pending: { kind: 'expect' | 'ok'; ids: string[] }[] = [];
    lines.forEach((line, index) => {
      const found = ANNOTATION.exec(line);
      if (found && line.trim().startsWith('#')) {
        pending.push({ kind: found[1] as 'expect' | 'ok', ids: (found[2] ?? '').split(',').map((id) => id.trim()) });
        return;
      }
      if (pending.length === 0 || line.trim() === '') return;
      for (const annotation of pending) {
        if (!annotation.ids.includes(ruleId)) continue;
        const target = result[annotation.kind];
        if (!target.has(file.path)) target.set(file.path, new Set());
        target.get(file.path)?.add(index + 1);
      }
      pending = [];
    });
  }
  return result;
}

function count(map: Map<string, Set<number>>): number {
  return [...map.values()].reduce((sum, lines) => sum + lines.size, 0);
}

async function snapshotOf(source: string, files: { path: string; bytes: Uint8Array }[]): Promise<Snapshot> {
  const builder = new SnapshotBuilder(resolveLimits());
  for (const file of files) {
    if (builder.admit(file.path, file.bytes.length)) builder.addContent(file.path, file.bytes);
  }
  return Promise.resolve(builder.build(source));
}

async function readTree(root: string): Promise<{ path: string; bytes: Uint8Array }[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(files.map(async (entry) => {
    const full = path.join(entry.parentPath, entry.name);
    return { path: path.relative(root, full).split(path.sep).join('/'), bytes: await readFile(full) };
  }));
}

/** Where the rule was reported, as `path:line` strings (repository-wide findings as `path:0` or `:0`). */
function reportedLines(rubric: Rubric, rule: LoadedRule, snapshot: Snapshot): Map<string, Set<number>> {
  const lines = new Map<string, Set<number>>();
  const add = (file: string, line: number) => {
    if (!lines.has(file)) lines.set(file, new Set());
    lines.get(file)?.add(line);
  };
  if (rule.id === ENGINE_RULES.syntaxError || rule.id === ENGINE_RULES.invalidSuppression) {
    const report = reviewSnapshot(snapshot, { rubric, chapter: 'all' });
    for (const finding of [...report.findings, ...report.suppressed]) {
      if (finding.ruleId === rule.id) add(finding.path ?? '', finding.range?.start.line ?? 0);
    }
    return lines;
  }
  for (const hit of collectRuleHits(rubric, snapshot, new Set([rule.id])).hits) {
    add(hit.path ?? '', hit.range?.start.line ?? 0);
  }
  return lines;
}

function compare(rule: LoadedRule, fixture: string, snapshot: Snapshot, rubric: Rubric, mustReport?: boolean): FixtureOutcome {
  const annotations = annotationsFor(snapshot, rule.id);
  const reported = reportedLines(rubric, rule, snapshot);
  const problems: string[] = [];
  const where = (file: string, line: number) => (line === 0 ? `repository-wide${file ? ` (${file})` : ''}` : `${file}:${line}`);
  for (const [file, expected] of annotations.expect) {
    for (const line of expected) if (!reported.get(file)?.has(line)) problems.push(`missing on line ${line} of ${file}`);
  }
  for (const [file, okLines] of annotations.ok) {
    for (const line of okLines) if (reported.get(file)?.has(line)) problems.push(`reported on line ${line} of ${file}, marked ok`);
  }
  const hasLineAnnotations = annotations.expect.size > 0;
  let total = 0;
  for (const [file, found] of reported) {
    for (const line of found) {
      total += 1;
      if (hasLineAnnotations && !annotations.expect.get(file)?.has(line) && line !== 0) problems.push(`unexpected at ${where(file, line)}`);
      if (mustReport === false) problems.push(`unexpected at ${where(file, line)} in an ok- case`);
    }
  }
  if (mustReport === true && total === 0) problems.push('expected at least one report in this expect- case, got none');
  return {
    ruleId: rule.id,
    fixture,
    expects: count(annotations.expect) + (mustReport === true ? 1 : 0),
    oks: count(annotations.ok) + (mustReport === false ? 1 : 0),
    problems: [...new Set(problems)],
  };
}

async function exists(file: string): Promise<'file' | 'dir' | undefined> {
  try {
    const stats = await stat(file);
    return stats.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

export async function runRuleFixtures(rubric: Rubric, fixturesRoot: string, ruleIds?: ReadonlySet<string>): Promise<FixtureOutcome[]> {
  const outcomes: FixtureOutcome[] = [];
  for (const rule of rubric.rules) {
    if (ruleIds && !ruleIds.has(rule.id)) continue;
    const base = path.join(fixturesRoot, chapterFolder(rule.chapter), rule.id);
    const relative = path.relative(fixturesRoot, base);
    const [asFile, asDir] = await Promise.all([exists(`${base}.py`), exists(base)]);
    if (asFile === 'file') {
      const text = await readFile(`${base}.py`);
      const virtualPath = FIXTURE_PATH.exec(text.toString('utf8').split('\n', 1)[0] ?? '')?.[1] ?? `${rule.id}.py`;
      const snapshot = await snapshotOf(`${relative}.py`, [{ path: virtualPath, bytes: text }]);
      outcomes.push(compare(rule, `${relative}.py`, snapshot, rubric));
    }
    if (asDir === 'dir') {
      const cases = (await readdir(base, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
      for (const name of cases) {
        const mustReport = name.startsWith('expect') ? true : name.startsWith('ok') ? false : undefined;
        const snapshot = await snapshotOf(`${relative}/${name}`, await readTree(path.join(base, name)));
        outcomes.push(compare(rule, `${relative}/${name}`, snapshot, rubric, mustReport));
      }
    }
    if (asFile !== 'file' && asDir !== 'dir') {
      outcomes.push({ ruleId: rule.id, fixture: `${relative}.py`, expects: 0, oks: 0, problems: ['no fixture: add fixtures/rules/' + `${relative}.py or a folder ${relative}/`] });
    }
  }
  return outcomes;
}
