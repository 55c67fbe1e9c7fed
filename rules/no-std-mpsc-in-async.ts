/**
 * no-std-mpsc-in-async: a std::sync::mpsc `recv` (or `recv_timeout`, an
 * iteration, a `SyncSender::send`) blocks the runtime worker that polls the
 * task. When every use of the channel is visible in the file, the channel
 * becomes a tokio channel and each use its tokio counterpart, with the
 * `Result` -> `Option` change of `recv` carried through to its consumers.
 */
import { createRule } from '../lib/rule';
import { SyntaxNode } from '../lib/parser';
import { SourceFile } from '../lib/source';
import { Resolver } from '../lib/resolve';
import { fix, insertAt, replace } from '../lib/edits';
import { Fix, TextEdit } from '../lib/types';
import { contextOf } from '../lib/context';
import {
  Channel,
  Endpoint,
  EndpointRef,
  Use,
  channelFacts,
  declarationOf,
  integerValue,
  methodOf,
} from '../lib/channels';
import {
  MPSC_RECV_ERROR,
  MPSC_RECV_TIMEOUT_ERROR,
  MPSC_SEND_ERROR,
  MPSC_TRY_RECV_ERROR,
  MPSC_TRY_SEND_ERROR,
  STD_MPSC,
} from '../lib/paths';
import { holdsWords, mayNameModule, mayRunFromAsync } from '../lib/prefilter';

type Options = Record<string, never>;

const FLAGGED_METHODS = new Set(['recv', 'recv_timeout', 'iter', 'into_iter', 'send']);
const MPSC_WORDS = [/\bmpsc\b/, /\basync\b/];

export default createRule<Options>({
  id: 'no-std-mpsc-in-async',
  meta: {
    description: 'Disallow blocking std::sync::mpsc receives and bounded sends in async code',
    fixable: true,
    recommended: 'error',
    messages: {
      recv: 'Blocking `{{method}}` on a std::sync::mpsc receiver in async code stalls a runtime worker ({{origin}}); use tokio::sync::mpsc.{{note}}',
      iter: 'Iterating a std::sync::mpsc receiver in async code blocks a runtime worker on every item ({{origin}}); use tokio::sync::mpsc.{{note}}',
      send: '`send` on a std::sync::mpsc::SyncSender blocks a runtime worker while the channel is full ({{origin}}); use tokio::sync::mpsc.{{note}}',
    },
    schema: { type: 'object', properties: {}, additionalProperties: false },
    // The rule looks only at files naming `mpsc` — by a path or `use` that can name std's — and
    // reports only in async code: a flagged method or a `for` loop there.
    prefilter: (file) =>
      holdsWords(file, MPSC_WORDS) &&
      mayNameModule(file.code, STD_MPSC) &&
      mayRunFromAsync(file, [...FLAGGED_METHODS, 'for'], false),
    callNames: [...FLAGGED_METHODS],
  },
  defaultOptions: {},
  create(context) {
    const { source, resolver } = context;
    const relevant = /\bmpsc\b/.test(source.text);
    const candidates: SyntaxNode[] = [];
    return {
      call_expression(call) {
        if (!relevant) return;
        const name = call.childForFieldName('function')?.childForFieldName('field')?.text;
        if (name && FLAGGED_METHODS.has(name)) candidates.push(call);
      },
      for_expression(loop) {
        if (relevant) candidates.push(loop);
      },
      'source_file:exit'() {
        // Only uses in async code report: the file's channels are worked out only when there is one.
        const inAsync = candidates.filter((node) => context.contextOf(node).kind === 'async');
        if (inAsync.length === 0) return;
        const facts = channelFacts(source, resolver);
        const hits: { node: SyntaxNode; messageId: string; method: string; ref: EndpointRef }[] = [];
        for (const node of inAsync) {
          const hit = flaggedUse(node, (e) => facts.endpointOf(e));
          if (hit) hits.push(hit);
        }
        // One whole-channel fix, the same on every diagnostic of the channel:
        // the fixer applies one copy (the others overlap it and wait, and
        // find nothing left to do), and a suppressed diagnostic does not
        // take the fix away from the others.
        const fixes = new Map<Channel, Fix | null>();
        for (const h of hits) {
          const ch = h.ref.endpoint.channel;
          if (!fixes.has(ch)) fixes.set(ch, channelFix(source, resolver, ch));
          const built = h.ref.locked ? null : fixes.get(ch) ?? null;
          context.report({
            node: h.node,
            messageId: h.messageId,
            data: { method: h.method, origin: ch.origin, note: noteFor(source, ch, h.ref) },
            fix: built,
          });
        }
      },
    };
  },
});

/** The blocking use a call or `for` loop makes of a std endpoint, if it is one. */
function flaggedUse(
  node: SyntaxNode,
  endpointOf: (e: SyntaxNode) => EndpointRef | null,
): { node: SyntaxNode; messageId: string; method: string; ref: EndpointRef } | null {
  if (node.type === 'for_expression') {
    const value = node.childForFieldName('value');
    // `for x in rx.iter()` is flagged at the call.
    if (!value || (value.type === 'call_expression' && methodOf(value))) return null;
    const ref = endpointOf(value);
    return ref && ref.endpoint.role === 'receiver' ? { node: value, messageId: 'iter', method: 'iter', ref } : null;
  }
  const m = methodOf(node);
  if (!m) return null;
  const ref = endpointOf(m.receiver);
  if (!ref) return null;
  const role = ref.endpoint.role;
  if (role === 'receiver' && (m.name === 'recv' || m.name === 'recv_timeout')) return { node, messageId: 'recv', method: m.name, ref };
  if (role === 'receiver' && (m.name === 'iter' || m.name === 'into_iter')) return { node, messageId: 'iter', method: m.name, ref };
  if (role === 'sender' && m.name === 'send' && ref.endpoint.channel.flavor === 'bounded') return { node, messageId: 'send', method: m.name, ref };
  return null;
}

/** Why a diagnostic comes without a fix, for the message. */
function noteFor(source: SourceFile, ch: Channel, ref: EndpointRef): string {
  if (ref.locked) return ` Not fixed: \`${ref.endpoint.name}\` is shared behind a \`Mutex\`.`;
  if (ch.blocker) return ` Not fixed: ${ch.blocker.reason}.`;
  if (ch.deferred) {
    const line = source.positionAt(ch.deferred.ident.startIndex).line;
    return ` Fixed once the \`std::thread::spawn\` closure using \`${ch.deferred.ident.text}\` (line ${line}) runs on the runtime (no-thread-spawn).`;
  }
  return '';
}

// ---------------------------------------------------------------------------
// The whole-channel fix.

const TOKIO = 'tokio::sync::mpsc';
const TOKIO_ERR = 'tokio::sync::mpsc::error';
/** Uses after which a tokio receiver must be a `mut` binding (its methods take `&mut self`). */
const MUT_USES = new Set(['recv', 'recv_timeout', 'try_recv', 'iter', 'try_iter', 'for', 'for_try']);

class FixBuilder {
  readonly edits: TextEdit[] = [];
  unsafe = false;
  private debugItem: boolean | null = null;

  constructor(readonly source: SourceFile, readonly resolver: Resolver, readonly ch: Channel) {}

  get bounded(): boolean {
    return this.ch.flavor === 'bounded';
  }

  /** Whether the channel's item type is known to implement `Debug` (tokio's error types need it for `unwrap`). */
  itemIsDebug(): boolean {
    if (this.debugItem === null) this.debugItem = itemIsDebug(this.source, this.resolver, this.ch);
    return this.debugItem;
  }

  /** A blocking tokio call (`blocking_recv`, `blocking_send`) is safe only where no runtime worker runs it. */
  blockingIn(u: Use): void {
    if (u.place !== 'pool' && u.place !== 'main') this.unsafe = true;
  }
}

export function channelFix(source: SourceFile, resolver: Resolver, ch: Channel): Fix | null {
  if (ch.blocker || ch.deferred || !ch.creation) return null;
  const b = new FixBuilder(source, resolver, ch);
  const creation = ch.creation;
  const f = creation.childForFieldName('function');
  const path = f?.type === 'generic_function' ? f.childForFieldName('function') : f;
  if (!path) return null;
  b.edits.push(replace(path, b.bounded ? `${TOKIO}::channel` : `${TOKIO}::unbounded_channel`));
  if (b.bounded) {
    const arg = creation.childForFieldName('arguments')?.namedChildren[0];
    if (!arg) return null;
    const n = integerValue(arg);
    // tokio has no rendezvous channel: capacity 1 is the closest.
    if (n === 0) b.edits.push(replace(arg, '1'));
    // `tokio::sync::mpsc::channel(0)` panics: a capacity we cannot see may be 0.
    if (n === null || n === 0) b.unsafe = true;
  }
  for (const ep of ch.endpoints) {
    if (ep.typeNode) b.edits.push(replace(ep.typeNode, tokioType(ep, b.bounded)));
    if (ep.role === 'receiver' && !ep.mutable && ep.uses.some((u) => MUT_USES.has(u.kind))) {
      b.edits.push(insertAt(ep.decl.startIndex, 'mut '));
    }
    for (const u of ep.uses) if (!rewriteUse(b, ep, u)) return null;
  }
  const edits = mergeInserts(b.edits);
  if (!edits) return null;
  return fix(b.unsafe ? 'unsafe' : 'safe', edits);
}

function tokioType(ep: Endpoint, bounded: boolean): string {
  if (ep.role === 'receiver') return bounded ? `${TOKIO}::Receiver` : `${TOKIO}::UnboundedReceiver`;
  return bounded ? `${TOKIO}::Sender` : `${TOKIO}::UnboundedSender`;
}

/** Adds the edits of one use; false when the use cannot be rewritten. */
function rewriteUse(b: FixBuilder, ep: Endpoint, u: Use): boolean {
  const { source } = b;
  const call = u.call;
  const m = call ? methodOf(call) : null;
  const async = u.place === 'async';
  const rx = source.getText(u.ident);
  switch (u.kind) {
    case 'recv': {
      if (!call || !m) return false;
      if (!async) {
        b.edits.push(replace(m.field, 'blocking_recv'));
        b.blockingIn(u);
      }
      const mapped = mapResult(b, 'recv', call);
      b.edits.push(...mapped.edits, insertAt(call.endIndex, (async ? '.await' : '') + mapped.suffix));
      return true;
    }
    case 'recv_timeout': {
      if (!call || !m || m.args.length !== 1 || !async) return false;
      // The timer differs (tokio's has millisecond resolution) and the error type changes.
      b.unsafe = true;
      const mapped = mapResult(b, 'timeout', call);
      const text = `tokio::time::timeout(${source.getText(m.args[0])}, ${source.getText(m.receiver)}.recv()).await`;
      b.edits.push(...mapped.edits, replace(call, text + mapped.suffix));
      return true;
    }
    case 'try_recv': {
      if (!call) return false;
      const mapped = mapResult(b, 'try_recv', call);
      b.edits.push(...mapped.edits);
      if (mapped.suffix) b.edits.push(insertAt(call.endIndex, mapped.suffix));
      return true;
    }
    case 'iter': {
      // Outside a `for` loop, only in sync code (an async iterator would need a stream).
      if (!call || async) return false;
      b.blockingIn(u);
      b.edits.push(replace(call, `std::iter::from_fn(|| ${rx}.blocking_recv())`));
      return true;
    }
    case 'try_iter':
      if (!call) return false;
      b.edits.push(replace(call, `std::iter::from_fn(|| ${rx}.try_recv().ok())`));
      return true;
    case 'for':
    case 'for_try': {
      const loop = u.loop;
      const kw = loop?.children.find((c) => c.type === 'for');
      const pattern = loop?.childForFieldName('pattern');
      const value = loop?.childForFieldName('value');
      if (!loop || !kw || !pattern || !value) return false;
      const pat = source.getText(pattern);
      let head: string;
      if (u.kind === 'for_try') head = `while let Ok(${pat}) = ${rx}.try_recv()`;
      else if (async) head = `while let Some(${pat}) = ${rx}.recv().await`;
      else {
        b.blockingIn(u);
        head = `while let Some(${pat}) = ${rx}.blocking_recv()`;
      }
      b.edits.push({ start: kw.startIndex, end: value.endIndex, text: head });
      return true;
    }
    case 'send': {
      if (!call || !m) return false;
      let core = '';
      if (b.bounded && async) core = '.await';
      else if (b.bounded) {
        b.edits.push(replace(m.field, 'blocking_send'));
        b.blockingIn(u);
      }
      const mapped = mapResult(b, 'send', call);
      b.edits.push(...mapped.edits);
      if (core || mapped.suffix) b.edits.push(insertAt(call.endIndex, core + mapped.suffix));
      return true;
    }
    case 'try_send': {
      if (!call) return false;
      const mapped = mapResult(b, 'try_send', call);
      b.edits.push(...mapped.edits);
      if (mapped.suffix) b.edits.push(insertAt(call.endIndex, mapped.suffix));
      return true;
    }
    case 'clone':
    case 'alias':
    case 'drop':
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Carrying the result type change to the consumers of a call.

type Shape = 'recv' | 'timeout' | 'try_recv' | 'send' | 'try_send';

interface Mapped {
  edits: TextEdit[];
  /** Text appended after the (rewritten) call. */
  suffix: string;
}

/**
 * Conversions that give back exactly the std result type, used when the
 * consumer is not one the rule knows how to rewrite (a `let` binding, a fn
 * argument, `?` into a concrete error type, …).
 */
const EXACT: Record<Shape, string> = {
  recv: '.ok_or(std::sync::mpsc::RecvError)',
  timeout:
    '.map_err(|_| std::sync::mpsc::RecvTimeoutError::Timeout).and_then(|v| v.ok_or(std::sync::mpsc::RecvTimeoutError::Disconnected))',
  try_recv: `.map_err(|e| match e { ${TOKIO_ERR}::TryRecvError::Empty => std::sync::mpsc::TryRecvError::Empty, ${TOKIO_ERR}::TryRecvError::Disconnected => std::sync::mpsc::TryRecvError::Disconnected })`,
  send: '.map_err(|e| std::sync::mpsc::SendError(e.0))',
  try_send: `.map_err(|e| match e { ${TOKIO_ERR}::TrySendError::Full(v) => std::sync::mpsc::TrySendError::Full(v), ${TOKIO_ERR}::TrySendError::Closed(v) => std::sync::mpsc::TrySendError::Disconnected(v) })`,
};

/** `recv` gives `Option<T>` in tokio: the `Result` methods that have an `Option` twin. */
const OPTION_TWINS: Record<string, string> = {
  is_ok: 'is_some',
  is_err: 'is_none',
  is_ok_and: 'is_some_and',
  unwrap: 'unwrap',
  expect: 'expect',
  unwrap_or: 'unwrap_or',
  unwrap_or_default: 'unwrap_or_default',
};
/** Methods whose meaning does not depend on the error type. */
const ERROR_BLIND = new Set(['is_ok', 'is_err', 'ok', 'is_ok_and', 'unwrap_or', 'unwrap_or_default']);
/** Methods that need the error type to be `Debug`. */
const NEEDS_DEBUG = new Set(['unwrap', 'expect']);

function mapResult(b: FixBuilder, shape: Shape, call: SyntaxNode): Mapped {
  return consumerMapping(b, shape, call) ?? { edits: [], suffix: EXACT[shape] };
}

function consumerMapping(b: FixBuilder, shape: Shape, call: SyntaxNode): Mapped | null {
  const p = call.parent;
  if (!p) return null;
  const none: Mapped = { edits: [], suffix: '' };
  // `expr.method(..)`
  if (p.type === 'field_expression' && p.childForFieldName('value')?.id === call.id) {
    const outer = p.parent;
    const field = p.childForFieldName('field');
    if (!outer || outer.type !== 'call_expression' || outer.childForFieldName('function')?.id !== p.id || !field) return null;
    const name = field.text;
    const m = methodOf(outer)!;
    if (shape === 'recv' || shape === 'timeout') {
      const pre = shape === 'timeout' ? '.ok().flatten()' : '';
      if (name === 'ok') return { edits: [{ start: call.endIndex, end: outer.endIndex, text: '' }], suffix: pre };
      if (name === 'unwrap_or_else') {
        const params = m.args[0]?.type === 'closure_expression' ? m.args[0].childForFieldName('parameters') : null;
        if (!params || !/^\|\s*_\w*\s*\|$/.test(params.text)) return null;
        return { edits: [replace(params, '||')], suffix: pre };
      }
      const twin = OPTION_TWINS[name];
      if (!twin) return null;
      return { edits: twin === name ? [] : [replace(field, twin)], suffix: pre };
    }
    if (ERROR_BLIND.has(name)) return none;
    if (name === 'unwrap_or_else' && m.args[0]?.type === 'closure_expression') {
      const params = m.args[0].childForFieldName('parameters');
      return params && /^\|\s*_\w*\s*\|$/.test(params.text) ? none : null;
    }
    if (NEEDS_DEBUG.has(name)) return shape === 'try_recv' || b.itemIsDebug() ? none : null;
    return null;
  }
  if (p.type === 'try_expression') {
    // `?` converts the error with `From`: only boxed/any errors take tokio's as they took std's.
    if (shape === 'send' || shape === 'try_send') return b.itemIsDebug() && absorbsErrors(b, call) ? none : null;
    return null;
  }
  if (p.type === 'expression_statement') return none;
  if (p.type === 'let_declaration' && p.childForFieldName('value')?.id === call.id) {
    const pattern = p.childForFieldName('pattern');
    if (pattern?.text === '_') return none;
    // `let Ok(v) = rx.recv() else { .. };`
    if (p.childForFieldName('alternative') && pattern) return patternsMapping(b, shape, [pattern], p.parent ?? p);
    return null;
  }
  if (p.type === 'let_condition' && p.childForFieldName('value')?.id === call.id) {
    const pattern = p.childForFieldName('pattern');
    const owner = p.parent?.type === 'let_chain' ? p.parent.parent : p.parent;
    const body = owner?.childForFieldName('consequence') ?? owner?.childForFieldName('body') ?? null;
    return pattern && body ? patternsMapping(b, shape, [pattern], body) : null;
  }
  if (p.type === 'match_expression' && p.childForFieldName('value')?.id === call.id) {
    const arms = p.childForFieldName('body')?.namedChildren.filter((a) => a.type === 'match_arm') ?? [];
    const edits: TextEdit[] = [];
    for (const arm of arms) {
      const pattern = arm.childForFieldName('pattern')?.namedChildren[0] ?? null;
      const mapped = pattern ? patternsMapping(b, shape, [pattern], arm) : null;
      if (!mapped) return null;
      edits.push(...mapped.edits);
    }
    return arms.length ? { edits, suffix: '' } : null;
  }
  return null;
}

function patternsMapping(b: FixBuilder, shape: Shape, patterns: SyntaxNode[], scope: SyntaxNode): Mapped | null {
  const edits: TextEdit[] = [];
  for (const pat of patterns) {
    const e = patternMapping(b, shape, pat, scope);
    if (!e) return null;
    edits.push(...e);
  }
  return { edits, suffix: '' };
}

const OK_NAMES = /^(?:(?:(?:std|core)::result::)?Result::)?Ok$/;
const ERR_NAMES = /^(?:(?:(?:std|core)::result::)?Result::)?Err$/;

/** The edits that turn one pattern on the std result into a pattern on the tokio result. */
function patternMapping(b: FixBuilder, shape: Shape, pat: SyntaxNode, scope: SyntaxNode): TextEdit[] | null {
  const { source, resolver } = b;
  if (pat.type === '_' || pat.text === '_') return [];
  if (pat.type === 'or_pattern') {
    const edits: TextEdit[] = [];
    for (const alt of pat.namedChildren) {
      const e = patternMapping(b, shape, alt, scope);
      if (!e) return null;
      edits.push(...e);
    }
    return edits;
  }
  if (pat.type !== 'tuple_struct_pattern') return null;
  const type = pat.childForFieldName('type');
  const inner = pat.children.filter((c) => c.id !== type?.id && !PUNCT.has(c.type));
  if (!type || inner.length !== 1) return null;
  const name = type.text.replace(/\s+/g, '');
  const q = inner[0];
  const ignored = q.type === '_' || q.type === 'remaining_field_pattern' || (q.type === 'identifier' && unusedIn(source, q, scope));
  const path = q.type === 'identifier' || q.type === 'scoped_identifier' ? resolver.resolve(q) : null;
  if (OK_NAMES.test(name)) {
    if (shape === 'recv') return [replace(type, 'Some')];
    if (shape === 'timeout') return [replace(q, `Some(${source.getText(q)})`)];
    return [];
  }
  if (!ERR_NAMES.test(name)) return null;
  switch (shape) {
    case 'recv':
      return ignored || path === MPSC_RECV_ERROR ? [replace(pat, 'None')] : null;
    case 'timeout':
      if (ignored) return [replace(pat, 'Err(_) | Ok(None)')];
      if (path === `${MPSC_RECV_TIMEOUT_ERROR}::Timeout`) return [replace(pat, 'Err(_)')];
      if (path === `${MPSC_RECV_TIMEOUT_ERROR}::Disconnected`) return [replace(pat, 'Ok(None)')];
      return null;
    case 'try_recv':
      if (ignored) return [];
      if (path === `${MPSC_TRY_RECV_ERROR}::Empty`) return [replace(q, `${TOKIO_ERR}::TryRecvError::Empty`)];
      if (path === `${MPSC_TRY_RECV_ERROR}::Disconnected`) return [replace(q, `${TOKIO_ERR}::TryRecvError::Disconnected`)];
      return null;
    case 'send':
    case 'try_send': {
      if (ignored) return [];
      if (q.type !== 'tuple_struct_pattern') return null;
      const qt = q.childForFieldName('type');
      const qPath = qt ? resolver.resolve(qt) : null;
      if (!qt) return null;
      if (shape === 'send' && qPath === MPSC_SEND_ERROR) return [replace(qt, `${TOKIO_ERR}::SendError`)];
      if (shape === 'try_send' && qPath === `${MPSC_TRY_SEND_ERROR}::Full`) return [replace(qt, `${TOKIO_ERR}::TrySendError::Full`)];
      if (shape === 'try_send' && qPath === `${MPSC_TRY_SEND_ERROR}::Disconnected`) return [replace(qt, `${TOKIO_ERR}::TrySendError::Closed`)];
      return null;
    }
    default:
      return null;
  }
}

const PUNCT = new Set(['(', ')', ',']);

/** Whether a pattern binding is never read in its scope (`_e`, or no identifier of that name). */
function unusedIn(source: SourceFile, binding: SyntaxNode, scope: SyntaxNode): boolean {
  const name = binding.text;
  if (name.startsWith('_')) return true;
  if (/^[A-Z]/.test(name)) return false;
  return !scope.descendantsOfType('identifier').some((id) => id.id !== binding.id && id.text === name);
}

/** Whether `?` in the fn around `call` converts any `std::error::Error` (a boxed error, anyhow, eyre). */
function absorbsErrors(b: FixBuilder, call: SyntaxNode): boolean {
  const owner = contextOf(call).owner;
  const ret = owner?.type === 'function_item' ? owner.childForFieldName('return_type') : null;
  if (!ret || ret.type !== 'generic_type') return false;
  const head = b.resolver.resolve(ret);
  if (head && /^(?:anyhow|eyre|color_eyre(?:::eyre)?)::Result$/.test(head)) return true;
  if (head !== 'Result' && head !== 'std::result::Result' && head !== 'core::result::Result') return false;
  const err = ret.childForFieldName('type_arguments')?.namedChildren[1];
  if (!err) return false;
  if (/^Box\s*<\s*dyn\s+(?:(?:std|core)::error::)?Error\b/.test(err.text)) return true;
  const errPath = err.type === 'type_identifier' || err.type === 'scoped_type_identifier' ? b.resolver.resolve(err) : null;
  return errPath === 'anyhow::Error' || errPath === 'eyre::Report' || errPath === 'color_eyre::Report';
}

// ---------------------------------------------------------------------------
// Whether the item type is `Debug`.

const DEBUG_TYPES = /^(?:bool|char|str|u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|String|std::string::String|PathBuf|std::path::PathBuf|Duration|std::time::Duration|Instant|std::time::Instant)$/;
const DEBUG_CONTAINERS = /^(?:Vec|Option|Box|Result|HashMap|BTreeMap|HashSet|BTreeSet|VecDeque|Arc|Rc|std::\w+::\w+)$/;

function itemIsDebug(source: SourceFile, resolver: Resolver, ch: Channel): boolean {
  const types: SyntaxNode[] = [];
  const f = ch.creation?.childForFieldName('function');
  if (f?.type === 'generic_function') {
    const arg = f.childForFieldName('type_arguments')?.namedChildren[0];
    if (arg) types.push(arg);
  }
  for (const ep of ch.endpoints) {
    const arg = ep.typeNode?.parent?.type === 'generic_type' ? ep.typeNode.parent.childForFieldName('type_arguments')?.namedChildren[0] : null;
    if (arg) types.push(arg);
  }
  const known = types.find((t) => t.text !== '_');
  if (known) return isDebugType(source, known, 0);
  for (const ep of ch.endpoints) {
    for (const u of ep.uses) {
      if ((u.kind === 'send' || u.kind === 'try_send') && u.call) {
        const arg = methodOf(u.call)?.args[0];
        if (arg && isDebugValue(source, arg)) return true;
      }
    }
  }
  return false;
}

function isDebugType(source: SourceFile, t: SyntaxNode, depth: number): boolean {
  if (depth > 6) return false;
  switch (t.type) {
    case 'primitive_type':
    case 'unit_type':
      return true;
    case 'reference_type': {
      const inner = t.childForFieldName('type');
      return !!inner && isDebugType(source, inner, depth + 1);
    }
    case 'tuple_type':
    case 'array_type':
      return t.namedChildren.filter((c) => c.type !== 'integer_literal').every((c) => isDebugType(source, c, depth + 1));
    case 'type_identifier':
    case 'scoped_type_identifier':
      return DEBUG_TYPES.test(t.text) || derivesDebug(source, t.text);
    case 'generic_type': {
      const head = t.childForFieldName('type')?.text ?? '';
      const args = t.childForFieldName('type_arguments')?.namedChildren ?? [];
      return DEBUG_CONTAINERS.test(head) && args.every((a) => a.type === 'lifetime' || isDebugType(source, a, depth + 1));
    }
    default:
      return false;
  }
}

/** Whether a struct or enum of this file with that name derives `Debug`. */
function derivesDebug(source: SourceFile, name: string): boolean {
  const items = source.root.descendantsOfType(['struct_item', 'enum_item']).filter((i) => i.childForFieldName('name')?.text === name);
  if (items.length !== 1) return false;
  for (let s = items[0].previousNamedSibling; s && (s.type === 'attribute_item' || s.type.endsWith('comment')); s = s.previousNamedSibling) {
    if (/^#\[\s*derive\s*\([^)]*\bDebug\b/.test(s.text)) return true;
  }
  return false;
}

function isDebugValue(source: SourceFile, v: SyntaxNode, depth = 0): boolean {
  if (depth > 4) return false;
  switch (v.type) {
    case 'integer_literal':
    case 'float_literal':
    case 'string_literal':
    case 'raw_string_literal':
    case 'char_literal':
    case 'boolean_literal':
    case 'unit_expression':
      return true;
    case 'unary_expression':
    case 'reference_expression':
    case 'parenthesized_expression':
      return v.namedChildren.length === 1 && isDebugValue(source, v.namedChildren[0], depth + 1);
    case 'tuple_expression':
    case 'array_expression':
      return v.namedChildren.every((c) => isDebugValue(source, c, depth + 1));
    case 'macro_invocation':
      return /^format!/.test(source.getText(v));
    case 'struct_expression': {
      const name = v.childForFieldName('name');
      return !!name && derivesDebug(source, name.text);
    }
    case 'identifier': {
      // A binding with a written type, or bound to a value we can judge.
      const decl = declarationOf(v);
      const holder = decl?.parent?.type === 'mut_pattern' ? decl.parent.parent : decl?.parent;
      if (!holder || (holder.type !== 'parameter' && holder.type !== 'let_declaration')) return false;
      const type = holder.childForFieldName('type');
      if (type) return isDebugType(source, type, 0);
      const value = holder.type === 'let_declaration' ? holder.childForFieldName('value') : null;
      return !!value && isDebugValue(source, value, depth + 1);
    }
    case 'call_expression': {
      const text = source.getText(v);
      if (/^format!/.test(text) || /^String::(?:from|new)\b/.test(text)) return true;
      const f = v.childForFieldName('function');
      // `Job(1)`: a tuple struct (or enum variant) of this file.
      if (f?.type === 'identifier' && /^[A-Z]/.test(f.text)) return derivesDebug(source, f.text);
      const m = methodOf(v);
      return !!m && m.name === 'to_string';
    }
    default:
      return false;
  }
}

/** Joins inserts at the same offset (in order) and refuses overlapping edits. */
function mergeInserts(edits: TextEdit[]): TextEdit[] | null {
  const out: TextEdit[] = [];
  const sorted = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
  for (const { e } of sorted) {
    const last = out[out.length - 1];
    if (last && last.start === last.end && e.start === e.end && last.start === e.start) {
      out[out.length - 1] = { start: e.start, end: e.end, text: last.text + e.text };
      continue;
    }
    if (last && e.start < last.end) return null;
    out.push(e);
  }
  return out;
}
