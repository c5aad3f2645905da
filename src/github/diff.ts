// Reads the unified-diff `patch` of each pull-request file (`GET /pulls/{n}/files`) into the set of
// new-side lines a review comment may target. Publishing stage; pure. GitHub rejects a whole review
// with 422 when one comment lands outside a hunk, so every comment is checked here first.

/** One hunk's new-side lines: which were added and which are unchanged context. */
export interface Hunk {
  /** First new-side line of the hunk. */
  start: number;
  /** Last new-side line of the hunk (start - 1 for a hunk that only deletes). */
  end: number;
  added: ReadonlySet<number>;
}

export interface PullRequestFile {
  filename: string;
  status?: string;
  /** Absent for binary files and for diffs GitHub considers too large. */
  patch?: string;
}

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** Parses a file's `patch` into hunks. Lines that are not part of a hunk are ignored. */
export function parsePatch(patch: string): Hunk[] {
  const hunks: Hunk[] = [];
  let added = new Set<number>();
  let next = 0;
  let end = 0;
  for (const line of patch.split('\n')) {
    const header = HUNK_HEADER.exec(line);
    if (header) {
      const start = Number(header[1]);
      // The header's new-side count is authoritative; an omitted count means one line.
      const count = header[2] === undefined ? 1 : Number(header[2]);
      added = new Set();
      end = start + count - 1;
      hunks.push({ start, end, added });
      next = start;
      continue;
    }
    if (hunks.length === 0) continue;
    const marker = line.charAt(0);
    if (marker === '+') {
      added.add(next);
      next += 1;
    } else if (marker === ' ' || (line === '' && next <= end)) {
      // An empty line inside a hunk is a context line whose leading space was trimmed in transit.
      next += 1;
    }
    // '-' lines exist only on the old side; a backslash line is "No newline at end of file".
  }
  return hunks;
}

/** Which new-side lines of a pull request may carry a review comment. */
export class DiffIndex {
  private readonly hunksByPath = new Map<string, Hunk[]>();

  constructor(files: readonly PullRequestFile[]) {
    for (const file of files) {
      if (file.status === 'removed' || file.patch === undefined) continue;
      this.hunksByPath.set(file.filename, parsePatch(file.patch));
    }
  }

  /**
   * True when lines `start`…`end` of `path` all lie in one hunk on the new side and at least one of
   * them was added by the pull request: comments go on what the learner changed, not on context.
   */
  canComment(path: string, start: number, end: number): boolean {
    if (end < start) return false;
    for (const hunk of this.hunksByPath.get(path) ?? []) {
      if (start < hunk.start || end > hunk.end) continue;
      for (let line = start; line <= end; line += 1) if (hunk.added.has(line)) return true;
      return false;
    }
    return false;
  }

  get paths(): string[] {
    return [...this.hunksByPath.keys()];
  }
}
