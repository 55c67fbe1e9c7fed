/**
 * Building blocks for fixes, shared by every rule: text edits, layout
 * (indentation unit, line endings), and expression helpers.
 */
import { SyntaxNode } from './parser';
import { SourceFile } from './source';
import { Applicability, Fix, TextEdit } from './types';

export function fix(applicability: Applicability, ...edits: (TextEdit | TextEdit[])[]): Fix {
  return { applicability, edits: edits.flat() };
}

export function replace(node: SyntaxNode | { startIndex: number; endIndex: number }, text: string): TextEdit {
  return { start: node.startIndex, end: node.endIndex, text };
}

export function insertAt(offset: number, text: string): TextEdit {
  return { start: offset, end: offset, text };
}

/** Postfix-able expressions need no parentheses before `.await` or `.method()`. */
const POSTFIX_OK = new Set([
  'identifier', 'scoped_identifier', 'call_expression', 'field_expression', 'index_expression',
  'macro_invocation', 'parenthesized_expression', 'await_expression', 'try_expression',
  'tuple_expression', 'array_expression', 'self', 'generic_function', 'string_literal',
  'unit_expression', 'block', 'async_block',
]);

/** The text of an expression, parenthesised when a postfix operator needs it. */
export function asReceiver(source: SourceFile, expr: SyntaxNode): string {
  const text = source.getText(expr);
  return POSTFIX_OK.has(expr.type) ? text : `(${text})`;
}

/** Re-indents every line after the first of `text` from `from` to `to` indentation. */
export function reindent(text: string, from: string, to: string): string {
  if (from === to) return text;
  return text
    .split(/(\r?\n)/)
    .map((part, i) => {
      if (i === 0 || i % 2 === 1) return part;
      if (part.trim() === '') return part.startsWith(from) ? part.slice(from.length) : part;
      if (part.startsWith(from)) return to + part.slice(from.length);
      return part;
    })
    .join('');
}

/** The nearest ancestor (or self) that is a statement of a block. */
export function statementOf(node: SyntaxNode): SyntaxNode | null {
  for (let n: SyntaxNode | null = node; n; n = n.parent) {
    if (n.parent?.type === 'block' || n.parent?.type === 'source_file' || n.parent?.type === 'declaration_list') return n;
  }
  return null;
}

/** Whether an expression's value is discarded (`expr;` statement, or the last expression of a `()` block). */
export function isDiscarded(expr: SyntaxNode): boolean {
  const p = expr.parent;
  if (!p) return false;
  if (p.type === 'expression_statement') return true;
  if (p.type === 'let_declaration') {
    const pat = p.childForFieldName('pattern');
    return pat?.type === '_' || pat?.text === '_';
  }
  return false;
}

/**
 * The inner text of a block body (between the braces), without the leading
 * and trailing blank lines; for a non-block expression, its text.
 */
export function blockInner(source: SourceFile, block: SyntaxNode): string {
  if (block.type !== 'block') return source.getText(block);
  const open = block.firstChild!;
  const close = block.lastChild!;
  return source.text.slice(open.endIndex, close.startIndex);
}

/** A fresh name based on `base` that no identifier in `scope` uses yet. */
export function freshName(scope: SyntaxNode, source: SourceFile, candidates: string[]): string {
  const used = new Set(scope.descendantsOfType('identifier').map((n) => source.getText(n)));
  for (const c of candidates) if (!used.has(c)) return c;
  const base = candidates[candidates.length - 1];
  for (let i = 2; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

/**
 * Deletes a statement that stands on lines of its own, with its line break;
 * null when other code or a comment shares its first or last line (deleting
 * the line would take them along).
 */
export function removeOwnLine(source: SourceFile, stmt: SyntaxNode): TextEdit | null {
  const text = source.text;
  const lineStart = source.lineStartOf(stmt.startIndex);
  if (!/^[ \t]*$/.test(text.slice(lineStart, stmt.startIndex))) return null;
  const rest = /^[ \t]*(\r?\n|$)/.exec(text.slice(stmt.endIndex, stmt.endIndex + 400));
  if (!rest) return null;
  return { start: lineStart, end: stmt.endIndex + rest[0].length, text: '' };
}
