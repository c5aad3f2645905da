// Suppression comments: `# opsgrade: ignore[rule-id] -- reason` on the reported line or the line
// above. A suppression needs a reason and known rule ids; otherwise it is itself reported and
// suppresses nothing, so a grade cannot be quietly silenced.

import type { SnapshotFile } from '../snapshot/snapshot.ts';

export interface Suppression {
  path: string;
  line: number;
  column: number;
  endColumn: number;
  ruleIds: string[];
  reason: string;
  /** The comment is alone on its line, so it also covers the next line. */
  ownLine: boolean;
}

export interface SuppressionProblem {
  path: string;
  line: number;
  column: number;
  endColumn: number;
  problem: string;
}

const SUPPRESSION = /#\s*opsgrade:\s*ignore(?:\[([^\]]*)\])?(?:\s*(?:--|—)\s*(.*?))?\s*$/;

export function findSuppressions(file: SnapshotFile, knownRules: ReadonlySet<string>):
  { suppressions: Suppression[]; problems: SuppressionProblem[] } {
  const suppressions: Suppression[] = [];
  const problems: SuppressionProblem[] = [];
  if (!file.text.includes('opsgrade:')) return { suppressions, problems };
  file.text.split('\n').forEach((text, index) => {
    const found = SUPPRESSION.exec(text);
    if (!found) return;
    const column = (found.index ?? 0) + 1;
    const at = { path: file.path, line: index + 1, column, endColumn: text.trimEnd().length + 1 };
    const ids = (found[1] ?? '').split(',').map((id) => id.trim()).filter(Boolean);
    const reason = (found[2] ?? '').trim();
    if (ids.length === 0) {
      problems.push({ ...at, problem: 'it names no rule: write the rule id in brackets, e.g. `# opsgrade: ignore[http-call-without-timeout] -- reason`' });
      return;
    }
    const unknown = ids.filter((id) => !knownRules.has(id));
    if (unknown.length > 0) {
      problems.push({ ...at, problem: `it names ${unknown.map((id) => `\`${id}\``).join(', ')}, which ${unknown.length === 1 ? 'is not a rule' : 'are not rules'} (see \`opsgrade rules list\`)` });
      return;
    }
    if (reason === '') {
      problems.push({ ...at, problem: 'it gives no reason: add one after `--`, e.g. `-- the health check must never block`' });
      return;
    }
    suppressions.push({ ...at, ruleIds: ids, reason, ownLine: text.slice(0, column - 1).trim() === '' });
  });
  return { suppressions, problems };
}

/** The suppression covering `ruleId` at `line` of the file, if any. */
export function suppressionFor(suppressions: readonly Suppression[], ruleId: string, line: number): Suppression | undefined {
  return suppressions.find((suppression) => suppression.ruleIds.includes(ruleId)
    && (suppression.line === line || (suppression.ownLine && suppression.line + 1 === line)));
}
