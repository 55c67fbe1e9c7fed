/**
 * no-thread-spawn: under tokio the work of an OS thread belongs on the
 * runtime. Every `std::thread::spawn`, `thread::Builder::….spawn` and scoped
 * spawn is flagged; the fix is chosen from what the thread body does:
 *
 *   short, non-blocking, handle dropped   ->  `{ body }` run in place
 *   a loop that sleeps                    ->  `tokio::spawn(async move { … })`
 *                                             (no-thread-sleep then makes the sleep async)
 *   blocking work (files, sockets, recv…) ->  `tokio::task::spawn_blocking(f)`
 *   anything else                         ->  `tokio::spawn(async move { body })`
 *
 * `h.join()` on the handle becomes `h.await` in async code; other uses of the
 * handle, scoped threads and runtime construction are reported without a fix.
 */
import { createRule, RuleContext } from '../lib/rule';
import { SyntaxNode } from '../lib/parser';
import {
  BLOCKING_CHANNEL_FNS, BLOCKING_PATH_PREFIXES, BLOCKING_RECEIVER_TYPES, BLOCK_ON_FNS, IO_STDIN, MPSC_SYNC_SENDER,
  PROCESS_COMMAND_NEW, STD_THREAD, THREAD_BUILDER, THREAD_BUILDER_NEW, THREAD_JOIN_HANDLE, THREAD_PARK, THREAD_PARK_TIMEOUT,
  THREAD_SCOPE, THREAD_SCOPE_TYPE, THREAD_SLEEP, THREAD_SLEEP_MS, THREAD_SPAWN, TOKIO_RUNTIME_BUILDER, TOKIO_RUNTIME_NEW,
} from '../lib/paths';
import { fix, reindent, replace } from '../lib/edits';
import { mayNameModule } from '../lib/prefilter';
import { patternBinds } from '../lib/resolve';
import { ownerOf } from '../lib/context';
import { removeLine } from '../lib/imports';
import { Applicability, TextEdit } from '../lib/types';
import { mpscUseAt } from '../lib/channels';

type Options = { unknownBody: 'async' | 'blocking'; dropThreadName: boolean };
type Ctx = RuleContext<Options>;

export default createRule<Options>({
  id: 'no-thread-spawn',
  meta: {
    description: 'Disallow starting OS threads (`std::thread::spawn`, `thread::Builder`, scoped threads) in a tokio program',
    fixable: true,
    recommended: 'error',
    messages: {
      inline: '`{{api}}` starts an OS thread for short non-blocking work; run it in place as a block.',
      task: '`{{api}}` starts an OS thread; run the work as a tokio task with `tokio::spawn(async ..)`.',
      backgroundLoop:
        '`{{api}}` starts an OS thread for a loop that sleeps; run it as a tokio task (`tokio::spawn`) that sleeps with tokio\'s timer.',
      blocking: '`{{api}}` starts an OS thread for blocking work ({{what}}); use `tokio::task::spawn_blocking`.',
      scoped:
        '`{{api}}` starts a scoped OS thread; its closure borrows from the scope and cannot become a `\'static` tokio task, so this is not fixed automatically.',
      noFix: '`{{api}}` starts an OS thread; not fixed automatically: {{reason}}.',
    },
    schema: {
      type: 'object',
      properties: {
        unknownBody: {
          enum: ['async', 'blocking'],
          description:
            'How to treat a thread body that calls fns the rule cannot see into: as async-safe work (`tokio::spawn`) or as blocking work (`tokio::task::spawn_blocking`).',
        },
        dropThreadName: {
          type: 'boolean',
          description: 'Fix `thread::Builder` spawns that set a name or stack size too, dropping those settings (tokio tasks have neither).',
        },
      },
      additionalProperties: false,
    },
    // Every report resolves a path to `std::thread::…` and calls a `spawn…`: both words are in the
    // code, and a path or `use` that can name `std::thread`.
    prefilter: { words: [/\bthread\b/, /\bspawn/], code: (code) => mayNameModule(code, STD_THREAD) },
    // Path calls named `spawn`, method calls of a Builder or a scope.
    callNames: ['spawn', 'spawn_unchecked', 'spawn_scoped'],
  },
  defaultOptions: { unknownBody: 'async', dropThreadName: false },
  create(context) {
    return {
      call_expression(call) {
        const callee = call.childForFieldName('function');
        if (!callee) return;
        if (callee.type === 'field_expression') {
          methodSpawn(context, call, callee);
          return;
        }
        if (context.resolver.resolveCallee(call) !== THREAD_SPAWN) return;
        check(context, { api: 'std::thread::spawn', call, callee, handle: call, setters: [] });
      },
    };
  },
});

/** One thread start: the call that takes the thread's function, and the expression holding its JoinHandle. */
interface Site {
  api: string;
  call: SyntaxNode;
  /** The reported node. */
  callee: SyntaxNode;
  /** The expression whose value is the `JoinHandle` (a Builder's `.spawn(f).unwrap()`). */
  handle: SyntaxNode;
  /** Builder settings (`name`, `stack_size`) in the chain. */
  setters: string[];
}

/** `builder.spawn(f)`, `builder.spawn_unchecked(f)`, `builder.spawn_scoped(s, f)`, and `s.spawn(f)` in a scope. */
function methodSpawn(context: Ctx, call: SyntaxNode, callee: SyntaxNode): void {
  const field = callee.childForFieldName('field')?.text;
  const value = callee.childForFieldName('value');
  if (!value || (field !== 'spawn' && field !== 'spawn_unchecked' && field !== 'spawn_scoped')) return;
  const chain = builderChain(context, value);
  if (chain) {
    const api = `std::thread::Builder::${field}`;
    if (field === 'spawn_scoped') {
      context.report({ node: callee, messageId: 'scoped', data: { api } });
    } else if (field === 'spawn_unchecked') {
      noFix(context, callee, api, 'its closure may borrow non-`\'static` data, which a tokio task cannot');
    } else if (chain.boundTo) {
      noFix(context, callee, api, `the Builder is configured in \`${chain.boundTo}\`, away from the spawn`);
    } else {
      check(context, { api, call, callee, handle: builderHandle(call), setters: chain.setters });
    }
    return;
  }
  if (field === 'spawn' && value.type === 'identifier' && isScopeHandle(context, value)) {
    context.report({ node: callee, messageId: 'scoped', data: { api: 'std::thread::Scope::spawn' } });
  }
}

function noFix(context: Ctx, node: SyntaxNode, api: string, reason: string): void {
  context.report({ node, messageId: 'noFix', data: { api, reason } });
}

type Plan = 'inline' | 'task' | 'backgroundLoop' | 'blocking';

function check(context: Ctx, site: Site): void {
  const { source, options } = context;
  const report = (reason: string) => noFix(context, site.callee, site.api, reason);
  const args = namedNonComment(site.call.childForFieldName('arguments'));
  if (args.length !== 1) return report('it does not take exactly one function');
  const arg = args[0];

  // The thread's function: a closure we can rewrite, or a fn or closure named by a path.
  let closure: SyntaxNode | null = null;
  let body: SyntaxNode | null = null;
  if (arg.type === 'closure_expression') {
    closure = arg;
    body = arg.childForFieldName('body');
    if (!body) return;
    if (namedNonComment(arg.childForFieldName('parameters')).length) return report('the closure takes parameters');
    if (arg.childForFieldName('return_type')) return report('the closure declares its return type');
    if (arg.children.some((c) => c.type === 'async')) return report('the closure is async');
  } else if (arg.type !== 'identifier' && arg.type !== 'scoped_identifier') {
    return blockingOnly(context, site, arg);
  }

  const facts = newFacts();
  const scan = new Scanner(context, facts);
  if (closure && body) scan.scan(body, closure);
  else scan.call(arg, arg, null);
  if (facts.unknown && options.unknownBody === 'blocking' && !facts.blocking) {
    facts.blocking = `calls ${facts.unknown}, whose body the rule cannot see`;
  }

  if (facts.runtime) return report(`it builds a tokio runtime (${facts.runtime}); use the program's runtime (see no-shared-runtime)`);
  if (facts.blocking && facts.unbounded) {
    return report(
      `it loops on blocking work (${facts.blocking}); \`spawn_blocking\` is for bounded work and a tokio task would hold a runtime worker`,
    );
  }
  if (site.setters.length && !options.dropThreadName) {
    return report(`the Builder sets ${site.setters.map((s) => `\`${s}\``).join(' and ')}, which tokio tasks do not have (option \`dropThreadName\`)`);
  }
  const use = handleUse(context, site);
  if (use.kind === 'none') return report(use.reason);

  let plan: Plan;
  if (facts.blocking) plan = 'blocking';
  else if (facts.sleepInLoop) plan = 'backgroundLoop';
  // Run in place only what the rule can see is short: no loop, no sleep, no unseen call (it
  // might never return), no `return`/`?` (they would leave the caller), no panic (it would
  // unwind into the caller instead of ending a thread).
  else if (
    use.kind === 'discarded' &&
    !facts.loop &&
    !facts.returns &&
    !facts.unknown &&
    !facts.panics &&
    facts.sleeps.length === 0 &&
    facts.waits.length === 0
  ) {
    plan = 'inline';
  }
  else plan = 'task';

  if (plan === 'backgroundLoop' || plan === 'task') {
    const held = heldAcrossSleep(source, [...facts.sleeps, ...facts.waits], body);
    if (held) return report(`\`${held}\` would be held across the sleep, which becomes an \`.await\`, and the task would not be \`Send\``);
  }
  if (hasLostComment(site, arg)) return report('comments in the call would be lost');

  const runtimeOk = context.contextOf(site.call).kind === 'async' || context.ambientRuntime;
  const target = source.indentOf(site.handle.startIndex);
  const edits: TextEdit[] = [...use.edits];
  let applicability: Applicability = runtimeOk && !use.unsafe ? 'safe' : 'unsafe';
  const data: Record<string, string> = { api: site.api };

  if (plan === 'inline') {
    const stmt = (use as { stmt: SyntaxNode }).stmt;
    edits.push(inlineEdit(context, stmt, arg, body));
    applicability = closure && isMove(closure) && !capturesEndWithScope(context, stmt, closure, body!) ? 'unsafe' : 'safe';
  } else if (plan === 'blocking') {
    data.what = facts.blocking!;
    const text = reindent(source.getText(arg), source.indentOf(arg.startIndex), target);
    edits.push(replace(site.handle, `tokio::task::spawn_blocking(${text})`));
  } else {
    edits.push(replace(site.handle, `tokio::spawn(${asyncText(context, arg, closure, body, target)})`));
    // A loop that never sleeps never yields: as a task it would hog a runtime worker.
    if (facts.spin) applicability = 'unsafe';
  }
  context.report({ node: site.callee, messageId: plan, data, fix: fix(applicability, edits) });
}

/** A thread function given as an arbitrary expression: only `spawn_blocking` keeps it unchanged. */
function blockingOnly(context: Ctx, site: Site, arg: SyntaxNode): void {
  const use = handleUse(context, site);
  if (use.kind === 'none' || (site.setters.length && !context.options.dropThreadName) || hasLostComment(site, arg)) {
    const reason = use.kind === 'none' ? use.reason : 'the thread function is an expression the rule cannot see into';
    return noFix(context, site.callee, site.api, reason);
  }
  const runtimeOk = context.contextOf(site.call).kind === 'async' || context.ambientRuntime;
  const target = context.source.indentOf(site.handle.startIndex);
  const text = reindent(context.source.getText(arg), context.source.indentOf(arg.startIndex), target);
  context.report({
    node: site.callee,
    messageId: 'blocking',
    data: { api: site.api, what: 'a thread function the rule cannot see into' },
    fix: fix(runtimeOk && !use.unsafe ? 'safe' : 'unsafe', ...use.edits, replace(site.handle, `tokio::task::spawn_blocking(${text})`)),
  });
}

// ---------------------------------------------------------------------------
// What the thread body does

interface Facts {
  /** The first blocking call, described for the message. */
  blocking: string | null;
  /** The first call whose body the rule cannot see. */
  unknown: string | null;
  /** A tokio runtime built in the body. */
  runtime: string | null;
  loop: boolean;
  /** A `loop`, `while`, or `for` over a channel or a stream of lines/connections. */
  unbounded: boolean;
  /** A `loop` or `while` (not `while let`) with no sleep inside: it never yields. */
  spin: boolean;
  /** `std::thread::sleep` calls of the closure itself: they become `tokio::time::sleep(..).await`. */
  sleeps: SyntaxNode[];
  /**
   * Receives (and `for` loops) on std channels that no-std-mpsc-in-async will
   * convert once they run in async code: they become `.recv().await`.
   */
  waits: SyntaxNode[];
  sleepInLoop: boolean;
  /** `return` or `?` of the closure itself. */
  returns: boolean;
  /** `unwrap`, `expect`, `panic!`, `assert!`…: a panic ends a thread, but would unwind into the caller of a block. */
  panics: boolean;
}

function newFacts(): Facts {
  return { blocking: null, unknown: null, runtime: null, loop: false, unbounded: false, spin: false, sleeps: [], waits: [], sleepInLoop: false, returns: false, panics: false };
}

const LOOPS = ['loop_expression', 'while_expression', 'for_expression'];
const SCANNED = ['call_expression', 'macro_invocation', 'return_expression', 'try_expression', ...LOOPS];

/** Methods that block the calling thread whatever their receiver (channels, processes, condvars, I/O). */
const BLOCKING_METHODS: Record<string, number | null> = {
  recv: 0, recv_timeout: 1, recv_deadline: 1, join: 0, accept: null, connect: null, recv_from: 1, send_to: 2,
  wait: null, wait_timeout: null, wait_timeout_ms: null, wait_while: null, wait_timeout_while: null,
  read_line: null, read_to_string: null, read_to_end: null, read_exact: null,
  blocking_recv: null, blocking_send: null, blocking_lock: null, blocking_read: null, blocking_write: null,
  block_on: null,
};

/** Methods of std types that do not block (so their bodies are "seen"). */
const KNOWN_METHODS = new Set(`
  clone to_string to_owned into from as_ref as_mut as_deref as_deref_mut borrow borrow_mut get_or_init get_or_insert_with
  unwrap expect unwrap_or unwrap_or_else unwrap_or_default unwrap_err expect_err ok err ok_or ok_or_else map map_err
  and_then or_else or and filter filter_map iter iter_mut into_iter collect push push_str push_back push_front pop
  pop_back pop_front insert remove get get_mut contains contains_key len is_empty extend clear sort sort_by sort_by_key
  sort_unstable dedup retain drain entry or_insert or_insert_with or_default keys values values_mut first last split
  splitn trim trim_start trim_end lines chars bytes as_str as_bytes as_slice parse fetch_add fetch_sub fetch_or fetch_and
  fetch_max fetch_min load store swap compare_exchange compare_exchange_weak lock try_lock read write try_read try_write
  set take replace send try_send try_recv enumerate zip chain rev skip step_by count sum product min max min_by_key
  max_by_key any all find find_map position fold for_each cloned copied flatten flat_map next peekable windows chunks
  concat to_vec to_uppercase to_lowercase starts_with ends_with split_whitespace is_some is_none is_ok is_err elapsed
  duration_since as_secs as_millis as_micros as_nanos as_secs_f64 checked_add checked_sub saturating_add saturating_sub
  wrapping_add abs pow sqrt upgrade downgrade downcast downcast_ref fmt write_str write_fmt eq ne cmp partial_cmp hash
  into_inner get_ref unpark thread id name format to_vec_in truncate reserve with_capacity capacity last_mut first_mut
  inspect sum_by join_all notify_one notify_all notify_waiters cancel is_cancelled abort is_finished
`.split(/\s+/).filter(Boolean));

/** Macros that only format, assert or log. */
const KNOWN_MACROS = new Set(`
  println print eprintln eprint format format_args write writeln panic todo unimplemented unreachable assert assert_eq
  assert_ne debug_assert debug_assert_eq debug_assert_ne vec dbg matches concat stringify include_str env cfg line file
  info warn error debug trace event
`.split(/\s+/).filter(Boolean));

const PANIC_MACROS = new Set(`
  panic todo unimplemented unreachable assert assert_eq assert_ne debug_assert debug_assert_eq debug_assert_ne
`.split(/\s+/).filter(Boolean));
const PANIC_METHODS = new Set(['unwrap', 'expect', 'unwrap_err', 'expect_err']);
/** `Type::new(..)` and kin: constructors, taken to be short and non-blocking. */
const CONSTRUCTOR = /^(?:new|default|from|builder|with_\w+)$/;

/** Crates whose fns the rule knows (blocking ones are listed in lib/paths.ts). */
const KNOWN_CRATES = /^(?:std|core|alloc|tokio|futures|log|tracing)::/;
const PRELUDE = new Set(['Box', 'Vec', 'String', 'Option', 'Result', 'Some', 'None', 'Ok', 'Err', 'Default', 'ToString', 'Self']);

class Scanner {
  private visited = new Set<number>();
  constructor(private readonly context: Ctx, private readonly facts: Facts) {}

  /**
   * Scans a body. `owner` is the thread closure: its own sleeps become async
   * and its own `return`/`?` matter; inside called fns (owner null) a sleep
   * is blocking.
   */
  scan(root: SyntaxNode, owner: SyntaxNode | null, depth = 0): void {
    const f = this.facts;
    for (const node of root.descendantsOfType(SCANNED)) {
      if (insideItem(node, root)) continue;
      switch (node.type) {
        case 'return_expression':
        case 'try_expression':
          if (owner && ownerOf(node)?.id === owner.id) f.returns = true;
          break;
        case 'loop_expression':
        case 'while_expression':
        case 'for_expression':
          this.loop(node, root);
          break;
        case 'macro_invocation':
          this.macro(node, owner, depth);
          break;
        default:
          this.callExpression(node, owner, depth);
      }
    }
    // A loop with no sleep of the closure inside it never yields.
    for (const loop of root.descendantsOfType(['loop_expression', 'while_expression'])) {
      if (insideItem(loop, root) || isWhileLet(loop)) continue;
      const sleeps = f.sleeps.filter((s) => contains(loop, s));
      if (sleeps.length) f.sleepInLoop = true;
      else if (!f.waits.some((w) => contains(loop, w))) f.spin = true;
    }
    for (const loop of root.descendantsOfType('for_expression')) {
      if (!insideItem(loop, root) && f.sleeps.some((s) => contains(loop, s))) f.sleepInLoop = true;
    }
  }

  private loop(node: SyntaxNode, root: SyntaxNode): void {
    const f = this.facts;
    f.loop = true;
    if (node.type !== 'for_expression') {
      f.unbounded = true;
      return;
    }
    const value = node.childForFieldName('value');
    if (!value) return;
    if (this.convertibleWait(node)) return;
    const inner = value.type === 'reference_expression' ? value.childForFieldName('value') : value;
    if (inner && this.isReceiver(inner, root)) {
      f.unbounded = true;
      f.blocking ??= `\`for .. in ${this.context.source.getText(inner)}\` waits on a channel`;
    } else if (inner?.type === 'call_expression') {
      const m = inner.childForFieldName('function');
      const name = m?.type === 'field_expression' ? m.childForFieldName('field')?.text : null;
      if (name === 'lines' || name === 'incoming') f.unbounded = true;
    }
  }

  private macro(node: SyntaxNode, owner: SyntaxNode | null, depth: number): void {
    const f = this.facts;
    const m = node.childForFieldName('macro');
    const name = m?.type === 'scoped_identifier' ? m.childForFieldName('name')?.text : m?.text;
    if (!name) return;
    if (name === 'block_on') f.blocking ??= '`block_on!`';
    if (PANIC_MACROS.has(name)) f.panics = true;
    if (!KNOWN_MACROS.has(name)) f.unknown ??= `\`${name}!\``;
    const tt = node.namedChildren.find((c) => c.type === 'token_tree');
    if (tt) this.tokens(tt, name, owner && ownerOf(node)?.id === owner.id, depth);
  }

  /** Opaque macro arguments: their tokens, for what would change the fix (calls, `?`, `return`). */
  private tokens(tt: SyntaxNode, macro: string, own: boolean | null, depth: number): void {
    const f = this.facts;
    const where = ` in \`${macro}!\``;
    for (const t of tt.descendantsOfType(['?', 'return', 'identifier'])) {
      if (t.type !== 'identifier') {
        if (own) f.returns = true;
        continue;
      }
      const next = t.nextSibling;
      const prev = t.previousSibling;
      if (next?.type === '!') {
        if (PANIC_MACROS.has(t.text)) f.panics = true;
        else if (!KNOWN_MACROS.has(t.text)) f.unknown ??= `\`${t.text}!\`${where}`;
        continue;
      }
      if ((t.text === 'fs' || t.text === 'net') && next?.type === '::') f.blocking ??= `\`${t.text}::\`${where}`;
      if (t.text === 'Runtime' && next?.type === '::') f.runtime ??= `\`Runtime\`${where}`;
      if (next?.type !== 'token_tree' || next.firstChild?.type !== '(') continue;
      // A call: `.name(..)` is a method, `a::b(..)` or `name(..)` a fn.
      const nargs = next.namedChildCount;
      if (prev?.type === '.') {
        const arity = BLOCKING_METHODS[t.text];
        if (PANIC_METHODS.has(t.text)) f.panics = true;
        else if (arity !== undefined && (arity === null || arity === nargs)) f.blocking ??= `\`.${t.text}()\`${where}`;
        else if (!KNOWN_METHODS.has(t.text)) {
          const fns = localFns(this.context, t.text, true);
          if (fns.length) this.into(fns, depth);
          else f.unknown ??= `\`.${t.text}()\`${where}`;
        }
        continue;
      }
      const qualifier = prev?.type === '::' ? prev.previousSibling : null;
      if (['sleep', 'sleep_ms', 'stdin', 'block_on', 'park', 'park_timeout'].includes(t.text)) f.blocking ??= `\`${t.text}\`${where}`;
      else if (/^[A-Z]/.test(t.text) || (qualifier && /^[A-Z]/.test(qualifier.text) && CONSTRUCTOR.test(t.text))) continue;
      else if (qualifier && /^(?:std|core|alloc|tokio|log|tracing)$/.test(qualifier.text)) continue;
      else if (!qualifier && localFns(this.context, t.text, false).length) this.into(localFns(this.context, t.text, false), depth);
      else if (qualifier || !this.context.resolver.isLocal(t.text, tt)) f.unknown ??= `\`${t.text}\`${where}`;
    }
  }

  private callExpression(call: SyntaxNode, owner: SyntaxNode | null, depth: number): void {
    const fn = call.childForFieldName('function');
    if (!fn) return;
    if (fn.type === 'field_expression') return this.method(call, fn, depth);
    // A well-known macro lowered into a call (`println!(..)` reads `println (..)`).
    if (this.context.source.text[fn.endIndex] === '!') {
      const name = fn.type === 'scoped_identifier' ? fn.childForFieldName('name')?.text : fn.text;
      if (name && PANIC_MACROS.has(name)) this.facts.panics = true;
      return;
    }
    this.call(fn, call, owner, depth);
  }

  /** A call of the path `fn` (the callee of `call`, or a fn given to spawn by name). */
  call(fn: SyntaxNode, call: SyntaxNode, owner: SyntaxNode | null, depth = 0): void {
    const f = this.facts;
    const { resolver, source } = this.context;
    const path = resolver.resolve(fn);
    const text = source.getText(fn);
    // `Self::helper(..)`: a method of this file.
    if (fn.type === 'scoped_identifier' && fn.childForFieldName('path')?.text === 'Self') {
      const fns = localFns(this.context, fn.childForFieldName('name')?.text ?? '', true);
      if (fns.length) return this.into(fns, depth);
    }
    if (path === null) {
      // A closure bound in the body is seen; one captured from outside is not.
      if (!(fn.type === 'identifier' && owner && declaredWithin(fn.text, fn, owner))) f.unknown ??= `\`${text}\``;
      return;
    }
    if (path === THREAD_SLEEP || path === THREAD_SLEEP_MS) {
      if (owner && ownerOf(call)?.id === owner.id) f.sleeps.push(call);
      else f.blocking ??= `\`std::thread::sleep\` ${owner ? 'in a nested closure' : `in \`${text}\``}`;
      return;
    }
    if (isBlockingPath(path)) {
      f.blocking ??= `\`${path}\``;
      return;
    }
    if (path === TOKIO_RUNTIME_NEW || path.startsWith(`${TOKIO_RUNTIME_BUILDER}::`)) {
      f.runtime ??= `\`${text}\``;
      return;
    }
    if (KNOWN_CRATES.test(path) || PRELUDE.has(path.split('::')[0])) return;
    const segments = path.split('::');
    const name = segments[segments.length - 1];
    if (/^[A-Z]/.test(name)) return; // a tuple struct or variant
    if (segments.length > 1 && /^[A-Z]/.test(segments[segments.length - 2]) && CONSTRUCTOR.test(name)) return;
    if (segments[0] === 'crate' || segments[0] === '{local}') {
      const isMethod = segments.length > 1 && /^[A-Z]/.test(segments[segments.length - 2]);
      const fns = localFns(this.context, name, isMethod);
      if (fns.length) return this.into(fns, depth);
    }
    f.unknown ??= `\`${text}\``;
  }

  private method(call: SyntaxNode, fe: SyntaxNode, depth: number): void {
    const f = this.facts;
    const name = fe.childForFieldName('field')?.text;
    const recv = fe.childForFieldName('value');
    if (!name || !recv) return;
    if (depth === 0 && this.convertibleWait(call)) return;
    if (PANIC_METHODS.has(name)) f.panics = true;
    const nargs = namedNonComment(call.childForFieldName('arguments')).length;
    const arity = BLOCKING_METHODS[name];
    if (arity !== undefined && (arity === null || arity === nargs)) {
      f.blocking ??= `\`.${name}(${nargs ? '..' : ''})\``;
      return;
    }
    if ((name === 'output' || name === 'status' || name === 'wait_with_output') && nargs === 0 && this.isCommand(recv)) {
      f.blocking ??= `\`Command::${name}()\``;
      return;
    }
    if (name === 'send' && recv.type === 'identifier' && this.channels(call)?.boundedSenders.has(recv.text)) {
      f.blocking ??= `\`${recv.text}.send(..)\` on a bounded channel (it waits while the channel is full)`;
      return;
    }
    if ((name === 'iter' || name === 'into_iter') && this.isReceiver(recv, call)) {
      f.blocking ??= `\`${this.context.source.getText(recv)}.${name}()\` waits on a channel`;
      f.unbounded = true;
      return;
    }
    // `read`/`write` with arguments are I/O (`Read::read(&mut buf)`), without they are lock guards.
    if (KNOWN_METHODS.has(name) && !((name === 'read' || name === 'write') && nargs > 0)) return;
    const fns = localFns(this.context, name, true);
    if (fns.length) return this.into(fns, depth);
    f.unknown ??= `\`.${name}()\``;
  }

  /**
   * A std channel receive (or `for` over a receiver) that no-std-mpsc-in-async
   * can safely convert once the body is async: seed case 4's option 1, a
   * tokio channel awaited in a task, rather than a blocking thread.
   */
  private convertibleWait(node: SyntaxNode): boolean {
    if (!this.context.enabledRules.has('no-std-mpsc-in-async')) return false;
    const use = mpscUseAt(this.context.source, this.context.resolver, node);
    if (!use || !use.convertible || !use.safe) return false;
    this.facts.waits.push(node);
    return true;
  }

  /** Looks into fns of this file that the body calls. */
  private into(fns: SyntaxNode[], depth: number): void {
    for (const fn of fns) {
      const body = fn.childForFieldName('body');
      if (!body || this.visited.has(fn.id)) continue;
      if (depth >= 4) {
        this.facts.unknown ??= `\`${fn.childForFieldName('name')?.text ?? 'fn'}\``;
        continue;
      }
      this.visited.add(fn.id);
      this.scan(body, null, depth + 1);
    }
  }

  /** A channel receiver: bound from a channel constructor, or typed `Receiver<..>`, in the enclosing fn. */
  private isReceiver(node: SyntaxNode, at: SyntaxNode): boolean {
    const recv = node.type === 'field_expression' ? node.childForFieldName('value') : node;
    return !!recv && recv.type === 'identifier' && !!this.channels(at)?.receivers.has(recv.text);
  }

  private channels(at: SyntaxNode): Channels | null {
    const fn = enclosingFn(at);
    return fn ? channelNames(this.context, fn) : null;
  }

  /** A method chain that starts at `std::process::Command::new`, or a binding of one. */
  private isCommand(node: SyntaxNode): boolean {
    const root = chainRoot(node);
    if (root.type === 'call_expression') return this.context.resolver.resolveCallee(root) === PROCESS_COMMAND_NEW;
    if (root.type !== 'identifier') return false;
    const value = letValue(root.text, root);
    return !!value && value.type === 'call_expression' && this.context.resolver.resolveCallee(chainRoot(value)) === PROCESS_COMMAND_NEW;
  }
}

function isBlockingPath(path: string): boolean {
  return (
    BLOCKING_PATH_PREFIXES.some((p) => path.startsWith(p)) ||
    BLOCK_ON_FNS.includes(path) ||
    path === IO_STDIN ||
    path === THREAD_PARK ||
    path === THREAD_PARK_TIMEOUT ||
    path === THREAD_SCOPE ||
    path === 'tokio::task::block_in_place'
  );
}

/** Per-file indexes, built once per linted source. */
interface FileIndex {
  /** Fns by name: methods (in impls and traits) and free fns. */
  methods: Map<string, SyntaxNode[]>;
  fns: Map<string, SyntaxNode[]>;
  /** Channel endpoint names per fn (by node id). */
  channels: Map<number, Channels>;
}

/** Names bound to channel endpoints that block: receivers, and senders of bounded channels. */
interface Channels {
  receivers: Set<string>;
  boundedSenders: Set<string>;
}

const fileIndexes = new WeakMap<object, FileIndex>();

function fileIndex(context: Ctx): FileIndex {
  let index = fileIndexes.get(context.source);
  if (index) return index;
  index = { methods: new Map(), fns: new Map(), channels: new Map() };
  for (const fn of context.source.root.descendantsOfType('function_item')) {
    const name = fn.childForFieldName('name')?.text;
    if (!name) continue;
    const inImpl = fn.parent?.type === 'declaration_list' && (fn.parent.parent?.type === 'impl_item' || fn.parent.parent?.type === 'trait_item');
    const map = inImpl ? index.methods : index.fns;
    map.set(name, [...(map.get(name) ?? []), fn]);
  }
  fileIndexes.set(context.source, index);
  return index;
}

/** Fns of this file named `name`: methods (in impls and traits) or free fns. */
function localFns(context: Ctx, name: string, methods: boolean): SyntaxNode[] {
  const index = fileIndex(context);
  return (methods ? index.methods : index.fns).get(name) ?? [];
}

function channelNames(context: Ctx, fn: SyntaxNode): Channels {
  const cache = fileIndex(context).channels;
  const cached = cache.get(fn.id);
  if (cached) return cached;
  const names = new Set<string>();
  const senders = new Set<string>();
  const { resolver } = context;
  for (const l of fn.descendantsOfType('let_declaration')) {
    const pat = l.childForFieldName('pattern');
    const value = l.childForFieldName('value');
    if (pat?.type === 'tuple_pattern' && value?.type === 'call_expression') {
      const callee = value.childForFieldName('function');
      const path = callee?.type === 'generic_function' ? resolver.resolve(callee.childForFieldName('function')) : resolver.resolve(callee);
      const [tx, rx] = pat.namedChildren;
      if (!path || !BLOCKING_CHANNEL_FNS.includes(path)) continue;
      if (rx?.type === 'identifier') names.add(rx.text);
      if (tx?.type === 'identifier' && /(?:sync_channel|::bounded)$/.test(path)) senders.add(tx.text);
    }
  }
  for (const p of fn.descendantsOfType(['let_declaration', 'parameter'])) {
    const type = p.childForFieldName('type');
    const pat = p.childForFieldName('pattern');
    if (!type || pat?.type !== 'identifier') continue;
    const head = type.type === 'generic_type' ? type.childForFieldName('type') : type;
    const path = resolver.resolve(head);
    if (path && BLOCKING_RECEIVER_TYPES.includes(path)) names.add(pat.text);
    if (path === MPSC_SYNC_SENDER) senders.add(pat.text);
  }
  const channels = { receivers: names, boundedSenders: senders };
  cache.set(fn.id, channels);
  return channels;
}

/**
 * A local (guard, `Rc`, `RefCell` borrow) bound before a sleep in a block
 * around it: once the sleep is an `.await`, the value lives across it.
 */
function heldAcrossSleep(source: { getText(n: SyntaxNode): string }, sleeps: SyntaxNode[], body: SyntaxNode | null): string | null {
  if (!body) return null;
  const NOT_SEND = /\.(?:lock|borrow|borrow_mut|read|write)\s*\(\s*\)|\bRc::|\bRefCell\b|\bCell::new\b|\bMutexGuard\b/;
  for (const sleep of sleeps) {
    let child: SyntaxNode = sleep;
    for (let n = sleep.parent; n && n.id !== body.parent?.id; child = n, n = n.parent) {
      if (n.type !== 'block') continue;
      for (const stmt of n.namedChildren) {
        if (stmt.startIndex >= child.startIndex) break;
        const value = stmt.type === 'let_declaration' ? stmt.childForFieldName('value') : null;
        if (value && NOT_SEND.test(source.getText(value))) return source.getText(stmt.childForFieldName('pattern') ?? stmt);
      }
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// The JoinHandle

type HandleUse =
  | { kind: 'discarded'; stmt: SyntaxNode; edits: TextEdit[]; unsafe: boolean }
  | { kind: 'kept'; edits: TextEdit[]; unsafe: boolean }
  | { kind: 'none'; reason: string };

const JOIN_RESULT_METHODS = new Set(['unwrap', 'expect', 'is_ok', 'is_err', 'ok', 'unwrap_or_default']);

/** How the JoinHandle is used, and the edits that move those uses to tokio's handle. */
function handleUse(context: Ctx, site: Site): HandleUse {
  const h = site.handle;
  const p = h.parent;
  const none = (reason: string): HandleUse => ({ kind: 'none', reason });
  if (!p) return none('the JoinHandle is used in a way the fix cannot follow');
  // `builder.spawn(f)` without unwrap: only a dropped `io::Result` can go.
  if (h.id === site.call.id && site.api !== 'std::thread::spawn' && !isStatementValue(h)) {
    return none('the `io::Result` of `Builder::spawn` is used');
  }
  if (isStatementValue(h)) return { kind: 'discarded', stmt: p, edits: [], unsafe: false };
  if (p.type === 'field_expression' && p.childForFieldName('field')?.text === 'join') {
    const join = p.parent;
    if (join?.type !== 'call_expression' || namedNonComment(join.childForFieldName('arguments')).length) return none('the JoinHandle is used in a way the fix cannot follow');
    if (context.contextOf(join).kind !== 'async') return none('the thread is joined in sync code, where a task cannot be awaited');
    const after = joinFollower(join);
    if (!after.ok) return none('the result of `join()` is used in a way whose error type would change');
    return { kind: 'kept', edits: [awaitEdit(p, join)], unsafe: after.unsafe };
  }
  if (p.type === 'let_declaration' && p.childForFieldName('value')?.id === h.id) return boundHandle(context, p);
  return none(`the JoinHandle is ${describeUse(h)}`);
}

/** `let h = spawn(..);` followed by `h.join()` in async code (or no use at all). */
function boundHandle(context: Ctx, decl: SyntaxNode): HandleUse {
  const none = (reason: string): HandleUse => ({ kind: 'none', reason });
  const { resolver } = context;
  let pat = decl.childForFieldName('pattern');
  if (pat?.type === 'mut_pattern') pat = pat.namedChildren[0] ?? null;
  if (pat?.type !== 'identifier') return none('the JoinHandle is destructured');
  const name = pat.text;
  const block = decl.parent;
  if (!block || block.type !== 'block') return none('the JoinHandle is used in a way the fix cannot follow');
  const edits: TextEdit[] = [];
  let unsafe = false;
  const type = decl.childForFieldName('type');
  if (type) {
    const head = type.type === 'generic_type' ? type.childForFieldName('type') : type;
    if (!head || resolver.resolve(head) !== THREAD_JOIN_HANDLE) return none('the JoinHandle has a type annotation the fix cannot follow');
    edits.push(replace(head, 'tokio::task::JoinHandle'));
  }
  // Another binding of the same name after this one: uses are ambiguous.
  for (const b of block.descendantsOfType(['let_declaration', 'closure_expression', 'for_expression', 'match_arm', 'let_condition'])) {
    if (b.startIndex < decl.endIndex) continue;
    const bp = b.type === 'closure_expression' ? b.childForFieldName('parameters') : b.childForFieldName('pattern');
    if (patternBinds(bp, name)) return none(`\`${name}\` is bound again later`);
  }
  for (const id of block.descendantsOfType('identifier')) {
    if (id.startIndex < decl.endIndex || id.text !== name) continue;
    const p = id.parent;
    if (!p || p.type === 'scoped_identifier') continue;
    if (p.type === 'token_tree') return none(`the JoinHandle \`${name}\` is used inside a macro`);
    const join = p.type === 'field_expression' && p.childForFieldName('field')?.text === 'join' ? p.parent : null;
    if (!join || join.type !== 'call_expression' || namedNonComment(join.childForFieldName('arguments')).length) {
      return none(`the JoinHandle \`${name}\` is ${describeUse(id)}`);
    }
    if (context.contextOf(join).kind !== 'async') return none(`\`${name}\` is joined in sync code, where a task cannot be awaited`);
    const after = joinFollower(join);
    if (!after.ok) return none('the result of `join()` is used in a way whose error type would change');
    unsafe ||= after.unsafe;
    edits.push(awaitEdit(p, join));
  }
  return { kind: 'kept', edits, unsafe };
}

/**
 * What follows `h.join()`: uses that read the same on `h.await` (`unwrap`,
 * `expect`, `is_ok`, `Ok(..)`/`Err(_)` patterns). `?` changes the error type
 * to `JoinError`: unsafe.
 */
function joinFollower(join: SyntaxNode): { ok: boolean; unsafe: boolean } {
  const p = join.parent;
  const yes = { ok: true, unsafe: false };
  if (!p) return { ok: false, unsafe: false };
  if (isStatementValue(join)) return yes;
  if (p.type === 'field_expression' && JOIN_RESULT_METHODS.has(p.childForFieldName('field')?.text ?? '') && p.parent?.type === 'call_expression') return yes;
  if (p.type === 'try_expression') return { ok: true, unsafe: true };
  const okPattern = (pat: SyntaxNode | null) => !!pat && /^(?:Ok\s*\([\s\S]*\)|Err\s*\(\s*_\s*\)|_)$/.test(pat.text);
  if (p.type === 'let_condition' && p.childForFieldName('value')?.id === join.id) return { ok: okPattern(p.childForFieldName('pattern')), unsafe: false };
  if (p.type === 'match_expression' && p.childForFieldName('value')?.id === join.id) {
    const arms = p.childForFieldName('body')?.namedChildren.filter((a) => a.type === 'match_arm') ?? [];
    const ok = arms.every((a) => okPattern(a.childForFieldName('pattern')?.namedChildren[0] ?? a.childForFieldName('pattern')));
    return { ok, unsafe: false };
  }
  return { ok: false, unsafe: false };
}

/** `h.join()` -> `h.await`, from the `.` on (a chain split over lines keeps its layout). */
function awaitEdit(field: SyntaxNode, join: SyntaxNode): TextEdit {
  const dot = field.children.find((c) => c.type === '.');
  return { start: dot ? dot.startIndex : field.endIndex, end: join.endIndex, text: '.await' };
}

/** `expr;` or `let _ = expr;`. */
function isStatementValue(expr: SyntaxNode): boolean {
  const p = expr.parent;
  if (!p) return false;
  if (p.type === 'expression_statement') return true;
  if (p.type === 'let_declaration' && p.childForFieldName('value')?.id === expr.id) return p.childForFieldName('pattern')?.text === '_';
  return false;
}

function describeUse(expr: SyntaxNode): string {
  let n = expr;
  while (n.parent && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'reference_expression')) n = n.parent;
  const p = n.parent;
  if (!p) return 'used in a way the fix cannot follow';
  if (p.type === 'return_expression' || (p.type === 'block' && p.parent?.type === 'function_item')) return 'returned';
  if (p.type === 'closure_expression' || (p.type === 'block' && p.parent?.type === 'closure_expression')) return 'returned from a closure';
  if (p.type === 'field_initializer' || p.type === 'shorthand_field_initializer' || p.type === 'assignment_expression') return 'stored';
  if (p.type === 'arguments' || p.type === 'array_expression' || p.type === 'tuple_expression') return 'passed on';
  return 'used in a way the fix cannot follow';
}

// ---------------------------------------------------------------------------
// Builders, scopes

/** The receiver chain of `.spawn(..)` when it starts at `std::thread::Builder::new()` (or a binding of one). */
function builderChain(context: Ctx, node: SyntaxNode): { setters: string[]; boundTo?: string } | null {
  const setters: string[] = [];
  let n: SyntaxNode | null = node;
  while (n && n.type === 'call_expression') {
    const f: SyntaxNode | null = n.childForFieldName('function');
    if (!f) return null;
    if (f.type !== 'field_expression') {
      return context.resolver.resolveCallee(n) === THREAD_BUILDER_NEW ? { setters: setters.reverse() } : null;
    }
    const name = f.childForFieldName('field')?.text;
    if (name) setters.push(name);
    n = f.childForFieldName('value');
  }
  if (n?.type !== 'identifier') return null;
  const value = letValue(n.text, n);
  if (value && value.type === 'call_expression' && builderChain(context, value)) return { setters, boundTo: n.text };
  const param = paramType(n.text, n);
  if (param && [param, ...param.descendantsOfType(['type_identifier', 'scoped_type_identifier'])].some((t) => context.resolver.resolve(t) === THREAD_BUILDER)) {
    return { setters, boundTo: n.text };
  }
  return null;
}

/** `builder.spawn(f).unwrap()`, `.expect(..)`, `?`: the JoinHandle itself. */
function builderHandle(call: SyntaxNode): SyntaxNode {
  const p = call.parent;
  if (p?.type === 'try_expression') return p;
  if (p?.type === 'field_expression' && ['unwrap', 'expect'].includes(p.childForFieldName('field')?.text ?? '') && p.parent?.type === 'call_expression') return p.parent;
  return call;
}

/** Whether `ident` names the scope handle of `std::thread::scope(|s| ..)` (or a `&Scope` parameter). */
function isScopeHandle(context: Ctx, ident: SyntaxNode): boolean {
  const name = ident.text;
  let child: SyntaxNode = ident;
  for (let n = ident.parent; n; child = n, n = n.parent) {
    if (n.type === 'block' && n.namedChildren.some((s) => s.startIndex < child.startIndex && s.type === 'let_declaration' && patternBinds(s.childForFieldName('pattern'), name))) {
      return false;
    }
    if (n.type === 'closure_expression') {
      const params = n.childForFieldName('parameters');
      if (params && params.id !== child.id && patternBinds(params, name)) {
        const call = n.parent?.type === 'arguments' ? n.parent.parent : null;
        return !!call && call.type === 'call_expression' && context.resolver.resolveCallee(call) === THREAD_SCOPE;
      }
    }
    if (n.type === 'function_item') {
      const type = paramType(name, ident);
      return !!type && [type, ...type.descendantsOfType(['type_identifier', 'scoped_type_identifier', 'generic_type'])].some((t) => {
        const head = t.type === 'generic_type' ? t.childForFieldName('type') : t;
        return context.resolver.resolve(head) === THREAD_SCOPE_TYPE;
      });
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Rewrites

/** `spawn(move || { body });` -> `{ body; }` re-indented; `spawn(|| work());` -> `work();`. */
function inlineEdit(context: Ctx, stmt: SyntaxNode, arg: SyntaxNode, body: SyntaxNode | null): TextEdit {
  const { source } = context;
  const to = source.indentOf(stmt.startIndex);
  if (!body) return replace(stmt, `${source.getText(arg)}();`);
  const from = source.indentOf(body.startIndex);
  if (body.type !== 'block') return replace(stmt, `${reindent(source.getText(body), from, to)};`);
  const kids = namedNonComment(body);
  if (body.namedChildCount === 0) return removeLine(source, stmt);
  // A tail expression's value was the thread's result; as a statement it needs a `;`.
  const tail = kids[kids.length - 1];
  let text = source.getText(body);
  if (tail && !/;\s*$/.test(source.getText(tail)) && !/_item$|^macro_definition$|^use_declaration$|^attribute_item$/.test(tail.type)) {
    const at = tail.endIndex - body.startIndex;
    text = `${text.slice(0, at)};${text.slice(at)}`;
  }
  return replace(stmt, reindent(text, from, to));
}

/** The closure as an async block: `move || { body }` -> `async move { body }`. */
function asyncText(context: Ctx, arg: SyntaxNode, closure: SyntaxNode | null, body: SyntaxNode | null, target: string): string {
  const { source, resolver } = context;
  if (!closure || !body) {
    const local = arg.type === 'identifier' && resolver.isLocal(arg.text, arg);
    return `async ${local ? 'move ' : ''}{ ${source.getText(arg)}() }`;
  }
  const head = `async ${isMove(closure) ? 'move ' : ''}`;
  const from = source.indentOf(body.startIndex);
  const text = source.getText(body);
  if (body.type === 'block') return head + reindent(text, from, target);
  if (!/\r?\n/.test(text)) return `${head}{ ${text} }`;
  const unit = source.indentUnit();
  const eol = source.eol;
  return `${head}{${eol}${target}${unit}${reindent(text, from, target + unit)}${eol}${target}}`;
}

/** A comment inside the replaced call but outside the kept closure. */
function hasLostComment(site: Site, arg: SyntaxNode): boolean {
  return site.handle
    .descendantsOfType(['line_comment', 'block_comment'])
    .some((c) => c.startIndex < arg.startIndex || c.endIndex > arg.endIndex);
}

/**
 * A `move` closure owns what it captures, and drops it when the thread ends.
 * Run in place, a captured local lives on to the end of its own scope: the
 * same moment only when nothing follows the spawn in that scope.
 */
function capturesEndWithScope(context: Ctx, stmt: SyntaxNode, closure: SyntaxNode, body: SyntaxNode): boolean {
  for (const name of capturedNames(context, closure, body)) {
    if (!endsScope(stmt, name)) return false;
  }
  return true;
}

function capturedNames(context: Ctx, closure: SyntaxNode, body: SyntaxNode): Set<string> {
  const { resolver } = context;
  const names = new Set<string>();
  for (const id of body.descendantsOfType(['identifier', 'self', 'string_content'])) {
    if (id.type === 'self') {
      names.add('self');
      continue;
    }
    if (id.type === 'string_content') {
      // Inline format arguments: `println!("{count}")`.
      for (const m of id.text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)[}:]/g)) if (resolver.isLocal(m[1], closure)) names.add(m[1]);
      continue;
    }
    const p = id.parent;
    if (p && (p.type === 'scoped_identifier' || p.type === 'scoped_type_identifier')) continue;
    const next = id.nextSibling?.type;
    const prev = id.previousSibling?.type;
    if (p?.type === 'token_tree' && (next === '::' || next === '!' || prev === '.' || prev === '::')) continue;
    if (resolver.isLocal(id.text, closure)) names.add(id.text);
  }
  return names;
}

/** Whether nothing runs between `stmt` and the end of the scope that binds `name`. */
function endsScope(stmt: SyntaxNode, name: string): boolean {
  let child = stmt;
  for (let n = stmt.parent; n; child = n, n = n.parent) {
    switch (n.type) {
      case 'block': {
        const kids = namedNonComment(n);
        if (kids[kids.length - 1]?.id !== child.id) return false;
        if (kids.some((s) => s.startIndex < child.startIndex && s.type === 'let_declaration' && patternBinds(s.childForFieldName('pattern'), name))) return true;
        break;
      }
      case 'function_item': {
        const params = n.childForFieldName('parameters');
        if (name === 'self') return !!params?.namedChildren.some((p) => p.type === 'self_parameter');
        return patternBinds(params, name);
      }
      case 'closure_expression':
        if (patternBinds(n.childForFieldName('parameters'), name) || isMove(n)) return true;
        break;
      case 'async_block':
        if (isMove(n)) return true;
        break;
      case 'for_expression':
        if (patternBinds(n.childForFieldName('pattern'), name)) return true;
        return false;
      case 'loop_expression':
      case 'while_expression':
        return false;
      case 'match_arm':
        if (patternBinds(n.childForFieldName('pattern'), name)) return true;
        break;
      default:
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// Small tree helpers

function namedNonComment(node: SyntaxNode | null | undefined): SyntaxNode[] {
  return node ? node.namedChildren.filter((c) => c.type !== 'line_comment' && c.type !== 'block_comment') : [];
}

function isMove(node: SyntaxNode): boolean {
  return node.children.some((c) => c.type === 'move');
}

function isWhileLet(loop: SyntaxNode): boolean {
  const cond = loop.childForFieldName('condition');
  return loop.type === 'while_expression' && !!cond && (cond.type === 'let_condition' || cond.descendantsOfType('let_condition').length > 0);
}

function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return inner.startIndex >= outer.startIndex && inner.endIndex <= outer.endIndex;
}

/** Whether `node` sits in a fn item nested inside `root` (items are not run by the body). */
function insideItem(node: SyntaxNode, root: SyntaxNode): boolean {
  if (node.id === root.id) return false;
  for (let n = node.parent; n && n.id !== root.id; n = n.parent) if (n.type === 'function_item') return true;
  return false;
}

function enclosingFn(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_item') return n;
  return null;
}

/** Whether `name` is bound by a `let` or a closure parameter between `at` and `owner`. */
function declaredWithin(name: string, at: SyntaxNode, owner: SyntaxNode): boolean {
  if (letValue(name, at, owner) !== null) return true;
  for (let n = at.parent; n && n.id !== owner.id; n = n.parent) {
    if (n.type === 'closure_expression' && patternBinds(n.childForFieldName('parameters'), name)) return true;
  }
  return false;
}

/** The value of the nearest `let name = value;` before `at` (stopping at `stop`, or the fn). */
function letValue(name: string, at: SyntaxNode, stop?: SyntaxNode): SyntaxNode | null {
  let child = at;
  for (let n = at.parent; n && n.id !== stop?.id && n.type !== 'function_item'; child = n, n = n.parent) {
    if (n.type !== 'block') continue;
    const lets = n.namedChildren.filter((s) => s.startIndex < child.startIndex && s.type === 'let_declaration');
    for (let i = lets.length - 1; i >= 0; i--) {
      const pat = lets[i].childForFieldName('pattern');
      if (pat && patternBinds(pat, name)) return lets[i].childForFieldName('value') ?? lets[i];
    }
  }
  return null;
}

/** The declared type of the parameter `name` of the fn around `at`. */
function paramType(name: string, at: SyntaxNode): SyntaxNode | null {
  const fn = enclosingFn(at);
  for (const p of fn?.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type === 'parameter' && p.childForFieldName('pattern')?.text === name) return p.childForFieldName('type');
  }
  return null;
}

/** The start of a method chain: `a.b().c()` -> `a`, `Command::new(x).arg(y)` -> `Command::new(x)`. */
function chainRoot(node: SyntaxNode): SyntaxNode {
  let n = node;
  for (;;) {
    if (n.type === 'call_expression') {
      const f = n.childForFieldName('function');
      if (f?.type !== 'field_expression') return n;
      const v = f.childForFieldName('value');
      if (!v) return n;
      n = v;
    } else if (n.type === 'field_expression' || n.type === 'reference_expression' || n.type === 'try_expression') {
      const v = n.type === 'try_expression' ? n.namedChildren[0] : n.childForFieldName('value');
      if (!v) return n;
      n = v;
    } else {
      return n;
    }
  }
}
