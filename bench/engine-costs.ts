// Where a review's time goes beyond parsing, on a directory of Python files: one tree-sitter query
// walk that matches nothing, the review's combined query with its matches handed to JavaScript,
// and, for comparison, exporting every node to JavaScript with a tree cursor (type, range and field:
// what matching in JavaScript would need). Run by `npm run bench`.

import Parser from 'tree-sitter';

import { planRules } from '../src/analysis/plan.ts';
import { queryMatches } from '../src/parse/node-fields.ts';
import { releaseParseTrees } from '../src/parse/memory.ts';
import { parsePython, pythonLanguage } from '../src/parse/parse.ts';
import { loadRubric } from '../src/rules/load.ts';
import { snapshotFromDirectory } from '../src/snapshot/index.ts';

const dir = process.argv[2] ?? '.';
const rubric = await loadRubric();
const plan = planRules(rubric.rules);
const nothing = new Parser.Query(pythonLanguage, '(module) @module');
const snapshot = await snapshotFromDirectory(dir, { limits: { maxFiles: 1_000_000, maxTotalBytes: 4 * 1024 ** 3, maxFileBytes: 16 * 1024 ** 2 } });
const totals = { parse: 0, walk: 0, query: 0, matches: 0, cursor: 0, nodes: 0 };
let files = 0;
const timed = (key: 'parse' | 'walk' | 'query' | 'cursor', work: () => void) => {
  const started = performance.now();
  work();
  totals[key] += performance.now() - started;
};
for (const file of snapshot.files.values()) {
  if (!/\.pyw?$/.test(file.path)) continue;
  let tree: Parser.Tree | undefined;
  timed('parse', () => { tree = parsePython(file).tree; });
  if (!tree) continue;
  const root = tree.rootNode;
  timed('walk', () => queryMatches(nothing, root));
  timed('query', () => { totals.matches += queryMatches(plan.query, root).length; });
  timed('cursor', () => {
    const cursor = tree?.walk();
    if (!cursor) return;
    for (;;) {
      // Read what a matcher in JavaScript would need of each node.
      void [cursor.nodeTypeId, cursor.startIndex, cursor.endIndex, cursor.currentFieldId];
      totals.nodes += 1;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return;
    }
  });
  files += 1;
  if (files % 20 === 0) await releaseParseTrees();
}
const seconds = (ms: number) => (ms / 1000).toFixed(2);
console.log(`engine costs over ${files} files: parse ${seconds(totals.parse)} s · one query walk matching nothing ${seconds(totals.walk)} s · `
  + `the review's query, ${totals.matches.toLocaleString('en-US')} matches handed to JavaScript ${seconds(totals.query)} s · `
  + `exporting ${totals.nodes.toLocaleString('en-US')} nodes with a tree cursor ${seconds(totals.cursor)} s`);
