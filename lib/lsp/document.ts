/**
 * An open editor buffer. Its text follows the client's changes (full or
 * incremental), and its syntax tree follows them with tree-sitter's edit
 * API: each change is told to the old tree with `tree.edit()` at once, and
 * the next lint re-parses incrementally from the edited tree.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { SourceFile } from '../source';
import type { Tree } from '../parser';

const BOM = 0xfeff;

export class OpenDocument {
  private doc: TextDocument;
  private source: SourceFile | null = null;
  /** Whether `source` is of the current text. */
  private fresh = false;
  /** The previous tree, edited to the current text; null when a full parse is needed. */
  private editedTree: Tree | null = null;
  /** How the trees were made: fresh parses and incremental re-parses (for tests and logs). */
  readonly parses = { full: 0, incremental: 0 };

  constructor(readonly uri: string, readonly filePath: string, languageId: string, version: number, text: string) {
    this.doc = TextDocument.create(uri, languageId, version, text);
  }

  get version(): number {
    return this.doc.version;
  }

  get text(): string {
    return this.doc.getText();
  }

  /** The LSP view of the text (positions ↔ offsets, counted in UTF-16 units). */
  get textDocument(): TextDocument {
    return this.doc;
  }

  /** Whether the text starts with a BOM (engine offsets then start one unit later). */
  get hasBOM(): boolean {
    return this.text.charCodeAt(0) === BOM;
  }

  /** Applies the client's changes in order, editing the tree along. */
  update(changes: TextDocumentContentChangeEvent[], version: number): void {
    for (const change of changes) {
      const before = this.doc.getText();
      if ('range' in change) {
        const start = this.doc.offsetAt(change.range.start);
        const end = this.doc.offsetAt(change.range.end);
        this.doc = TextDocument.update(this.doc, [change], version);
        this.editTree(before, this.doc.getText(), start, end, start + change.text.length);
      } else {
        this.doc = TextDocument.update(this.doc, [change], version);
        this.dropTree();
      }
    }
    this.doc = TextDocument.update(this.doc, [], version);
    if (changes.length) this.fresh = false;
  }

  /** The source of the current text, re-parsed incrementally after edits. */
  current(): SourceFile {
    if (this.source && this.fresh) return this.source;
    const tree = this.editedTree ?? undefined;
    this.source = new SourceFile(this.filePath, this.text, tree);
    this.fresh = true;
    if (tree) this.parses.incremental++;
    else this.parses.full++;
    this.editedTree = null;
    return this.source;
  }

  /** Tells the tree of the last parse about one change (document offsets). */
  private editTree(before: string, after: string, start: number, oldEnd: number, newEnd: number): void {
    const tree = this.editedTree ?? this.source?.tree ?? null;
    const bomBefore = before.charCodeAt(0) === BOM ? 1 : 0;
    const bomAfter = after.charCodeAt(0) === BOM ? 1 : 0;
    // A change to the BOM itself shifts every offset of the tree: parse afresh.
    if (!tree || bomBefore !== bomAfter || start < bomBefore) return this.dropTree();
    const oldText = bomBefore ? before.slice(1) : before;
    const newText = bomAfter ? after.slice(1) : after;
    const s = start - bomBefore;
    const oe = oldEnd - bomBefore;
    const ne = newEnd - bomAfter;
    tree.edit({
      startIndex: s,
      oldEndIndex: oe,
      newEndIndex: ne,
      startPosition: pointAt(oldText, s),
      oldEndPosition: pointAt(oldText, oe),
      newEndPosition: pointAt(newText, ne),
    });
    this.editedTree = tree;
  }

  private dropTree(): void {
    this.editedTree = null;
    this.source = null;
  }
}

/** A tree-sitter point: row counted by LF, column in UTF-16 units from the row start. */
export function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}
