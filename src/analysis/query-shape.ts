// Reads the shape of one top-level tree-sitter query pattern: its root node type, the captures on
// the root and on a call's callee, and its text predicates. The rule stage uses the shape to
// decide how a pattern is matched: tree-sitter's query engine pays for every pattern at every node
// of the pattern's root type, so patterns rooted at a call are looked up by the callee's name
// instead, and patterns that are only `(type) @capture` share one pattern per type.

import { tokenizeQuery } from '../rules/query-text.ts';
import type { QueryToken as Token } from '../rules/query-text.ts';

export interface PatternPredicate {
  operator: string;
  capture: string;
  values: string[];
}

export interface PatternShape {
  /** Node type of the pattern's root, e.g. `call`; undefined for alternations and wildcards. */
  rootType?: string;
  /** Captures on the root node. */
  rootCaptures: string[];
  /** `(type) @a @b` and nothing else: any node of the type matches, with every capture on it. */
  trivial: boolean;
  /** For a `call` root: captures on the whole `function:` child (`function: (_) @source`). */
  functionCaptures: string[];
  /** For a `call` root: captures on the callee's last name (`function: (attribute attribute: (identifier) @m)`). */
  calleeNameCaptures: string[];
  /** `#eq?`, `#any-of?`, `#match?` (and negations) written inside the pattern. */
  predicates: PatternPredicate[];
}

interface NodeItem { kind: 'node'; type: string; field?: string; children: Item[]; captures: string[]; quantified: boolean }
interface AltItem { kind: 'alt'; field?: string; items: Item[]; captures: string[]; quantified: boolean }
interface GroupItem { kind: 'group'; items: Item[]; captures: string[]; quantified: boolean }
interface OtherItem { kind: 'other'; field?: string; captures: string[]; quantified: boolean }
interface PredicateItem { kind: 'predicate'; predicate: PatternPredicate | undefined }
type Item = NodeItem | AltItem | GroupItem | OtherItem | PredicateItem;

class PatternReader {
  private position = 0;
  private readonly tokens: Token[];

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (!token) throw new Error('query pattern ends early');
    this.position += 1;
    return token;
  }

  parseAll(): Item[] {
    const items: Item[] = [];
    while (this.peek()) items.push(this.item());
    return items;
  }

  /** Anything that may stand in a node's child list (an anchor or negated field yields `other`). */
  private item(): Item {
    let field: string | undefined;
    const first = this.peek();
    if (first?.kind === 'field') {
      field = first.value;
      this.next();
    }
    const token = this.next();
    let item: Item;
    if (token.kind === 'open') {
      const head = this.peek();
      if (head?.kind === 'predicate') {
        this.next();
        const args: { capture?: string; value?: string }[] = [];
        while (this.peek()?.kind !== 'close') {
          const arg = this.next();
          if (arg.kind === 'capture') args.push({ capture: arg.value });
          else if (arg.kind === 'string' || arg.kind === 'word') args.push({ value: arg.value });
        }
        this.next();
        const capture = args[0]?.capture;
        const values = args.slice(1).map((arg) => arg.value);
        const predicate = capture !== undefined && values.every((value) => value !== undefined)
          ? { operator: head.value, capture, values: values } : undefined;
        return { kind: 'predicate', predicate };
      }
      if (head?.kind === 'word') {
        this.next();
        const children: Item[] = [];
        while (this.peek()?.kind !== 'close') children.push(this.item());
        this.next();
        item = { kind: 'node', type: head.value, children, captures: [], quantified: false };
      } else {
        const items: Item[] = [];
        while (this.peek()?.kind !== 'close') items.push(this.item());
        this.next();
        item = { kind: 'group', items, captures: [], quantified: false };
      }
    } else if (token.kind === 'openAlt') {
      const items: Item[] = [];
      while (this.peek()?.kind !== 'closeAlt') items.push(this.item());
      this.next();
      item = { kind: 'alt', items, captures: [], quantified: false };
    } else {
      item = { kind: 'other', captures: [], quantified: false };
    }
    if (field !== undefined && item.kind !== 'group') item.field = field;
    for (;;) {
      const after = this.peek();
      if (after?.kind === 'capture') {
        item.captures.push(after.value);
        this.next();
      } else if (after?.kind === 'quantifier') {
        item.quantified = true;
        this.next();
      } else {
        break;
      }
    }
    return item;
  }
}

function predicatesIn(items: Item[]): PatternPredicate[] {
  const found: PatternPredicate[] = [];
  for (const item of items) {
    if (item.kind === 'predicate') {
      if (item.predicate) found.push(item.predicate);
    } else if (item.kind === 'node') {
      found.push(...predicatesIn(item.children));
    } else if (item.kind === 'alt' || item.kind === 'group') {
      found.push(...predicatesIn(item.items));
    }
  }
  return found;
}

/** Captures that always hold the callee's last name: `(identifier) @m` or `(attribute attribute: (identifier) @m)`. */
function calleeNameCaptures(callee: Item): string[] {
  if (callee.kind === 'predicate' || callee.quantified) return [];
  if (callee.kind === 'node' && callee.type === 'identifier') return callee.captures;
  if (callee.kind === 'node' && callee.type === 'attribute') {
    const attribute = callee.children.find((child) => child.kind === 'node' && child.field === 'attribute');
    return attribute?.kind === 'node' && attribute.type === 'identifier' && !attribute.quantified ? attribute.captures : [];
  }
  if (callee.kind === 'alt') {
    // Only a capture every alternative binds is always the callee's name.
    const lists = callee.items.map(calleeNameCaptures);
    return (lists[0] ?? []).filter((name) => lists.every((list) => list.includes(name)));
  }
  return [];
}

/** Parses one top-level pattern as `splitPatterns` cuts it. Throws on text it cannot read. */
export function patternShape(pattern: string): PatternShape {
  const items = new PatternReader(tokenizeQuery(pattern)).parseAll();
  const shape: PatternShape = { rootCaptures: [], trivial: false, functionCaptures: [], calleeNameCaptures: [], predicates: predicatesIn(items) };
  let root: Item | undefined = items.length === 1 ? items[0] : undefined;
  let wrapped = false;
  // `((call …) @c (#eq? …))`: a group holding one node and its predicates.
  if (root?.kind === 'group' && root.captures.length === 0 && !root.quantified) {
    const nodes = root.items.filter((item) => item.kind !== 'predicate');
    root = nodes.length === 1 ? nodes[0] : undefined;
    wrapped = true;
  }
  if (root?.kind !== 'node' || root.quantified) return shape;
  shape.rootType = root.type;
  shape.rootCaptures = root.captures;
  shape.trivial = !wrapped && root.children.length === 0 && root.type !== '_' && /^[a-z_]+$/.test(root.type) && root.captures.length > 0;
  if (root.type === 'call') {
    const callee = root.children.find((child) => child.kind !== 'predicate' && 'field' in child && child.field === 'function');
    if (callee && callee.kind !== 'predicate' && callee.kind !== 'group' && !callee.quantified) {
      shape.functionCaptures = callee.captures;
      shape.calleeNameCaptures = calleeNameCaptures(callee);
    }
  }
  return shape;
}
