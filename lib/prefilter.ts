/**
 * The text prefilter: a file is parsed for the rules only when some active
 * rule could report in it. Each rule declares the words its findings need
 * (`meta.prefilter`); they are tested on the file's code with comments and
 * string literals blanked out (doc comments full of `block_on` examples do
 * not count), so most files of a crate are never parsed.
 *
 * Files the prefilter skips get no syntax-error diagnostic: a syntax error
 * is reported for every file the rules look at (SPEC §11), and rustc
 * reports the rest. The tests read code as Rust is written; in a file that
 * does not parse, tree-sitter's error recovery may make a path of what no
 * test foresees (`std::{thread::sleep(d)` with its `}` missing): such a
 * finding can be lost with the file skipped, as its syntax error is.
 */
import type { Prefilter, RuleModule } from './rule';
import type { ProjectIndex } from './project';
import { bracketPairs, TextContexts, TextFn, textContexts } from './text-contexts';
import { callSite, regexOf, wordAlternation } from './calls';

/** What a prefilter function sees of a file. */
export interface PrefilterInput {
  filePath: string;
  /** The text as read. */
  text: string;
  /**
   * The code: each comment and string literal content replaced by a space
   * (lexed when first read: a word the raw text lacks, the code lacks too).
   */
  readonly code: string;
  project?: ProjectIndex;
}

const DIRECTIVE = /rustokio-lint-(?:disable|enable)/;

/** A regex is used with `.test`; a global or sticky one would carry `lastIndex` between files. */
function test(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

type Words = Exclude<Prefilter, (file: PrefilterInput) => boolean>;

function wordsOf(p: Words): readonly RegExp[] {
  return p instanceof RegExp ? [p] : 'words' in p ? p.words : p;
}

function matchesWords(p: Words, s: string): boolean {
  return wordsOf(p).every((re) => test(re, s));
}

/** Words on the code, and then the code test of a prefilter that has one. */
function matchesCode(p: Words, code: string): boolean {
  return matchesWords(p, code) && (!('code' in p) || p.code(code));
}

/**
 * Whether a file holds every one of these words, on its raw text first (most
 * files fail there, unlexed), then on its code: a prefilter test's start.
 */
export function holdsWords(file: PrefilterInput, words: readonly RegExp[]): boolean {
  return words.every((re) => test(re, file.text)) && words.every((re) => test(re, file.code));
}

/**
 * Whether code may name the module `path` of a crate (`std::sync::mpsc`,
 * `tokio::runtime`) as the resolver resolves names — within the file,
 * following no re-export of another file: written out (`std::sync::mpsc`,
 * `::tokio::runtime`), through a `use` of the crate that may bind it or a
 * module on its way (one naming its last segment, a glob, a rename, `self`,
 * a module on the way with no path after it: `use std::{sync, thread};`),
 * or through `extern crate`. A file whose code cannot, holds no path that
 * resolves into it.
 */
export function mayNameModule(code: string, path: string): boolean {
  const [crate, ...segments] = path.split('::');
  const last = segments[segments.length - 1];
  const tests = (MODULE_TESTS[path] ??= {
    written: new RegExp(`\\b${crate}\\s*::\\s*${segments.join('\\s*::\\s*')}\\b`),
    crate: new RegExp(`\\b${crate}\\b`),
    externCrate: new RegExp(`\\bextern\\s+crate\\s+${crate}\\b`),
    binds: new RegExp(`\\b${last}\\b|\\*|\\bas\\b|\\bself\\b${segments.slice(0, -1).map((s) => `|\\b${s}\\b(?!\\s*::)`).join('')}`),
  });
  if (tests.written.test(code) || tests.externCrate.test(code)) return true;
  for (const m of code.matchAll(USE_DECL)) if (tests.crate.test(m[0]) && tests.binds.test(m[0])) return true;
  return false;
}

const MODULE_TESTS: Record<string, { written: RegExp; crate: RegExp; externCrate: RegExp; binds: RegExp }> = {};
const USE_DECL = /\buse\b[^;]*;/g;

/**
 * Whether any of the rules could report in this file. Rules without a
 * prefilter always could. With `directives`, a file holding a suppression
 * comment is linted too (an unused one is reported). The code text, once
 * computed, is left in `file.code` for the next call.
 */
export function mayReport(
  rules: Iterable<RuleModule<any>>,
  file: { filePath: string; text: string; project?: ProjectIndex; code?: string | null },
  directives = false,
): boolean {
  if (directives && DIRECTIVE.test(file.text)) return true;
  const words: Words[] = [];
  const tests: ((input: PrefilterInput) => boolean)[] = [];
  for (const rule of rules) {
    const p: Prefilter | undefined = rule.meta.prefilter;
    if (!p) return true;
    if (typeof p === 'function') tests.push(p);
    else words.push(p);
  }
  const code = (): string => {
    // The project's code of the file when it holds this text: lexed once for both.
    if (file.code === undefined) file.code = file.project?.codeFor(file.filePath, file.text) ?? codeText(file.text);
    return file.code ?? file.text;
  };
  // Words: on the raw text first (most files fail there, unlexed), then on the code.
  const rough = words.filter((p) => matchesWords(p, file.text));
  if (rough.length && rough.some((p) => matchesCode(p, code()))) return true;
  // Tests last: they may ask the project.
  if (tests.length === 0) return false;
  // The code is lexed when a test first reads it (a test may fail on the raw text first).
  const input: PrefilterInput = {
    filePath: file.filePath,
    text: file.text,
    get code() {
      return code();
    },
    project: file.project,
  };
  return tests.some((t) => t(input));
}

/**
 * Whether a call of one of `names` (as written, or renamed by `use … as`)
 * may be flagged in this file by a rule that flags it in async code, and in
 * sync code only when async code calls the fn holding it (no-block-on,
 * no-thread-sleep): such a name of the code may sit in async code, or in a
 * fn that may have a caller (lib/text-contexts.ts; callers asked of the
 * project, else looked for in the file's own code). A file whose every one
 * sits outside any fn, or in fns nothing calls (`#[test]` fns, `main`), is
 * turned away. With `reached` false, for a rule that flags in async code
 * only: a name of the code must sit in code that may be async.
 */
export function mayRunFromAsync(file: PrefilterInput, names: readonly string[], reached = true): boolean {
  const code = codeWithOffsets(file.text);
  const contexts = contextsOfText(file.text);
  if (!code || !contexts) return true;
  // The fns holding them in sync code, asked about together. A private free fn of a file that
  // declares no module in another file can be called from this file alone (Rust's privacy).
  const fns = new Map<string, TextFn>();
  const alone = !OUT_OF_LINE_MOD.test(code);
  for (const m of code.matchAll(regexOf(wordAlternation(renamed(code, names)), 'g'))) {
    if (contexts.mayBeAsync(m.index!)) return true;
    const fn = reached ? contexts.fnAt(m.index!) : null;
    if (!fn) continue;
    if (fn.free && fn.private && alone) {
      if (callSite(fn.name, 'free').test(code)) return true;
    } else fns.set(`${fn.free}|${fn.name}`, fn);
  }
  if (fns.size === 0) return false;
  if (file.project) return file.project.mayBeCalled(file.filePath, fns.values());
  return [...fns.values()].some((fn) => callSite(fn.name, fn.free ? 'free' : 'any').test(code));
}

/**
 * What is read of a text without a parse, kept for the last texts asked
 * about (phase 1, phase 2, macro lowering and the rules ask about the same
 * file's text): its code with offsets kept (`codeText(text, true)`), its
 * bracket pairs and its contexts (lib/text-contexts.ts), each made when
 * first asked for.
 */
function lexed(text: string): Lexed {
  let known = LEXED.get(text);
  if (!known) {
    known = { code: codeText(text, true) };
    LEXED.set(text, known);
    if (LEXED.size > MAX_LEXED) LEXED.delete(LEXED.keys().next().value!);
  }
  return known;
}

interface Lexed {
  code: string | null;
  pairs?: Map<number, number> | null;
  contexts?: TextContexts | null;
}

const LEXED = new Map<string, Lexed>();
const MAX_LEXED = 256;

/** The text with comments and literals blanked, offsets kept (null: not lexed). */
export function codeWithOffsets(text: string): string | null {
  return lexed(text).code;
}

/** The offset of the bracket closing each bracket of the text's code; null when not lexed or they do not match. */
export function bracketPairsOf(text: string): Map<number, number> | null {
  const l = lexed(text);
  if (l.pairs === undefined) l.pairs = l.code === null ? null : bracketPairs(l.code);
  return l.pairs;
}

/** The text's contexts (lib/text-contexts.ts); null when it cannot be read so. */
export function contextsOfText(text: string): TextContexts | null {
  const l = lexed(text);
  if (l.contexts === undefined) l.contexts = l.code === null ? null : textContexts(l.code, bracketPairsOf(text));
  return l.contexts;
}

/** `mod name;`: a module whose code is in another file. */
const OUT_OF_LINE_MOD = /\bmod\s+(?:r#)?[A-Za-z_\u00a1-\uffff][A-Za-z0-9_\u00a1-\uffff]*\s*;/;

/** `names`, and the names `… name as other` binds in the code, to a fixed point. */
function renamed(code: string, names: readonly string[]): string[] {
  const out = new Set(names);
  for (let added = true; added; ) {
    added = false;
    for (const m of code.matchAll(regexOf(`${wordAlternation(out)}\\s+as\\s+((?:r#)?[A-Za-z_\\u00a1-\\uffff][A-Za-z0-9_\\u00a1-\\uffff]*)`, 'g'))) {
      const alias = m[1].replace(/^r#/, '');
      if (!out.has(alias)) (added = true), out.add(alias);
    }
  }
  return [...out];
}

/**
 * Whether `re` (not global) matches the text somewhere other than on a line
 * whose first non-blank characters are `//`: whatever such a line holds is
 * a comment, or inside a string or block comment — never code. A test
 * before lexing (`codeText`) that turns away most files whose only
 * mentions of a word are in doc comments.
 */
export function outsideCommentLines(text: string, re: RegExp): boolean {
  const all = (GLOBAL_OF.get(re) ?? GLOBAL_OF.set(re, new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}g`)).get(re))!;
  all.lastIndex = 0;
  for (let m = all.exec(text); m; m = all.exec(text)) {
    let i = text.lastIndexOf('\n', m.index) + 1;
    while (i < m.index && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (!(text.charCodeAt(i) === 47 && text.charCodeAt(i + 1) === 47)) return true;
    // The rest of this line is the comment: go on from the next.
    const eol = text.indexOf('\n', m.index);
    if (eol < 0) return false;
    all.lastIndex = eol;
  }
  return false;
}

const GLOBAL_OF = new WeakMap<RegExp, RegExp>();

/**
 * The text with each comment and the contents of each string, byte-string,
 * raw-string and char literal replaced by one space — or, with
 * `keepOffsets`, by as many spaces as they have characters. Null when a
 * comment or literal runs to the end of the file: the text is then not
 * trusted to be lexed right, and callers use it as it is.
 */
export function codeText(text: string, keepOffsets = false): string | null {
  const parts: string[] = [];
  let copied = 0;
  const blank = (from: number, to: number) => {
    parts.push(text.slice(copied, from), keepOffsets ? ' '.repeat(to - from) : ' ');
    copied = to;
  };
  // The regex engine finds where the next comment or literal may start; the rest is copied as is.
  const next = NEXT_LITERAL;
  next.lastIndex = 0;
  for (let m = next.exec(text); m; m = next.exec(text)) {
    const i = m.index;
    const token = m[0];
    if (token === '//') {
      let j = text.indexOf('\n', i);
      if (j < 0) j = text.length;
      blank(i, j);
      next.lastIndex = j;
    } else if (token === '/*') {
      const end = blockCommentEnd(text, i);
      if (end < 0) return null;
      blank(i, end);
      next.lastIndex = end;
    } else if (token === '"') {
      const end = stringEnd(text, i + 1);
      if (end < 0) return null;
      blank(i + 1, end - 1);
      next.lastIndex = end;
    } else if (token === "'") {
      // A char literal ('x', '\n', '\u{..}', '"'), or a lifetime or label ('a).
      const end = charEnd(text, i);
      if (end > 0) {
        blank(i + 1, end - 1);
        next.lastIndex = end;
      }
    } else {
      // Raw strings: r"…", r#"…"#, br"…", cr"…" (at the start of a token).
      const hashes = token.length - token.indexOf('r') - 2;
      const close = '"' + '#'.repeat(hashes);
      const end = text.indexOf(close, i + token.length);
      if (end < 0) return null;
      blank(i + token.length, end);
      next.lastIndex = end + close.length;
    }
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** Where a comment, a string, a raw string (not inside a word) or a char literal may start. */
const NEXT_LITERAL = /\/[/*]|(?<![A-Za-z0-9_\u0080-\uffff])[bc]?r#*"|["']/g;

/** The offset after a (nested) block comment starting at `start`, or -1. */
function blockCommentEnd(text: string, start: number): number {
  let depth = 0;
  let i = start;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      depth++;
      i += 2;
    } else if (c === 42 && text.charCodeAt(i + 1) === 47) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return -1;
}

/** The offset after the closing quote of a string whose contents start at `i`, or -1. */
function stringEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i += 2;
    else if (c === 34) return i + 1;
    else i++;
  }
  return -1;
}

/** The offset after a char literal starting at the quote `i`, or -1 when it is a lifetime or label. */
function charEnd(text: string, i: number): number {
  const c = text.charCodeAt(i + 1);
  if (c === 92) {
    // An escape: '\n', '\'', '\x7f', '\u{1F600}'.
    const close = text.indexOf("'", i + 3);
    return close > 0 && close - i <= 12 && !text.slice(i + 1, close).includes('\n') ? close + 1 : -1;
  }
  if (Number.isNaN(c) || c === 10 || c === 13 || c === 39) return -1;
  const width = c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  return text.charCodeAt(i + 1 + width) === 39 ? i + 2 + width : -1;
}
