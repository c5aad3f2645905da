// The diff reader decides which lines may carry a review comment; one wrong line makes GitHub
// reject the whole review, so its rules are pinned here line by line.

import { describe, expect, it } from 'vitest';

import { DiffIndex, parsePatch } from '../../src/github/diff.ts';

const PATCH = [
  '@@ -8,7 +8,9 @@ log = logging.getLogger(__name__)',
  ' ',
  ' ',
  ' def fetch_status(url):',
  '-    response = requests.get(url)',
  '+    response = requests.get(url, timeout=10)',
  '+    response.raise_for_status()',
  '     log.info("%s answered %s", url, response.status_code)',
  '+    # checked above',
  '     return response.status_code',
  ' ',
  '@@ -30,2 +32,3 @@ def main():',
  ' if __name__ == "__main__":',
  '+    logging.basicConfig()',
  '     sys.exit(main())',
  '\\ No newline at end of file',
].join('\n');

describe('parsePatch', () => {
  it('reads each hunk as its new-side range and the lines it adds', () => {
    const hunks = parsePatch(PATCH);
    expect(hunks.map((hunk) => [hunk.start, hunk.end, [...hunk.added]])).toEqual([
      [8, 16, [11, 12, 14]],
      [32, 34, [33]],
    ]);
  });

  it('reads a hunk header without counts as one line', () => {
    expect(parsePatch('@@ -1 +1 @@\n-a\n+b').map((hunk) => [hunk.start, hunk.end, [...hunk.added]])).toEqual([[1, 1, [1]]]);
  });

  it('counts an empty line inside a hunk as context whose space was trimmed', () => {
    expect(parsePatch('@@ -1,2 +1,3 @@\n a\n\n+c').map((hunk) => [...hunk.added])).toEqual([[3]]);
  });
});

describe('DiffIndex.canComment', () => {
  const index = new DiffIndex([
    { filename: 'src/check.py', status: 'modified', patch: PATCH },
    { filename: 'logo.png', status: 'added' },
    { filename: 'old.py', status: 'removed', patch: '@@ -1,1 +0,0 @@\n-x' },
  ]);

  it('allows an added line, and a range inside one hunk that contains an added line', () => {
    expect(index.canComment('src/check.py', 11, 11)).toBe(true);
    expect(index.canComment('src/check.py', 10, 12)).toBe(true);
    expect(index.canComment('src/check.py', 33, 34)).toBe(true);
  });

  it('refuses context-only lines, lines outside every hunk, ranges across hunks, and files without a patch', () => {
    expect(index.canComment('src/check.py', 13, 13)).toBe(false);
    expect(index.canComment('src/check.py', 20, 20)).toBe(false);
    expect(index.canComment('src/check.py', 16, 17)).toBe(false);
    expect(index.canComment('src/check.py', 14, 33)).toBe(false);
    expect(index.canComment('logo.png', 1, 1)).toBe(false);
    expect(index.canComment('old.py', 1, 1)).toBe(false);
    expect(index.canComment('missing.py', 1, 1)).toBe(false);
  });
});
