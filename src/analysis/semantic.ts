// Semantic model of one Python file (what ruff calls qualified-name resolution): imports, local
// bindings that shadow builtins, and receivers built from known constructors, so that
// `sp.run(...)`, `r(...)` and `s.get(...)` resolve to `subprocess.run`, … and `requests.Session.get`.
// Built from a handful of tree-sitter queries; every walk is iterative and bounded by tree depth.

import Parser from 'tree-sitter';

import { PYTHON_BUILTINS } from './builtins.ts';
import { nodeKey, nodeStart, nodeText, textOf } from '../parse/node-fields.ts';
import { pythonLanguage } from '../parse/parse.ts';
import type { SyntaxNode, Tree } from '../parse/parse.ts';

/**
 * Patterns that feed the model; the rule stage runs them in the same query as the rules. Every
 * `function_definition`, `class_definition` and `lambda` matches exactly once, with its node as
 * `@scope.*`: rules' `(function_definition) @x` patterns take their nodes from these matches.
 */
export const BINDINGS_QUERY = `
(import_statement name: (dotted_name) @import.module)
(import_statement name: (aliased_import name: (dotted_name) @import.module alias: (identifier) @import.alias))
(import_from_statement module_name: (dotted_name) @from.module name: (dotted_name) @from.name)
(import_from_statement module_name: (dotted_name) @from.module name: (aliased_import name: (dotted_name) @from.name alias: (identifier) @from.alias))
(function_definition name: (identifier) @def.own) @scope.function
(class_definition name: (identifier) @def.own) @scope.class
(lambda) @scope.function
(assignment left: (identifier) @def)
(assignment left: (pattern_list (identifier) @def))
(assignment left: (tuple_pattern (identifier) @def))
(augmented_assignment left: (identifier) @def)
(for_statement left: (identifier) @def)
(for_statement left: (pattern_list (identifier) @def))
(as_pattern_target (identifier) @def)
(parameters (identifier) @param)
(parameters (default_parameter name: (identifier) @param))
(parameters (typed_parameter (identifier) @param))
(parameters (typed_default_parameter name: (identifier) @param))
(parameters (list_splat_pattern (identifier) @param))
(parameters (dictionary_splat_pattern (identifier) @param))
(lambda_parameters (identifier) @param)
(assignment left: (identifier) @receiver.name right: (call) @receiver.call)
(assignment left: (attribute object: (identifier) @receiver.self attribute: (identifier) @receiver.attr) right: (call) @receiver.call)
(with_item value: (as_pattern (call) @receiver.call alias: (as_pattern_target (identifier) @receiver.name)))
(typed_parameter (identifier) @receiver.name type: (type) @receiver.call)
(typed_default_parameter name: (identifier) @receiver.name type: (type) @receiver.call)
`;

/** Node types whose every node the bindings hand over once, and the capture that holds it. */
export const BINDING_ANCHORS: Readonly<Record<string, string>> = {
  function_definition: 'scope.function',
  class_definition: 'scope.class',
  lambda: 'scope.function',
};

let bindingsQuery: Parser.Query | undefined;

/**
 * Constructors whose results are tracked as typed receivers, mapped to the canonical type name.
 * `{service}` is replaced by the call's first string argument (boto3's `client("s3")`).
 */
const CONSTRUCTOR_ALIASES: Record<string, string> = {
  'requests.session': 'requests.Session',
  'requests.sessions.Session': 'requests.Session',
  'boto3.session.Session': 'boto3.Session',
  'paramiko.client.SSHClient': 'paramiko.SSHClient',
  'docker.client.from_env': 'docker.from_env',
  'docker.DockerClient.from_env': 'docker.from_env',
  'docker.client.DockerClient': 'docker.from_env',
  'docker.DockerClient': 'docker.from_env',
  'httpx.Client': 'httpx.Client',
};

const SERVICE_CONSTRUCTORS = new Set(['boto3.client', 'boto3.resource', 'boto3.Session.client', 'boto3.Session.resource']);

interface Scope {
  kind: 'module' | 'function' | 'class';
  start: number;
  end: number;
  /** Index of the enclosing scope in `SemanticModel.scopes`; -1 for the module. */
  parent: number;
  /** Names bound by imports in this scope, to their qualified names. */
  imports: Map<string, string>;
  /** Names bound in this scope by anything but an import, to where they are first bound. */
  locals: Map<string, number>;
  /** Receivers: names (or `self.attr` in a class) bound to a constructor call or a type annotation. */
  receivers: Map<string, SyntaxNode | null>;
}

function newScope(kind: Scope['kind'], start: number, end: number, parent: number): Scope {
  return { kind, start, end, parent, imports: new Map(), locals: new Map(), receivers: new Map() };
}

export class SemanticModel {
  /**
   * Scopes sorted by start offset; index 0 is the module. Looking a node's scope up by offset keeps
   * every lookup in JavaScript: walking `node.parent` crosses into the native addon at each step.
   */
  private readonly scopes: Scope[];
  private readonly receiverTypes = new Map<SyntaxNode, string | undefined>();
  private readonly resolved = new Map<string, string | undefined>();
  private readonly importedModules = new Set<string>();

  /** `matches`: the matches of BINDINGS_QUERY's patterns over `tree`, when the caller already has them. */
  constructor(tree: Tree, matches?: readonly Parser.QueryMatch[]) {
    if (!matches) {
      bindingsQuery ??= new Parser.Query(pythonLanguage, BINDINGS_QUERY);
      matches = bindingsQuery.matches(tree.rootNode);
    }
    this.scopes = [newScope('module', 0, Number.POSITIVE_INFINITY, -1)];
    const definitions: { kind: Scope['kind']; start: number; end: number }[] = [];
    for (const match of matches) {
      for (const capture of match.captures) {
        if (capture.name === 'scope.function' || capture.name === 'scope.class') {
          definitions.push({ kind: capture.name === 'scope.class' ? 'class' : 'function', start: nodeStart(capture.node), end: capture.node.endIndex });
        }
      }
    }
    definitions.sort((a, b) => a.start - b.start || b.end - a.end);
    const open: number[] = [0];
    for (const definition of definitions) {
      while (open.length > 1 && (this.scopes[open[open.length - 1] ?? 0]?.end ?? 0) <= definition.start) open.pop();
      this.scopes.push(newScope(definition.kind, definition.start, definition.end, open[open.length - 1] ?? 0));
      open.push(this.scopes.length - 1);
    }
    for (const match of matches) this.record(match);
  }

  /** Modules imported anywhere in the file (`os.path`, `subprocess`, …). */
  get modules(): ReadonlySet<string> {
    return this.importedModules;
  }

  /**
   * The qualified name of an expression: `subprocess.run`, `requests.Session.get`, `open` (a builtin),
   * or undefined when it is a local or unknown name. A call node resolves to its callee's name.
   */
  qualifiedName(node: SyntaxNode): string | undefined {
    // Predicates of many rules ask about the same call; resolve each node once.
    const key = nodeKey(node);
    if (this.resolved.has(key)) return this.resolved.get(key);
    const name = this.resolve(node);
    this.resolved.set(key, name);
    return name;
  }

  private resolve(node: SyntaxNode): string | undefined {
    let current: SyntaxNode | null = node.type === 'call' ? node.childForFieldName('function') : node;
    const trailing: string[] = [];
    while (current) {
      switch (current.type) {
        case 'identifier': {
          const head = this.resolveIdentifier(current, trailing);
          return head === undefined ? undefined : [head, ...trailing].join('.');
        }
        case 'attribute': {
          const attribute = current.childForFieldName('attribute');
          if (!attribute) return undefined;
          trailing.unshift(nodeText(attribute));
          current = current.childForFieldName('object');
          break;
        }
        case 'call': {
          // `requests.Session().get`: the call's result is an instance of its constructor.
          const type = this.callResultType(current);
          return type === undefined ? undefined : [type, ...trailing].join('.');
        }
        case 'parenthesized_expression':
          current = current.firstNamedChild;
          break;
        default:
          return undefined;
      }
    }
    return undefined;
  }

  /** True when `name` is bound locally (def, assignment, parameter) where `node` can see it. */
  isLocal(name: string, node: SyntaxNode): boolean {
    const use = nodeStart(node);
    for (const scope of this.visibleScopes(use)) {
      if (scope.imports.has(name) || scope.receivers.has(name)) return false;
      if (this.boundBefore(scope, name, use)) return true;
    }
    return false;
  }

  private callResultType(call: SyntaxNode): string | undefined {
    if (this.receiverTypes.has(call)) return this.receiverTypes.get(call);
    this.receiverTypes.set(call, undefined); // guards against self-referential bindings
    // A parameter annotated `session: requests.Session` is typed by its annotation.
    const annotation = call.type === 'type' ? call.firstNamedChild : null;
    if (annotation) {
      const annotated = ['identifier', 'attribute'].includes(annotation.type) ? this.qualifiedName(annotation) : undefined;
      const type = annotated?.includes('.') ? CONSTRUCTOR_ALIASES[annotated] ?? annotated : undefined;
      this.receiverTypes.set(call, type);
      return type;
    }
    const callee = this.qualifiedName(call);
    let type: string | undefined;
    if (callee !== undefined && callee.includes('.')) {
      type = CONSTRUCTOR_ALIASES[callee] ?? callee;
      if (SERVICE_CONSTRUCTORS.has(type)) {
        const service = firstStringArgument(call);
        const kind = type.endsWith('resource') ? 'resource' : 'client';
        type = service ? `boto3.${kind}:${service}` : `boto3.${kind}`;
      }
    }
    this.receiverTypes.set(call, type);
    return type;
  }

  private resolveIdentifier(identifier: SyntaxNode, trailing: string[]): string | undefined {
    const name = nodeText(identifier);
    const use = nodeStart(identifier);
    // `self.session.get`: look up `self.session` among the class's tracked attributes.
    if (name === 'self' && trailing.length > 0) {
      const cls = this.enclosingClass(use);
      const receiver = cls?.receivers.get(`self.${trailing[0]}`);
      if (receiver) {
        const type = this.callResultType(receiver);
        if (type === undefined) return undefined;
        trailing.shift();
        return type;
      }
      return undefined;
    }
    for (const scope of this.visibleScopes(use)) {
      const imported = scope.imports.get(name);
      if (imported !== undefined) return imported;
      if (scope.receivers.has(name)) {
        const call = scope.receivers.get(name);
        return call ? this.callResultType(call) : undefined;
      }
      if (this.boundBefore(scope, name, use)) return undefined;
    }
    return PYTHON_BUILTINS.has(name) ? name : undefined;
  }

  /**
   * Module-level code runs top to bottom: `exit(2)` before a later `def exit` still calls the
   * builtin. Code inside functions runs later, so it sees every module-level binding.
   */
  private boundBefore(scope: Scope, name: string, use: number): boolean {
    const boundAt = scope.locals.get(name);
    if (boundAt === undefined) return false;
    if (scope.kind !== 'module') return true;
    return this.innermostScope(use) !== 0 || boundAt < use;
  }

  /** Index of the innermost scope whose range contains `offset`. */
  private innermostScope(offset: number): number {
    let low = 0;
    let high = this.scopes.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.scopes[middle]?.start ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    let index = low;
    while (index > 0 && (this.scopes[index]?.end ?? 0) <= offset) index = this.scopes[index]?.parent ?? 0;
    return index;
  }

  private enclosingClass(offset: number): Scope | undefined {
    for (let index = this.innermostScope(offset); index > 0; index = this.scopes[index]?.parent ?? 0) {
      const scope = this.scopes[index];
      if (scope?.kind === 'class') return scope;
    }
    return undefined;
  }

  /** Innermost first; class bodies are visible only to code directly inside them (Python's rule). */
  private *visibleScopes(offset: number): Generator<Scope> {
    let first = true;
    for (let index = this.innermostScope(offset); index >= 0; index = this.scopes[index]?.parent ?? -1) {
      const scope = this.scopes[index];
      if (!scope) break;
      if (scope.kind === 'class' && !first) continue;
      first = false;
      yield scope;
    }
  }

  /** The scope a name at `offset` is bound in; a def's or class's own name belongs to the scope around it. */
  private scopeAt(offset: number, ownName = false): Scope {
    let index = this.innermostScope(offset);
    if (ownName && index > 0) index = this.scopes[index]?.parent ?? 0;
    return this.scopes[index] ?? (this.scopes[0] as Scope);
  }

  private record(match: Parser.QueryMatch): void {
    const captures = new Map(match.captures.map((capture) => [capture.name, capture.node]));
    const module = captures.get('import.module');
    if (module) {
      const alias = captures.get('import.alias');
      const dotted = nodeText(module).replace(/\s+/g, '');
      this.importedModules.add(dotted);
      // `import os.path` binds `os`; `import os.path as p` binds `p` to `os.path`.
      const head = dotted.split('.')[0] ?? dotted;
      const [name, target] = alias ? [nodeText(alias), dotted] : [head, head];
      this.scopeAt(nodeStart(module)).imports.set(name, target);
      return;
    }
    const fromModule = captures.get('from.module');
    const fromName = captures.get('from.name');
    if (fromModule && fromName) {
      const base = nodeText(fromModule).replace(/\s+/g, '');
      this.importedModules.add(base);
      const alias = captures.get('from.alias');
      this.scopeAt(nodeStart(fromModule)).imports.set(textOf(alias) ?? nodeText(fromName), `${base}.${nodeText(fromName)}`);
      return;
    }
    const definition = captures.get('def.own') ?? captures.get('def');
    if (definition) {
      addLocal(this.scopeAt(nodeStart(definition), captures.has('def.own')), definition);
      return;
    }
    const parameter = captures.get('param');
    if (parameter) {
      addLocal(this.scopeAt(nodeStart(parameter)), parameter);
      return;
    }
    const call = captures.get('receiver.call');
    if (!call) return;
    const selfName = captures.get('receiver.self');
    const attribute = captures.get('receiver.attr');
    if (selfName && attribute) {
      if (nodeText(selfName) !== 'self') return;
      const cls = this.enclosingClass(nodeStart(call));
      if (cls) this.bindReceiver(cls, `self.${nodeText(attribute)}`, call);
      return;
    }
    const name = captures.get('receiver.name');
    if (name) this.bindReceiver(this.scopeAt(nodeStart(name)), nodeText(name), call);
  }

  /** Flow-insensitive: a name bound to two different calls in one scope has no known type. */
  private bindReceiver(scope: Scope, name: string, call: SyntaxNode): void {
    if (scope.receivers.has(name)) {
      const previous = scope.receivers.get(name);
      if (previous && textOf(previous.childForFieldName('function')) !== textOf(call.childForFieldName('function'))) {
        scope.receivers.set(name, null);
      }
      return;
    }
    scope.receivers.set(name, call);
  }
}

function addLocal(scope: Scope, name: SyntaxNode): void {
  const start = nodeStart(name);
  const previous = scope.locals.get(nodeText(name));
  if (previous === undefined || start < previous) scope.locals.set(nodeText(name), start);
}

function firstStringArgument(call: SyntaxNode): string | undefined {
  const args = call.childForFieldName('arguments');
  const first = args?.firstNamedChild;
  if (first?.type === 'string') return stringLiteralValue(first);
  const service = args?.namedChildren.find(
    (arg) => arg.type === 'keyword_argument' && textOf(arg.childForFieldName('name')) === 'service_name',
  );
  const value = service?.childForFieldName('value');
  return value?.type === 'string' ? stringLiteralValue(value) : undefined;
}

/** The value of a plain string literal (no interpolation), or undefined. */
export function stringLiteralValue(node: SyntaxNode): string | undefined {
  if (node.type !== 'string') return undefined;
  let value = '';
  for (const child of node.namedChildren) {
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content') value += nodeText(child);
  }
  return value;
}
