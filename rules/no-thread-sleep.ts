/**
 * no-thread-sleep: `std::thread::sleep` blocks the runtime worker thread that
 * polls the task. In async code it becomes `tokio::time::sleep(d).await`, or,
 * in a loop that sleeps a fixed period, a hoisted `tokio::time::interval`.
 */
import { createRule } from '../lib/rule';
import { SyntaxNode } from '../lib/parser';
import { SourceFile } from '../lib/source';
import { STD_THREAD, THREAD_SLEEP, THREAD_SLEEP_MS } from '../lib/paths';
import { holdsWords, mayNameModule, mayRunFromAsync } from '../lib/prefilter';
import { fix, freshName, insertAt, replace } from '../lib/edits';
import { patternBinds } from '../lib/resolve';
import { removeLine } from '../lib/imports';
import { Fix } from '../lib/types';

type Options = { loopStyle: 'interval' | 'sleep' };

const SLEEP_WORDS = [/\bthread\b/, /\bsleep/];

export default createRule<Options>({
  id: 'no-thread-sleep',
  meta: {
    description: 'Disallow blocking `std::thread::sleep` in async code and in sync code the runtime reaches',
    fixable: true,
    recommended: 'error',
    messages: {
      async: 'Blocking `std::thread::sleep` in async code stalls a runtime worker; use `tokio::time::sleep(..).await`.',
      reachable:
        'Blocking `std::thread::sleep` in `{{fn}}`, which async code calls ({{chain}}); it stalls a runtime worker.',
    },
    schema: {
      type: 'object',
      properties: {
        loopStyle: {
          enum: ['interval', 'sleep'],
          description: 'How a fixed-period sleep in a loop is rewritten: a hoisted `tokio::time::interval`, or an in-place `tokio::time::sleep`.',
        },
      },
      additionalProperties: false,
    },
    // `std::thread::sleep`/`sleep_ms` in any spelling (aliases included) holds both words, and a
    // path or `use` that can name `std::thread`; and a call of it may be in async code or in a fn
    // async code may call.
    prefilter: (file) =>
      holdsWords(file, SLEEP_WORDS) &&
      mayNameModule(file.code, STD_THREAD) &&
      mayRunFromAsync(file, ['sleep', 'sleep_ms']),
    // The last segments of THREAD_SLEEP and THREAD_SLEEP_MS.
    callNames: ['sleep', 'sleep_ms'],
  },
  defaultOptions: { loopStyle: 'interval' },
  create(context) {
    const { source, resolver } = context;
    return {
      call_expression(call) {
        const callee = resolver.resolveCallee(call);
        // Only std's blocking sleep (tokio's and async-std's are fine).
        if (callee !== THREAD_SLEEP && callee !== THREAD_SLEEP_MS) return;
        const args = call.childForFieldName('arguments')?.namedChildren ?? [];
        if (args.length !== 1) return;
        const ctx = context.contextOf(call);
        if (ctx.kind === 'sync') {
          const reach = context.project.reachability?.(source.filePath, call);
          if (reach) context.report({ node: call, messageId: 'reachable', data: { fn: reach.fn, chain: reach.chain } });
          return;
        }
        const duration =
          callee === THREAD_SLEEP_MS
            ? `std::time::Duration::from_millis(${source.getText(args[0])} as u64)`
            : source.getText(args[0]);
        const loopFix = context.options.loopStyle === 'interval' ? intervalFix(source, call, args[0], duration) : null;
        context.report({
          node: call,
          messageId: 'async',
          fix: loopFix ?? fix('safe', replace(call, `tokio::time::sleep(${duration}).await`)),
        });
      },
    };
  },
});

const LOOP_TYPES = new Set(['loop_expression', 'while_expression']);
/** rustfmt's default max_width. */
const MAX_WIDTH = 100;

/**
 * Seed pattern 1: a sleep that is the first or last statement of a loop body,
 * with a duration fixed for the whole loop, becomes a hoisted interval.
 */
function intervalFix(source: SourceFile, call: SyntaxNode, arg: SyntaxNode, duration: string): Fix | null {
  const stmt = call.parent;
  if (stmt?.type !== 'expression_statement') return null;
  const body = stmt.parent;
  const loop = body?.parent;
  if (!body || body.type !== 'block' || !loop || !LOOP_TYPES.has(loop.type)) return null;
  const statements = body.namedChildren.filter((n) => n.type !== 'line_comment' && n.type !== 'block_comment');
  const first = statements[0]?.id === stmt.id;
  const last = statements[statements.length - 1]?.id === stmt.id;
  if (!first && !last) return null;
  if (!isLoopInvariant(arg, loop)) return null;
  // The loop must be a statement (or the tail) of a block so we can hoist before it.
  const loopStmt = loop.parent?.type === 'expression_statement' ? loop.parent : loop;
  if (loopStmt.parent?.type !== 'block') return null;

  const scope = enclosingBody(loop);
  const name = freshName(scope, source, ['interval', 'interval_timer']);
  const indent = source.indentOf(loopStmt.startIndex);
  const eol = source.eol;
  const args = first ? [`tokio::time::Instant::now() + ${duration}`, duration] : [duration];
  const fn = first ? 'tokio::time::interval_at' : 'tokio::time::interval';
  let timer = `let mut ${name} = ${fn}(${args.join(', ')});`;
  // rustfmt's width: a long call puts one argument a line.
  if (indent.replace(/\t/g, '    ').length + timer.length > MAX_WIDTH) {
    const inner = indent + source.indentUnit();
    timer = `let mut ${name} = ${fn}(${eol}${args.map((a) => `${inner}${a},${eol}`).join('')}${indent});`;
  }
  const hoist = insertAt(loopStmt.startIndex, `${timer}${eol}${indent}`);
  const tick = `${name}.tick().await;`;
  if (first) return fix('safe', hoist, replace(stmt, tick));
  // Last: the tick moves to the top of the body (the first tick is immediate).
  const open = body.firstChild!;
  const bodyIndent = source.indentOf(stmt.startIndex);
  return fix('safe', hoist, insertAt(open.endIndex, `${eol}${bodyIndent}${tick}`), removeStatement(source, stmt, statements));
}

/** Removes a statement with its line; keeps a lone-statement body well formed. */
function removeStatement(source: SourceFile, stmt: SyntaxNode, statements: SyntaxNode[]) {
  const edit = removeLine(source, stmt);
  if (statements.length === 1 || edit.start > source.lineStartOf(stmt.startIndex)) {
    return { start: stmt.startIndex, end: stmt.endIndex, text: '' };
  }
  return edit;
}

/**
 * A duration is fixed for the loop when it uses no binding made or assigned
 * inside the loop and calls nothing but `Duration` constructors.
 */
function isLoopInvariant(arg: SyntaxNode, loop: SyntaxNode): boolean {
  const names = new Set<string>();
  for (const id of [arg, ...arg.descendantsOfType('identifier')]) {
    if (id.type !== 'identifier') continue;
    const p = id.parent;
    if (p && (p.type === 'scoped_identifier' || p.type === 'field_expression') && p.childForFieldName('name')?.id === id.id) continue;
    if (p?.type === 'field_expression' && p.childForFieldName('field')?.id === id.id) continue;
    names.add(id.text);
  }
  for (const call of [arg, ...arg.descendantsOfType('call_expression')]) {
    if (call.type !== 'call_expression') continue;
    const f = call.childForFieldName('function');
    if (!f || !/^(?:(?:std::)?time::)?Duration::(?:from_\w+|new)$/.test(f.text)) return false;
  }
  if (arg.descendantsOfType(['macro_invocation', 'method_call_expression']).length) return false;
  for (const name of names) {
    for (const l of loop.descendantsOfType('let_declaration')) if (patternBinds(l.childForFieldName('pattern'), name)) return false;
    for (const a of loop.descendantsOfType(['assignment_expression', 'compound_assignment_expr'])) {
      const left = a.childForFieldName('left');
      if (left && (left.text === name || left.text.startsWith(`${name}.`))) return false;
    }
    const pattern = loop.childForFieldName('pattern');
    if (pattern && patternBinds(pattern, name)) return false;
    const cond = loop.childForFieldName('condition');
    if (cond && cond.descendantsOfType('let_condition').some((c) => patternBinds(c.childForFieldName('pattern'), name))) return false;
  }
  return true;
}

function enclosingBody(node: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent && n.type !== 'function_item') n = n.parent;
  return n;
}
