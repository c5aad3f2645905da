// Pull-request files for the GitHub double: compares two commit trees line by line (Myers' O(ND)
// algorithm) and writes each changed file's `patch` as GitHub does — unified-diff hunks with three
// lines of context, no file header, "\ No newline at end of file" where it applies.

import { blobSha, isText } from './trees.ts';
import type { FileTree } from './trees.ts';

export type EditKind = ' ' | '-' | '+';

export interface Edit {
  kind: EditKind;
  text: string;
}

/** GitHub leaves out the patch of a file whose diff is too large to show. */
const MAX_EDIT_DISTANCE = 5_000;
const CONTEXT = 3;

/** The shortest edit script turning `a` into `b`, or undefined when it is longer than `maxDistance`. */
export function diffLines(a: readonly string[], b: readonly string[], maxDistance = MAX_EDIT_DISTANCE): Edit[] | undefined {
  // Common prefix and suffix cost nothing and keep the search small.
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
  const middleA = a.slice(prefix, a.length - suffix);
  const middleB = b.slice(prefix, b.length - suffix);
  const middle = myers(middleA, middleB, maxDistance);
  if (!middle) return undefined;
  return [
    ...a.slice(0, prefix).map((text): Edit => ({ kind: ' ', text })),
    ...middle,
    ...a.slice(a.length - suffix).map((text): Edit => ({ kind: ' ', text })),
  ];
}

function myers(a: readonly string[], b: readonly string[], maxDistance: number): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((text) => ({ kind: '+', text }));
  if (m === 0) return a.map((text) => ({ kind: '-', text }));
  const max = Math.min(n + m, maxDistance);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d += 1) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d, offset);
    }
    v = next;
  }
  return undefined;
}

function backtrack(trace: Int32Array[], a: readonly string[], b: readonly string[], distance: number, offset: number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = distance; d > 0; d -= 1) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
    const previousK = down ? k + 1 : k - 1;
    const previousX = v[offset + previousK] as number;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x -= 1;
      y -= 1;
      edits.push({ kind: ' ', text: a[x] as string });
    }
    if (down) {
      y -= 1;
      edits.push({ kind: '+', text: b[y] as string });
    } else {
      x -= 1;
      edits.push({ kind: '-', text: a[x] as string });
    }
  }
  while (x > 0 && y > 0) {
    x -= 1;
    y -= 1;
    edits.push({ kind: ' ', text: a[x] as string });
  }
  return edits.reverse();
}

interface SplitText {
  lines: string[];
  /** False when the last line has no final newline. */
  endsWithNewline: boolean;
}

function splitText(text: string): SplitText {
  if (text === '') return { lines: [], endsWithNewline: true };
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, endsWithNewline };
}

/** GitHub's `patch`: hunks only, joined by newlines, no trailing newline. Empty when nothing changed. */
export function unifiedPatch(before: string, after: string): string | undefined {
  const old = splitText(before);
  const now = splitText(after);
  const edits = diffLines(old.lines, now.lines);
  if (!edits) return undefined;
  // Number every edit on both sides so hunks can be cut with their context.
  const rows: { edit: Edit; oldLine: number; newLine: number }[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const edit of edits) {
    if (edit.kind !== '+') oldLine += 1;
    if (edit.kind !== '-') newLine += 1;
    rows.push({ edit, oldLine, newLine });
  }
  // A changed final newline changes the last line even when its text is equal.
  if (old.endsWithNewline !== now.endsWithNewline && old.lines.length > 0 && now.lines.length > 0) {
    const lastOld = rows.findLastIndex((row) => row.edit.kind !== '+');
    const lastNew = rows.findLastIndex((row) => row.edit.kind !== '-');
    if (lastOld === lastNew && rows[lastOld]?.edit.kind === ' ') {
      const row = rows[lastOld];
      rows.splice(lastOld, 1,
        { edit: { kind: '-', text: row.edit.text }, oldLine: row.oldLine, newLine: row.newLine - 1 },
        { edit: { kind: '+', text: row.edit.text }, oldLine: row.oldLine, newLine: row.newLine });
    }
  }
  const changed = rows.map((row, index) => (row.edit.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  const ranges: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT);
    const end = Math.min(rows.length - 1, index + CONTEXT);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else ranges.push([start, end]);
  }
  const out: string[] = [];
  const lastOldRow = rows.findLastIndex((row) => row.edit.kind !== '+');
  const lastNewRow = rows.findLastIndex((row) => row.edit.kind !== '-');
  for (const [start, end] of ranges) {
    const slice = rows.slice(start, end + 1);
    const oldCount = slice.filter((row) => row.edit.kind !== '+').length;
    const newCount = slice.filter((row) => row.edit.kind !== '-').length;
    const first = slice[0] as (typeof rows)[number];
    const oldStart = oldCount === 0 ? first.oldLine - (first.edit.kind === '+' ? 0 : 1) : first.oldLine - (first.edit.kind === '+' ? -1 : 0);
    const newStart = newCount === 0 ? first.newLine - (first.edit.kind === '-' ? 0 : 1) : first.newLine - (first.edit.kind === '-' ? -1 : 0);
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    slice.forEach((row, position) => {
      out.push(`${row.edit.kind}${row.edit.text}`);
      const index = start + position;
      const noNewline = (index === lastOldRow && !old.endsWithNewline && row.edit.kind !== '+') || (index === lastNewRow && !now.endsWithNewline && row.edit.kind !== '-');
      if (noNewline) out.push('\\ No newline at end of file');
    });
  }
  return out.join('\n');
}

function range(start: number, count: number): string {
  return count === 1 ? String(start) : `${start},${count}`;
}

export interface PullRequestFileEntry {
  sha: string;
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged';
  additions: number;
  deletions: number;
  changes: number;
  blob_url: string;
  raw_url: string;
  contents_url: string;
  patch?: string;
}

/** `GET /pulls/{n}/files` for a pull request from `base` to `head`, in path order. */
export function pullRequestFiles(base: FileTree, head: FileTree, links: { webBase: string; apiBase: string; headSha: string }): PullRequestFileEntry[] {
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  const files: PullRequestFileEntry[] = [];
  for (const filename of names) {
    const before = base.get(filename);
    const after = head.get(filename);
    if (before && after && before.kind === after.kind && before.content.equals(after.content)) continue;
    const status = !before ? 'added' : !after ? 'removed' : 'modified';
    const beforeText = before && isText(before.content) ? before.content.toString('utf8') : before ? undefined : '';
    const afterText = after && isText(after.content) ? after.content.toString('utf8') : after ? undefined : '';
    const patch = beforeText !== undefined && afterText !== undefined ? unifiedPatch(beforeText, afterText) : undefined;
    const additions = patch ? patch.split('\n').filter((line) => line.startsWith('+')).length : 0;
    const deletions = patch ? patch.split('\n').filter((line) => line.startsWith('-')).length : 0;
    const blob = after ?? before;
    files.push({
      sha: blobSha(blob?.content ?? Buffer.alloc(0)),
      filename,
      status,
      additions,
      deletions,
      changes: additions + deletions,
      blob_url: `${links.webBase}/blob/${links.headSha}/${filename}`,
      raw_url: `${links.webBase}/raw/${links.headSha}/${filename}`,
      contents_url: `${links.apiBase}/contents/${filename}?ref=${links.headSha}`,
      ...(patch === undefined || patch === '' ? {} : { patch }),
    });
  }
  return files;
}

/** The new-side (RIGHT) and old-side (LEFT) lines of each hunk of a patch. */
export interface PatchHunk {
  right: Set<number>;
  left: Set<number>;
}

export function patchHunks(patch: string | undefined): PatchHunk[] {
  const hunks: PatchHunk[] = [];
  if (!patch) return hunks;
  let oldLine = 0;
  let newLine = 0;
  let current: PatchHunk | undefined;
  for (const line of patch.split('\n')) {
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      current = { right: new Set(), left: new Set() };
      hunks.push(current);
      continue;
    }
    if (!current || line.startsWith('\\')) continue;
    if (line.startsWith('+')) {
      current.right.add(newLine);
      newLine += 1;
    } else if (line.startsWith('-')) {
      current.left.add(oldLine);
      oldLine += 1;
    } else {
      current.right.add(newLine);
      current.left.add(oldLine);
      newLine += 1;
      oldLine += 1;
    }
  }
  return hunks;
}
