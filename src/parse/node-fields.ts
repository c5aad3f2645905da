// Fast reads of a node's identity and start offset. Every property of a tree-sitter node crosses
// into the native addon; node-tree-sitter 0.25 already copies the node's id and start into the JS
// object (fields 0–2), so hot paths read them there. test/parse/node-fields.test.ts pins the layout
// against the addon's own getters, so an upgrade that changes it fails loudly.

import type { SyntaxNode } from './parse.ts';

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
