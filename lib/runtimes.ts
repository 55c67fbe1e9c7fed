/**
 * Tokio runtimes as values. Finds where a file builds a runtime
 * (`Runtime::new()`, `Builder::new_*()….build()`), which of its statics and
 * fns hold or hand out one (runtime-typed statics, accessor fns such as seed
 * case 1's `shared_runtime() -> Option<&'static Runtime>`), and what runtime
 * value, if any, an expression evaluates to — through locals, parameters,
 * `unwrap`/`expect`/`?`, `OnceLock::get`/`get_or_init`, `Arc`, `&` and the
 * `let Some(rt) = … else` / `if let Some(rt) = …` guards.
 *
 * Used by no-block-on (is this `.block_on` receiver a tokio runtime?) and
 * no-shared-runtime (is this value the shared runtime?). The plain-data
 * `RuntimeAccessor` is what the project index can collect per file and hand
 * back to rules linting other files (ProjectIndex.runtimeAccessors).
 */
import { picomatch } from './glob';
import { parse, SyntaxNode } from './parser';
import { SourceFile, Range } from './source';
import { Resolver, patternBinds, segmentsOf } from './resolve';
import { aliasNames, callNamedAt, callsNamed, escapeRegExp, IDENT_CHAR, regexOf } from './calls';
import { attributesOf, isInTestCode } from './context';
import {
  THREAD_SPAWN,
  TOKIO_HANDLE,
  TOKIO_HANDLE_CURRENT,
  TOKIO_HANDLE_TRY_CURRENT,
  TOKIO_LOCAL_SET,
  TOKIO_LOCAL_SET_NEW,
  TOKIO_RUNTIME,
  TOKIO_RUNTIME_BUILDER_CTORS,
  TOKIO_RUNTIME_NEW,
} from './paths';

export type RuntimeKind = 'runtime' | 'handle' | 'localset' | 'builder';

/** What a value is, as far as runtimes go. */
export interface Shape {
  kind: RuntimeKind;
  /** Wrapper types around it, outermost first: `Option`, `Result`, `OnceLock`, `&`, `Arc`, … */
  layers: readonly string[];
  /** Canonical path of the shared-runtime static or accessor the value comes from. */
  origin: string | null;
}

/** A runtime-typed static or fn, as plain data (the project index can collect and share these). */
export interface RuntimeAccessor {
  /** Canonical path, e.g. `crate::runtime::shared_runtime`. */
  path: string;
  name: string;
  item: 'fn' | 'static';
  kind: RuntimeKind;
  /** Wrappers of what a reference yields: the fn's return type, or the static's type. */
  layers: string[];
  /**
   * Whether it shares a separately built runtime: a static holding a
   * runtime, or a fn that builds one or hands out such a static or fn.
   */
  shared: boolean;
  /** A fn taking `self`, called as a method. */
  method?: boolean;
}

/** A runtime-typed item of the file being linted. */
export interface RuntimeItem extends RuntimeAccessor {
  /** The `function_item` or `static_item`; for `lazy_static!`/`thread_local!` statics, the macro call. */
  node: SyntaxNode;
  nameRange: Range;
  /** Declared inside `lazy_static!` or `thread_local!`. */
  inMacro: boolean;
}

export interface Construction {
  /** The `Runtime::new()` call, or the `….build()` call of a builder chain. */
  range: Range;
  /** The call, or the macro call whose arguments hold it. */
  node: SyntaxNode;
  /** Where it sits is allowed (a bin's `fn main`, tests, the allow-list). */
  allowed: boolean;
}

/** Whether a construction or item sitting at `node` (inside the item named `name`, if any) is allowed. */
export type AllowedPlace = (node: SyntaxNode, name?: string) => boolean;

/** Wrappers seen through by auto-deref: a method of the runtime can be called through them. */
const TRANSPARENT = new Set(['&', 'Arc', 'Rc', 'Box', 'Lazy', 'LazyLock', 'LazyCell', 'ManuallyDrop', 'Guard']);
const WRAPPERS = new Set([
  ...TRANSPARENT,
  'Option', 'Result', 'OnceLock', 'OnceCell', 'OnceBox', 'Mutex', 'RwLock', 'LocalKey',
]);
const ONCE = new Set(['OnceLock', 'OnceCell', 'OnceBox']);
const KIND_OF_TYPE: Record<string, RuntimeKind> = {
  [TOKIO_RUNTIME]: 'runtime',
  [TOKIO_HANDLE]: 'handle',
  [TOKIO_LOCAL_SET]: 'localset',
};
/** Item-defining macros whose bodies are re-parsed to find runtime statics. */
const STATIC_MACROS = new Set(['lazy_static', 'thread_local']);
const QUICK = /\b(?:Runtime|Builder|Handle|LocalSet|runtime)\b/;

type Resolve = (node: SyntaxNode) => string | null;

/** Strips the wrappers auto-deref sees through. */
export function peel(layers: readonly string[]): readonly string[] {
  let i = 0;
  while (i < layers.length && TRANSPARENT.has(layers[i])) i++;
  return layers.slice(i);
}

/** Whether a shape is the runtime (handle, local set) itself, usable as a method receiver. */
export function isValue(shape: Shape | null | undefined): shape is Shape {
  return !!shape && peel(shape.layers).length === 0;
}

/** Whether taking `wrapper` (`Option` by `Some(x)`, `Result` by `Ok(x)`) off a shape leaves the runtime itself. */
export function unwrapsTo(shape: Shape, wrapper: string): boolean {
  const rest = peel(shape.layers);
  return rest[0] === wrapper && peel(rest.slice(1)).length === 0;
}

/** The shape of a type: `Option<&'static Runtime>` → runtime under `Option`, `&`. */
export function shapeOfType(type: SyntaxNode | null | undefined, resolve: Resolve, depth = 0): { kind: RuntimeKind; layers: string[] } | null {
  if (!type || depth > 16) return null;
  switch (type.type) {
    case 'reference_type': {
      const inner = shapeOfType(type.childForFieldName('type'), resolve, depth + 1);
      return inner && { kind: inner.kind, layers: ['&', ...inner.layers] };
    }
    case 'type_identifier':
    case 'scoped_type_identifier': {
      const kind = KIND_OF_TYPE[resolve(type) ?? ''];
      return kind ? { kind, layers: [] } : null;
    }
    case 'generic_type': {
      const base = type.childForFieldName('type');
      if (!base) return null;
      const name = base.type === 'scoped_type_identifier' ? base.childForFieldName('name')?.text : base.text;
      if (!name || !WRAPPERS.has(name)) return null;
      const args = (type.childForFieldName('type_arguments')?.namedChildren ?? []).filter(
        (a) => a.type !== 'lifetime' && !a.type.endsWith('comment'),
      );
      const inner = shapeOfType(args[0], resolve, depth + 1);
      return inner && { kind: inner.kind, layers: [name, ...inner.layers] };
    }
    default:
      return null;
  }
}

/** A shape after calling method `name` on it, or null when unknown. */
export function afterMethod(shape: Shape, name: string): Shape | null {
  const rest = peel(shape.layers);
  const head = rest[0];
  const tail = rest.slice(1);
  const to = (kind: RuntimeKind, layers: readonly string[]): Shape => ({ kind, layers, origin: shape.origin });
  if (shape.kind === 'builder' && rest.length === 0) {
    // Builder methods chain on `&mut Builder`; `build()` gives `io::Result<Runtime>`.
    return name === 'build' ? to('runtime', ['Result']) : to('builder', []);
  }
  switch (name) {
    case 'unwrap':
    case 'expect':
    case 'unwrap_unchecked':
      return head === 'Option' || head === 'Result' ? to(shape.kind, tail) : null;
    case 'ok':
      return head === 'Result' ? to(shape.kind, ['Option', ...tail]) : null;
    case 'flatten':
      return head === 'Option' && tail[0] === 'Option' ? to(shape.kind, tail) : null;
    case 'as_ref':
    case 'as_deref':
    case 'as_mut':
    case 'clone':
    case 'cloned':
    case 'borrow':
      return head === undefined || head === 'Option' ? to(shape.kind, rest) : null;
    case 'get':
      return head && ONCE.has(head) ? to(shape.kind, ['Option', ...tail]) : null;
    case 'join':
      return head === 'JoinHandle' ? to(shape.kind, ['Result', ...tail]) : null;
    case 'get_or_init':
    case 'force':
      return head && (ONCE.has(head) || head === 'Lazy') ? to(shape.kind, tail) : null;
    case 'get_or_try_init':
      return head && ONCE.has(head) ? to(shape.kind, ['Result', ...tail]) : null;
    case 'lock':
    case 'read':
    case 'write':
      return head === 'Mutex' || head === 'RwLock' ? to(shape.kind, ['Result', 'Guard', ...tail]) : null;
    case 'handle':
      return head === undefined && shape.kind === 'runtime' ? to('handle', ['&']) : null;
    default:
      return null;
  }
}

/** A local binding: the `let`, parameter or `if let`/`while let` condition that introduces a name. */
export interface Binding {
  node: SyntaxNode;
  kind: 'let' | 'param' | 'condition' | 'other';
}

/** The binding a name refers to at `at`, or null when it is not a local (an item, an import). */
export function findBinding(name: string, at: SyntaxNode): Binding | null {
  let child = at;
  for (let node = at.parent; node; child = node, node = node.parent) {
    switch (node.type) {
      case 'block': {
        let found: SyntaxNode | null = null;
        for (const stmt of node.namedChildren) {
          if (stmt.startIndex >= child.startIndex) break;
          if (stmt.type === 'let_declaration' && patternBinds(stmt.childForFieldName('pattern'), name)) found = stmt;
        }
        if (found) return { node: found, kind: 'let' };
        break;
      }
      case 'function_item':
        if (same(child, node.childForFieldName('body'))) return paramBinding(node.childForFieldName('parameters'), name);
        return null;
      case 'closure_expression':
        if (same(child, node.childForFieldName('body'))) {
          const b = paramBinding(node.childForFieldName('parameters'), name);
          if (b) return b;
        }
        break;
      case 'if_expression':
      case 'while_expression': {
        if (!same(child, node.childForFieldName('consequence')) && !same(child, node.childForFieldName('body'))) break;
        const cond = node.childForFieldName('condition');
        if (!cond) break;
        const lets = cond.type === 'let_condition' ? [cond] : cond.descendantsOfType('let_condition');
        for (let i = lets.length - 1; i >= 0; i--) {
          if (patternBinds(lets[i].childForFieldName('pattern'), name)) return { node: lets[i], kind: 'condition' };
        }
        break;
      }
      case 'for_expression':
        if (same(child, node.childForFieldName('body')) && patternBinds(node.childForFieldName('pattern'), name)) {
          return { node, kind: 'other' };
        }
        break;
      case 'match_arm':
        if (!same(child, node.childForFieldName('pattern')) && patternBinds(node.childForFieldName('pattern'), name)) {
          return { node, kind: 'other' };
        }
        break;
      case 'mod_item':
      case 'impl_item':
      case 'trait_item':
      case 'source_file':
        return null;
      default:
    }
  }
  return null;
}

function paramBinding(params: SyntaxNode | null, name: string): Binding | null {
  if (!params) return null;
  for (const p of params.namedChildren) {
    const pattern = p.type === 'parameter' ? p.childForFieldName('pattern') : p;
    if (p.type !== 'self_parameter' && patternBinds(pattern, name)) return { node: p, kind: 'param' };
  }
  return null;
}

const PATTERN_PARTS = new Set([
  'tuple_struct_pattern', 'tuple_pattern', 'struct_pattern', 'field_pattern', 'ref_pattern', 'mut_pattern',
  'or_pattern', 'slice_pattern', 'captured_pattern', 'reference_pattern',
]);

/** Whether an identifier is a name a pattern binds (`let RT = …`), not a reference. */
export function isPatternBinding(id: SyntaxNode): boolean {
  let n = id;
  while (n.parent && PATTERN_PARTS.has(n.parent.type)) {
    if (n.parent.type === 'tuple_struct_pattern' && same(n.parent.childForFieldName('type'), n)) return false;
    n = n.parent;
  }
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'closure_parameters' || p.type === 'match_pattern') return true;
  return ['let_declaration', 'let_condition', 'parameter', 'for_expression'].includes(p.type) && same(p.childForFieldName('pattern'), n);
}

export function same(a: SyntaxNode | null | undefined, b: SyntaxNode | null | undefined): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/**
 * The references to a binding: identifiers with its name in its scope that
 * resolve to it (identifiers in opaque macro arguments count, to be safe).
 */
export function referencesTo(binding: Binding, name: string): SyntaxNode[] {
  const decl = binding.node;
  let scope: SyntaxNode | null;
  let from = decl.endIndex;
  if (binding.kind === 'let') scope = decl.parent;
  else if (binding.kind === 'condition') {
    let n: SyntaxNode | null = decl.parent;
    while (n && n.type !== 'if_expression' && n.type !== 'while_expression') n = n.parent;
    scope = n ? n.childForFieldName('consequence') ?? n.childForFieldName('body') : null;
    from = scope?.startIndex ?? from;
  } else if (binding.kind === 'param') {
    scope = decl.parent?.parent?.childForFieldName('body') ?? null;
    from = scope?.startIndex ?? from;
  } else return [];
  if (!scope) return [];
  const out: SyntaxNode[] = [];
  for (const id of scope.descendantsOfType('identifier')) {
    if (id.startIndex < from || id.text !== name) continue;
    const p = id.parent;
    if (p && (p.type === 'scoped_identifier' || p.type === 'scoped_type_identifier') && same(p.childForFieldName('name'), id)) continue;
    if (p?.type === 'let_declaration' && same(p.childForFieldName('pattern'), id)) continue;
    const b = findBinding(name, id);
    if (b && same(b.node, decl)) out.push(id);
    else if (!b && p?.type === 'token_tree') out.push(id);
  }
  return out;
}

/** The canonical path an item (fn, static) defined at `node` is named by. */
export function itemPath(resolver: Resolver, node: SyntaxNode, name: string): string {
  if (node.parent?.type === 'block') return `{local}::${name}`;
  const owner = inherentImplType(node);
  return owner ? `${resolver.moduleOf(node)}::${owner}::${name}` : `${resolver.moduleOf(node)}::${name}`;
}

/** The type name of the inherent `impl` an item sits in directly; null elsewhere. */
function inherentImplType(node: SyntaxNode): string | null {
  const list = node.parent;
  const impl = list?.type === 'declaration_list' ? list.parent : null;
  if (!impl || impl.type !== 'impl_item') return null;
  const t = impl.childForFieldName('type');
  if (!t) return null;
  if (t.type === 'generic_type') return t.childForFieldName('type')?.text ?? null;
  if (t.type === 'scoped_type_identifier') return t.childForFieldName('name')?.text ?? null;
  return t.type === 'type_identifier' ? t.text : null;
}

function isTraitImplItem(node: SyntaxNode): boolean {
  const impl = node.parent?.type === 'declaration_list' ? node.parent.parent : null;
  return !!impl && ((impl.type === 'impl_item' && !!impl.childForFieldName('trait')) || impl.type === 'trait_item');
}

function lastSegment(node: SyntaxNode): string {
  if (node.type === 'scoped_identifier') return node.childForFieldName('name')?.text ?? '';
  return node.text;
}

/**
 * Runtime accessors of other files: the map, or how to get it when first
 * needed — every one, or (given `only`) at least those whose last path
 * segment is in it.
 */
export type ExternalAccessors =
  | ReadonlyMap<string, RuntimeAccessor>
  | ((only?: ReadonlySet<string>) => ReadonlyMap<string, RuntimeAccessor> | undefined);

/**
 * The runtime facts of one file. Collected on first need: a question that
 * only follows locals to a tokio constructor (`let rt = Runtime::new()…;
 * rt.block_on(..)`) never walks the file's items nor asks the project for the
 * accessors of other files.
 */
export class RuntimeFacts {
  private readonly itemsByPath = new Map<string, RuntimeItem | RuntimeAccessor>();
  private readonly found: Construction[] = [];
  private readonly shapes = new Map<string, Shape | null>();
  private readonly localItems: RuntimeItem[] = [];
  private collected = false;
  private externalMerged = false;
  /** Without `sharing`: the items looked up by path (localItemAt). */
  private readonly targeted = new Map<string, RuntimeItem | null>();
  /** Without `sharing`: the names other files' accessors were asked for. */
  private readonly askedNames = new Set<string>();

  /**
   * @param sharing whether to decide which items share a runtime (their
   * `shared` flags and the `origin` of shapes). Without it (what runtime a
   * value is, nothing more: no-block-on), the accessors of other files are
   * asked for only when a path names no item of this file.
   */
  constructor(
    readonly source: SourceFile,
    readonly resolver: Resolver,
    private readonly allowed: AllowedPlace = () => false,
    private readonly external?: ExternalAccessors,
    private readonly sharing = true,
  ) {}

  /** Runtime-typed fns and statics, of this file and (when the project knows them) of the crate, by path. */
  get items(): ReadonlyMap<string, RuntimeItem | RuntimeAccessor> {
    this.ensureCollected();
    return this.itemsByPath;
  }

  /** Where this file builds a runtime. */
  get constructions(): readonly Construction[] {
    this.ensureCollected();
    return this.found;
  }

  private ensureCollected(): void {
    if (this.collected) return;
    this.collected = true;
    if (this.sharing) this.mergeExternal();
    if (QUICK.test(this.source.text)) this.collect();
    // Shapes looked at before or while collecting may have missed items.
    this.shapes.clear();
  }

  /** The accessors of other files, under this file's own items of the same paths. */
  private mergeExternal(): void {
    if (this.externalMerged) return;
    this.externalMerged = true;
    this.takeExternal();
  }

  /** Other files' accessors (`only` those named so, or every one), under this file's items of the same paths. */
  private takeExternal(only?: ReadonlySet<string>): void {
    const external = typeof this.external === 'function' ? this.external(only) : this.external;
    if (external) for (const [p, a] of external) if (!this.itemsByPath.has(p)) this.itemsByPath.set(p, a);
  }

  /**
   * The item at a canonical path: this file's, else another file's (without
   * `sharing`, asked for then, by the path's last segment).
   */
  private itemOf(path: string): RuntimeItem | RuntimeAccessor | undefined {
    const item = this.localItemAt(path);
    if (item || this.externalMerged) return item;
    const name = path.slice(path.lastIndexOf(':') + 1);
    if (this.askedNames.has(name)) return undefined;
    this.askedNames.add(name);
    this.takeExternal(new Set([name]));
    return this.itemsByPath.get(path);
  }

  /** The runtime-typed items this file defines. */
  localRuntimeItems(): readonly RuntimeItem[] {
    this.ensureCollected();
    return this.localItems;
  }

  /** The items of this file that share a separately built runtime. */
  sharedItems(): RuntimeItem[] {
    return this.localRuntimeItems().filter((i) => i.shared);
  }

  /** Whether a node sits inside one of this file's shared items (their own code is not a use). */
  insideSharedItem(node: SyntaxNode): boolean {
    return this.sharedItemAround(node) !== null;
  }

  /** The innermost shared item of this file that holds `node`. */
  sharedItemAround(node: SyntaxNode): RuntimeItem | null {
    let best: RuntimeItem | null = null;
    for (const i of this.localRuntimeItems()) {
      if (!i.shared || node.startIndex < i.node.startIndex || node.endIndex > i.node.endIndex) continue;
      if (!best || i.node.startIndex >= best.node.startIndex) best = i;
    }
    return best;
  }

  /** The item a path expression (`RT`, `crate::rt::shared_runtime`) names, if runtime-typed. */
  itemAt(pathNode: SyntaxNode): RuntimeItem | RuntimeAccessor | null {
    if (pathNode.type !== 'identifier' && pathNode.type !== 'scoped_identifier') return null;
    if (pathNode.type === 'identifier' && (findBinding(pathNode.text, pathNode) || isPatternBinding(pathNode))) return null;
    const path = this.resolver.resolve(pathNode);
    if (!path) return null;
    const item = this.itemOf(path);
    if (item) return item;
    // `lazy_static!` statics are not items the resolver knows: a bare name stays bare.
    if (!path.includes('::')) {
      const local = this.items.get(`${this.resolver.moduleOf(pathNode)}::${path}`);
      if (local && 'inMacro' in local && local.inMacro) return local;
    }
    return null;
  }

  /** What runtime value an expression evaluates to, or null when it is none (or unknown). */
  shapeOf(expr: SyntaxNode | null | undefined, depth = 0): Shape | null {
    if (!expr || depth > 24) return null;
    const key = `${expr.startIndex}:${expr.endIndex}:${expr.type}`;
    if (this.shapes.has(key)) return this.shapes.get(key)!;
    this.shapes.set(key, null);
    const s = this.computeShape(expr, depth);
    this.shapes.set(key, s);
    return s;
  }

  private computeShape(expr: SyntaxNode, depth: number): Shape | null {
    switch (expr.type) {
      case 'parenthesized_expression':
      case 'reference_expression':
        return this.shapeOf(expr.namedChildren.find((c) => !c.type.endsWith('comment')) ?? null, depth + 1);
      case 'unary_expression':
        return expr.firstChild?.type === '*' ? this.shapeOf(expr.namedChildren[0], depth + 1) : null;
      case 'try_expression': {
        const inner = this.shapeOf(expr.namedChildren[0], depth + 1);
        return inner && afterMethod(inner, 'unwrap');
      }
      case 'call_expression':
        return this.callShape(expr, depth);
      case 'identifier': {
        const binding = findBinding(expr.text, expr);
        if (binding) return this.bindingShape(binding, expr.text, depth);
        return this.itemShape(this.itemAt(expr));
      }
      case 'scoped_identifier':
        return this.itemShape(this.itemAt(expr));
      case 'field_expression':
        return this.fieldShape(expr);
      default:
        return null;
    }
  }

  private itemShape(item: RuntimeAccessor | null): Shape | null {
    if (!item || item.item !== 'static') return null;
    return { kind: item.kind, layers: item.layers, origin: item.shared ? item.path : null };
  }

  private callShape(call: SyntaxNode, depth: number): Shape | null {
    let f = call.childForFieldName('function');
    if (f?.type === 'generic_function') f = f.childForFieldName('function');
    if (!f) return null;
    if (f.type === 'field_expression') {
      const method = f.childForFieldName('field')?.text;
      const recv = f.childForFieldName('value');
      if (!method || !recv) return null;
      if (recv.type === 'self') {
        // `self.runtime()`: a runtime-typed method of the impl we are in.
        const impl = enclosingImpl(call);
        const item = impl ? this.itemOf(`${this.resolver.moduleOf(impl.node)}::${impl.name}::${method}`) : undefined;
        return item && item.item === 'fn' ? { kind: item.kind, layers: item.layers, origin: item.shared ? item.path : null } : null;
      }
      const inner = this.shapeOf(recv, depth + 1);
      return inner && afterMethod(inner, method);
    }
    const path = this.resolver.resolve(f);
    if (!path) return null;
    const builtin = constructorShape(path);
    if (builtin) return { ...builtin, origin: null };
    if (path === THREAD_SPAWN) {
      // `std::thread::spawn(|| Runtime::new())`: a handle whose `join()` gives the runtime (seed pattern 4).
      const closure = argumentsOf(call)[0];
      const inner = closure?.type === 'closure_expression' ? this.shapeOf(tailOf(closure.childForFieldName('body')), depth + 1) : null;
      return inner && { ...inner, layers: ['JoinHandle', ...inner.layers] };
    }
    if (/(?:^|::)(?:Arc|Rc|Box)::new$/.test(path)) {
      const args = argumentsOf(call);
      return args.length === 1 ? this.shapeOf(args[0], depth + 1) : null;
    }
    const item = this.itemAt(f);
    if (!item || item.item !== 'fn' || item.method) return null;
    return { kind: item.kind, layers: item.layers, origin: item.shared ? item.path : null };
  }

  private bindingShape(binding: Binding, name: string, depth: number): Shape | null {
    const node = binding.node;
    const resolve = (n: SyntaxNode) => this.resolver.resolve(n);
    if (binding.kind === 'param') {
      const typed = node.type === 'parameter' ? shapeOfType(node.childForFieldName('type'), resolve) : null;
      if (typed) return { ...typed, origin: null };
      return this.closureParamShape(node, depth);
    }
    if (binding.kind !== 'let' && binding.kind !== 'condition') return null;
    const pattern = node.childForFieldName('pattern');
    const value = this.shapeOf(node.childForFieldName('value'), depth + 1);
    if (pattern?.type === 'identifier' && pattern.text === name) {
      const typed = shapeOfType(node.childForFieldName('type'), resolve);
      if (typed) return { ...typed, origin: value?.origin ?? null };
      return value;
    }
    // `Some(rt)` / `Ok(rt)` guards.
    const inner = pattern ? wrappedBinding(pattern) : null;
    if (!inner || inner.name !== name || !value) return null;
    const rest = peel(value.layers);
    return rest[0] === inner.wrapper ? { kind: value.kind, layers: rest.slice(1), origin: value.origin } : null;
  }

  /** `KEY.with(|rt| …)` on a `thread_local!` runtime: `rt` is `&Runtime`. */
  private closureParamShape(param: SyntaxNode, depth: number): Shape | null {
    const closure = param.parent?.parent;
    const args = closure?.parent;
    const call = args?.type === 'arguments' ? args.parent : null;
    const f = call?.childForFieldName('function');
    if (!closure || closure.type !== 'closure_expression' || f?.type !== 'field_expression') return null;
    if (f.childForFieldName('field')?.text !== 'with') return null;
    const key = this.shapeOf(f.childForFieldName('value'), depth + 1);
    const rest = key ? peel(key.layers) : [];
    if (!key || rest[0] !== 'LocalKey') return null;
    return { kind: key.kind, layers: ['&', ...rest.slice(1)], origin: key.origin };
  }

  /** `self.rt` where the impl's struct (in this file) has a runtime-typed field `rt`. */
  private fieldShape(expr: SyntaxNode): Shape | null {
    const value = expr.childForFieldName('value');
    const field = expr.childForFieldName('field')?.text;
    if (value?.type !== 'self' || !field) return null;
    const impl = enclosingImpl(expr);
    if (!impl) return null;
    for (const s of this.source.root.descendantsOfType('struct_item')) {
      if (s.childForFieldName('name')?.text !== impl.name) continue;
      for (const fd of s.descendantsOfType('field_declaration')) {
        if (fd.childForFieldName('name')?.text !== field) continue;
        const typed = shapeOfType(fd.childForFieldName('type'), (n) => this.resolver.resolve(n));
        return typed && { ...typed, origin: null };
      }
    }
    return null;
  }

  private collect(): void {
    const root = this.source.root;
    const text = root.text;
    // Constructions in code, found by name: calls named `build` (or a `use … as` name), and
    // `Runtime::new` with `Runtime` as written or renamed (not every `…::new` of the file).
    const aliases = [...aliasNames(text)].map(escapeRegExp);
    const calls = callsNamed(root, text, BUILD).map((c) => c.call);
    const runtimeNames = ['Runtime', ...aliases].join('|');
    for (const m of text.matchAll(regexOf(`(?<![${IDENT_CHAR}])(?:${runtimeNames})\\s*::\\s*(new)(?![${IDENT_CHAR}])`, 'dg'))) {
      const call = callNamedAt(root, m.indices![1][0], 3);
      if (call) calls.push(call);
    }
    calls.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    for (const call of calls) {
      if (this.isConstruction(call)) {
        this.found.push({ range: { start: call.startIndex, end: call.endIndex }, node: call, allowed: this.allowed(call) });
      }
    }
    // Runtime-typed fns and statics: the fns and statics whose signature spells a runtime type's
    // name (or an alias), and the statics whose value builds a runtime.
    const candidates = new Map<number, SyntaxNode>();
    const typeWords = regexOf(`\\b(?:${['Runtime', 'Handle', 'LocalSet', 'Builder', ...aliases].join('|')})\\b`, 'g');
    for (const m of text.matchAll(typeWords)) {
      // A signature's type follows `->` or `static` with no brace between (braces open bodies and values).
      const from = Math.max(text.lastIndexOf('{', m.index!), text.lastIndexOf('}', m.index!)) + 1;
      if (!SIGNATURE_START.test(text.slice(from, m.index!))) continue;
      const item = signatureItemAt(root.descendantForIndex(m.index!, m.index! + m[0].length));
      if (item) candidates.set(item.startIndex, item);
    }
    for (const c of this.found) {
      for (let n = c.node.parent; n; n = n.parent) {
        if (n.type === 'static_item') candidates.set(n.startIndex, n);
        if (n.type === 'static_item' || n.type === 'function_item' || n.type === 'source_file') break;
      }
    }
    for (const node of [...candidates.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n)) {
      const item = this.itemFrom(node, (value) => this.buildsIn(value));
      if (item) this.addItem(item);
    }
    // `lazy_static!` / `thread_local!` bodies.
    const staticMacros = /\b(?:lazy_static|thread_local)\b/.test(text) ? root.descendantsOfType('macro_invocation') : [];
    for (const inv of staticMacros) {
      const macro = inv.childForFieldName('macro');
      if (macro && STATIC_MACROS.has(lastSegment(macro))) this.collectMacroStatics(inv, lastSegment(macro));
    }
    if (this.sharing) this.markShared();
  }

  /** The runtime item a fn or static node defines, if it is one (`builds`: whether a static's value builds a runtime). */
  private itemFrom(node: SyntaxNode, builds: (value: SyntaxNode | null) => boolean): RuntimeItem | null {
    if (isTraitImplItem(node)) return null;
    const nameNode = node.childForFieldName('name');
    if (!nameNode) return null;
    const name = nameNode.text;
    const isFn = node.type === 'function_item';
    const typed = shapeOfType(node.childForFieldName(isFn ? 'return_type' : 'type'), (n) => this.resolver.resolve(n));
    const built = !isFn && builds(node.childForFieldName('value'));
    if ((!typed && !built) || typed?.kind === 'builder') return null;
    const params = isFn ? node.childForFieldName('parameters') : null;
    return {
      path: itemPath(this.resolver, node, name),
      name,
      item: isFn ? 'fn' : 'static',
      kind: typed?.kind ?? 'runtime',
      layers: typed?.layers ?? ['?'],
      shared: false,
      method: !!params?.namedChildren.some((p) => p.type === 'self_parameter'),
      node,
      nameRange: { start: nameNode.startIndex, end: nameNode.endIndex },
      inMacro: false,
    };
  }

  /**
   * Without `sharing`: this file's item at a canonical path, found from the
   * fns and statics of its last segment's name (not by collecting every
   * item of the file). Files with `lazy_static!`/`thread_local!` statics
   * are collected whole.
   */
  private localItemAt(path: string): RuntimeItem | RuntimeAccessor | undefined {
    if (this.sharing || STATIC_MACRO_WORDS.test(this.source.text)) return this.items.get(path);
    if (this.targeted.has(path)) return this.targeted.get(path) ?? undefined;
    const root = this.source.root;
    const name = path.slice(path.lastIndexOf(':') + 1);
    let found: RuntimeItem | null = null;
    // Asked again while finding it (a static whose value names itself): not found.
    this.targeted.set(path, null);
    const re = regexOf(`\\b(?:fn|static(?:\\s+(?:ref|mut))?)\\s+((?:r#)?${escapeRegExp(name)})(?![${IDENT_CHAR}])`, 'dg');
    // A static's value builds a runtime: its calls looked at here (the file's constructions are not collected).
    const builds = (value: SyntaxNode | null) =>
      !!value && [value, ...value.descendantsOfType('call_expression')].some((c) => c.type === 'call_expression' && this.isConstruction(c));
    for (const m of root.text.matchAll(re)) {
      const [start, end] = m.indices![1];
      const id = root.descendantForIndex(start, end);
      const item = id.parent;
      if (!item || (item.type !== 'function_item' && item.type !== 'static_item') || item.childForFieldName('name')?.startIndex !== start) continue;
      const made = this.itemFrom(item, builds);
      if (made && made.path === path) found = made;
    }
    this.targeted.set(path, found);
    return found ?? undefined;
  }

  private addItem(item: RuntimeItem): void {
    this.localItems.push(item);
    this.itemsByPath.set(item.path, item);
  }

  /** Whether a call builds a runtime: `Runtime::new()` or `….build()` on a tokio runtime builder. */
  isConstruction(call: SyntaxNode): boolean {
    const f = call.childForFieldName('function');
    if (!f) return false;
    if (f.type === 'field_expression') {
      if (f.childForFieldName('field')?.text !== 'build') return false;
      const recv = this.shapeOf(f.childForFieldName('value'));
      return !!recv && recv.kind === 'builder' && recv.layers.length === 0;
    }
    if (f.type !== 'scoped_identifier' && f.type !== 'identifier') return false;
    // A path keeps its last segment through resolution: only `…::new` can be `Runtime::new`, and
    // only when what it is called on is spelled `Runtime` (or is a `use … as` name). Cheap checks first.
    if (!this.resolver.mayEndIn(f, NEW)) return false;
    if (f.type === 'scoped_identifier' && !this.resolver.mayEndIn(f.childForFieldName('path'), RUNTIME_NAME)) return false;
    return this.resolver.resolve(f) === TOKIO_RUNTIME_NEW;
  }

  private buildsIn(node: SyntaxNode | null): boolean {
    return !!node && this.constructionsIn(node).length > 0;
  }

  private constructionsIn(node: SyntaxNode): Construction[] {
    return this.found.filter((c) => c.range.start >= node.startIndex && c.range.end <= node.endIndex);
  }

  /**
   * `lazy_static! { static ref RT: Runtime = …; }` and `thread_local!`: the
   * body is re-parsed as items (offsets shifted back), names resolved in the
   * macro call's scope.
   */
  private collectMacroStatics(inv: SyntaxNode, macro: string): void {
    const tt = inv.namedChildren.find((c) => c.type === 'token_tree');
    if (!tt || tt.childCount < 2) return;
    const start = tt.startIndex + 1;
    let body = this.source.text.slice(start, tt.endIndex - 1);
    // `static ref NAME` → `static     NAME` (same length).
    body = body.replace(/\bstatic(\s+)ref\b/g, (_m, ws: string) => `static${ws}   `);
    if (!QUICK.test(body)) return;
    const tree = parse(body);
    const resolve: Resolve = (n) => {
      const w = segmentsOf(n);
      return w ? this.resolver.resolveSegments(w.segments, w.absolute, inv) : null;
    };
    for (const s of tree.rootNode.namedChildren) {
      if (s.type !== 'static_item') continue;
      const nameNode = s.childForFieldName('name');
      if (!nameNode) continue;
      const name = nameNode.text;
      const value = s.childForFieldName('value');
      let builds = false;
      for (const call of value ? [value, ...value.descendantsOfType('call_expression')] : []) {
        if (call.type !== 'call_expression' || !isConstructionChain(call, resolve)) continue;
        builds = true;
        this.found.push({
          range: { start: start + call.startIndex, end: start + call.endIndex },
          node: inv,
          allowed: this.allowed(inv, name),
        });
      }
      const typed = shapeOfType(s.childForFieldName('type'), resolve);
      if ((!typed || typed.kind === 'builder') && !builds) continue;
      const wrapper = macro === 'thread_local' ? 'LocalKey' : 'Lazy';
      this.addItem({
        path: `${this.resolver.moduleOf(inv)}::${name}`,
        name,
        item: 'static',
        kind: typed?.kind ?? 'runtime',
        layers: typed ? [wrapper, ...typed.layers] : ['?'],
        shared: false,
        node: inv,
        nameRange: { start: start + nameNode.startIndex, end: start + nameNode.endIndex },
        inMacro: true,
      });
    }
  }

  /** Marks the items that share a runtime: statics holding one, fns building or handing one out. */
  private markShared(): void {
    for (const item of this.localItems) {
      if (item.item !== 'static' || this.allowed(item.node, item.name)) continue;
      const builds = this.constructionsIn(item.node).some((c) => !c.allowed);
      item.shared = item.kind === 'runtime' || builds;
    }
    // Fns (and handle statics) that build a runtime or hand out a shared one.
    const candidates = this.localItems.filter(
      (i) => !i.shared && (i.kind === 'runtime' || i.kind === 'handle') && !this.allowed(i.node, i.name),
    );
    for (let changed = true; changed; ) {
      changed = false;
      for (const item of candidates) {
        if (item.shared) continue;
        const body = item.item === 'fn' ? item.node.childForFieldName('body') : item.inMacro ? item.node : item.node.childForFieldName('value');
        if (!body) continue;
        if (this.constructionsIn(body).some((c) => !c.allowed) || this.refersToShared(body, item)) {
          item.shared = true;
          changed = true;
        }
      }
    }
  }

  private refersToShared(body: SyntaxNode, self: RuntimeAccessor): boolean {
    const names = new Set([...this.items.values()].filter((i) => i.shared && i !== self).map((i) => i.name));
    if (names.size === 0) return false;
    for (const id of body.descendantsOfType('identifier')) {
      if (!names.has(id.text)) continue;
      const p = id.parent;
      const pathNode = p?.type === 'scoped_identifier' && same(p.childForFieldName('name'), id) ? p : id;
      const item = this.itemAt(pathNode);
      if (item?.shared && item !== self) return true;
    }
    return false;
  }
}

/** The last segments of the calls that build a runtime: `Runtime::new`, `Builder::build`. */
const BUILD: ReadonlySet<string> = new Set(['build']);
const NEW: ReadonlySet<string> = new Set(['new']);
const RUNTIME_NAME: ReadonlySet<string> = new Set(['Runtime']);
const SIGNATURE_START = /->|\bstatic\b/;
const STATIC_MACRO_WORDS = /\b(?:lazy_static|thread_local)\b/;

/**
 * The fn or static whose signature holds `node` (a fn's return type, a
 * static's type); null when `node` sits in a body or elsewhere.
 */
function signatureItemAt(node: SyntaxNode): SyntaxNode | null {
  let child = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    if (n.type === 'function_item' || n.type === 'static_item') {
      const sig = n.childForFieldName(n.type === 'function_item' ? 'return_type' : 'type');
      return sig && sig.startIndex <= child.startIndex && child.endIndex <= sig.endIndex ? n : null;
    }
    if (n.type === 'block' || n.type === 'declaration_list' || n.type === 'source_file' || n.type === 'token_tree') return null;
  }
  return null;
}

/** The shape of a tokio constructor call by its canonical path. */
function constructorShape(path: string): { kind: RuntimeKind; layers: string[] } | null {
  if (path === TOKIO_RUNTIME_NEW) return { kind: 'runtime', layers: ['Result'] };
  if (TOKIO_RUNTIME_BUILDER_CTORS.includes(path)) return { kind: 'builder', layers: [] };
  if (path === TOKIO_HANDLE_CURRENT) return { kind: 'handle', layers: [] };
  if (path === TOKIO_HANDLE_TRY_CURRENT) return { kind: 'handle', layers: ['Result'] };
  if (path === TOKIO_LOCAL_SET_NEW) return { kind: 'localset', layers: [] };
  return null;
}

/** A construction found without locals: `Runtime::new()`, or `.build()` on a chain from `Builder::new_*()`. */
function isConstructionChain(call: SyntaxNode, resolve: Resolve): boolean {
  const f = call.childForFieldName('function');
  if (!f) return false;
  if (f.type === 'scoped_identifier') return resolve(f) === TOKIO_RUNTIME_NEW;
  if (f.type !== 'field_expression' || f.childForFieldName('field')?.text !== 'build') return false;
  let n = f.childForFieldName('value');
  while (n?.type === 'call_expression') {
    const g = n.childForFieldName('function');
    if (g?.type === 'field_expression') n = g.childForFieldName('value');
    else return !!g && TOKIO_RUNTIME_BUILDER_CTORS.includes(resolve(g) ?? '');
  }
  return false;
}

/** The method call `expr.m(..)` that `expr` is the receiver of. */
export function methodCallOn(expr: SyntaxNode): { call: SyntaxNode; method: string } | null {
  const f = expr.parent;
  if (f?.type !== 'field_expression' || !same(f.childForFieldName('value'), expr)) return null;
  const call = f.parent;
  const method = f.childForFieldName('field')?.text;
  if (call?.type !== 'call_expression' || !same(call.childForFieldName('function'), f) || !method) return null;
  return { call, method };
}

/** The value expression of a body: the expression itself, or a block's tail expression. */
function tailOf(body: SyntaxNode | null): SyntaxNode | null {
  if (!body || body.type !== 'block') return body;
  const last = body.namedChildren.filter((c) => !c.type.endsWith('comment')).pop();
  return last && !last.type.endsWith('statement') && last.type !== 'let_declaration' ? last : null;
}

/** The arguments of a call, without comments. */
export function argumentsOf(call: SyntaxNode): SyntaxNode[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => !a.type.endsWith('comment') && a.type !== 'attribute_item');
}

/** `Some(rt)` / `Ok(rt)`: the wrapper the pattern strips and the name it binds. */
export function wrappedBinding(pattern: SyntaxNode): { wrapper: 'Option' | 'Result'; name: string } | null {
  if (pattern.type !== 'tuple_struct_pattern') return null;
  const t = pattern.childForFieldName('type')?.text;
  const inner = pattern.namedChildren.filter((c) => !same(c, pattern.childForFieldName('type')) && !c.type.endsWith('comment'));
  if (inner.length !== 1 || inner[0].type !== 'identifier') return null;
  if (t === 'Some') return { wrapper: 'Option', name: inner[0].text };
  if (t === 'Ok') return { wrapper: 'Result', name: inner[0].text };
  return null;
}

function enclosingImpl(node: SyntaxNode): { node: SyntaxNode; name: string } | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_item') {
      const name = inherentImplType(n);
      return name ? { node: n, name } : null;
    }
  }
  return null;
}

/** Text that suggests a `!Send` value: `Rc`, `RefCell`, `Cell`, a std lock guard, a `RefCell` borrow. */
const NON_SEND =
  /\bRc\s*(?:::|<)|\b(?:RefCell|Cell|MutexGuard|RwLockReadGuard|RwLockWriteGuard|RefMut)\b|\.(?:lock|read|write|try_lock|try_read|try_write)\(\s*\)(?!\s*\.await)|\.borrow(?:_mut)?\(\s*\)/;

/**
 * Whether turning `call` into `fut.await` may make the enclosing future
 * `!Send` (so `tokio::spawn` would refuse it): the future itself, or a
 * local or parameter alive at the call, looks `!Send`.
 */
export function mayBreakSend(source: SourceFile, call: SyntaxNode, future: SyntaxNode, owner: SyntaxNode | null): boolean {
  if (NON_SEND.test(source.getText(future))) return true;
  let child = call;
  for (let n = call.parent; n; child = n, n = n.parent) {
    if (n.type === 'block') {
      for (const stmt of n.namedChildren) {
        if (stmt.startIndex >= child.startIndex) break;
        if (stmt.type === 'let_declaration' && NON_SEND.test(source.getText(stmt))) return true;
      }
    }
    if (owner && same(n, owner)) {
      const params = n.childForFieldName('parameters');
      return !!params && NON_SEND.test(source.getText(params));
    }
  }
  return false;
}

/**
 * Where building and using a runtime is fine: a bin's `fn main`, test code
 * (`#[cfg(test)]`, `#[test]`, `tests/` and `benches/` files), and the
 * `allowIn` entries of no-shared-runtime — fn or static names (`build`,
 * `Client::new`, `crate::rt::build`) and file globs (an entry with `/`, `*`,
 * `?`, `[`, `{`, or ending in `.rs`; relative globs match anywhere).
 */
export function allowedPlace(source: SourceFile, resolver: Resolver, allowIn: readonly string[] = []): AllowedPlace {
  const globs = allowIn.filter((e) => /[/*?[{]|\.rs$/.test(e));
  const names = new Set(allowIn.filter((e) => !globs.includes(e)));
  const file = source.filePath.replace(/\\/g, '/');
  const fileAllowed =
    isTestFile(file) || globs.some((g) => picomatch()(g.startsWith('/') || g.startsWith('**') ? g : `**/${g}`, { dot: true })(file));
  const named = (item: SyntaxNode, name: string): boolean => {
    if (names.has(name)) return true;
    const module = resolver.moduleOf(item);
    const path = itemPath(resolver, item, name);
    return names.has(path) || (path.startsWith(`${module}::`) && names.has(path.slice(module.length + 2)));
  };
  return (node, ownName) => {
    if (fileAllowed || isInTestCode(node)) return true;
    if (ownName && names.has(ownName)) return true;
    for (let n: SyntaxNode | null = node; n; n = n.parent) {
      if (n.type === 'function_item') {
        if (isMainFn(n)) return true;
        const name = n.childForFieldName('name')?.text;
        if (name && names.size && named(n, name)) return true;
      } else if (n.type === 'static_item' || n.type === 'const_item' || n.type === 'macro_invocation') {
        const name = n.childForFieldName('name')?.text;
        if (name && names.size && named(n, name)) return true;
        if (attributesOf(n).some((a) => /^#\s*\[\s*cfg\s*\(\s*test\s*\)/.test(a.text))) return true;
      }
    }
    return false;
  };
}

/**
 * Whether a file's code may build or hold a runtime of its own: a
 * `Runtime::new`, `build` on a `Builder`, either renamed by `use … as`, or a
 * static next to the word `Runtime`. A file that does none of these shares
 * no runtime except one another file builds.
 */
export function mayShareRuntime(code: string): boolean {
  if (/\bRuntime\s*::\s*new\b|\b(?:Runtime|Builder)\s+as\b/.test(code)) return true;
  if (/\bbuild\b/.test(code) && /\bBuilder\b/.test(code)) return true;
  return /\bstatic\b/.test(code) && /\bRuntime\b/.test(code);
}

/** The runtime-typed statics and fns a file defines, as plain data (what the project index collects). */
export function runtimeAccessorsOf(source: SourceFile, resolver: Resolver, allowIn: readonly string[] = []): RuntimeAccessor[] {
  const facts = new RuntimeFacts(source, resolver, allowedPlace(source, resolver, allowIn));
  return facts.localRuntimeItems().map(({ path, name, item, kind, layers, shared, method }) => ({ path, name, item, kind, layers: [...layers], shared, method }));
}

/** Whether a file is an integration test or bench: under `tests/` or `benches/` (at most one directory down). */
export function isTestFile(filePath: string): boolean {
  const parts = filePath.split(/[\\/]/);
  const n = parts.length;
  return [n - 2, n - 3].some((i) => i >= 0 && (parts[i] === 'tests' || parts[i] === 'benches') && !parts.slice(i + 1).includes('src'));
}

/** The attributes of an item include `#[deprecated…]`. */
export function isDeprecated(item: SyntaxNode): boolean {
  return attributesOf(item).some((a) => /^#\s*\[\s*deprecated\b/.test(a.text));
}

/** A top-level sync `fn main` (a bin's entry point; the place to build the one runtime). */
export function isMainFn(fn: SyntaxNode): boolean {
  if (fn.type !== 'function_item' || fn.childForFieldName('name')?.text !== 'main') return false;
  if (fn.parent?.type !== 'source_file') return false;
  return !fn.namedChildren.some((c) => c.type === 'function_modifiers' && /\basync\b/.test(c.text));
}
