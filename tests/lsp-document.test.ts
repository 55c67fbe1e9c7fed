/**
 * The server's document model: changes re-parse incrementally through
 * tree.edit() and give the same tree as a fresh parse; LSP conversions
 * (BOM shift, minimal fix-all edit that never splits a pair).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OpenDocument, pointAt } from '../lib/lsp/document';
import { minimalEdit, toDiagnostic, toPosition } from '../lib/lsp/convert';
import { SourceFile } from '../lib/source';
import { LintMessage } from '../lib/types';

const TEXT = 'async fn tick() {\n    std::thread::sleep(d);\n}\n\nfn main() {\n    let x = 1;\n}\n';

type Change = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } | { text: string };

/** Applies batches of changes; after each batch, the tree must equal a fresh parse of the text. */
function replay(text: string, batches: Change[][]): OpenDocument {
  const doc = new OpenDocument('file:///x/src/lib.rs', '/x/src/lib.rs', 'rust', 1, text);
  doc.current();
  batches.forEach((changes, i) => {
    doc.update(changes, i + 2);
    const fresh = new SourceFile('/x/src/lib.rs', doc.text);
    expect(doc.current().tree.rootNode.toString()).toBe(fresh.tree.rootNode.toString());
    expect(doc.current().text).toBe(fresh.text);
  });
  return doc;
}

const at = (line: number, character: number) => ({ line, character });

describe('incremental parsing', () => {
  test('insertions, deletions and replacements re-parse incrementally to the fresh tree', () => {
    const doc = replay(TEXT, [
      [{ range: { start: at(1, 4), end: at(1, 4) }, text: 'let y = 2;\n    ' }],
      [{ range: { start: at(2, 4), end: at(2, 17) }, text: 'tokio::time::' }],
      [{ range: { start: at(5, 0), end: at(7, 1) }, text: 'fn main() {}' }],
      // Two changes in one notification: the second is in the coordinates after the first.
      [
        { range: { start: at(0, 0), end: at(0, 0) }, text: '// é🦀\n' },
        { range: { start: at(1, 9), end: at(1, 13) }, text: 'tock' },
      ],
      // An edit that breaks the syntax, then one that mends it.
      [{ range: { start: at(4, 0), end: at(4, 1) }, text: '' }],
      [{ range: { start: at(4, 0), end: at(4, 0) }, text: '}' }],
    ]);
    expect(doc.parses).toEqual({ full: 1, incremental: 6 });
    expect(doc.text).toBe('// é🦀\nasync fn tock() {\n    let y = 2;\n    tokio::time::sleep(d);\n}\n\nfn main() {}\n');
  });

  test('CRLF text and a BOM: the tree is of the BOM-less text, edits shifted by one unit', () => {
    const doc = replay(`\uFEFF${TEXT.replace(/\n/g, '\r\n')}`, [
      [{ range: { start: at(0, 1), end: at(0, 1) }, text: 'pub ' }],
      [{ range: { start: at(1, 4), end: at(1, 7) }, text: 'core' }],
      [{ range: { start: at(4, 0), end: at(4, 0) }, text: '\r\n' }],
    ]);
    expect(doc.parses).toEqual({ full: 1, incremental: 3 });
    expect(doc.current().text.startsWith('pub async fn tick')).toBe(true);
  });

  test('a full-text change, or a change to the BOM itself, parses afresh', () => {
    const doc = replay(TEXT, [[{ text: 'fn a() {}\n' }], [{ range: { start: at(0, 0), end: at(0, 0) }, text: '\uFEFF' }]]);
    expect(doc.parses).toEqual({ full: 3, incremental: 0 });
  });

  test('several changes before one lint: one incremental parse', () => {
    const doc = new OpenDocument('file:///x/src/lib.rs', '/x/src/lib.rs', 'rust', 1, TEXT);
    doc.current();
    doc.update([{ range: { start: at(1, 4), end: at(1, 4) }, text: 'a' }], 2);
    doc.update([{ range: { start: at(1, 5), end: at(1, 5) }, text: 'b' }], 3);
    doc.update([{ range: { start: at(1, 6), end: at(1, 6) }, text: ';' }], 4);
    expect(doc.current().tree.rootNode.toString()).toBe(new SourceFile('/x/src/lib.rs', doc.text).tree.rootNode.toString());
    expect(doc.parses).toEqual({ full: 1, incremental: 1 });
    expect(doc.version).toBe(4);
  });

  test('pointAt counts rows by LF and columns in UTF-16 units', () => {
    expect(pointAt('ab\r\ncd🦀e', 9)).toEqual({ row: 1, column: 5 });
    expect(pointAt('ab', 0)).toEqual({ row: 0, column: 0 });
    expect(pointAt('a\n', 2)).toEqual({ row: 1, column: 0 });
  });
});

describe('conversions', () => {
  const m: LintMessage = { ruleId: 'no-thread-sleep', severity: 1, message: 'm', line: 1, column: 5, endLine: 2, endColumn: 3, start: 4, end: 20 };

  test('LintMessage positions become 0-based; a BOM shifts the first line only', () => {
    expect(toPosition(1, 5, false)).toEqual({ line: 0, character: 4 });
    expect(toPosition(1, 5, true)).toEqual({ line: 0, character: 5 });
    expect(toPosition(2, 3, true)).toEqual({ line: 1, character: 2 });
    expect(toDiagnostic(m, false, 'https://docs')).toEqual({
      range: { start: { line: 0, character: 4 }, end: { line: 1, character: 2 } },
      severity: 2,
      source: 'rustokio-lint',
      message: 'm',
      code: 'no-thread-sleep',
      codeDescription: { href: 'https://docs' },
    });
  });

  test('the fix-all edit covers only what differs, never half a surrogate pair or a CRLF', () => {
    const doc = (t: string) => TextDocument.create('file:///a.rs', 'rust', 1, t);
    expect(minimalEdit(doc('let a = 1;\n'), 'let a = 1;\n', 'let b = 1;\n')).toEqual({ range: { start: at(0, 4), end: at(0, 5) }, newText: 'b' });
    // 🦀 and 🦁 share their high surrogate: the cut moves before it.
    expect(minimalEdit(doc('x🦀y'), 'x🦀y', 'x🦁y')).toEqual({ range: { start: at(0, 1), end: at(0, 3) }, newText: '🦁' });
    expect(minimalEdit(doc('a\r\nb'), 'a\r\nb', 'a\r\nz\r\nb')).toEqual({ range: { start: at(1, 0), end: at(1, 0) }, newText: 'z\r\n' });
    // LF to CRLF: the common suffix would start between the new CR and LF.
    expect(minimalEdit(doc('a\nb'), 'a\nb', 'a\r\nb')).toEqual({ range: { start: at(0, 1), end: at(1, 0) }, newText: '\r\n' });
    expect(minimalEdit(doc('same'), 'same', 'same')).toEqual({ range: { start: at(0, 4), end: at(0, 4) }, newText: '' });
  });
});
