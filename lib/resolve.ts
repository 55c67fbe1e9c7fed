/**
 * Name resolution (SPEC §2): turns a path as written into the canonical path
 * it names, following `use` trees (nested, aliased, `self`, globs,
 * block-scoped), `crate::`/`self::`/`super::`, and shadowing by local items
 * and bindings. Rules compare canonical paths, never raw text.
 */
import { childrenOfTypes, SyntaxNode, Tree } from './parser';
import { KNOWN_PATHS } from './paths';
import { aliasNames, wordRegex } from './calls';

type Binding =
  | { kind: 'path'; path: string }
  /** A local variable or parameter: not a path at all. */
  | { kind: 'local' };

interface Scope {
  uses: Map<string, string>;
  globs: string[];
  items: Set<string>;
}

const SCOPE_TYPES = new Set(['block', 'declaration_list', 'source_file']);
const ITEM_TYPES = new Set([
  'function_item', 'mod_item', 'struct_item', 'enum_item', 'union_item', 'type_item',
  'trait_item', 'const_item', 'static_item',
]);
/** The children of a scope that bind names in it. */
const SCOPE_ENTRIES = new Set([...ITEM_TYPES, 'use_declaration', 'extern_crate_declaration']);

/** The last segments of the paths the rules know (what a glob import can bind). */
const KNOWN_LAST = new Set([...KNOWN_PATHS].map((p) => p.slice(p.lastIndexOf(':') + 1)));
/**
 * Nodes whose text holds every name a binding of the file can introduce:
 * the whole node, or the child in a field of it.
 */
const WHOLE_SITES = new Set(['parameters', 'closure_parameters', 'use_declaration', 'extern_crate_declaration']);
const PATTERN_SITES = new Set(['let_declaration', 'for_expression', 'match_arm', 'let_condition']);
/** The `use` keywords of a text (comments and strings too: each is checked for a node). */
const USE_WORD = /(?<![A-Za-z0-9_\u00a1-\uffff])use(?![A-Za-z0-9_\u00a1-\uffff])/g;

function unraw(name: string): string {
  return name.startsWith('r#') ? name.slice(2) : name;
}

export class Resolver {
  private scopes = new Map<number, Scope>();
  /** resolve() results by node id, for the tree they were computed on. */
  private resolved = new Map<number, string | null>();
  private resolvedTree: Tree | null = null;
  private bindings: { tree: Tree; text: string; bound: Map<string, boolean>; globs?: boolean } | null = null;
  /** Per node id of the current tree: its parent, and what it binds for the code inside it. */
  private parents = new Map<number, SyntaxNode | null>();
  private scopeBindings = new Map<number, ScopeBindings | null>();
  private walkedTree: Tree | null = null;
  private aliases: { tree: Tree; names: ReadonlySet<string> } | null = null;

  /** @param fileModule the module path of the file, e.g. `crate::runtime`. */
  constructor(readonly fileModule = 'crate') {}

  /** The canonical path a path-like node names, or null (a local, `Self`, …). */
  resolve(node: SyntaxNode | null | undefined): string | null {
    if (!node) return null;
    // Several rules resolve the same callee: once per node.
    if (node.tree !== this.resolvedTree) {
      this.resolved.clear();
      this.resolvedTree = node.tree;
    }
    const memo = this.resolved.get(node.id);
    if (memo !== undefined) return memo;
    const written = segmentsOf(node);
    const out = written ? this.resolveSegments(written.segments, written.absolute, node) : null;
    this.resolved.set(node.id, out);
    return out;
  }

  /**
   * Whether some binding of the file may introduce `name` (a let, a
   * parameter, a pattern, a `use`, an item, a glob import of a known path):
   * when none can, a lookup finds nothing without walking up the tree.
   */
  private mayBeBound(name: string, at: SyntaxNode): boolean {
    const tree = at.tree;
    if (this.bindings?.tree !== tree) {
      const text = tree.rootNode.text;
      this.bindings = { tree, text, bound: new Map() };
    }
    const b = this.bindings;
    if (KNOWN_LAST.has(name) && (b.globs ??= this.hasGlobUse(tree, b.text))) return true;
    let bound = b.bound.get(name);
    if (bound === undefined) {
      // Each place the name is written, until one sits in a binding site (most names are bound by a
      // `use` near the top): no pass over every binding of the file.
      bound = false;
      const root = tree.rootNode;
      for (const m of b.text.matchAll(wordRegex(unraw(name), 'g'))) {
        const start = m.index! + (m[0].startsWith('r#') ? 2 : 0);
        if (name.startsWith('r#') && !m[0].startsWith('r#')) continue;
        if (this.inBindingSite(root.descendantForIndex(start, start + unraw(name).length))) {
          bound = true;
          break;
        }
      }
      b.bound.set(name, bound);
    }
    return bound;
  }

  /** Whether some `use` declaration of the tree imports a glob. */
  private hasGlobUse(tree: Tree, text: string): boolean {
    if (!text.includes('*')) return false;
    for (const m of text.matchAll(USE_WORD)) {
      const decl = tree.rootNode.descendantForIndex(m.index!, m.index! + 3).parent;
      if (decl?.type === 'use_declaration' && text.slice(decl.startIndex, decl.endIndex).includes('*')) return true;
    }
    return false;
  }

  /**
   * Whether a node sits in a binding site: parameters, a `use`, a pattern
   * that binds, an item's name. No binding sits inside a block of such a
   * site, so the walk up ends at the first block (deep nesting stays cheap).
   */
  private inBindingSite(node: SyntaxNode): boolean {
    let child: SyntaxNode | null = null;
    for (let n: SyntaxNode | null = node; n; child = n, n = this.parentOf(n)) {
      const type = n.type;
      if (WHOLE_SITES.has(type)) return true;
      if (type === 'block') return false;
      if (!child) continue;
      if (PATTERN_SITES.has(type) && n.childForFieldName('pattern')?.id === child.id) return true;
      if (ITEM_TYPES.has(type) && n.childForFieldName('name')?.id === child.id) return true;
    }
    return false;
  }

  /**
   * Whether the path at `node` may name an item whose last segment is one of
   * `names`, checked on the text alone before resolving: resolution keeps a
   * path's last segment, except a single name a `use … as name` may bind.
   * Nodes that are not paths may (the caller resolves them).
   */
  mayEndIn(node: SyntaxNode | null | undefined, names: ReadonlySet<string>): boolean {
    if (!node) return false;
    if (node.type === 'generic_function') return this.mayEndIn(node.childForFieldName('function'), names);
    if (node.type === 'scoped_identifier') {
      const last = node.childForFieldName('name')?.text;
      return last === undefined || names.has(unraw(last));
    }
    if (node.type !== 'identifier') return true;
    const name = unraw(node.text);
    return names.has(name) || this.aliasesOf(node.tree).has(name);
  }

  /** The names `use … as` and `extern crate … as` may bind in the file (lib/calls.ts aliasNames). */
  private aliasesOf(tree: Tree): ReadonlySet<string> {
    if (this.aliases?.tree !== tree) {
      this.aliases = { tree, names: aliasNames(tree.rootNode.text) };
    }
    return this.aliases.names;
  }

  /** The canonical path of a call's callee (`f(..)`), if it is a path. */
  resolveCallee(call: SyntaxNode): string | null {
    return this.resolve(call.childForFieldName('function'));
  }

  /** The module path (`crate::a::b`) that a node sits in. */
  moduleOf(node: SyntaxNode): string {
    const names: string[] = [];
    for (let n = node.parent; n; n = n.parent) {
      if (n.type === 'mod_item') names.push(n.childForFieldName('name')?.text ?? '');
    }
    return [this.fileModule, ...names.reverse()].join('::');
  }

  resolveSegments(segments: string[], absolute: boolean, at: SyntaxNode): string | null {
    if (segments.length === 0) return null;
    if (absolute) return segments.join('::');
    const [first, ...rest] = segments;
    if (first === 'Self') return null;
    if (first === 'crate' || first === 'self' || first === 'super') {
      return join(this.relative(first, rest, at));
    }
    const binding = this.lookup(first, at, segments.length === 1);
    if (!binding) return segments.join('::');
    if (binding.kind === 'local') return null;
    return join([binding.path, ...rest]);
  }

  /** Whether a single name is a local binding (let, parameter, pattern) at `at`. */
  isLocal(name: string, at: SyntaxNode): boolean {
    return this.lookup(name, at, true)?.kind === 'local';
  }

  /** The names a module-level scope imports (`use` bindings), to their canonical paths. */
  importsOf(scope: SyntaxNode): ReadonlyMap<string, string> {
    return this.scopeOf(scope).uses;
  }

  /**
   * Resolves against a module-level scope only (its imports, items and
   * globs), ignoring block-level shadowing: the cheap form the project index
   * uses for every call of a file.
   */
  resolveInModule(segments: string[], absolute: boolean, scope: SyntaxNode, module: string): string | null {
    if (segments.length === 0) return null;
    if (absolute) return join(segments);
    const [first, ...rest] = segments;
    if (first === 'Self') return null;
    if (first === 'crate' || first === 'self' || first === 'super') return join(this.relativeTo(module, first, rest));
    const s = this.scopeOf(scope);
    const used = s.uses.get(first);
    if (used !== undefined) return join([used, ...rest]);
    if (s.items.has(first)) return join([module, ...segments]);
    return pickGlob(s.globs, first) ?? join(segments);
  }

  private relative(first: string, rest: string[], at: SyntaxNode): string[] {
    return first === 'crate' ? ['crate', ...rest] : this.relativeTo(this.moduleOf(at), first, rest);
  }

  private relativeTo(module: string, first: string, rest: string[]): string[] {
    if (first === 'crate') return ['crate', ...rest];
    const mod = module.split('::');
    let i = 0;
    if (first === 'super') {
      mod.pop();
      while (rest[i] === 'super') {
        mod.pop();
        i++;
      }
    }
    return [...mod, ...rest.slice(i)];
  }

  /** The parent of a node, remembered: lookups walk up the same paths over and over. */
  private parentOf(node: SyntaxNode): SyntaxNode | null {
    if (node.tree !== this.walkedTree) {
      this.parents.clear();
      this.scopeBindings.clear();
      this.walkedTree = node.tree;
    }
    let p = this.parents.get(node.id);
    if (p === undefined) this.parents.set(node.id, (p = node.parent));
    return p;
  }

  /** `bindsInScope`, from what each node binds, computed once per node. */
  private binds(node: SyntaxNode, child: SyntaxNode, name: string): boolean {
    let b = this.scopeBindings.get(node.id);
    if (b === undefined) this.scopeBindings.set(node.id, (b = scopeBindingsOf(node)));
    if (!b) return false;
    switch (b.kind) {
      case 'block':
        for (const l of b.lets) {
          if (l.start >= child.startIndex) break;
          if (l.names.has(name)) return true;
        }
        return false;
      case 'params':
        return child.type !== 'parameters' && child.type !== 'closure_parameters' && b.names.has(name);
      case 'inner':
        return b.ids.includes(child.id) && b.names.has(name);
      case 'arm':
        return child.id !== b.patternId && b.names.has(name);
    }
  }

  private lookup(name: string, at: SyntaxNode, value: boolean): Binding | null {
    if (!this.mayBeBound(name, at)) return null;
    let child = at;
    for (let node = this.parentOf(at); node; child = node, node = this.parentOf(node)) {
      if (value && this.binds(node, child, name)) return { kind: 'local' };
      if (SCOPE_TYPES.has(node.type)) {
        const scope = this.scopeOf(node);
        const used = scope.uses.get(name);
        if (used !== undefined) return { kind: 'path', path: used };
        if (scope.items.has(name)) {
          return { kind: 'path', path: node.type === 'block' ? `{local}::${name}` : `${this.moduleOf(child)}::${name}` };
        }
        const glob = pickGlob(scope.globs, name);
        if (glob) return { kind: 'path', path: glob };
      }
      // A module does not see the names of the scope around it.
      if (node.type === 'mod_item') return null;
    }
    return null;
  }

  private scopeOf(node: SyntaxNode): Scope {
    let scope = this.scopes.get(node.id);
    if (scope) return scope;
    scope = { uses: new Map(), globs: [], items: new Set() };
    // A file's or module's top level is long and mostly items: a cursor skips making nodes of the
    // rest (attributes, comments); a block's statements are few (a cursor costs more there).
    for (const item of node.type === 'block' ? node.namedChildren : childrenOfTypes(node, SCOPE_ENTRIES)) {
      if (item.type === 'use_declaration') {
        const arg = item.childForFieldName('argument');
        if (arg) this.collectUse(arg, [], scope, item);
      } else if (ITEM_TYPES.has(item.type)) {
        const n = item.childForFieldName('name');
        if (n) scope.items.add(n.text);
      } else if (item.type === 'extern_crate_declaration') {
        const crate = item.childForFieldName('name')?.text;
        const alias = item.childForFieldName('alias')?.text;
        if (crate && alias) scope.uses.set(alias, crate);
      }
    }
    // Uniform paths: `use rt::x;` names the sibling module `rt` when there is one (not in a block).
    if (node.type !== 'block' && (scope.uses.size || scope.globs.length)) {
      const mod = this.moduleOf(node.type === 'source_file' ? node : node.firstNamedChild ?? node);
      const local = (p: string): string => (scope!.items.has(p.split('::')[0]) ? `${mod}::${p}` : p);
      for (const [k, v] of scope.uses) scope.uses.set(k, local(v));
      scope.globs = scope.globs.map(local);
    }
    this.scopes.set(node.id, scope);
    return scope;
  }

  /** The bindings of a use tree, depth first in source order, without recursion (use trees nest without bound). */
  private collectUse(root: SyntaxNode, rootPrefix: string[], scope: Scope, at: SyntaxNode): void {
    const stack: { tree: SyntaxNode; prefix: string[] }[] = [{ tree: root, prefix: rootPrefix }];
    const push = (trees: SyntaxNode[], prefix: string[]) => {
      for (let i = trees.length - 1; i >= 0; i--) stack.push({ tree: trees[i], prefix });
    };
    while (stack.length) {
      const { tree, prefix } = stack.pop()!;
      switch (tree.type) {
        case 'identifier':
        case 'scoped_identifier':
        case 'crate':
        case 'super':
        case 'self': {
          const path = this.usePath(prefix, tree, at);
          if (!path) break;
          const last = path[path.length - 1];
          if (tree.type === 'self' && prefix.length) scope.uses.set(prefix[prefix.length - 1], join(path.slice(0, -1)));
          else if (last !== 'self') scope.uses.set(last, join(path));
          break;
        }
        case 'use_as_clause': {
          const path = this.usePath(prefix, tree.childForFieldName('path'), at);
          const alias = tree.childForFieldName('alias')?.text;
          if (!path || !alias || alias === '_') break;
          const full = path[path.length - 1] === 'self' ? path.slice(0, -1) : path;
          scope.uses.set(alias, join(full));
          break;
        }
        case 'use_wildcard': {
          const inner = tree.namedChildren[0];
          const path = inner ? this.usePath(prefix, inner, at) : this.usePath(prefix, null, at);
          if (path) scope.globs.push(join(path));
          break;
        }
        case 'scoped_use_list': {
          const pathNode = tree.childForFieldName('path');
          const path = pathNode ? this.usePath(prefix, pathNode, at) : prefix;
          const list = tree.childForFieldName('list');
          if (path && list) push(list.namedChildren, path);
          break;
        }
        case 'use_list':
          push(tree.namedChildren, prefix);
          break;
        default:
      }
    }
  }

  /** Segments of a use path under a prefix; `crate`/`self`/`super` made absolute. */
  private usePath(prefix: string[], node: SyntaxNode | null, at: SyntaxNode): string[] | null {
    const written = node ? segmentsOf(node) : { segments: [], absolute: false };
    if (!written) return null;
    const segs = [...prefix, ...written.segments];
    if (prefix.length === 0 && segs.length && (segs[0] === 'crate' || segs[0] === 'self' || segs[0] === 'super')) {
      return this.relative(segs[0], segs.slice(1), at);
    }
    return segs;
  }
}

function join(segments: string[]): string {
  return segments.join('::');
}

/** Among glob imports, the one that yields a path the rules know. */
function pickGlob(globs: string[], name: string): string | null {
  for (const g of globs) {
    const p = `${g}::${name}`;
    if (KNOWN_PATHS.has(p)) return p;
  }
  return null;
}

/** The written segments of a path-like node (without recursion: paths can be as long as a file). */
export function segmentsOf(node: SyntaxNode): { segments: string[]; absolute: boolean } | null {
  const reversed: string[] = [];
  let absolute = false;
  for (let n: SyntaxNode = node; ; ) {
    switch (n.type) {
      case 'identifier':
      case 'type_identifier':
      case 'crate':
      case 'self':
      case 'super':
        reversed.push(n.text);
        return { segments: reversed.reverse(), absolute };
      case 'scoped_identifier':
      case 'scoped_type_identifier': {
        const path = n.childForFieldName('path');
        const name = n.childForFieldName('name');
        if (!name) return null;
        reversed.push(name.text);
        if (!path) {
          absolute = n.firstChild?.type === '::';
          return { segments: reversed.reverse(), absolute };
        }
        if (path.type === 'bracketed_type') return null;
        n = path;
        break;
      }
      case 'generic_type': {
        const t = n.childForFieldName('type');
        if (!t) return null;
        n = t;
        break;
      }
      case 'generic_function': {
        const f = n.childForFieldName('function');
        if (!f) return null;
        n = f;
        break;
      }
      default:
        return null;
    }
  }
}

/** What a node binds for the code inside it (see `bindsInScope`), as name sets. */
type ScopeBindings =
  | { kind: 'block'; lets: { start: number; names: Set<string> }[] }
  /** A fn or closure: its parameters, for all but the parameter list. */
  | { kind: 'params'; names: Set<string> }
  /** A `for` body, an `if let`/`while let` body: for the children with these ids. */
  | { kind: 'inner'; ids: number[]; names: Set<string> }
  | { kind: 'arm'; patternId: number | undefined; names: Set<string> };

function scopeBindingsOf(node: SyntaxNode): ScopeBindings | null {
  switch (node.type) {
    case 'block': {
      const lets: { start: number; names: Set<string> }[] = [];
      for (const stmt of node.namedChildren) {
        if (stmt.type === 'let_declaration') lets.push({ start: stmt.startIndex, names: patternNames(stmt.childForFieldName('pattern')) });
      }
      return lets.length ? { kind: 'block', lets } : null;
    }
    case 'function_item':
    case 'closure_expression':
      return { kind: 'params', names: patternNames(node.childForFieldName('parameters')) };
    case 'for_expression': {
      const body = node.childForFieldName('body');
      return body ? { kind: 'inner', ids: [body.id], names: patternNames(node.childForFieldName('pattern')) } : null;
    }
    case 'match_arm':
      return { kind: 'arm', patternId: node.childForFieldName('pattern')?.id, names: patternNames(node.childForFieldName('pattern')) };
    case 'if_expression':
    case 'while_expression': {
      const cond = node.childForFieldName('condition');
      if (!cond) return null;
      const ids = [node.childForFieldName('consequence')?.id, node.childForFieldName('body')?.id].filter((i): i is number => i !== undefined);
      const lets = cond.type === 'let_condition' ? [cond] : cond.descendantsOfType('let_condition');
      const names = new Set<string>();
      for (const l of lets) for (const n of patternNames(l.childForFieldName('pattern'))) names.add(n);
      return { kind: 'inner', ids, names };
    }
    default:
      return null;
  }
}

/** Every name `patternBinds(pattern, name)` holds for. */
export function patternNames(pattern: SyntaxNode | null): Set<string> {
  const out = new Set<string>();
  if (!pattern) return out;
  if (pattern.type === 'identifier') {
    out.add(pattern.text);
    return out;
  }
  for (const id of pattern.descendantsOfType(['identifier', 'shorthand_field_identifier'])) {
    const name = id.text;
    if (out.has(name)) continue;
    const parent = id.parent;
    if (!parent || NOT_BINDING_PARENTS.has(parent.type)) continue;
    if (parent.type === 'tuple_struct_pattern' && parent.childForFieldName('type')?.id === id.id) continue;
    if (parent.type === 'parameter' && parent.childForFieldName('type')?.id === id.id) continue;
    if (parent.type === 'field_pattern' && parent.childForFieldName('name')?.id === id.id && parent.childForFieldName('pattern')) continue;
    out.add(name);
  }
  return out;
}

const NOT_BINDING_PARENTS = new Set(['scoped_identifier', 'scoped_type_identifier', 'generic_type', 'field_expression']);

/** Whether a pattern (or parameter list) introduces `name`. */
export function patternBinds(pattern: SyntaxNode | null, name: string): boolean {
  if (!pattern) return false;
  if (pattern.type === 'identifier') return pattern.text === name;
  if (!pattern.text.includes(name)) return false;
  for (const id of pattern.descendantsOfType(['identifier', 'shorthand_field_identifier'])) {
    if (id.text !== name) continue;
    const parent = id.parent;
    if (!parent || NOT_BINDING_PARENTS.has(parent.type)) continue;
    if (parent.type === 'tuple_struct_pattern' && parent.childForFieldName('type')?.id === id.id) continue;
    if (parent.type === 'parameter' && parent.childForFieldName('type')?.id === id.id) continue;
    if (parent.type === 'field_pattern' && parent.childForFieldName('name')?.id === id.id && parent.childForFieldName('pattern')) continue;
    return true;
  }
  return false;
}
