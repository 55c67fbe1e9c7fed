/**
 * Import clean-up after fixing: a `use` whose name the fixes left without any
 * reference is removed, or narrowed when it is one leaf of a list
 * (`use std::thread::{self, spawn};` -> `use std::thread;`).
 *
 * Only names that were referenced before fixing and are not any more are
 * touched, and never a CamelCase name outside the paths the rules rewrite
 * (a trait import is used by its methods, not by its name).
 */
import { SyntaxNode } from './parser';
import { SourceFile } from './source';
import { TextEdit } from './types';
import { wordAlternation } from './calls';

interface Leaf {
  name: string;
  node: SyntaxNode;
  path: string;
}

const MANAGED = /^(?:::)?(?:std::thread|std::sync::mpsc|tokio::runtime|futures::executor)\b/;

/**
 * The names among these with a reference outside `use` declarations:
 * identifiers that can name an import (the first segment of a path, or a
 * bare name; not the later segments of `tokio::time::sleep`). Found by name
 * in the text, each hit taken to its node (not every identifier visited);
 * a name found once is not looked at again.
 */
export function referencedNames(source: SourceFile, names: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  if (names.size === 0) return found;
  // The lowered tree: paths inside well-known macros are real paths there.
  const root = source.root;
  const uses = root.descendantsOfType('use_declaration').map((u) => [u.startIndex, u.endIndex]);
  const re = new RegExp(wordAlternation(names, false), 'g');
  for (const m of root.text.matchAll(re)) {
    if (found.has(m[0])) continue;
    const start = m.index!;
    const end = start + m[0].length;
    const id = root.descendantForIndex(start, end);
    if ((id.type !== 'identifier' && id.type !== 'type_identifier') || id.startIndex !== start || id.endIndex !== end) continue;
    if (uses.some(([s, e]) => s <= start && end <= e)) continue;
    const p = id.parent;
    // `a::b`: `b` names nothing by itself, unless the path is `::b`.
    if (p && (p.type === 'scoped_identifier' || p.type === 'scoped_type_identifier') && p.childForFieldName('name')?.id === id.id && p.childForFieldName('path')) continue;
    found.add(m[0]);
    if (found.size === names.size) break;
  }
  return found;
}

/**
 * Edits that remove the imports of `source` (a fixed text) whose names were
 * referenced in `original` (the text before fixing) and are not any more.
 */
export function unusedImportEdits(source: SourceFile, original: SourceFile): TextEdit[] {
  const uses: { use: SyntaxNode; arg: SyntaxNode; leaves: Leaf[] }[] = [];
  for (const use of source.tree.rootNode.descendantsOfType('use_declaration')) {
    if (use.hasError) continue;
    const arg = use.childForFieldName('argument');
    if (!arg) continue;
    const leaves: Leaf[] = [];
    collectLeaves(arg, '', leaves);
    uses.push({ use, arg, leaves });
  }
  // Only these may go: a CamelCase name outside the managed paths may be a trait, used by its methods.
  const removable = (l: Leaf) => MANAGED.test(l.path) || /^[a-z_]/.test(l.name);
  const candidates = new Set(uses.flatMap((u) => u.leaves.filter(removable).map((l) => l.name)));
  // Unreferenced now, first (most imports still are: the original text is searched for the rest only).
  const stillUsed = referencedNames(source, candidates);
  const unused = new Set([...candidates].filter((n) => !stillUsed.has(n)));
  if (unused.size === 0) return [];
  const usedBefore = referencedNames(original, unused);
  const gone = new Set([...unused].filter((n) => usedBefore.has(n)));
  const edits: TextEdit[] = [];
  for (const { use, arg, leaves } of uses) {
    const dead = new Set(leaves.filter((l) => gone.has(l.name) && removable(l)).map((l) => l.node.id));
    if (dead.size === 0) continue;
    const rendered = render(arg, dead);
    if (rendered === null) edits.push(removeLine(source, use));
    else edits.push({ start: arg.startIndex, end: arg.endIndex, text: rendered });
  }
  return edits;
}

/**
 * Use trees nested deeper than this keep their inner imports (never removed):
 * the walks below recurse once per level, and deep input must not exhaust
 * the stack (SPEC §11).
 */
const MAX_USE_NESTING = 200;

function collectLeaves(tree: SyntaxNode, prefix: string, out: Leaf[], depth = 0): void {
  if (depth > MAX_USE_NESTING) return;
  const join = (p: string, s: string) => (p ? `${p}::${s}` : s);
  switch (tree.type) {
    case 'identifier':
    case 'scoped_identifier': {
      const path = join(prefix, tree.text);
      out.push({ name: path.split('::').pop()!, node: tree, path });
      return;
    }
    case 'self':
      out.push({ name: prefix.split('::').pop()!, node: tree, path: prefix });
      return;
    case 'use_as_clause': {
      const alias = tree.childForFieldName('alias')?.text;
      const p = tree.childForFieldName('path');
      if (alias && alias !== '_' && p) out.push({ name: alias, node: tree, path: join(prefix, p.text) });
      return;
    }
    case 'scoped_use_list': {
      const p = tree.childForFieldName('path');
      const list = tree.childForFieldName('list');
      if (list) collectLeaves(list, join(prefix, p ? p.text : ''), out, depth + 1);
      return;
    }
    case 'use_list':
      for (const t of tree.namedChildren) collectLeaves(t, prefix, out, depth + 1);
      return;
    default:
  }
}

/** The use tree without the dead leaves; null when nothing is left. */
function render(tree: SyntaxNode, dead: Set<number>, depth = 0): string | null {
  if (depth > MAX_USE_NESTING) return tree.text;
  if (dead.has(tree.id)) return null;
  if (tree.type === 'scoped_use_list') {
    const p = tree.childForFieldName('path');
    const list = tree.childForFieldName('list');
    if (!list) return tree.text;
    const items = list.namedChildren.map((t) => render(t, dead, depth + 1)).filter((t): t is string => t !== null);
    if (items.length === 0) return null;
    if (items.length === list.namedChildren.length) return tree.text;
    const prefix = p ? `${p.text}::` : '';
    if (items.length === 1) {
      const only = items[0];
      if (p && (only === 'self' || only.startsWith('self as '))) return p.text + only.slice(4);
      return `${prefix}${only}`;
    }
    return `${prefix}{${items.join(', ')}}`;
  }
  if (tree.type === 'use_list') {
    const items = tree.namedChildren.map((t) => render(t, dead, depth + 1)).filter((t): t is string => t !== null);
    if (items.length === 0) return null;
    return items.length === 1 ? items[0] : `{${items.join(', ')}}`;
  }
  return tree.text;
}

/** An edit that deletes a whole item with its line (and trailing blank line when it leaves two). */
export function removeLine(source: SourceFile, node: SyntaxNode): TextEdit {
  const text = source.text;
  let start = node.startIndex;
  let end = node.endIndex;
  const lineStart = source.lineStartOf(start);
  if (/^[ \t]*$/.test(text.slice(lineStart, start))) start = lineStart;
  const rest = /^[ \t]*(\r?\n)?/.exec(text.slice(end))!;
  if (start === lineStart) {
    end += rest[0].length;
    // Do not leave a blank line at the top of the file or a double blank line.
    const before = text.slice(Math.max(0, start - 4), start);
    const atTopOrAfterBlank = start === 0 || /\n[ \t]*\r?\n$/.test(before) || /^\r?\n$/.test(before);
    const blankAfter = /^[ \t]*\r?\n/.exec(text.slice(end));
    if (atTopOrAfterBlank && blankAfter) end += blankAfter[0].length;
    // Nor a blank line right before a closing brace.
    const blankBefore = /\r?\n([ \t]*\r?\n)$/.exec(text.slice(Math.max(0, start - 200), start));
    if (blankBefore && /^[ \t]*[}\]]/.test(text.slice(end))) start -= blankBefore[1].length;
  }
  return { start, end, text: '' };
}
