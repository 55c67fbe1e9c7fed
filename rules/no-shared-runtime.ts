/**
 * no-shared-runtime: a tokio program runs one runtime, built by its bin's
 * `fn main` (or `#[tokio::main]`). A runtime built anywhere else — typically
 * kept in a `OnceLock`/`Lazy` static behind an accessor fn (seed case 1) —
 * is a second set of worker threads, and `block_on` on it from async code
 * panics. Flags the constructions, the statics and accessors that share
 * them, and every use; rewrites the uses to the running runtime
 * (`tokio::spawn`, `tokio::task::spawn_blocking`, `.await`,
 * `tokio::runtime::Handle::current()`) and drops the guards that fetched it.
 */
import { createRule, RuleContext } from '../lib/rule';
import { SyntaxNode } from '../lib/parser';
import { SourceFile } from '../lib/source';
import { asReceiver, fix, insertAt, reindent, removeOwnLine, replace } from '../lib/edits';
import {
  RuntimeFacts,
  RuntimeItem,
  Shape,
  afterMethod,
  allowedPlace,
  argumentsOf,
  isDeprecated,
  isTestFile,
  isValue,
  mayShareRuntime,
  mayBreakSend,
  methodCallOn,
  referencesTo,
  same,
  unwrapsTo,
  wrappedBinding,
} from '../lib/runtimes';
import { Applicability, Fix, TextEdit } from '../lib/types';
import { mayNameModule } from '../lib/prefilter';

type Options = { allowIn: string[] };

const SITE_METHODS = new Set(['spawn', 'spawn_blocking', 'block_on', 'handle']);
const DEPRECATION = 'a second tokio runtime: use tokio::spawn or tokio::runtime::Handle::current() instead';
const HANDLE_CURRENT = 'tokio::runtime::Handle::current()';
/** Statements whose names or drop order would change if a block's body were lifted into its parent. */
const SCOPED_STATEMENTS = new Set([
  'let_declaration', 'function_item', 'use_declaration', 'struct_item', 'enum_item', 'union_item', 'const_item',
  'static_item', 'impl_item', 'trait_item', 'mod_item', 'type_item', 'macro_definition', 'macro_invocation',
]);
const BLOCK_LIKE = new Set([
  'expression_statement', 'if_expression', 'match_expression', 'loop_expression', 'while_expression', 'for_expression',
  'block', 'unsafe_block', 'async_block', 'line_comment', 'block_comment',
]);

/** What `mayShareRuntime` needs in the code, and so in the raw text (a word of the code is one of the text). */
const RUNTIME_WORDS = /\b(?:Runtime|Builder)\b/;
const TOKIO_WORD = /\btokio\b/;
/** The module of every runtime type the rule flags the construction or sharing of. */
const TOKIO_RUNTIME_MODULE = 'tokio::runtime';

export default createRule<Options>({
  id: 'no-shared-runtime',
  meta: {
    description: 'Disallow building a second tokio runtime and sharing it through statics and accessor fns',
    fixable: true,
    recommended: 'error',
    messages: {
      construction:
        "Building a tokio runtime outside a bin's `fn main` starts a second runtime beside the one already running; use `tokio::spawn` or `tokio::runtime::Handle::current()`.",
      definition:
        '`{{name}}` {{what}}; spawn on the running runtime instead (`tokio::spawn`, `tokio::runtime::Handle::current()`).',
      use: '`{{name}}` hands out a second tokio runtime; use the running one (`tokio::spawn`, `tokio::runtime::Handle::current()`).',
      method: '`.{{method}}(..)` on the runtime from `{{name}}` runs the work on a second runtime; use `{{replacement}}`.',
      blockOnSync:
        '`.block_on(..)` on the runtime from `{{name}}` panics when called on a runtime thread; make the caller async and `.await` the future.',
    },
    schema: {
      type: 'object',
      properties: {
        allowIn: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          uniqueItems: true,
          description:
            'Where building and using a runtime is allowed besides `fn main` and tests: fn or static names (`build_runtime`, `Client::new`, `crate::rt::build`) and file globs (`src/bin/**`, `**/blocking.rs`; an entry with `/`, `*` or `.rs` is a glob).',
        },
      },
      additionalProperties: false,
    },
    // Every report needs a shared runtime: one this file builds or holds — through a path or `use`
    // that can name tokio::runtime, as the resolver follows no re-export of another file — or an
    // accessor of another file used here (both found from text, lib/runtimes.ts and ProjectIndex).
    // In a file under tests/ or benches/ everything is allowed (allowedPlace): nothing to report.
    prefilter: (file) =>
      !isTestFile(file.filePath) &&
      ((RUNTIME_WORDS.test(file.text) &&
        TOKIO_WORD.test(file.text) &&
        mayShareRuntime(file.code) &&
        mayNameModule(file.code, TOKIO_RUNTIME_MODULE)) ||
        !!file.project?.maySeeSharedAccessor(file.filePath)),
  },
  defaultOptions: { allowIn: [] },
  create(context) {
    const { source } = context;
    return {
      'source_file:exit'() {
        const allowed = allowedPlace(source, context.resolver, context.options.allowIn ?? []);
        const facts = new RuntimeFacts(
          source,
          context.resolver,
          allowed,
          // Of other files' accessors, those that may share a runtime matter here (uses, and items handing them out).
          () => context.project.runtimeAccessors?.(source.filePath, context.project.sharedAccessorsNamedIn?.(source.filePath)),
        );
        const applicability = (node: SyntaxNode): Applicability =>
          context.contextOf(node).kind === 'async' || context.ambientRuntime ? 'safe' : 'unsafe';
        for (const c of facts.constructions) {
          if (!c.allowed) context.report({ range: c.range, messageId: 'construction', fix: localRuntimeFix(context, facts, c.node, applicability) });
        }
        const shared = [...facts.items.values()].filter((i) => i.shared);
        if (shared.length === 0) return;

        // Runtime methods called on a value that comes from a shared runtime.
        for (const call of source.root.descendantsOfType('call_expression')) {
          const f = call.childForFieldName('function');
          const method = f?.type === 'field_expression' ? f.childForFieldName('field')?.text : undefined;
          if (!f || !method || !SITE_METHODS.has(method)) continue;
          const shape = facts.shapeOf(f.childForFieldName('value'));
          if (!isValue(shape) || !shape.origin || (shape.kind !== 'runtime' && shape.kind !== 'handle')) continue;
          if (facts.insideSharedItem(call) || allowed(call)) continue;
          const site = rewriteSite(context, call, method, applicability(call));
          if (site) context.report({ ...site, data: { ...site.data, name: nameOf(shape.origin) } });
        }

        // References to the shared statics and accessors.
        const names = new Set(shared.map((i) => i.name));
        /** Items used outside the shared items (alive), and which shared items use which. */
        const alive = new Set<string>();
        const usedBy = new Map<string, Set<string>>();
        for (const id of source.root.descendantsOfType('identifier')) {
          if (!names.has(id.text)) continue;
          const p = id.parent;
          if (p?.type === 'scoped_identifier' && !same(p.childForFieldName('name'), id)) continue;
          const pathNode = p?.type === 'scoped_identifier' ? p : id;
          if (insideUse(pathNode)) continue;
          const around = facts.sharedItemAround(pathNode);
          if (around && same(pathNode, around.node.childForFieldName('name'))) continue;
          const item = facts.itemAt(pathNode);
          if (!item?.shared) continue;
          if (around) {
            if (around.path !== item.path) usedBy.set(item.path, (usedBy.get(item.path) ?? new Set()).add(around.path));
            continue;
          }
          alive.add(item.path);
          if (allowed(pathNode)) continue;
          const use = classifyUse(context, facts, pathNode);
          if (use.site) continue;
          context.report({
            node: use.node,
            messageId: 'use',
            data: { name: item.name },
            fix: use.edits ? fix(applicability(use.node), use.edits) : null,
          });
        }

        // The definitions: report only; `#[deprecated]` once nothing uses them
        // (but other definitions on their way out).
        for (const item of shared) {
          if ((context.project.runtimeAccessorUsesElsewhere?.(source.filePath, item.path) ?? 0) > 0) alive.add(item.path);
        }
        for (let grew = true; grew; ) {
          grew = false;
          for (const [path, users] of usedBy) {
            if (!alive.has(path) && [...users].some((u) => alive.has(u))) {
              alive.add(path);
              grew = true;
            }
          }
        }
        for (const item of facts.sharedItems()) {
          const unused = !alive.has(item.path);
          context.report({
            range: item.nameRange,
            messageId: 'definition',
            data: {
              name: item.name,
              what: item.item === 'static' ? 'keeps a second tokio runtime for the whole program' : 'hands out a second tokio runtime',
            },
            fix: unused && !item.inMacro && !isDeprecated(item.node) ? fix('unsafe', deprecate(source, item)) : null,
          });
        }
      },
    };
  },
});

/** Node types a runtime value passes through on its way from its construction to a `let`. */
const VALUE_CHAIN = new Set([
  'call_expression', 'field_expression', 'try_expression', 'arguments', 'closure_expression', 'parenthesized_expression',
]);

/**
 * Seed pattern 4: `let rt = Runtime::new().unwrap();` (or a runtime built on
 * a joined thread) whose every use is a runtime method the rule rewrites.
 * The uses go to the running runtime and the binding goes away: the fix
 * is on the construction.
 */
function localRuntimeFix(
  context: RuleContext<Options>,
  facts: RuntimeFacts,
  construction: SyntaxNode,
  applicability: (node: SyntaxNode) => Applicability,
): Fix | null {
  let cur = construction;
  while (cur.parent && VALUE_CHAIN.has(cur.parent.type)) cur = cur.parent;
  const decl = cur.parent;
  if (decl?.type !== 'let_declaration' || !same(decl.childForFieldName('value'), cur) || decl.parent?.type !== 'block') return null;
  if (decl.childForFieldName('alternative')) return null;
  const pattern = decl.childForFieldName('pattern');
  if (pattern?.type !== 'identifier') return null;
  const shape = facts.shapeOf(cur);
  if (!isValue(shape) || shape.kind !== 'runtime') return null;
  const refs = referencesTo({ node: decl, kind: 'let' }, pattern.text);
  if (refs.length === 0) return null;
  const removal = removeOwnLine(context.source, decl);
  if (!removal) return null;
  const edits: TextEdit[] = [removal];
  let how: Applicability = 'safe';
  for (const ref of refs) {
    const use = methodCallOn(ref);
    if (!use || !SITE_METHODS.has(use.method)) return null;
    const site = rewriteSite(context, use.call, use.method, applicability(use.call));
    if (!site?.fix) return null;
    edits.push(...site.fix.edits);
    if (site.fix.applicability === 'unsafe') how = 'unsafe';
  }
  return fix(how, edits);
}

function nameOf(path: string): string {
  const parts = path.split('::');
  return parts[parts.length - 1];
}

function insideUse(node: SyntaxNode): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'use_declaration') return true;
    if (n.type === 'block' || n.type === 'function_item') return false;
  }
  return false;
}

interface SiteReport {
  node: SyntaxNode;
  messageId: 'method' | 'blockOnSync';
  data: Record<string, string>;
  fix: Fix | null;
}

/**
 * `rt.spawn(f)` → `tokio::spawn(f)`, `rt.spawn_blocking(f)` →
 * `tokio::task::spawn_blocking(f)`, `rt.block_on(fut)` → `fut.await` (async
 * only), `rt.handle()` → `tokio::runtime::Handle::current()`.
 */
function rewriteSite(context: RuleContext<Options>, call: SyntaxNode, method: string, applicability: Applicability): SiteReport | null {
  const { source } = context;
  const args = call.childForFieldName('arguments');
  if (!args) return null;
  const argList = argumentsOf(call);
  const dropsComment = (start: number, end: number) =>
    call.descendantsOfType(['line_comment', 'block_comment']).some((c) => c.startIndex >= start && c.endIndex <= end);
  switch (method) {
    case 'spawn':
    case 'spawn_blocking': {
      const path = method === 'spawn' ? 'tokio::spawn' : 'tokio::task::spawn_blocking';
      if (argList.length !== 1) return { node: call, messageId: 'method', data: { method, replacement: path }, fix: null };
      const edit = { start: call.startIndex, end: args.startIndex, text: path };
      return {
        node: call,
        messageId: 'method',
        data: { method, replacement: path },
        fix: dropsComment(call.startIndex, args.startIndex) ? null : fix(applicability, edit),
      };
    }
    case 'block_on': {
      const ctx = context.contextOf(call);
      if (ctx.kind === 'sync') return { node: call, messageId: 'blockOnSync', data: {}, fix: null };
      const future = argList[0];
      if (argList.length !== 1 || !future) return { node: call, messageId: 'method', data: { method, replacement: '.await' }, fix: null };
      const text = future.type === 'block' ? `(${source.getText(future)})` : asReceiver(source, future);
      const lost = dropsComment(call.startIndex, future.startIndex) || dropsComment(future.endIndex, call.endIndex);
      // A `!Send` value held across the new `.await` makes the task `!Send`.
      const how = mayBreakSend(source, call, future, ctx.owner) ? 'unsafe' : 'safe';
      return {
        node: call,
        messageId: 'method',
        data: { method, replacement: '.await' },
        fix: lost ? null : fix(how, replace(call, `${text}.await`)),
      };
    }
    case 'handle': {
      if (argList.length !== 0) return null;
      const outer = methodCallOn(call);
      // `rt.handle().spawn(f)`: the outer call is the site.
      if (outer && SITE_METHODS.has(outer.method) && outer.method !== 'handle') return null;
      const data = { method, replacement: HANDLE_CURRENT };
      if (dropsComment(call.startIndex, call.endIndex)) return { node: call, messageId: 'method', data, fix: null };
      if (outer?.method === 'clone' && argumentsOf(outer.call).length === 0) {
        return { node: call, messageId: 'method', data, fix: fix(applicability, replace(outer.call, HANDLE_CURRENT)) };
      }
      if (outer) return { node: call, messageId: 'method', data, fix: fix(applicability, replace(call, HANDLE_CURRENT)) };
      // `&Handle` by value: a borrow of a temporary keeps the type, not a `'static` lifetime.
      return { node: call, messageId: 'method', data, fix: fix('unsafe', replace(call, `&${HANDLE_CURRENT}`)) };
    }
    default:
      return null;
  }
}

interface UseSite {
  /** Where to report: the accessor call, or the static's path. */
  node: SyntaxNode;
  /** The chain ends in a runtime method reported (and fixed) on its own. */
  site: boolean;
  /** The guard's removal, when it has nothing left to guard. */
  edits: TextEdit[] | null;
}

/**
 * Follows a reference to a shared static or accessor up its chain
 * (`.unwrap()`, `.get()`, `?`, …) to what consumes it: a runtime method (a
 * site), a guard (`let rt = …;`, `let Some(rt) = … else`, `if let Some(rt) = …`),
 * or anything else (report only).
 */
function classifyUse(context: RuleContext<Options>, facts: RuntimeFacts, pathNode: SyntaxNode): UseSite {
  const { source } = context;
  let cur = pathNode;
  const call = pathNode.parent;
  if (call?.type === 'call_expression' && same(call.childForFieldName('function'), pathNode)) cur = call;
  const node = cur;
  let shape: Shape | null = facts.shapeOf(cur);
  while (shape) {
    const outer = methodCallOn(cur);
    if (outer) {
      if (isValue(shape) && SITE_METHODS.has(outer.method) && (shape.kind === 'runtime' || shape.kind === 'handle')) {
        return { node, site: true, edits: null };
      }
      const next = afterMethod(shape, outer.method);
      if (!next) break;
      shape = next;
      cur = outer.call;
      continue;
    }
    const p = cur.parent;
    if (p?.type === 'try_expression') {
      shape = afterMethod(shape, 'unwrap');
      cur = p;
    } else if (p?.type === 'parenthesized_expression' || p?.type === 'reference_expression') {
      cur = p;
    } else break;
  }
  if (!shape) return { node, site: false, edits: null };
  const p = cur.parent;
  // `let rt = …;`, `let Some(rt) = … else { … };`
  if (p?.type === 'let_declaration' && same(p.childForFieldName('value'), cur)) {
    const pattern = p.childForFieldName('pattern');
    const bound = boundName(pattern, shape, !!p.childForFieldName('alternative'));
    if (bound === undefined) return { node, site: false, edits: null };
    if (bound !== null) {
      if (referencesTo({ node: p, kind: 'let' }, bound).length > 0) return { node, site: false, edits: null };
    }
    const edit = p.parent?.type === 'block' ? removeOwnLine(source, p) : null;
    return { node, site: false, edits: edit ? [edit] : null };
  }
  // `if let Some(rt) = … { body }` → `body`.
  if (p?.type === 'let_condition' && same(p.childForFieldName('value'), cur) && p.parent?.type === 'if_expression') {
    const ifExpr = p.parent;
    const inner = p.childForFieldName('pattern');
    const bound = inner ? wrappedBinding(inner) : null;
    if (!bound || !unwrapsTo(shape, bound.wrapper)) return { node, site: false, edits: null };
    if (!same(ifExpr.childForFieldName('condition'), p) || ifExpr.childForFieldName('alternative')) return { node, site: false, edits: null };
    if (referencesTo({ node: p, kind: 'condition' }, bound.name).length > 0) return { node, site: false, edits: null };
    const edit = liftBody(source, ifExpr);
    return { node, site: false, edits: edit ? [edit] : null };
  }
  return { node, site: false, edits: null };
}

/**
 * The name a guard's pattern binds to the runtime: null for `_`, undefined
 * when the pattern does not take the runtime out of the value.
 */
function boundName(pattern: SyntaxNode | null, shape: Shape, letElse: boolean): string | null | undefined {
  if (!pattern) return undefined;
  if (!letElse && (pattern.type === '_' || pattern.text === '_')) return null;
  if (!letElse && pattern.type === 'identifier') return isValue(shape) ? pattern.text : undefined;
  if (letElse) {
    const inner = wrappedBinding(pattern);
    if (inner && unwrapsTo(shape, inner.wrapper)) return inner.name;
  }
  return undefined;
}

/**
 * `if let Some(rt) = accessor() { body }` whose body no longer uses `rt`:
 * the body's statements take the `if`'s place, re-indented; the body stays
 * a block when its `let`s or items would otherwise leak into (or shadow
 * names of) the enclosing block, or change when values are dropped.
 */
function liftBody(source: SourceFile, ifExpr: SyntaxNode): TextEdit | null {
  const stmt = ifExpr.parent?.type === 'expression_statement' ? ifExpr.parent : ifExpr;
  if (stmt.parent?.type !== 'block') return null;
  const body = ifExpr.childForFieldName('consequence');
  const open = body?.firstChild;
  const close = body?.lastChild;
  if (!body || !open || !close || open.type !== '{' || close.type !== '}') return null;
  const parts = body.namedChildren;
  const code = parts.filter((s) => !s.type.endsWith('comment'));
  if (parts.length === 0) return removeOwnLine(source, stmt);
  if (code.some((s) => SCOPED_STATEMENTS.has(s.type))) {
    // Keep `{ body }` as a block statement.
    return { start: ifExpr.startIndex, end: body.startIndex, text: '' };
  }
  const indent = source.indentOf(stmt.startIndex);
  if (!/^[ \t]*$/.test(source.text.slice(source.lineStartOf(stmt.startIndex), stmt.startIndex))) return null;
  const first = parts[0];
  const last = parts[parts.length - 1];
  let text = source.text.slice(first.startIndex, last.endIndex);
  const tail = code[code.length - 1];
  if (tail && !BLOCK_LIKE.has(tail.type)) {
    // A tail expression becomes a statement (there may be code after it now).
    const at = tail.endIndex - first.startIndex;
    text = `${text.slice(0, at)};${text.slice(at)}`;
  }
  const bodyIndent = source.indentOf(first.startIndex);
  const multiline = source.positionAt(first.startIndex).line !== source.positionAt(open.startIndex).line;
  text = multiline ? reindent(text, bodyIndent, indent) : text;
  return replace(stmt, text);
}

/** `#[deprecated(note = "…")]` above the item, at its indentation. */
function deprecate(source: SourceFile, item: RuntimeItem): TextEdit {
  const start = item.node.startIndex;
  const lineStart = source.lineStartOf(start);
  const attr = `#[deprecated(note = "${DEPRECATION}")]`;
  if (/^[ \t]*$/.test(source.text.slice(lineStart, start))) {
    return insertAt(lineStart, `${source.indentOf(start)}${attr}${source.eol}`);
  }
  return insertAt(start, `${attr} `);
}
