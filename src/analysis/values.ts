// Classifies Python expression nodes into the value kinds that rule predicates talk about
// (`shell=True`, a plain string vs an f-string, `**kwargs`, …).

import { textOf } from '../parse/node-fields.ts';
import type { SyntaxNode } from '../parse/parse.ts';

export const VALUE_KINDS = [
  'string', 'fstring', 'format', 'percent', 'concat', 'bytes', 'dynamic-string', 'true', 'false', 'none',
  'number', 'list', 'tuple', 'dict', 'set', 'identifier', 'attribute', 'call', 'literal', 'dynamic',
  'comprehension', 'lambda', 'subscript',
] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.firstNamedChild) current = current.firstNamedChild;
  return current;
}

function isStringish(node: SyntaxNode): boolean {
  return node.type === 'string' || node.type === 'concatenated_string';
}

function hasInterpolation(node: SyntaxNode): boolean {
  return node.descendantsOfType('interpolation').length > 0;
}

/** All kinds that describe `node`; e.g. an f-string is both `fstring` and `dynamic-string`. */
export function valueKinds(input: SyntaxNode): Set<ValueKind> {
  const node = unwrap(input);
  const kinds = new Set<ValueKind>();
  switch (node.type) {
    case 'string':
    case 'concatenated_string': {
      const prefix = textOf((node.type === 'string' ? node : node.firstNamedChild)?.firstChild)?.toLowerCase() ?? '';
      if (prefix.includes('b')) kinds.add('bytes');
      if (hasInterpolation(node)) kinds.add('fstring').add('dynamic-string').add('dynamic');
      else kinds.add('string').add('literal');
      break;
    }
    case 'true': kinds.add('true').add('literal'); break;
    case 'false': kinds.add('false').add('literal'); break;
    case 'none': kinds.add('none').add('literal'); break;
    case 'integer':
    case 'float': kinds.add('number').add('literal'); break;
    case 'unary_operator':
      if (node.lastNamedChild && ['integer', 'float'].includes(node.lastNamedChild.type)) kinds.add('number').add('literal');
      else kinds.add('dynamic');
      break;
    case 'list': kinds.add('list'); break;
    case 'tuple': kinds.add('tuple'); break;
    case 'dictionary': kinds.add('dict'); break;
    case 'set': kinds.add('set'); break;
    case 'list_comprehension':
    case 'dictionary_comprehension':
    case 'set_comprehension':
    case 'generator_expression': kinds.add('comprehension').add('dynamic'); break;
    case 'lambda': kinds.add('lambda'); break;
    case 'identifier': kinds.add('identifier').add('dynamic'); break;
    case 'attribute': kinds.add('attribute').add('dynamic'); break;
    case 'subscript': kinds.add('subscript').add('dynamic'); break;
    case 'call': {
      kinds.add('call').add('dynamic');
      const fn = node.childForFieldName('function');
      if (fn?.type === 'attribute' && textOf(fn.childForFieldName('attribute')) === 'format') {
        const receiver = fn.childForFieldName('object');
        if (receiver && isStringish(unwrap(receiver))) kinds.add('format').add('dynamic-string');
      }
      break;
    }
    case 'binary_operator': {
      kinds.add('dynamic');
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const operator = textOf(node.childForFieldName('operator'));
      if (operator === '%' && left && isStringish(unwrap(left))) kinds.add('percent').add('dynamic-string');
      if (operator === '+' && ((left && isStringish(unwrap(left))) || (right && isStringish(unwrap(right))))) {
        kinds.add('concat').add('dynamic-string');
      }
      break;
    }
    default:
      kinds.add('dynamic');
  }
  return kinds;
}

export interface CallArguments {
  positional: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
  /** `*args` present: positional indexes past it are unknown. */
  hasStarArgs: boolean;
  /** `**kwargs` present: any keyword might be passed. */
  hasStarKwargs: boolean;
}

export function callArguments(call: SyntaxNode): CallArguments {
  const result: CallArguments = { positional: [], keywords: new Map(), hasStarArgs: false, hasStarKwargs: false };
  const args = call.type === 'call' ? call.childForFieldName('arguments') : null;
  if (!args) return result;
  for (const arg of args.namedChildren) {
    switch (arg.type) {
      case 'keyword_argument': {
        const name = textOf(arg.childForFieldName('name'));
        const value = arg.childForFieldName('value');
        if (name && value) result.keywords.set(name, value);
        break;
      }
      case 'list_splat': result.hasStarArgs = true; break;
      case 'dictionary_splat': result.hasStarKwargs = true; break;
      case 'comment': break;
      default: if (!result.hasStarArgs) result.positional.push(arg);
    }
  }
  return result;
}
