/**
 * Calls found by name instead of by a walk of every call: a rule that acts
 * only on calls of a few names (`spawn`, `block_on`, `sleep`) gets them from
 * a text search of the file for those words, each hit taken to its node
 * (natively, by offset) and kept when it is the name of a call's callee.
 *
 * Exact, not a guess: a call's callee always spells its last path segment
 * or method name, so every call so named is found; hits in comments,
 * strings or other positions are dropped by their node. Calls through a
 * single name bound by `use … as name` are found by that name (every word
 * written after `as` in a `use` or `extern crate` counts, a superset of the
 * aliases).
 */
import { SyntaxNode } from './parser';

const AS_NAME = /\bas\s+(?:r#)?([A-Za-z_\u00a1-\uffff][A-Za-z0-9_\u00a1-\uffff]*)/g;
/** From `use` or `extern crate` to the next `;`: where `as` binds a name (not a cast, nor prose). */
const BINDING_DECL = /\b(?:use|extern\s+crate)\b[^;]*;/g;

export interface NamedCall {
  call: SyntaxNode;
  /** The name as written (an alias hit's name is the alias). */
  name: string;
  /** Found by a `… as name` alias, not by one of the names asked for. */
  alias: boolean;
}

/** A character that may go on an identifier (the body of a regex class). */
export const IDENT_CHAR = 'A-Za-z0-9_\\u00a1-\\uffff';

/**
 * A regex source for any of `words` as a whole word: written `r#word` too
 * (`raw`), or never right after a `#` (not the `word` of `r#word`).
 */
export function wordAlternation(words: Iterable<string>, raw = true): string {
  const alternatives = [...words].map(escapeRegExp).join('|');
  return raw ? `(?<![${IDENT_CHAR}])(?:r#)?(?:${alternatives})(?![${IDENT_CHAR}])` : `(?<![${IDENT_CHAR}#])(?:${alternatives})(?![${IDENT_CHAR}])`;
}

const REGEXES = new Map<string, RegExp>();

/** A regex made once per source and flags (those built from names are asked for over and over). */
export function regexOf(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let re = REGEXES.get(key);
  if (!re) REGEXES.set(key, (re = new RegExp(source, flags)));
  return re;
}

/** `wordAlternation` of one name as a regex, made once per name and flags. */
export function wordRegex(name: string, flags = ''): RegExp {
  return regexOf(wordAlternation([name]), flags);
}

let lastAliases: { text: string; names: ReadonlySet<string> } | null = null;

/**
 * Every word written after `as` in the `use` and `extern crate` declarations
 * of a text (and in prose that looks like one). The last text's answer is
 * kept: the linter, the resolver and the facts of one file all ask.
 */
export function aliasNames(text: string): ReadonlySet<string> {
  if (lastAliases?.text === text) return lastAliases.names;
  const names = new Set<string>();
  for (const [decl] of text.matchAll(BINDING_DECL)) {
    if (!decl.includes('as')) continue;
    for (const m of decl.matchAll(AS_NAME)) names.add(m[1]);
  }
  lastAliases = { text, names };
  return names;
}

/**
 * The calls of the tree whose callee's name is one of `names` or one of the
 * file's `as` aliases, in document order (an outer call before the calls
 * that start where it does).
 */
export function callsNamed(root: SyntaxNode, text: string, names: ReadonlySet<string>): NamedCall[] {
  const words = new Set([...names, ...aliasNames(text)]);
  if (words.size === 0) return [];
  const re = new RegExp(wordAlternation(words), 'g');
  const out: NamedCall[] = [];
  const seen = new Set<number>();
  for (const m of text.matchAll(re)) {
    const start = m.index!;
    // A callee's name is followed by its arguments or turbofish (a comment between aside): the
    // name in prose, a path or a type is not looked up in the tree.
    const after = nextNonSpace(text, start + m[0].length);
    if (!CALL_AFTER.has(text.charCodeAt(after))) continue;
    const call = text.charCodeAt(after) === 40 ? callOpenedAt(root, start, m[0].length, after) : callNamedAt(root, start, m[0].length);
    if (!call || seen.has(call.id)) continue;
    seen.add(call.id);
    const name = m[0].startsWith('r#') ? m[0].slice(2) : m[0];
    out.push({ call, name, alias: !names.has(name) });
  }
  out.sort((a, b) => a.call.startIndex - b.call.startIndex || b.call.endIndex - a.call.endIndex);
  return out;
}

/** `(`, `:` (of `::<T>`) and `/` (a comment): what may follow a callee's name. */
const CALL_AFTER = new Set([40, 58, 47]);

/** Rust's whitespace (Pattern_White_Space). */
const SPACE = new Set([9, 10, 11, 12, 13, 32, 0x85, 0x200e, 0x200f, 0x2028, 0x2029]);

function nextNonSpace(text: string, from: number): number {
  let i = from;
  while (SPACE.has(text.charCodeAt(i))) i++;
  return i;
}

/**
 * callNamedAt for a name followed by `(` at `open`: the smallest node
 * holding both is the call when it is one (`name(`, `a::name(`, `x.name(`),
 * found without a walk up from the name.
 */
function callOpenedAt(root: SyntaxNode, start: number, length: number, open: number): SyntaxNode | null {
  const call = root.descendantForIndex(start, open + 1);
  if (call.type !== 'call_expression') return null;
  const f = call.childForFieldName('function');
  const end = start + length;
  if (!f || f.endIndex !== end) return null;
  const name = f.type === 'identifier' ? f : f.type === 'scoped_identifier' ? f.childForFieldName('name') : f.type === 'field_expression' ? f.childForFieldName('field') : null;
  return name && name.startIndex === start && name.endIndex === end ? call : null;
}

/** The call whose callee's name is the word at `start` (of `length`), if it is one. */
export function callNamedAt(root: SyntaxNode, start: number, length: number): SyntaxNode | null {
  const node = root.descendantForIndex(start, start + length);
  if (node.type !== 'identifier' && node.type !== 'field_identifier') return null;
  if (node.startIndex !== start || node.endIndex !== start + length) return null;
  return callOfName(node);
}

/** The call whose callee `name` names: `name(..)`, `a::name(..)`, `x.name(..)`, with or without `::<T>`. */
function callOfName(name: SyntaxNode): SyntaxNode | null {
  let n = name;
  let p = n.parent;
  if (!p) return null;
  if (p.type === 'scoped_identifier' || p.type === 'field_expression') {
    if (!same(p.childForFieldName(p.type === 'scoped_identifier' ? 'name' : 'field'), n)) return null;
    n = p;
    p = n.parent;
  }
  if (p?.type === 'generic_function') {
    if (!same(p.childForFieldName('function'), n)) return null;
    n = p;
    p = n.parent;
  }
  return p?.type === 'call_expression' && same(p.childForFieldName('function'), n) ? p : null;
}

function same(a: SyntaxNode | null, b: SyntaxNode): boolean {
  return !!a && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `name` written where a call of the fn so named may be, as the call graph
 * has calls: a whole word followed by what follows a callee (`(`, `::<`, a
 * comment) or an item of a `use` (`,` `;` `}` `as`: an import may rename
 * it); not its definition (`fn name`). A free fn is not called after a
 * single `.` (`x.name(..)` is a method; a range `0..name()` still counts);
 * a fn of an impl or trait only after `.` or `::` (a bare `name(..)`, as
 * `drop(x)`, calls a free fn: the graph resolves it in the module).
 */
export function callSite(name: string, form: FnForm): RegExp {
  const before =
    form === 'associated' ? '(?<=(?:\\.|::)\\s*)' : form === 'free' ? '(?<!\\bfn\\s+)(?<!(?:^|[^.])\\.\\s*)' : '(?<!\\bfn\\s+)';
  return regexOf(`${before}${wordAlternation([name])}(?=\\s*(?:[(/,;}]|::|as\\b))`);
}

/** A fn as callSite looks for its calls: free, of an impl or trait, or either (not known). */
export type FnForm = 'free' | 'associated' | 'any';
