// Parse stage: each Python file is parsed once with tree-sitter-python. Syntax errors become a
// located message; the tree (with its ERROR nodes) is still checked by every rule.

import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';

import type { SnapshotFile } from '../snapshot/snapshot.ts';

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;

export const pythonLanguage = Python as unknown as Parser.Language;

export interface SyntaxProblem {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Readable description, e.g. "missing `)`" or "unexpected `:`". */
  description: string;
}

export interface ParsedFile {
  path: string;
  text: string;
  tree: Tree;
  /** The first ERROR or MISSING node, if the file does not parse cleanly. */
  syntaxProblem?: SyntaxProblem;
}

let sharedParser: Parser | undefined;

function parser(): Parser {
  if (!sharedParser) {
    sharedParser = new Parser();
    sharedParser.setLanguage(pythonLanguage);
  }
  return sharedParser;
}

// tree-sitter's default 32 KiB string window makes multi-megabyte files slow to hand over;
// a larger buffer reads them in a few chunks.
const BUFFER_SIZE = 1024 * 1024;

/**
 * The addon remembers every node it hands to JavaScript, with a weak reference and a finalizer per
 * node, so that handing the same node over again returns the same object. Rules receive hundreds
 * of thousands of nodes and compare them by id, never by object, so that bookkeeping only costs:
 * time when nodes are created, and garbage-collection work before a tree's memory is freed.
 */
function withoutNodeCache(tree: Tree): void {
  const uncached = tree as unknown as { _cacheNode: (node: unknown) => void; _cacheNodes: (nodes: unknown[]) => void };
  uncached._cacheNode = () => undefined;
  uncached._cacheNodes = () => undefined;
}

export function parsePython(file: SnapshotFile): ParsedFile {
  const tree = parser().parse(file.text, undefined, { bufferSize: Math.max(BUFFER_SIZE, file.text.length + 1) });
  withoutNodeCache(tree);
  const parsed: ParsedFile = { path: file.path, text: file.text, tree };
  if (tree.rootNode.hasError) {
    const problem = firstSyntaxProblem(tree.rootNode);
    if (problem) parsed.syntaxProblem = problem;
  }
  return parsed;
}

/**
 * Finds the first ERROR or MISSING node in document order, descending only into subtrees that
 * contain an error. Iterative, so 10,000 nested brackets cannot overflow the stack.
 */
export function firstSyntaxProblem(root: SyntaxNode): SyntaxProblem | undefined {
  const cursor = root.walk();
  for (;;) {
    const node = cursor.currentNode;
    if (node.isMissing) return describe(node);
    if (node.type === 'ERROR' && !node.children.some((child) => child.hasError)) return describe(stuckPoint(node));
    if (node.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return undefined;
    }
  }
}

const COMPLETE_STATEMENT = /(_statement|_definition|^comment)$/;

/**
 * tree-sitter may wrap valid statements before the real problem in one ERROR node; the parser got
 * stuck at the first child that is not a complete statement.
 */
function stuckPoint(error: SyntaxNode): SyntaxNode {
  return error.children.find((child) => !COMPLETE_STATEMENT.test(child.type)) ?? error;
}

function describe(node: SyntaxNode): SyntaxProblem {
  const at = {
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
  if (node.isMissing) return { ...at, description: `missing \`${node.type}\`` };
  const first = node.childCount === 0 ? node : node.firstChild;
  const token = first && first.childCount === 0 ? first.text : node.text.split('\n', 1)[0] ?? '';
  const shown = token.length > 30 ? `${token.slice(0, 30)}…` : token;
  // The parser stops at an opening bracket when nothing closes it: say that, not "unexpected".
  if (['(', '[', '{'].includes(shown.trim())) return { ...at, description: `\`${shown.trim()}\` is never closed` };
  return { ...at, description: shown.trim() ? `unexpected \`${shown.trim()}\`` : 'unexpected input' };
}
