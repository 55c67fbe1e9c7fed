/**
 * no-block-on: running a future to completion on the current thread
 * (`Runtime::block_on`, `Handle::block_on`, `futures::executor::block_on`, …)
 * from async code panics under tokio ("Cannot start a runtime from within a
 * runtime") or deadlocks the worker. In async code the call becomes
 * `fut.await`; a runtime built just for that call goes away with it.
 */
import { createRule, RuleContext, Visitors } from '../lib/rule';
import { SyntaxNode } from '../lib/parser';
import { SourceFile } from '../lib/source';
import { BLOCK_ON_FNS, TOKIO_BLOCK_ON_METHODS } from '../lib/paths';
import { asReceiver, fix, removeOwnLine, replace } from '../lib/edits';
import { RuntimeFacts, argumentsOf, findBinding, isValue, mayBreakSend, methodCallOn, referencesTo } from '../lib/runtimes';
import { TextEdit } from '../lib/types';
import { holdsWords, mayRunFromAsync } from '../lib/prefilter';

/**
 * The first segments of BLOCK_ON_FNS and TOKIO_BLOCK_ON_METHODS: the crates one of whose paths a
 * flagged callee, or the type of a flagged receiver (a runtime, handle or local set), resolves to.
 */
const BLOCK_ON_CONTEXT = new RegExp(`\\b(?:${[...new Set([...BLOCK_ON_FNS, ...TOKIO_BLOCK_ON_METHODS].map((p) => p.split('::')[0]))].join('|')})\\b`);

const METHOD_LABEL = { runtime: 'Runtime::block_on', handle: 'Handle::block_on', localset: 'LocalSet::block_on' } as const;

export default createRule<Record<string, never>>({
  id: 'no-block-on',
  meta: {
    description: 'Disallow `block_on` in async code and in sync code the runtime reaches',
    fixable: true,
    recommended: 'error',
    messages: {
      async:
        '`{{callee}}` blocks this runtime worker until the future completes (tokio panics, other executors deadlock); `.await` the future instead.',
      reachable: '`{{callee}}` in `{{fn}}`, which async code calls ({{chain}}); it panics or deadlocks on a runtime worker.',
      localSet:
        '`{{callee}}` with a `LocalSet` in async code blocks this runtime worker; `!Send` work needs its own thread or `tokio::task::spawn_local` (not fixed automatically).',
    },
    schema: { type: 'object', properties: {}, additionalProperties: false },
    // Every form of the call, aliases included, spells `block_on` somewhere in the file; the
    // callee or its receiver's type comes from a crate of BLOCK_ON_FNS or tokio (named in the file:
    // the resolver follows no re-export of another file), or the receiver from a runtime accessor
    // of another file; and a `block_on` may be in async code or in a fn async code may call.
    prefilter: (file) =>
      holdsWords(file, [/\bblock_on\b/]) &&
      (BLOCK_ON_CONTEXT.test(file.code) || !!file.project?.mayNameAccessorElsewhere(file.filePath)) &&
      mayRunFromAsync(file, ['block_on']),
    // The last segment of every path the rule flags (BLOCK_ON_FNS, TOKIO_BLOCK_ON_METHODS).
    callNames: ['block_on'],
  },
  defaultOptions: {},
  create(context): Visitors {
    const { source, resolver } = context;
    let facts: RuntimeFacts | null = null;
    const runtimeFacts = () => (facts ??= new RuntimeFacts(source, resolver, undefined, (only) => context.project.runtimeAccessors?.(source.filePath, only), false));
    // Every form of the call, aliases included, spells `block_on` somewhere in the file.
    if (!source.text.includes('block_on')) return {};

    return {
      call_expression(call) {
        let f = call.childForFieldName('function');
        if (f?.type === 'generic_function') f = f.childForFieldName('function');
        if (!f || (f.type === 'field_expression' && f.childForFieldName('field')?.text !== 'block_on')) return;
        const args = argumentsOf(call);
        let callee: string;
        let future: SyntaxNode | undefined;
        let receiver: SyntaxNode | null = null;
        let localSet = false;
        if (f.type === 'field_expression') {
          // `x.block_on(fut)`: only when `x` is known to be a tokio runtime, handle or local set.
          receiver = f.childForFieldName('value');
          const shape = runtimeFacts().shapeOf(receiver);
          if (!isValue(shape) || shape.kind === 'builder') return;
          callee = METHOD_LABEL[shape.kind];
          localSet = shape.kind === 'localset';
          future = args[localSet ? 1 : 0];
          if (args.length !== (localSet ? 2 : 1)) return;
        } else {
          const path = resolver.resolve(f);
          if (path && BLOCK_ON_FNS.includes(path)) {
            if (args.length !== 1) return;
            future = args[0];
          } else if (path && TOKIO_BLOCK_ON_METHODS.includes(path)) {
            localSet = path.endsWith('LocalSet::block_on');
            if (args.length !== (localSet ? 3 : 2)) return;
            future = args[args.length - 1];
          } else return;
          callee = path;
        }
        if (!future) return;

        if (context.contextOf(call).kind === 'sync') {
          const reach = context.project.reachability?.(source.filePath, call);
          if (reach) context.report({ node: call, messageId: 'reachable', data: { callee, fn: reach.fn, chain: reach.chain } });
          return;
        }
        // A `LocalSet` runs `!Send` futures: `.await` would make the task `!Send`.
        if (localSet || isRunUntil(future)) {
          context.report({ node: call, messageId: 'localSet', data: { callee } });
          return;
        }
        if (hasCommentOutside(call, future)) {
          context.report({ node: call, messageId: 'async', data: { callee } });
          return;
        }
        const group = receiver ? boundRuntimeGroup(context, runtimeFacts(), receiver, call) : null;
        const edits = group ?? [replace(call, `${awaitable(source, future)}.await`)];
        // A `!Send` value held across the new `.await` makes the task `!Send`.
        const owner = context.contextOf(call).owner;
        const applicability = mayBreakSend(source, call, future, owner) ? 'unsafe' : 'safe';
        context.report({ node: call, messageId: 'async', data: { callee }, fix: fix(applicability, edits) });
      },
    };
  },
});

/** The future's text ready for `.await` (a bare block would read as a statement). */
function awaitable(source: SourceFile, future: SyntaxNode): string {
  return future.type === 'block' ? `(${source.getText(future)})` : asReceiver(source, future);
}

function isRunUntil(future: SyntaxNode): boolean {
  let f = future.type === 'call_expression' ? future.childForFieldName('function') : null;
  if (f?.type === 'generic_function') f = f.childForFieldName('function');
  return f?.type === 'field_expression' && f.childForFieldName('field')?.text === 'run_until';
}

/** Whether replacing `node` by `keep` would drop a comment. */
function hasCommentOutside(node: SyntaxNode, keep: SyntaxNode): boolean {
  return node
    .descendantsOfType(['line_comment', 'block_comment'])
    .some((c) => c.startIndex < keep.startIndex || c.endIndex > keep.endIndex);
}

/**
 * `let rt = Runtime::new().unwrap();` (or a builder, `Handle::current()`, an
 * accessor) used only as the receiver of `block_on` calls that all become
 * `.await`: one fix rewrites every call and removes the `let`.
 */
function boundRuntimeGroup(
  context: RuleContext<Record<string, never>>,
  facts: RuntimeFacts,
  receiver: SyntaxNode,
  current: SyntaxNode,
): TextEdit[] | null {
  const { source } = context;
  if (receiver.type !== 'identifier') return null;
  const name = receiver.text;
  const binding = findBinding(name, receiver);
  if (!binding || binding.kind !== 'let') return null;
  const decl = binding.node;
  const value = decl.childForFieldName('value');
  if (decl.childForFieldName('pattern')?.type !== 'identifier' || decl.childForFieldName('alternative') || !value) return null;
  if (!facts.shapeOf(value)) return null;
  if (value.descendantsOfType(['await_expression', 'assignment_expression', 'compound_assignment_expr']).length) return null;
  const calls: { call: SyntaxNode; future: SyntaxNode }[] = [];
  for (const ref of referencesTo(binding, name)) {
    const m = methodCallOn(ref);
    const args = m ? argumentsOf(m.call) : [];
    if (!m || m.method !== 'block_on' || args.length !== 1) return null;
    const ctx = context.contextOf(m.call);
    if (ctx.kind !== 'async' || isRunUntil(args[0]) || hasCommentOutside(m.call, args[0])) return null;
    if (mayBreakSend(source, m.call, args[0], ctx.owner)) return null;
    calls.push({ call: m.call, future: args[0] });
  }
  // Nested calls would need edits inside edits: leave those to later passes.
  if (calls.some((a) => calls.some((b) => a !== b && a.call.startIndex <= b.call.startIndex && b.call.endIndex <= a.call.endIndex))) {
    return null;
  }
  const removal = removeOwnLine(source, decl);
  if (!removal || !calls.some((c) => c.call.startIndex === current.startIndex && c.call.endIndex === current.endIndex)) return null;
  return [removal, ...calls.map((c) => replace(c.call, `${awaitable(source, c.future)}.await`))];
}
