/**
 * Phase 1 of the project index: what one file contributes to whole-project
 * analysis. A summary is plain data (it can be cached or sent between
 * threads): the fns of the file with their async-ness and the calls they
 * make, and the module-level imports other files may reach through.
 *
 * One native pass per file over the node types that matter (fns, body
 * owners, modules, impls, calls — not every token, as a JS walk would visit),
 * in document order, with a stack of the enclosing fns, body owners,
 * modules and impls: no parent walks per call.
 */
import { SyntaxNode } from '../parser';
import { SourceFile } from '../source';
import { Resolver, segmentsOf } from '../resolve';
import { isAsyncOwner } from '../context';
import { RuntimeAccessor, runtimeAccessorsOf } from '../runtimes';

export interface CallRef {
  /** Canonical path of a path call (`crate::a::f`), else null. */
  path: string | null;
  /** Method name of a method call (`x.f()`), else null. */
  method: string | null;
  /** Whether the call site runs in async context. */
  async: boolean;
  /** A method call whose result is `.await`ed: an async method, never a sync fn. */
  awaited?: boolean;
}

export interface FnFacts {
  /** Canonical path within its crate: `crate::a::f` or `crate::a::Type::f`. */
  key: string;
  name: string;
  async: boolean;
  /** Whether the fn is a method (in an impl or trait). */
  method: boolean;
  line: number;
  calls: CallRef[];
}

export interface FileSummary {
  filePath: string;
  module: string;
  fns: FnFacts[];
  /** Calls outside any fn (statics, consts). */
  looseCalls: CallRef[];
  /** Module-level imports: `crate::m::name` → canonical target. */
  aliases: [string, string][];
  hasTokioMain: boolean;
  /** Runtime-typed statics and accessor fns defined here (no-shared-runtime). */
  runtimeAccessors: RuntimeAccessor[];
  /** Canonical paths of UPPER_CASE statics whose methods are called here (`RT.spawn(..)`). */
  staticRefs: string[];
}

/** A `#[tokio::main]` attribute at the start of a line (not one a comment mentions). */
export const TOKIO_MAIN = /^[ \t]*#[ \t]*\[[ \t]*(?:::)?tokio[ \t]*::[ \t]*main\b/m;
/** A closure passed to one of these runs on another thread, not in the caller. */
const THREAD_RUNNERS = /(?:^|::|\.)(?:spawn|spawn_blocking|spawn_unchecked|scope)$/;
/** Subtrees that hold no fn and no call worth indexing (comments, strings and token trees hold no nodes the walk asks for). */
const SKIP = ['use_declaration', 'attribute_item', 'inner_attribute_item', 'macro_definition'];
const VISITED = [
  'function_item', 'closure_expression', 'async_block', 'const_item', 'static_item', 'mod_item', 'impl_item',
  'trait_item', 'call_expression',
];
/** What the summary walk visits: the types above, and awaits (whose calls are awaited). */
const WALKED = [...VISITED, ...SKIP, 'await_expression'];
const SKIPPED = new Set(SKIP);

type Frame =
  | { kind: 'fn'; end: number; facts: FnFacts; async: boolean }
  | { kind: 'owner'; end: number; async: boolean; thread: boolean }
  | { kind: 'mod'; end: number; module: string; scope: SyntaxNode }
  | { kind: 'impl'; end: number; typeName: string | null };

export function summarize(source: SourceFile, resolver: Resolver): FileSummary {
  const fns: FnFacts[] = [];
  const looseCalls: CallRef[] = [];
  const staticRefs: string[] = [];
  const stack: Frame[] = [];
  const root = source.root;
  let module = resolver.fileModule;
  let scope: SyntaxNode = root;
  let fn: (Frame & { kind: 'fn' }) | null = null;
  let owner: { async: boolean; thread: boolean } | null = null;
  let typeName: string | null = null;

  const refresh = () => {
    module = resolver.fileModule;
    scope = root;
    fn = null;
    owner = null;
    typeName = null;
    for (const f of stack) {
      if (f.kind === 'mod') {
        module = f.module;
        scope = f.scope;
        typeName = null;
        fn = null;
        owner = null;
      } else if (f.kind === 'fn') {
        fn = f;
        owner = { async: f.async, thread: false };
      } else if (f.kind === 'owner') owner = f;
      else typeName = f.typeName;
    }
  };

  // One native walk over the node types that matter, in a walk's order (an outer node before the
  // inner ones that start with it): faster than a query's captures, and nothing to compile.
  const awaited = new Set<number>();
  const nodes: { type: string; node: SyntaxNode; start: number; end: number }[] = [];
  const modBodies: SyntaxNode[] = [];
  for (const node of root.descendantsOfType(WALKED)) {
    const type = node.type;
    if (type === 'await_expression') {
      // `f(..).await`: the awaited call is the expression's one named child.
      const inner = node.firstNamedChild;
      if (inner?.type === 'call_expression') awaited.add(inner.id);
    } else nodes.push({ type, node, start: node.startIndex, end: node.endIndex });
  }
  nodes.sort((x, y) => x.start - y.start || y.end - x.end);
  let skipUntil = -1;
  for (const { type, node, start, end } of nodes) {
    if (start < skipUntil) continue;
    let popped = false;
    while (stack.length && stack[stack.length - 1].end <= start) {
      stack.pop();
      popped = true;
    }
    if (popped) refresh();
    if (SKIPPED.has(type)) {
      skipUntil = end;
      continue;
    }
    switch (type) {
      case 'function_item': {
        const name = node.childForFieldName('name')?.text;
        if (!name) break;
        const facts: FnFacts = {
          key: typeName ? `${module}::${typeName}::${name}` : `${module}::${name}`,
          name,
          async: isAsyncOwner(node),
          method: typeName !== null,
          line: node.startPosition.row + 1,
          calls: [],
        };
        fns.push(facts);
        stack.push({ kind: 'fn', end, facts, async: facts.async });
        refresh();
        break;
      }
      case 'closure_expression':
      case 'async_block':
      case 'const_item':
      case 'static_item': {
        const async = isAsyncOwner(node);
        let thread = false;
        // A closure passed as an argument: to a thread runner, it runs on another thread.
        const args = type === 'closure_expression' && !async ? node.parent : null;
        if (args?.type === 'arguments') {
          const runner = args.parent?.childForFieldName('function');
          thread = !!runner && THREAD_RUNNERS.test(source.getText(runner));
        }
        stack.push({ kind: 'owner', end, async, thread });
        refresh();
        break;
      }
      case 'mod_item': {
        const body = node.childForFieldName('body');
        const name = node.childForFieldName('name')?.text;
        if (!body || !name) break;
        modBodies.push(body);
        stack.push({ kind: 'mod', end, module: `${module}::${name}`, scope: body });
        refresh();
        break;
      }
      case 'impl_item':
      case 'trait_item': {
        stack.push({ kind: 'impl', end, typeName: typeNameOf(node) });
        refresh();
        break;
      }
      case 'call_expression': {
        const o = owner as { async: boolean; thread: boolean } | null;
        if (o?.thread) break;
        const staticRef = staticReceiver(resolver, node, scope, module);
        if (staticRef) staticRefs.push(staticRef);
        const ref = callRef(source, resolver, node, o?.async ?? false, scope, module, typeName, awaited.has(node.id));
        if (!ref) break;
        const f = fn as (Frame & { kind: 'fn' }) | null;
        if (f) f.facts.calls.push(ref);
        else looseCalls.push(ref);
        break;
      }
      default:
    }
  }
  return {
    filePath: source.filePath,
    module: resolver.fileModule,
    fns,
    looseCalls,
    aliases: moduleAliases(source, resolver, modBodies),
    hasTokioMain: TOKIO_MAIN.test(source.text),
    runtimeAccessors: runtimeAccessorsOf(source, resolver),
    staticRefs,
  };
}

/** `RT.spawn(..)`, `crate::rt::RT.block_on(..)`: the static whose method is called. */
function staticReceiver(resolver: Resolver, call: SyntaxNode, scope: SyntaxNode, module: string): string | null {
  const f = call.childForFieldName('function');
  if (f?.type !== 'field_expression') return null;
  const value = f.childForFieldName('value');
  if (!value || (value.type !== 'identifier' && value.type !== 'scoped_identifier')) return null;
  const written = segmentsOf(value);
  if (!written || !/^[A-Z][A-Z0-9_]*$/.test(written.segments[written.segments.length - 1])) return null;
  return resolver.resolveInModule(written.segments, written.absolute, scope, module);
}

function callRef(
  source: SourceFile,
  resolver: Resolver,
  call: SyntaxNode,
  async: boolean,
  scope: SyntaxNode,
  module: string,
  typeName: string | null,
  awaited: boolean,
): CallRef | null {
  let f = call.childForFieldName('function');
  if (f?.type === 'generic_function') f = f.childForFieldName('function');
  if (!f) return null;
  // A lowered macro (`join!(a, b)` reads as `join (a, b)`) calls no fn.
  if (source.text.charCodeAt(f.endIndex) === 33 /* ! */) return null;
  if (f.type === 'field_expression') {
    const field = f.childForFieldName('field');
    if (!field) return null;
    const method = source.getText(field);
    // `self.m()` in an impl: that type's method.
    if (typeName && f.childForFieldName('value')?.type === 'self') return { path: `${module}::${typeName}::${method}`, method, async };
    return awaited ? { path: null, method, async, awaited: true } : { path: null, method, async };
  }
  const written = segmentsOf(f);
  if (!written) return null;
  const segs = written.segments;
  if (segs[0] === 'Self' && typeName && segs.length === 2) return { path: `${module}::${typeName}::${segs[1]}`, method: null, async };
  const path = resolver.resolveInModule(segs, written.absolute, scope, module);
  return path === null ? null : { path, method: null, async };
}

function typeNameOf(owner: SyntaxNode): string | null {
  const t = owner.type === 'trait_item' ? owner.childForFieldName('name') : owner.childForFieldName('type');
  if (!t) return null;
  if (t.type === 'generic_type') return t.childForFieldName('type')?.text ?? null;
  if (t.type === 'scoped_type_identifier') return t.childForFieldName('name')?.text ?? null;
  return t.text;
}

/** Whether a fn node is an associated fn (of an impl or a trait), which `x.name()` may call: else only paths can. */
export function isAssociated(fn: SyntaxNode): boolean {
  return implOrTrait(fn) !== null;
}

function implOrTrait(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'impl_item' || n.type === 'trait_item') return n;
    if (n.type === 'function_item' || n.type === 'mod_item') return null;
  }
  return null;
}

/** The index key of a fn node (the same key the walk above gives it). */
export function fnKey(resolver: Resolver, fn: SyntaxNode, name: string): string {
  const owner = implOrTrait(fn);
  const typeName = owner ? typeNameOf(owner) : null;
  const mod = resolver.moduleOf(fn);
  return typeName ? `${mod}::${typeName}::${name}` : `${mod}::${name}`;
}

/** The imports of the file's module and of its inline modules (`modBodies`: their bodies). */
function moduleAliases(source: SourceFile, resolver: Resolver, modBodies: SyntaxNode[]): [string, string][] {
  const out: [string, string][] = [];
  const scopes = [source.root, ...modBodies];
  for (const scope of scopes) {
    const mod = scope.type === 'source_file' ? resolver.fileModule : resolver.moduleOf(scope.firstNamedChild ?? scope);
    for (const [name, target] of resolver.importsOf(scope)) out.push([`${mod}::${name}`, target]);
  }
  return out;
}
