/**
 * std::sync::mpsc channel endpoints of one file: where each channel is made,
 * every binding that holds one of its ends (the `let (tx, rx) = channel()`
 * pattern, moves `let rx2 = rx;`, clones `let tx2 = tx.clone();`, annotated
 * lets, parameters, struct fields), and every use of those bindings,
 * classified. Closures and async blocks capture by name, so a use inside
 * them is found like any other use, with shadowing respected.
 *
 * no-std-mpsc-in-async flags and converts channels from these facts;
 * no-thread-spawn asks `mpscUseAt` whether a recv in a thread body belongs
 * to a channel that will be converted once the body is async.
 */
import { SyntaxNode } from './parser';
import { callsNamed } from './calls';
import { SourceFile } from './source';
import { Resolver } from './resolve';
import { contextOf, attributesOf } from './context';
import {
  MPSC_CHANNEL,
  MPSC_RECEIVER,
  MPSC_SENDER,
  MPSC_SYNC_CHANNEL,
  MPSC_SYNC_SENDER,
  THREAD_BUILDER_NEW,
  THREAD_SPAWN,
} from './paths';

export type Role = 'sender' | 'receiver';
/** `unbounded`: `channel()` / `Sender`; `bounded`: `sync_channel(n)` / `SyncSender`. */
export type Flavor = 'unbounded' | 'bounded' | 'unknown';

export type UseKind =
  | 'recv'
  | 'recv_timeout'
  | 'try_recv'
  /** `rx.iter()` / `rx.into_iter()` outside a `for` header. */
  | 'iter'
  /** `rx.try_iter()` outside a `for` header. */
  | 'try_iter'
  /** `for x in rx` / `&rx` / `rx.iter()` / `rx.into_iter()`. */
  | 'for'
  /** `for x in rx.try_iter()`. */
  | 'for_try'
  | 'send'
  | 'try_send'
  /** `let tx2 = tx.clone();` (the clone is an endpoint too), or a discarded clone. */
  | 'clone'
  /** `let rx2 = rx;` */
  | 'alias'
  /** `drop(rx)`, `let _ = rx;` */
  | 'drop'
  /** Anything the fix cannot follow: passed to a fn, returned, stored, in an opaque macro. */
  | 'escape';

/**
 * Where a use runs: `async`; a closure given to `std::thread::spawn` /
 * `Builder::spawn` (`thread`: no-thread-spawn turns it into a task first);
 * a closure given to `spawn_blocking`, `rayon::spawn` or a scope's
 * `s.spawn` (`pool`: an OS thread, never a runtime worker); the body of a non-async
 * `fn main` or `#[test]` (`main`); any other closure (`closure`: it may be
 * called anywhere, even from async code); any other sync fn (`sync`).
 */
export type Place = 'async' | 'thread' | 'pool' | 'main' | 'closure' | 'sync';

export interface Use {
  /** The identifier that names the endpoint. */
  ident: SyntaxNode;
  kind: UseKind;
  /** The method call for method uses (`rx.recv()`), the clone call for clones. */
  call: SyntaxNode | null;
  /** The `for` loop for `for`/`for_try` uses. */
  loop: SyntaxNode | null;
  place: Place;
  /** The closure that owns the use, when the innermost owner is a closure (sync or async). */
  closure: SyntaxNode | null;
  /** For escapes: what happens to the endpoint, for messages. */
  escape?: string;
}

export interface Endpoint {
  name: string;
  /** The binding identifier (or a field's name). */
  decl: SyntaxNode;
  role: Role;
  channel: Channel;
  /** Whether the binding is already `mut`. */
  mutable: boolean;
  /** The endpoint type written on the binding (`Receiver<T>`, without `&`), to rewrite. */
  typeNode: SyntaxNode | null;
  /** Whether the written type wraps the endpoint (`Mutex<Receiver<T>>`, `&Receiver<T>`). */
  wrapped: 'none' | 'ref' | 'mutex';
  uses: Use[];
}

export interface Channel {
  /** The `channel()` / `sync_channel(n)` call, when this file makes the channel. */
  creation: SyntaxNode | null;
  flavor: Flavor;
  /** Where the channel comes from, for messages: "channel created on line 3". */
  origin: string;
  endpoints: Endpoint[];
  /** Why no fix can convert the channel; null when every use is understood. */
  blocker: { reason: string; node: SyntaxNode } | null;
  /** A use that waits for no-thread-spawn (inside a `std::thread::spawn` closure). */
  deferred: Use | null;
}

export interface EndpointRef {
  endpoint: Endpoint;
  /** Reached through `.lock().unwrap()` of a `Mutex<..>`. */
  locked: boolean;
}

const RECEIVER_METHODS = new Set(['recv', 'recv_timeout', 'try_recv', 'iter', 'try_iter', 'into_iter']);
const SENDER_METHODS = new Set(['send', 'try_send', 'clone']);
const PATTERN_TYPES = new Set([
  'tuple_pattern', 'tuple_struct_pattern', 'struct_pattern', 'field_pattern', 'ref_pattern', 'mut_pattern',
  'reference_pattern', 'or_pattern', 'slice_pattern', 'captured_pattern', 'match_pattern',
]);
const PUNCTUATION = new Set(['(', ')', ',']);
/** The last segments of MPSC_CHANNEL and MPSC_SYNC_CHANNEL. */
const CREATION_NAMES: ReadonlySet<string> = new Set(['channel', 'sync_channel']);
const ENDPOINT_WORDS = /\b(?:Receiver|Sender|SyncSender)\b/;
/** Declarations with a type (what may declare an endpoint), in one pass. */
const TYPED_DECLARATIONS = ['field_declaration', 'parameter', 'let_declaration'];
const TYPED_AS: Record<string, 'field' | 'param' | 'let'> = { field_declaration: 'field', parameter: 'param', let_declaration: 'let' };

export class ChannelFacts {
  readonly channels: Channel[] = [];
  private readonly byDecl = new Map<number, Endpoint>();
  /** Struct name -> field name -> endpoint. */
  private readonly fields = new Map<string, Map<string, Endpoint>>();

  constructor(readonly source: SourceFile, readonly resolver: Resolver) {
    if (!/\bmpsc\b/.test(source.text)) return;
    const root = source.root;
    // Creations: calls named `channel` or `sync_channel` (or a `use … as` name), found by name.
    for (const { call } of callsNamed(root, root.text, CREATION_NAMES)) this.addCreation(call);
    // Bindings reached from a creation first (`let rx2: Receiver<T> = rx;` is a move, not a new channel).
    for (const ch of [...this.channels]) this.settle(ch);
    const made = this.channels.length;
    // Typed fields, parameters and lets: an endpoint type spells `Receiver`, `Sender` or `SyncSender`.
    if (ENDPOINT_WORDS.test(source.text)) {
      const typed = { field: [] as SyntaxNode[], param: [] as SyntaxNode[], let: [] as SyntaxNode[] };
      // Those with a type (a native walk: faster than a query's captures, nothing to compile).
      for (const node of root.descendantsOfType(TYPED_DECLARATIONS)) {
        if (node.childForFieldName('type')) typed[TYPED_AS[node.type]].push(node);
      }
      for (const field of typed.field) this.addField(field);
      for (const param of typed.param) this.addParameter(param);
      for (const decl of typed.let) this.addAnnotatedLet(decl);
    }
    for (const ch of this.channels.slice(made)) this.settle(ch);
  }

  /** The endpoint an expression names (`rx`, `self.rx`, `&rx`, `m.lock().unwrap()`), if any. */
  endpointOf(expr: SyntaxNode | null): EndpointRef | null {
    if (!expr) return null;
    switch (expr.type) {
      case 'identifier': {
        const decl = declarationOf(expr);
        const ep = decl ? this.byDecl.get(decl.id) : undefined;
        return ep && ep.wrapped !== 'mutex' ? { endpoint: ep, locked: false } : null;
      }
      case 'field_expression': {
        const value = expr.childForFieldName('value');
        const field = expr.childForFieldName('field');
        if (value?.type !== 'self' || !field) return null;
        const owner = implTypeName(expr);
        const ep = owner ? this.fields.get(owner)?.get(field.text) : undefined;
        return ep && ep.wrapped !== 'mutex' ? { endpoint: ep, locked: false } : null;
      }
      case 'reference_expression':
      case 'parenthesized_expression':
        return this.endpointOf(expr.childForFieldName('value') ?? expr.namedChildren[0] ?? null);
      case 'unary_expression':
        return expr.text.startsWith('*') ? this.endpointOf(expr.namedChildren[0] ?? null) : null;
      case 'call_expression': {
        // `m.lock().unwrap()` / `.expect(..)` on a `Mutex<Receiver<T>>`.
        const outer = methodOf(expr);
        if (!outer || (outer.name !== 'unwrap' && outer.name !== 'expect')) return null;
        const lock = outer.receiver.type === 'call_expression' ? methodOf(outer.receiver) : null;
        if (!lock || lock.name !== 'lock' || lock.args.length) return null;
        const inner = this.endpointIgnoringWrap(lock.receiver);
        return inner && inner.wrapped === 'mutex' ? { endpoint: inner, locked: true } : null;
      }
      default:
        return null;
    }
  }

  private endpointIgnoringWrap(expr: SyntaxNode): Endpoint | null {
    if (expr.type === 'identifier') {
      const decl = declarationOf(expr);
      return (decl && this.byDecl.get(decl.id)) ?? null;
    }
    if (expr.type === 'field_expression' && expr.childForFieldName('value')?.type === 'self') {
      const owner = implTypeName(expr);
      const field = expr.childForFieldName('field')?.text;
      return (owner && field && this.fields.get(owner)?.get(field)) || null;
    }
    return null;
  }

  /** The place (see `Place`) where a node runs. */
  placeOf(node: SyntaxNode): { place: Place; closure: SyntaxNode | null } {
    const ctx = contextOf(node);
    if (ctx.kind === 'async') return { place: 'async', closure: ctx.owner?.type === 'closure_expression' ? ctx.owner : null };
    const owner = ctx.owner;
    if (!owner) return { place: 'sync', closure: null };
    if (owner.type === 'closure_expression') return { place: this.closurePlace(owner), closure: owner };
    if (owner.type === 'function_item') {
      const name = owner.childForFieldName('name')?.text;
      const attrs = attributesOf(owner).map((a) => a.text);
      if (attrs.some((a) => /^#\[\s*test\s*\]$/.test(a))) return { place: 'main', closure: null };
      if (name === 'main' && owner.parent?.type === 'source_file' && !attrs.some((a) => /\bmain\b/.test(a))) {
        return { place: 'main', closure: null };
      }
    }
    return { place: 'sync', closure: null };
  }

  private closurePlace(closure: SyntaxNode): Place {
    const args = closure.parent;
    const call = args?.type === 'arguments' ? args.parent : null;
    if (!call || call.type !== 'call_expression') return 'closure';
    const path = this.resolver.resolveCallee(call);
    if (path === THREAD_SPAWN) return 'thread';
    const m = methodOf(call);
    if (m && (m.name === 'spawn' || m.name === 'spawn_unchecked') && this.isThreadBuilder(m.receiver)) return 'thread';
    if (path && /(?:^|::)spawn_blocking$/.test(path)) return 'pool';
    if (m && m.name === 'spawn_blocking') return 'pool';
    if (path === 'rayon::spawn' || path === 'rayon::spawn_fifo') return 'pool';
    // `s.spawn(|| ..)` on the handle of `std::thread::scope(|s| ..)` (or rayon's, crossbeam's): an OS thread.
    if (m && m.name === 'spawn' && m.receiver.type === 'identifier' && this.isScopeHandle(m.receiver)) return 'pool';
    return 'closure';
  }

  /** Whether an identifier is the parameter of a closure given to a `scope` fn. */
  private isScopeHandle(id: SyntaxNode): boolean {
    const decl = declarationOf(id);
    const closure = decl?.parent?.type === 'closure_parameters' ? decl.parent.parent : null;
    const call = closure?.parent?.type === 'arguments' ? closure.parent.parent : null;
    const path = call?.type === 'call_expression' ? this.resolver.resolveCallee(call) : null;
    return !!path && /^(?:std::thread|rayon|crossbeam(?:_utils)?(?:::thread)?)::scope$/.test(path);
  }

  /** Whether a method chain starts at `std::thread::Builder::new()`. */
  private isThreadBuilder(expr: SyntaxNode): boolean {
    for (let e: SyntaxNode | null = expr; e && e.type === 'call_expression'; ) {
      if (this.resolver.resolveCallee(e) === THREAD_BUILDER_NEW) return true;
      const f = e.childForFieldName('function');
      e = f?.type === 'field_expression' ? f.childForFieldName('value') : null;
    }
    return false;
  }

  private line(node: SyntaxNode): number {
    return this.source.positionAt(node.startIndex).line;
  }

  private newChannel(creation: SyntaxNode | null, flavor: Flavor, origin: string): Channel {
    const ch: Channel = { creation, flavor, origin, endpoints: [], blocker: null, deferred: null };
    this.channels.push(ch);
    return ch;
  }

  private addEndpoint(ch: Channel, decl: SyntaxNode, role: Role, typeNode: SyntaxNode | null, wrapped?: Endpoint['wrapped']): Endpoint {
    const t = typeNode ? endpointType(typeNode, this.resolver) : null;
    const ep: Endpoint = {
      name: decl.text,
      decl,
      role,
      channel: ch,
      mutable: decl.parent?.type === 'mut_pattern',
      typeNode: t && t.wrapped !== 'mutex' && !wrapped ? t.node : null,
      wrapped: wrapped ?? (t ? t.wrapped : 'none'),
      uses: [],
    };
    ch.endpoints.push(ep);
    this.byDecl.set(decl.id, ep);
    return ep;
  }

  private addCreation(call: SyntaxNode): void {
    const f = call.childForFieldName('function');
    // Paths only (aliases too: `use std::sync::mpsc::sync_channel as bounded;`), not method calls.
    if (!f || f.type === 'field_expression') return;
    const path = this.resolver.resolveCallee(call);
    if (path !== MPSC_CHANNEL && path !== MPSC_SYNC_CHANNEL) return;
    const ch = this.newChannel(call, path === MPSC_CHANNEL ? 'unbounded' : 'bounded', `channel created on line ${this.line(call)}`);
    const decl = call.parent;
    const pattern = decl?.type === 'let_declaration' && decl.childForFieldName('value')?.id === call.id ? decl.childForFieldName('pattern') : null;
    const items = pattern?.type === 'tuple_pattern' ? pattern.children.filter((c) => !PUNCTUATION.has(c.type)) : [];
    if (items.length !== 2) {
      ch.blocker = { reason: 'the channel is not bound by `let (tx, rx) = …`', node: call };
      return;
    }
    const type = decl!.childForFieldName('type');
    const types = type?.type === 'tuple_type' ? type.namedChildren : [];
    const roles: Role[] = ['sender', 'receiver'];
    items.forEach((item, i) => {
      const id = item.type === 'identifier' ? item : item.type === 'mut_pattern' ? item.namedChildren.find((c) => c.type === 'identifier') : null;
      if (id) this.addEndpoint(ch, id, roles[i], types.length === 2 ? types[i] : null);
      else if (item.type !== '_') ch.blocker = { reason: `the pattern \`${this.source.getText(item)}\` is not a plain binding`, node: item };
    });
  }

  private addField(field: SyntaxNode): void {
    const name = field.childForFieldName('name');
    const type = field.childForFieldName('type');
    const struct = field.parent?.parent;
    const structName = struct?.type === 'struct_item' ? struct.childForFieldName('name')?.text : undefined;
    if (!name || !type || !structName || this.byDecl.has(name.id)) return;
    const t = endpointType(type, this.resolver);
    if (!t) return;
    const ch = this.newChannel(null, t.flavor, `field \`${name.text}\` of \`${structName}\`, line ${this.line(field)}`);
    ch.blocker = { reason: `\`${name.text}\` is a field of \`${structName}\``, node: field };
    const ep = this.addEndpoint(ch, name, t.role, type);
    let map = this.fields.get(structName);
    if (!map) this.fields.set(structName, (map = new Map()));
    map.set(name.text, ep);
  }

  private addParameter(param: SyntaxNode): void {
    const pattern = param.childForFieldName('pattern');
    const type = param.childForFieldName('type');
    const id = pattern?.type === 'identifier' ? pattern : pattern?.type === 'mut_pattern' ? pattern.namedChildren.find((c) => c.type === 'identifier') : null;
    if (!id || !type || this.byDecl.has(id.id)) return;
    const t = endpointType(type, this.resolver);
    if (!t) return;
    const owner = param.parent?.parent;
    const fnName = owner?.type === 'function_item' ? owner.childForFieldName('name')?.text : null;
    const where = fnName ? `of \`${fnName}\`` : 'of a closure';
    const ch = this.newChannel(null, t.flavor, `parameter \`${id.text}\` ${where}, line ${this.line(param)}`);
    ch.blocker = { reason: `\`${id.text}\` is a parameter ${where}: the channel is made by its caller`, node: param };
    this.addEndpoint(ch, id, t.role, type);
  }

  private addAnnotatedLet(decl: SyntaxNode): void {
    const pattern = decl.childForFieldName('pattern');
    const type = decl.childForFieldName('type');
    const id = pattern?.type === 'identifier' ? pattern : pattern?.type === 'mut_pattern' ? pattern.namedChildren.find((c) => c.type === 'identifier') : null;
    if (!id || !type || this.byDecl.has(id.id)) return;
    const t = endpointType(type, this.resolver);
    if (!t) return;
    const value = decl.childForFieldName('value');
    const ch = this.newChannel(null, t.flavor, `\`${id.text}\` bound on line ${this.line(decl)}`);
    const from = value ? this.source.getText(value).split(/\r?\n/)[0] : 'nothing';
    ch.blocker = { reason: `\`${id.text}\` comes from \`${truncate(from)}\``, node: decl };
    this.addEndpoint(ch, id, t.role, type);
  }

  /** Finds the uses of every endpoint of a channel (following moves and clones), then what blocks a fix. */
  private settle(ch: Channel): void {
    for (let i = 0; i < ch.endpoints.length; i++) {
      const ep = ch.endpoints[i];
      // Field endpoints are reached through `self.<field>`; they are never converted.
      if (ep.decl.type !== 'identifier') continue;
      const scope = scopeOf(ep.decl);
      if (!scope) continue;
      for (const id of scope.descendantsOfType('identifier')) {
        if (id.text !== ep.name || id.id === ep.decl.id || id.startIndex < ep.decl.endIndex) continue;
        if (id.parent?.type === 'token_tree') {
          // Opaque macro arguments: a use we cannot see through, unless shadowed.
          if (declarationOf(id)?.id === ep.decl.id) ep.uses.push(this.opaqueUse(id));
          continue;
        }
        if (isBindingSite(id) || !isValuePosition(id)) continue;
        if (declarationOf(id)?.id !== ep.decl.id) continue;
        ep.uses.push(this.classify(ep, id));
      }
    }
    if (ch.blocker) return;
    for (const ep of ch.endpoints) {
      if (ep.wrapped !== 'none') {
        ch.blocker = { reason: `\`${ep.name}\` is held behind \`${this.source.getText(ep.decl.parent ?? ep.decl)}\``, node: ep.decl };
        return;
      }
      for (const u of ep.uses) {
        const reason = this.blockerOf(ep, u);
        if (reason) {
          ch.blocker = { reason: `${reason} on line ${this.line(u.ident)}`, node: u.ident };
          return;
        }
        if (u.place === 'thread' && needsRewrite(ep, u) && !ch.deferred) ch.deferred = u;
      }
    }
  }

  private blockerOf(ep: Endpoint, u: Use): string | null {
    if (u.kind === 'escape') return `\`${ep.name}\` ${u.escape}`;
    if (u.kind === 'iter' && u.place === 'async') return `\`${ep.name}.${methodOf(u.call!)?.name}()\` is used outside a \`for\` loop`;
    if (u.kind === 'recv_timeout' && u.place !== 'async') return `\`${ep.name}.recv_timeout(..)\` runs in sync code`;
    // tokio's receive methods take `&mut self`: a plain closure that calls
    // one becomes FnMut, which its caller may not accept.
    if (ep.role === 'receiver' && u.kind !== 'drop' && u.kind !== 'alias' && u.place === 'closure') {
      return `\`${ep.name}\` is used in a closure that would become \`FnMut\``;
    }
    if (ep.role === 'receiver' && u.kind !== 'drop' && u.kind !== 'alias' && u.place === 'async' && u.closure) {
      return `\`${ep.name}\` is used in an async closure that would become \`AsyncFnMut\``;
    }
    return null;
  }

  private opaqueUse(id: SyntaxNode): Use {
    let mac: SyntaxNode | null = id.parent;
    while (mac && mac.type === 'token_tree') mac = mac.parent;
    const name = mac?.type === 'macro_invocation' ? mac.childForFieldName('macro')?.text ?? 'a macro' : 'a macro';
    return { ident: id, kind: 'escape', call: null, loop: null, ...this.placeOf(id), escape: `is used inside \`${name}!\`` };
  }

  private classify(ep: Endpoint, id: SyntaxNode): Use {
    const where = this.placeOf(id);
    const use = (kind: UseKind, call: SyntaxNode | null = null, loop: SyntaxNode | null = null, escape?: string): Use => ({
      ident: id,
      kind,
      call,
      loop,
      ...where,
      escape,
    });
    const p = id.parent!;
    if (ep.wrapped === 'mutex') return this.classifyShared(ep, id, use);
    // Method calls: `rx.recv()`, `tx.send(v)`, `tx.clone()`.
    if (p.type === 'field_expression' && p.childForFieldName('value')?.id === id.id) {
      const call = p.parent;
      const name = p.childForFieldName('field')?.text ?? '';
      if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== p.id) {
        return use('escape', null, null, `is used as \`${truncate(this.source.getText(p))}\``);
      }
      const methods = ep.role === 'receiver' ? RECEIVER_METHODS : SENDER_METHODS;
      if (!methods.has(name) || (name === 'try_send' && ep.channel.flavor !== 'bounded')) {
        return use('escape', call, null, `is used by \`.${name}()\`, which the fix cannot follow`);
      }
      const loop = forLoopOf(call);
      switch (name) {
        case 'iter':
        case 'into_iter':
          return loop ? use('for', call, loop) : use('iter', call);
        case 'try_iter':
          return loop ? use('for_try', call, loop) : use('try_iter', call);
        case 'clone':
          return this.classifyClone(ep, call, use);
        default:
          return use(name as UseKind, call);
      }
    }
    // `for x in rx` / `for x in &rx`.
    const loop = forLoopOf(p.type === 'reference_expression' ? p : id);
    if (loop) return use('for', null, loop);
    // `let rx2 = rx;`
    if (p.type === 'let_declaration' && p.childForFieldName('value')?.id === id.id) {
      const pattern = p.childForFieldName('pattern');
      const target = plainBinding(pattern);
      if (target) {
        this.addEndpoint(ep.channel, target, ep.role, p.childForFieldName('type'));
        return use('alias');
      }
      if (pattern?.type === '_' || pattern?.text === '_') return use('drop');
    }
    if (p.type === 'arguments') {
      const call = p.parent;
      const callee = call?.type === 'call_expression' ? this.resolver.resolveCallee(call) : null;
      if (callee === 'drop' || callee === 'std::mem::drop' || callee === 'core::mem::drop') return use('drop');
      if (callee === 'std::sync::Mutex::new' && call) {
        // `let shared = Arc::new(Mutex::new(rx));`: still this endpoint, behind a lock (never fixed).
        const outer = call.parent?.type === 'arguments' ? call.parent.parent : null;
        const wrapper = outer && /^std::(?:sync::Arc|rc::Rc)::new$/.test(this.resolver.resolveCallee(outer) ?? '') ? outer : call;
        this.trackShared(ep, wrapper);
        return use('escape', null, null, 'is moved into a `Mutex`');
      }
      const f = call?.childForFieldName('function');
      return use('escape', null, null, `is passed to \`${f ? truncate(this.source.getText(f)) : 'a call'}\``);
    }
    return use('escape', null, null, escapeText(this.source, id));
  }

  /** Uses of an endpoint held as `Mutex<..>` / `Arc<Mutex<..>>`: followed through clones, never fixed. */
  private classifyShared(ep: Endpoint, id: SyntaxNode, use: (k: UseKind, c?: SyntaxNode | null, l?: SyntaxNode | null, e?: string) => Use): Use {
    const p = id.parent!;
    let clone: SyntaxNode | null = null;
    if (p.type === 'field_expression' && p.childForFieldName('field')?.text === 'clone') clone = p.parent;
    if (p.type === 'reference_expression' && p.parent?.type === 'arguments') {
      const call = p.parent.parent;
      if (call && /^std::(?:sync::Arc|rc::Rc)::clone$/.test(this.resolver.resolveCallee(call) ?? '')) clone = call;
    }
    if (clone?.type === 'call_expression') this.trackShared(ep, clone);
    return use('escape', null, null, 'is shared behind a `Mutex`');
  }

  private trackShared(ep: Endpoint, value: SyntaxNode): void {
    const decl = value.parent;
    if (decl?.type !== 'let_declaration' || decl.childForFieldName('value')?.id !== value.id) return;
    const target = plainBinding(decl.childForFieldName('pattern'));
    if (target && !this.byDecl.has(target.id)) this.addEndpoint(ep.channel, target, ep.role, null, 'mutex');
  }

  private classifyClone(ep: Endpoint, call: SyntaxNode, use: (k: UseKind, c?: SyntaxNode | null, l?: SyntaxNode | null, e?: string) => Use): Use {
    const p = call.parent!;
    if (p.type === 'let_declaration' && p.childForFieldName('value')?.id === call.id) {
      const target = plainBinding(p.childForFieldName('pattern'));
      if (target) {
        this.addEndpoint(ep.channel, target, ep.role, p.childForFieldName('type'));
        return use('clone', call);
      }
    }
    if (p.type === 'expression_statement') return use('clone', call);
    if (p.type === 'arguments') {
      const f = p.parent?.childForFieldName('function');
      return use('escape', call, null, `is cloned into a call to \`${f ? truncate(this.source.getText(f)) : 'a fn'}\``);
    }
    return use('escape', call, null, `is cloned into \`${truncate(this.source.getText(p))}\``);
  }
}

/** Whether a use changes when the channel becomes tokio's (and so must move with its context). */
export function needsRewrite(ep: Endpoint, u: Use): boolean {
  switch (u.kind) {
    case 'recv':
    case 'recv_timeout':
    case 'iter':
    case 'for':
      return true;
    case 'send':
      return ep.channel.flavor === 'bounded';
    default:
      return false;
  }
}

/** Whether a use blocks its thread when the channel is std's (what the rule flags in async code). */
export function isBlockingUse(ep: Endpoint, u: Use): boolean {
  if (u.kind === 'send') return ep.channel.flavor === 'bounded';
  return u.kind === 'recv' || u.kind === 'recv_timeout' || u.kind === 'iter' || u.kind === 'for';
}

const cache = new WeakMap<SourceFile, ChannelFacts>();

/** The channel facts of a file, computed once per source (rules share them). */
export function channelFacts(source: SourceFile, resolver: Resolver): ChannelFacts {
  let facts = cache.get(source);
  if (!facts) {
    facts = new ChannelFacts(source, resolver);
    cache.set(source, facts);
  }
  return facts;
}

/**
 * For no-thread-spawn: whether `node` (a call such as `rx.recv()`, or a `for`
 * loop over a receiver) uses a std mpsc endpoint, and if so whether
 * no-std-mpsc-in-async will convert its channel once the code around it is
 * async (`convertible`), and whether that conversion is a safe fix.
 */
export function mpscUseAt(
  source: SourceFile,
  resolver: Resolver,
  node: SyntaxNode,
): { channel: Channel; convertible: boolean; safe: boolean } | null {
  const facts = channelFacts(source, resolver);
  for (const ch of facts.channels) {
    for (const ep of ch.endpoints) {
      for (const u of ep.uses) {
        if (u.call?.id !== node.id && u.loop?.id !== node.id) continue;
        const convertible = !ch.blocker;
        return { channel: ch, convertible, safe: convertible && prospectiveSafety(ch) };
      }
    }
  }
  return null;
}

/** Whether converting a channel is safe once its thread-closure uses run in async code. */
function prospectiveSafety(ch: Channel): boolean {
  if (ch.creation && ch.flavor === 'bounded' && !positiveCapacity(ch.creation)) return false;
  for (const ep of ch.endpoints) {
    for (const u of ep.uses) {
      if (u.kind === 'recv_timeout') return false;
      if (needsRewrite(ep, u) && (u.place === 'closure' || u.place === 'sync')) return false;
    }
  }
  return true;
}

/** Whether `sync_channel(n)` has a capacity known to be above zero. */
export function positiveCapacity(creation: SyntaxNode): boolean {
  const arg = creation.childForFieldName('arguments')?.namedChildren[0];
  if (!arg) return false;
  const n = integerValue(arg);
  return n !== null && n > 0;
}

/** The value of an integer literal, or of a local `const` holding one. */
export function integerValue(expr: SyntaxNode): number | null {
  if (expr.type === 'integer_literal') {
    const digits = expr.text.replace(/_/g, '').replace(/(?:u|i)(?:8|16|32|64|128|size)$/, '');
    const n = digits.startsWith('0x') ? parseInt(digits.slice(2), 16) : Number(digits);
    return Number.isFinite(n) ? n : null;
  }
  if (expr.type === 'identifier' && /^[A-Z][A-Z0-9_]*$/.test(expr.text)) {
    let root: SyntaxNode = expr;
    while (root.parent) root = root.parent;
    const consts = root.descendantsOfType('const_item').filter((c) => c.childForFieldName('name')?.text === expr.text);
    const value = consts.length === 1 ? consts[0].childForFieldName('value') : null;
    return value && value.type === 'integer_literal' ? integerValue(value) : null;
  }
  return null;
}

/** A std mpsc endpoint type, possibly behind `&`, `Arc<..>` or `Mutex<..>`. */
export function endpointType(
  type: SyntaxNode,
  resolver: Resolver,
): { role: Role; flavor: Flavor; node: SyntaxNode; wrapped: Endpoint['wrapped'] } | null {
  let wrapped: Endpoint['wrapped'] = 'none';
  let t: SyntaxNode | null = type;
  for (let depth = 0; t && depth < 4; depth++) {
    if (t.type === 'reference_type') {
      t = t.childForFieldName('type');
      if (wrapped === 'none') wrapped = 'ref';
      continue;
    }
    const head = t.type === 'generic_type' ? t.childForFieldName('type') : t;
    if (!head || (head.type !== 'type_identifier' && head.type !== 'scoped_type_identifier')) return null;
    const path = resolver.resolve(head);
    if (path === MPSC_RECEIVER) return { role: 'receiver', flavor: 'unknown', node: head, wrapped };
    if (path === MPSC_SENDER) return { role: 'sender', flavor: 'unbounded', node: head, wrapped };
    if (path === MPSC_SYNC_SENDER) return { role: 'sender', flavor: 'bounded', node: head, wrapped };
    const inner: SyntaxNode | null = t.type === 'generic_type' ? t.childForFieldName('type_arguments')?.namedChildren[0] ?? null : null;
    if (path === 'std::sync::Mutex') wrapped = 'mutex';
    else if (path !== 'std::sync::Arc' && path !== 'std::rc::Rc') return null;
    t = inner;
  }
  return null;
}

/** The declaration (binding identifier) a value identifier refers to, respecting shadowing; null for non-locals. */
export function declarationOf(id: SyntaxNode): SyntaxNode | null {
  const name = id.text;
  let child = id;
  for (let node = id.parent; node; child = node, node = node.parent) {
    switch (node.type) {
      case 'block': {
        let found: SyntaxNode | null = null;
        for (const stmt of node.namedChildren) {
          if (stmt.startIndex >= child.startIndex) break;
          if (stmt.type === 'let_declaration') found = bindingIn(stmt.childForFieldName('pattern'), name) ?? found;
        }
        if (found) return found;
        break;
      }
      case 'function_item': {
        const body = node.childForFieldName('body');
        // A fn item does not see the locals around it.
        return body && child.id === body.id ? bindingIn(node.childForFieldName('parameters'), name) : null;
      }
      case 'closure_expression': {
        const body = node.childForFieldName('body');
        if (body && child.id === body.id) {
          const b = bindingIn(node.childForFieldName('parameters'), name);
          if (b) return b;
        }
        break;
      }
      case 'for_expression': {
        if (child.id === node.childForFieldName('body')?.id) {
          const b = bindingIn(node.childForFieldName('pattern'), name);
          if (b) return b;
        }
        break;
      }
      case 'match_arm': {
        const pattern = node.childForFieldName('pattern');
        const inGuard = child.id === pattern?.id && id.startIndex >= (pattern.childForFieldName('condition')?.startIndex ?? Infinity);
        if (child.id !== pattern?.id || inGuard) {
          const b = bindingIn(pattern?.namedChildren[0] ?? null, name);
          if (b) return b;
        }
        break;
      }
      case 'if_expression':
      case 'while_expression': {
        if (child.id === node.childForFieldName('consequence')?.id || child.id === node.childForFieldName('body')?.id) {
          const cond = node.childForFieldName('condition');
          const lets = !cond ? [] : cond.type === 'let_condition' ? [cond] : cond.descendantsOfType('let_condition');
          for (let i = lets.length - 1; i >= 0; i--) {
            const b = bindingIn(lets[i].childForFieldName('pattern'), name);
            if (b) return b;
          }
        }
        break;
      }
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

/** The identifier a pattern (or parameter list) binds for `name`, if any. */
export function bindingIn(pattern: SyntaxNode | null, name: string): SyntaxNode | null {
  if (!pattern) return null;
  if (pattern.type === 'identifier') return pattern.text === name ? pattern : null;
  if (!pattern.text.includes(name)) return null;
  for (const id of pattern.descendantsOfType('identifier')) {
    if (id.text === name && isBindingSite(id)) return id;
  }
  return null;
}

/** Whether an identifier is where a pattern binds a name (not a use). */
export function isBindingSite(id: SyntaxNode): boolean {
  let top = id;
  while (top.parent && PATTERN_TYPES.has(top.parent.type)) {
    const p = top.parent;
    // `Some(x)`: `Some` is the pattern's path; `Point { x: a }`: `x` names a field.
    if (p.type === 'tuple_struct_pattern' && p.childForFieldName('type')?.id === top.id) return false;
    if (p.type === 'field_pattern' && p.childForFieldName('name')?.id === top.id && p.childForFieldName('pattern')) return false;
    if (p.type === 'match_pattern' && p.childForFieldName('condition')?.id === top.id) return false;
    top = p;
  }
  const p = top.parent;
  if (!p) return false;
  if (p.type === 'closure_parameters') return true;
  if (p.type === 'let_declaration' || p.type === 'for_expression' || p.type === 'let_condition' || p.type === 'parameter') {
    return p.childForFieldName('pattern')?.id === top.id;
  }
  return top.type === 'match_pattern' && p.type === 'match_arm';
}

/** Identifiers that name a value (not a path segment, a label, a macro name, …). */
function isValuePosition(id: SyntaxNode): boolean {
  const p = id.parent;
  if (!p) return false;
  switch (p.type) {
    case 'scoped_identifier':
    case 'scoped_type_identifier':
    case 'label':
    case 'macro_invocation':
    case 'lifetime':
      return false;
    case 'field_expression':
      return p.childForFieldName('value')?.id === id.id;
    case 'call_expression':
      return p.childForFieldName('function')?.id !== id.id;
    default:
      return true;
  }
}

function plainBinding(pattern: SyntaxNode | null): SyntaxNode | null {
  if (!pattern) return null;
  if (pattern.type === 'identifier') return pattern;
  if (pattern.type === 'mut_pattern') return pattern.namedChildren.find((c) => c.type === 'identifier') ?? null;
  return null;
}

/** The scope a binding is visible in: the block of its `let`, or the body of its fn/closure. */
function scopeOf(decl: SyntaxNode): SyntaxNode | null {
  for (let n = decl.parent; n; n = n.parent) {
    if (n.type === 'let_declaration') return n.parent;
    if (n.type === 'parameters' || n.type === 'closure_parameters') return n.parent?.childForFieldName('body') ?? null;
    if (!PATTERN_TYPES.has(n.type) && n.type !== 'parameter') return null;
  }
  return null;
}

/** The `for` loop whose iterable is exactly `expr`. */
function forLoopOf(expr: SyntaxNode): SyntaxNode | null {
  const p = expr.parent;
  return p?.type === 'for_expression' && p.childForFieldName('value')?.id === expr.id ? p : null;
}

export interface MethodCall {
  receiver: SyntaxNode;
  name: string;
  field: SyntaxNode;
  args: SyntaxNode[];
}

/** `recv.name(args)` seen as a method call. */
export function methodOf(call: SyntaxNode): MethodCall | null {
  if (call.type !== 'call_expression') return null;
  const f = call.childForFieldName('function');
  if (f?.type !== 'field_expression') return null;
  const receiver = f.childForFieldName('value');
  const field = f.childForFieldName('field');
  if (!receiver || !field) return null;
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'line_comment' && a.type !== 'block_comment') ?? [];
  return { receiver, name: field.text, field, args };
}

/** The name of the type an `impl` block around `node` is for. */
function implTypeName(node: SyntaxNode): string | null {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'impl_item') {
      let t = n.childForFieldName('type');
      if (t?.type === 'generic_type') t = t.childForFieldName('type');
      if (t?.type === 'scoped_type_identifier') t = t.childForFieldName('name');
      return t?.type === 'type_identifier' ? t.text : null;
    }
  }
  return null;
}

function escapeText(source: SourceFile, id: SyntaxNode): string {
  let p = id.parent!;
  if (p.type === 'reference_expression' && p.parent) p = p.parent;
  switch (p.type) {
    case 'return_expression':
      return 'is returned';
    case 'field_initializer':
    case 'shorthand_field_initializer':
      return 'is stored in a struct';
    case 'block':
      return 'is the value of a block (returned or stored)';
    case 'assignment_expression':
      return `is assigned to \`${truncate(source.getText(p.childForFieldName('left') ?? p))}\``;
    default:
      return `is used in \`${truncate(source.getText(p).split(/\r?\n/)[0])}\``;
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
