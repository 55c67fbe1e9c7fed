/**
 * Execution context (SPEC §1): every expression runs in the context of its
 * nearest enclosing body owner. Async owners are `async fn`, `async` blocks
 * and async closures; non-async closures, fns and const/static initialisers
 * are sync.
 */
import { SyntaxNode } from './parser';

export type ExecKind = 'async' | 'sync';

export interface ExecContext {
  kind: ExecKind;
  /** The body owner: a fn, closure, async block, const or static item; null at file level. */
  owner: SyntaxNode | null;
}

const OWNER_TYPES = new Set(['function_item', 'closure_expression', 'async_block', 'const_item', 'static_item']);

/** Whether a body owner runs its body asynchronously. */
export function isAsyncOwner(owner: SyntaxNode): boolean {
  switch (owner.type) {
    case 'async_block':
      return true;
    case 'function_item':
      return owner.namedChildren.some((c) => c.type === 'function_modifiers' && /\basync\b/.test(c.text));
    case 'closure_expression':
      return owner.children.some((c) => c.type === 'async');
    default:
      return false;
  }
}

/** The nearest body owner that encloses `node` (not `node` itself). */
export function ownerOf(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) {
    if (OWNER_TYPES.has(n.type)) {
      // Parameters and signatures belong to the scope outside the owner.
      if (n.type === 'closure_expression' || n.type === 'function_item') {
        const body = n.childForFieldName('body');
        if (!body || node.startIndex < body.startIndex || node.endIndex > body.endIndex) continue;
      }
      return n;
    }
  }
  return null;
}

export function contextOf(node: SyntaxNode): ExecContext {
  const owner = ownerOf(node);
  return { kind: owner && isAsyncOwner(owner) ? 'async' : 'sync', owner };
}

export function isAsync(node: SyntaxNode): boolean {
  return contextOf(node).kind === 'async';
}

/** The nearest enclosing `fn` item. */
export function enclosingFunction(node: SyntaxNode): SyntaxNode | null {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'function_item') return n;
  return null;
}

/** Whether a node sits in test-only code: `#[cfg(test)]` items or `#[test]`-like fns. */
export function isInTestCode(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    if (n.type === 'function_item' || n.type === 'mod_item' || n.type === 'impl_item') {
      for (const attr of attributesOf(n)) {
        if (/^#\[\s*(cfg\s*\(\s*test\s*\)|(?:tokio::)?test\b|test\s*\])/.test(attr.text)) return true;
      }
    }
  }
  return false;
}

/** The outer attributes (`#[...]`) written before an item. */
export function attributesOf(item: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let s = item.previousNamedSibling; s; s = s.previousNamedSibling) {
    if (s.type === 'attribute_item') out.push(s);
    else if (s.type !== 'line_comment' && s.type !== 'block_comment') break;
  }
  return out;
}
