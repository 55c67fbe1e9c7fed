/**
 * Phase 1 of the project index: what one file contributes to whole-project
 * analysis. A summary is plain data (it can be cached or sent between
 * threads): the fns of the file with their async-ness and the calls they
 * make, and the module-level imports other files may reach through.
 */
import { SyntaxNode } from '../parser';
import { SourceFile } from '../source';
import { Resolver } from '../resolve';
import { contextOf, enclosingFunction, isAsyncOwner } from '../context';
import { query } from '../parser';

export interface CallRef {
  /** Canonical path of a path call (`crate::a::f`, `Type::f`), else null. */
  path: string | null;
  /** Method name of a method call (`x.f()`), else null. */
  method: string | null;
  /** Whether the call site runs in async context. */
  async: boolean;
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
}

const SUMMARY_QUERY = '(function_item) @fn\n(call_expression) @call';
const TOKIO_MAIN = /#\s*\[\s*(?:::)?tokio\s*::\s*main\b/;
/** A closure passed to one of these runs on another thread, not in the caller. */
const THREAD_RUNNERS = /(?:^|::|\.)(?:spawn|spawn_blocking|spawn_unchecked|scope)$/;

export function summarize(source: SourceFile, resolver: Resolver): FileSummary {
  const fns = new Map<number, FnFacts>();
  const looseCalls: CallRef[] = [];
  const captures = query(SUMMARY_QUERY).captures(source.root);
  for (const { name, node } of captures) {
    if (name === 'fn') {
      const fnName = node.childForFieldName('name')?.text;
      if (!fnName) continue;
      fns.set(node.id, {
        key: fnKey(resolver, node, fnName),
        name: fnName,
        async: isAsyncOwner(node),
        method: !!implOrTrait(node),
        line: source.positionAt(node.startIndex).line,
        calls: [],
      });
      continue;
    }
    const ref = callRef(source, resolver, node);
    if (!ref) continue;
    const fn = enclosingFunction(node);
    const facts = fn ? fns.get(fn.id) : undefined;
    if (facts) facts.calls.push(ref);
    else looseCalls.push(ref);
  }
  return {
    filePath: source.filePath,
    module: resolver.fileModule,
    fns: [...fns.values()],
    looseCalls,
    aliases: moduleAliases(source, resolver),
    hasTokioMain: TOKIO_MAIN.test(source.text),
  };
}

function callRef(source: SourceFile, resolver: Resolver, call: SyntaxNode): CallRef | null {
  const ctx = contextOf(call);
  // A call in a closure handed to a thread runs on that thread, not here.
  if (ctx.owner?.type === 'closure_expression' && !isAsyncOwner(ctx.owner)) {
    const args = ctx.owner.parent;
    const runner = args?.type === 'arguments' ? args.parent?.childForFieldName('function') : null;
    if (runner && THREAD_RUNNERS.test(source.getText(runner))) return null;
  }
  let f = call.childForFieldName('function');
  if (f?.type === 'generic_function') f = f.childForFieldName('function');
  if (!f) return null;
  const async = ctx.kind === 'async';
  if (f.type === 'field_expression') {
    const field = f.childForFieldName('field');
    return field ? { path: null, method: source.getText(field), async } : null;
  }
  let path = resolver.resolve(f);
  if (path === null && f.type === 'scoped_identifier' && source.getText(f).startsWith('Self::')) {
    const owner = implOrTrait(call);
    const typeName = owner ? typeNameOf(owner) : null;
    if (typeName) path = `${resolver.moduleOf(owner!)}::${typeName}::${f.childForFieldName('name')?.text}`;
  }
  return path === null ? null : { path, method: null, async };
}

function implOrTrait(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'impl_item' || n.type === 'trait_item') return n;
    if (n.type === 'function_item' || n.type === 'mod_item') return null;
  }
  return null;
}

function typeNameOf(owner: SyntaxNode): string | null {
  const t = owner.type === 'trait_item' ? owner.childForFieldName('name') : owner.childForFieldName('type');
  if (!t) return null;
  if (t.type === 'generic_type') return t.childForFieldName('type')?.text ?? null;
  if (t.type === 'scoped_type_identifier') return t.childForFieldName('name')?.text ?? null;
  return t.text;
}

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
