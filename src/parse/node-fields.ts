// Fast reads of a node's identity and start offset, and fast query matches. Every property of a
// tree-sitter node crosses into the native addon; node-tree-sitter 0.25 already copies the node's
// id and start into the JS object (fields 0–2), so hot paths read them there.
// test/parse/node-fields.test.ts pins the layout and `queryMatches` against the addon's own
// getters and `Query.matches`, so an upgrade that changes them fails loudly.

import { createRequire } from 'node:module';
import path from 'node:path';

import Parser from 'tree-sitter';

import type { SyntaxNode, Tree } from './parse.ts';

type MarshalledNode = Record<number, number>;

/** Unique within its tree (tree-sitter's node id). */
export function nodeKey(node: SyntaxNode): string {
  const fields = node as unknown as MarshalledNode;
  return `${fields[0]}:${fields[1]}`;
}

/** Same as `node.startIndex` (UTF-16 code units; the addon parses strings as UTF-16, two bytes each). */
export function nodeStart(node: SyntaxNode): number {
  return ((node as unknown as MarshalledNode)[2] ?? 0) / 2;
}

const TEXT = Symbol('opsgrade.text');
type TextCarrier = SyntaxNode & { [TEXT]?: string; tree: { input?: unknown } };

/**
 * Same as `node.text`, with one call into the addon instead of two, remembered on the node: many
 * rules' predicates read the text of the same captured node.
 */
export function nodeText(node: SyntaxNode): string {
  const carrier = node as TextCarrier;
  const cached = carrier[TEXT];
  if (cached !== undefined) return cached;
  const input = carrier.tree.input;
  const text = typeof input === 'string' ? input.substring(nodeStart(node), node.endIndex) : node.text;
  carrier[TEXT] = text;
  return text;
}

/** `nodeText` of a node that may be missing. */
export function textOf(node: SyntaxNode | null | undefined): string | undefined {
  return node ? nodeText(node) : undefined;
}

interface AddonBinding {
  /** Where the addon writes the fields of the nodes it hands over, six numbers each. */
  nodeTransferArray: Uint32Array;
}

interface AddonQuery {
  _matches(tree: Tree, startRow: number, startColumn: number, endRow: number, endColumn: number,
    startIndex: number, endIndex: number, matchLimit: number, maxStartDepth: number, timeoutMicros: number): [unknown[], unknown[]];
  /** node-tree-sitter's checks of `#eq?`, `#match?`, … per pattern. */
  predicates: ((captures: Parser.QueryCapture[]) => boolean)[][];
}

type NodeClass = { prototype: object };

const requireFromHere = createRequire(import.meta.url);
// The addon object itself: node-tree-sitter keeps it private, and loads it exactly like this.
const binding = (requireFromHere('node-gyp-build') as (dir: string) => AddonBinding)(path.dirname(requireFromHere.resolve('tree-sitter')));
const NODE_FIELD_COUNT = 6;
const ERROR_TYPE_ID = 0xffff;
const BaseNode = (Parser as unknown as { SyntaxNode: NodeClass }).SyntaxNode;

/**
 * `query.matches(node, { maxStartDepth })`, without the wrapper's per-node work that a review does
 * not need: a BigInt id and a map lookup per node, and a property definition per node object.
 * Nodes captured twice in one call are two objects; compare nodes with `nodeKey`, never `===`.
 */
export function queryMatches(query: Parser.Query, node: SyntaxNode, maxStartDepth = 0xffffffff): Parser.QueryMatch[] {
  const tree = node.tree as unknown as Tree & { language: { nodeSubclasses: NodeClass[] } };
  const marshalled = node as unknown as Record<number, number>;
  let transfer = binding.nodeTransferArray;
  for (let field = 0; field < NODE_FIELD_COUNT; field += 1) transfer[field] = marshalled[field] ?? 0;
  const addonQuery = query as unknown as AddonQuery;
  const [returnedMatches, returnedNodes] = addonQuery._matches(tree, 0, 0, 0, 0, 0, 0, 0xffffffff, maxStartDepth, 0);
  // The addon may have grown (replaced) the transfer array while writing.
  transfer = binding.nodeTransferArray;
  const classes = tree.language.nodeSubclasses;
  const nodes: SyntaxNode[] = new Array<SyntaxNode>(returnedNodes.length);
  let offset = 0;
  for (let index = 0; index < returnedNodes.length; index += 1) {
    const value = returnedNodes[index];
    if (typeof value === 'object') {
      nodes[index] = value as SyntaxNode;
      continue;
    }
    const typeId = value as number;
    const created = Object.create((typeId === ERROR_TYPE_ID ? BaseNode : classes[typeId] ?? BaseNode).prototype) as Record<number | string, unknown>;
    created.tree = tree;
    for (let field = 0; field < NODE_FIELD_COUNT; field += 1) created[field] = transfer[offset + field];
    offset += NODE_FIELD_COUNT;
    nodes[index] = created as unknown as SyntaxNode;
  }
  const results: Parser.QueryMatch[] = [];
  let position = 0;
  let nodeIndex = 0;
  while (position < returnedMatches.length) {
    const pattern = returnedMatches[position] as number;
    position += 1;
    const captures: Parser.QueryCapture[] = [];
    while (position < returnedMatches.length && typeof returnedMatches[position] === 'string') {
      captures.push({ name: returnedMatches[position] as string, node: nodes[nodeIndex] as SyntaxNode });
      position += 1;
      nodeIndex += 1;
    }
    if ((addonQuery.predicates[pattern] ?? []).every((predicate) => predicate(captures))) results.push({ pattern, captures });
  }
  return results;
}
