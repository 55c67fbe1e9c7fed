/**
 * A Rust source file as the engine sees it: its text (without a BOM), the
 * syntax tree, and the mapping from offsets to 1-based lines and columns.
 *
 * Offsets are UTF-16 code units everywhere inside the engine, the unit of
 * JavaScript strings, of tree-sitter's node bindings, of ESLint and of LSP.
 */
import { parse, SyntaxNode, Tree } from './parser';
import { lowerMacros } from './macros';

export interface Position {
  /** 1-based line. */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
}

export interface Range {
  start: number;
  end: number;
}

const BOM = '\uFEFF';

/** A carriage return that does not start a CRLF: a line break of its own. */
const LONE_CR = /\r(?!\n)/;

/**
 * The offset of each line's first character. Lines end at `\n` (CRLF
 * counts once); with `loneCR`, at a lone `\r` too (as editors count lines;
 * tree-sitter's rows count `\n` only).
 */
export function lineStarts(text: string, loneCR = true): number[] {
  const starts = [0];
  if (!loneCR || !LONE_CR.test(text)) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

/** The 0-based line of `offset`, by the starts `lineStarts` gives. */
export function lineIndexOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class SourceFile {
  /** The text without its BOM; offsets index into this. */
  readonly text: string;
  readonly hasBOM: boolean;
  readonly eol: '\n' | '\r\n';
  /** The tree of the file as written. */
  readonly tree: Tree;
  /**
   * The tree rules see: the same text with the arguments of well-known
   * macros rewritten (same length) into parseable expressions. Equal to
   * `tree` when the file has no such macro.
   */
  readonly lintTree: Tree;
  private lineStarts: number[] | null = null;
  private errorRanges: Range[] | null = null;

  /**
   * @param oldTree the tree of the previous text, already told of the
   *   changes with `tree.edit()` (offsets of the BOM-less text): tree-sitter
   *   then re-parses incrementally (the editor does this on every change).
   */
  constructor(readonly filePath: string, rawText: string, oldTree?: Tree) {
    this.hasBOM = rawText.startsWith(BOM);
    this.text = this.hasBOM ? rawText.slice(1) : rawText;
    this.eol = /\r\n/.test(this.text.slice(0, 10000)) ? '\r\n' : '\n';
    this.tree = parse(this.text, oldTree);
    this.lintTree = lowerMacros(this.text, this.tree);
  }

  get root(): SyntaxNode {
    return this.lintTree.rootNode;
  }

  /** The original text of a node or range (never the lowered macro text). */
  getText(node: SyntaxNode | Range): string {
    const start = 'startIndex' in node ? node.startIndex : node.start;
    const end = 'endIndex' in node ? node.endIndex : node.end;
    return this.text.slice(start, end);
  }

  /** Text with its BOM put back, for writing. */
  withBOM(text: string): string {
    return this.hasBOM ? BOM + text : text;
  }

  private starts(): number[] {
    return (this.lineStarts ??= lineStarts(this.text));
  }

  positionAt(offset: number): Position {
    const starts = this.starts();
    const line = lineIndexOf(starts, offset);
    return { line: line + 1, column: offset - starts[line] + 1 };
  }

  offsetAt(pos: Position): number {
    const starts = this.starts();
    const line = Math.min(Math.max(pos.line, 1), starts.length);
    return Math.min(starts[line - 1] + pos.column - 1, this.text.length);
  }

  /** Offset of the first character of the line holding `offset`. */
  lineStartOf(offset: number): number {
    return this.starts()[this.positionAt(offset).line - 1];
  }

  /** The leading whitespace of the line holding `offset`. */
  indentOf(offset: number): string {
    const start = this.lineStartOf(offset);
    const m = /^[ \t]*/.exec(this.text.slice(start, start + 200));
    return m ? m[0] : '';
  }

  /** The file's indentation unit: a tab, or the smallest space indent seen. */
  indentUnit(): string {
    const counts = new Map<number, number>();
    let tabs = 0;
    let spaces = 0;
    const re = /^([ \t]+)\S/gm;
    const sample = this.text.slice(0, 200000);
    let m: RegExpExecArray | null;
    let prev = 0;
    while ((m = re.exec(sample))) {
      const ws = m[1];
      if (ws[0] === '\t') {
        tabs++;
        continue;
      }
      spaces++;
      const delta = Math.abs(ws.length - prev);
      prev = ws.length;
      if (delta > 0 && delta <= 8) counts.set(delta, (counts.get(delta) ?? 0) + 1);
    }
    if (tabs > spaces) return '\t';
    let best = 4;
    let bestCount = 0;
    for (const [width, count] of counts) {
      if (count > bestCount || (count === bestCount && width > best)) {
        best = width;
        bestCount = count;
      }
    }
    return ' '.repeat(best);
  }

  /** Ranges of ERROR and MISSING nodes of the file as written. */
  syntaxErrors(): Range[] {
    if (!this.errorRanges) this.errorRanges = collectErrors(this.tree);
    return this.errorRanges;
  }

  /** Whether a range overlaps a syntax error (fixes must not touch those). */
  touchesSyntaxError(start: number, end: number): boolean {
    for (const r of this.syntaxErrors()) {
      if (start <= r.end && r.start <= end) return true;
    }
    return false;
  }
}

/** ERROR and MISSING nodes, found without recursion (deep trees are fine). */
export function collectErrors(tree: Tree): Range[] {
  const out: Range[] = [];
  if (!tree.rootNode.hasError) return out;
  const cursor = tree.walk();
  let descend = true;
  for (;;) {
    if (descend) {
      const node = cursor.currentNode;
      if (node.type === 'ERROR' || node.isMissing) {
        out.push({ start: node.startIndex, end: node.endIndex });
        descend = false;
        continue;
      }
      if (node.hasError && cursor.gotoFirstChild()) continue;
      descend = false;
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
  }
  return out;
}
