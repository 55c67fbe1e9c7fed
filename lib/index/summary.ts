/**
 * Phase 1 of the project index: what one file contributes to whole-project
 * analysis. A summary is plain data (it can be cached or sent between
 * threads): the fns of the file with their async-ness and the calls they
 * make, and the module-level imports other files may reach through.
 *
 * One TreeCursor walk per file, with a stack of the enclosing fns, body
 * owners, modules and impls: no parent walks per call.
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
/** Subtrees that hold no fn and no call worth indexing. */
const SKIP = new Set([
  'use_declaration', 'attribute_item', 'inner_attribute_item', 'macro_definition', 'token_tree',
  'line_comment', 'block_comment', 'string_literal', 'raw_string_literal', 'char_literal',
]);

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

  const cursor = root.walk();
  for (;;) {
    const start = cursor.startIndex;
    let popped = false;
    while (stack.length && stack[stack.length - 1].end <= start) {
      stack.pop();
      popped = true;
    }
    if (popped) refresh();
    const type = cursor.nodeType;
    let descend = !SKIP.has(type);
    switch (type) {
      case 'function_item': {
        const node = cursor.currentNode;
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
        stack.push({ kind: 'fn', end: node.endIndex, facts, async: facts.async });
        refresh();
        break;
      }
      case 'closure_expression':
      case 'async_block':
      case 'const_item':
      case 'static_item': {
        const node = cursor.currentNode;
        const async = isAsyncOwner(node);
        let thread = false;
        if (type === 'closure_expression' && !async && node.parent?.type === 'arguments') {
          const runner = node.parent.parent?.childForFieldName('function');
          thread = !!runner && THREAD_RUNNERS.test(source.getText(runner));
        }
        stack.push({ kind: 'owner', end: node.endIndex, async, thread });
        refresh();
        break;
      }
      case 'mod_item': {
        const node = cursor.currentNode;
        const body = node.childForFieldName('body');
        const name = node.childForFieldName('name')?.text;
        if (!body || !name) {
          descend = false;
          break;
        }
        stack.push({ kind: 'mod', end: node.endIndex, module: `${module}::${name}`, scope: body });
        refresh();
        break;
      }
      case 'impl_item':
      case 'trait_item': {
        const node = cursor.currentNode;
        stack.push({ kind: 'impl', end: node.endIndex, typeName: typeNameOf(node) });
        refresh();
        break;
      }
      case 'call_expression': {
        const o = owner as { async: boolean; thread: boolean } | null;
        if (o?.thread) break;
        const call = cursor.currentNode;
        const staticRef = staticReceiver(resolver, call, scope, module);
        if (staticRef) staticRefs.push(staticRef);
        const ref = callRef(source, resolver, call, o?.async ?? false, scope, module, typeName);
        if (!ref) break;
        const f = fn as (Frame & { kind: 'fn' }) | null;
        if (f) f.facts.calls.push(ref);
        else looseCalls.push(ref);
        break;
      }
      default:
    }
    if (descend && cursor.gotoFirstChild()) continue;
    if (cursor.gotoNextSibling()) continue;
    let done = false;
    for (;;) {
      if (!cursor.gotoParent()) {
        done = true;
        break;
      }
      if (cursor.gotoNextSibling()) break;
    }
    if (done) break;
  }
  return {
    filePath: source.filePath,
    module: resolver.fileModule,
    fns,
    looseCalls,
    aliases: moduleAliases(source, resolver),
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
    return call.parent?.type === 'await_expression' ? { path: null, method, async, awaited: true } : { path: null, method, async };
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

function moduleAliases(source: SourceFile, resolver: Resolver): [string, string][] {
  const out: [string, string][] = [];
  const scopes = [source.root, ...source.root.descendantsOfType('declaration_list').filter((d) => d.parent?.type === 'mod_item')];
  for (const scope of scopes) {
    const mod = scope.type === 'source_file' ? resolver.fileModule : resolver.moduleOf(scope.firstNamedChild ?? scope);
    for (const [name, target] of resolver.importsOf(scope)) out.push([`${mod}::${name}`, target]);
  }
  return out;
}
