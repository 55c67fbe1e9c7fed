/**
 * Engine results as LSP values. LintMessage lines and columns are 1-based
 * and count UTF-16 units of the BOM-less text; LSP positions are 0-based and
 * count UTF-16 units of the document, BOM included. Engine offsets are
 * shifted by one unit when the document starts with a BOM.
 */
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, Position, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Fix, LintMessage } from '../types';

export const SOURCE = 'rustokio-lint';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.rustokio`;

/** The LSP position of a LintMessage line/column (1-based, BOM-less). */
export function toPosition(line: number, column: number, hasBOM: boolean): Position {
  return { line: line - 1, character: column - 1 + (hasBOM && line === 1 ? 1 : 0) };
}

export function toDiagnostic(m: LintMessage, hasBOM: boolean, docsUrl?: string): Diagnostic {
  const d: Diagnostic = {
    range: { start: toPosition(m.line, m.column, hasBOM), end: toPosition(m.endLine, m.endColumn, hasBOM) },
    severity: m.severity === 2 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    source: SOURCE,
    message: m.message,
  };
  if (m.ruleId) d.code = m.ruleId;
  if (docsUrl) d.codeDescription = { href: docsUrl };
  return d;
}

/** The edits of a fix in document positions. */
export function toTextEdits(fix: Fix, doc: TextDocument, hasBOM: boolean): TextEdit[] {
  const shift = hasBOM ? 1 : 0;
  return [...fix.edits]
    .sort((a, b) => a.start - b.start)
    .map((e) => ({ range: { start: doc.positionAt(e.start + shift), end: doc.positionAt(e.end + shift) }, newText: e.text }));
}

/** The quick fix of one message; an unsafe one says so in its title. */
export function quickFix(m: LintMessage & { fix: Fix }, doc: TextDocument, hasBOM: boolean, diagnostic: Diagnostic): CodeAction {
  const unsafe = m.fix.applicability === 'unsafe' ? ' (unsafe)' : '';
  return {
    title: `Fix this ${m.ruleId ?? SOURCE} problem${unsafe}`,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: !unsafe,
    edit: { changes: { [doc.uri]: toTextEdits(m.fix, doc, hasBOM) } },
  };
}

/**
 * One edit that turns `before` into `after`, replacing only the part that
 * differs (so the editor keeps the cursor and folds elsewhere). The cut
 * never splits a surrogate pair or a CRLF.
 */
export function minimalEdit(doc: TextDocument, before: string, after: string): TextEdit {
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  while (p > 0 && (splitsPair(before, p) || splitsPair(after, p))) p--;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  while (s > 0 && (splitsPair(before, before.length - s) || splitsPair(after, after.length - s))) s--;
  return {
    range: { start: doc.positionAt(p), end: doc.positionAt(before.length - s) },
    newText: after.slice(p, after.length - s),
  };
}

/** Whether a cut at `i` falls inside a surrogate pair or a CRLF. */
function splitsPair(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const a = text.charCodeAt(i - 1);
  const b = text.charCodeAt(i);
  return (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff) || (a === 13 && b === 10);
}
