/**
 * Which runtime accessors of a project may share a runtime, read from code
 * text alone (comments and strings blanked, lib/prefilter.ts codeText): what
 * RuntimeFacts.markShared decides on a tree, as a superset that needs no
 * parse. A static shares when its type names `Runtime` or its value builds
 * one; a fn whose signature names a runtime type shares when its body builds
 * one or names an accessor that shares (in any file: followed to a fixed
 * point). no-shared-runtime's prefilter asks whether a file names one.
 *
 * Accessors are keyed as code names them from other files: a free fn or a
 * static by its name (`shared_runtime`), an associated fn by its type
 * (`Runtime::new`: no `use` can import it alone, so code that calls it
 * writes the type). Items of trait impls and traits, and items inside fn
 * bodies, are no accessors (as RuntimeFacts has it).
 */
import { escapeRegExp, IDENT_CHAR } from '../calls';

const IDENT = '(?:r#)?[A-Za-z_\\u00a1-\\uffff][A-Za-z0-9_\\u00a1-\\uffff]*';
const ITEM = new RegExp(`(?<!')\\b(?:(static)\\s+(?:ref\\s+|mut\\s+)?|fn\\s+)(${IDENT})`, 'g');
const BLOCK_HEAD = /\b(impl|trait)\b/g;
const WORD = /(?:r#)?[A-Za-z0-9_\u00a1-\uffff]+/g;
const RUNTIME_TYPE = /\b(?:Runtime|Builder|Handle|LocalSet)\b/;
const USE_ALIAS = new RegExp(`\\b(?:Runtime|Builder|Handle|LocalSet)\\s+as\\s+(${IDENT})`, 'g');

/** A static or runtime-typed fn of a file, as text. */
export interface AccessorText {
  /** `name`, or `Type::name` for an associated fn (see the file comment). */
  key: string;
  name: string;
  /** The type of the inherent impl it sits in. */
  owner: string | null;
  /** A static whose type names `Runtime` (or an alias), or an item whose value or body builds a runtime. */
  shares: boolean;
  /** Its value or body. */
  body: string;
  words: Set<string>;
}

interface Span {
  start: number;
  end: number;
}

/** The statics and the fns whose signature names a runtime type (or a `use … as` alias of one) of a file's code. */
export function accessorTexts(code: string): AccessorText[] {
  const aliases = [...code.matchAll(USE_ALIAS)].map((m) => m[1]);
  const typeWord = aliases.length ? new RegExp(`${RUNTIME_TYPE.source}|\\b(?:${aliases.join('|')})\\b`) : RUNTIME_TYPE;
  const runtimeWord = new RegExp(`\\bRuntime\\b${aliases.length ? `|\\b(?:${aliases.join('|')})\\b` : ''}`);
  const builds = new RegExp(`\\bbuild\\b|\\b(?:Runtime${aliases.length ? `|${aliases.join('|')}` : ''})\\s*::\\s*new\\b`);
  const blocks = implBlocks(code);
  const bodies: Span[] = [];
  const out: AccessorText[] = [];
  for (const m of code.matchAll(ITEM)) {
    const at = m.index!;
    const isStatic = m[1] === 'static';
    const from = at + m[0].length;
    const { head, body, bodyStart } = split(code, from, isStatic);
    if (!isStatic && bodyStart >= 0) bodies.push({ start: bodyStart, end: bodyStart + body.length });
    // Inside a fn body: a local item, which other files cannot name.
    if (bodies.some((b) => b.start < at && at < b.end)) continue;
    const block = innermost(blocks, at);
    if (block && block.owner === null) continue; // a trait, or an impl of one
    if (!isStatic && !typeWord.test(head)) continue;
    const name = m[2].replace(/^r#/, '');
    const owner = block?.owner ?? null;
    out.push({
      key: owner ? `${owner}::${name}` : name,
      name,
      owner,
      shares: (isStatic && runtimeWord.test(head)) || builds.test(body),
      body,
      words: new Set(body.match(WORD) ?? []),
    });
  }
  return out;
}

/** `impl` and `trait` blocks, with the type of an inherent impl (null for traits and trait impls). */
function implBlocks(code: string): (Span & { owner: string | null })[] {
  const out: (Span & { owner: string | null })[] = [];
  for (const m of code.matchAll(BLOCK_HEAD)) {
    const open = code.indexOf('{', m.index!);
    if (open < 0) break;
    const head = code.slice(m.index! + m[0].length, open);
    if (head.includes(';')) continue;
    const end = matchingBrace(code, open);
    let owner: string | null = null;
    if (m[1] === 'impl' && !/\bfor\b/.test(head)) {
      // `impl<T: X> a::Type<T> where …`: the last segment of the path after the generics.
      const path = stripGenerics(head).trim().split(/\s|<|\bwhere\b/)[0] ?? '';
      owner = path.split('::').pop()?.replace(/^r#/, '') || null;
    }
    out.push({ start: open, end, owner });
  }
  return out;
}

function stripGenerics(head: string): string {
  const s = head.trimStart();
  if (!s.startsWith('<')) return s;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<') depth++;
    else if (s[i] === '>' && s[i - 1] !== '-' && --depth === 0) return s.slice(i + 1);
  }
  return '';
}

function innermost<T extends Span>(blocks: T[], at: number): T | null {
  let best: T | null = null;
  for (const b of blocks) if (b.start < at && at < b.end && (!best || b.start > best.start)) best = b;
  return best;
}

function matchingBrace(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && --depth === 0) return i + 1;
  }
  return code.length;
}

/**
 * An item's head (a fn's signature, a static's type) and its body (a fn's
 * block, a static's value): brackets balanced, the body of a fn ending with
 * its block, a static's value at its `;`.
 */
function split(code: string, from: number, isStatic: boolean): { head: string; body: string; bodyStart: number } {
  let depth = 0;
  let bodyStart = -1;
  const limit = code.length;
  const cut = (end: number) =>
    bodyStart < 0 ? { head: code.slice(from, end), body: '', bodyStart } : { head: code.slice(from, bodyStart), body: code.slice(bodyStart, end), bodyStart };
  for (let i = from; i < limit; i++) {
    const c = code.charCodeAt(i);
    if (c === 40 || c === 91) depth++; // ( [
    else if (c === 41 || c === 93) depth--; // ) ]
    else if (c === 123) {
      // {
      if (bodyStart < 0 && !isStatic && depth <= 0) bodyStart = i;
      depth++;
    } else if (c === 125) {
      depth--;
      if (!isStatic && bodyStart >= 0 && depth <= 0) return cut(i + 1);
      if (depth < 0) break;
    } else if (c === 61 && isStatic && bodyStart < 0 && depth <= 0 && code.charCodeAt(i + 1) !== 62 && code.charCodeAt(i - 1) !== 61) {
      bodyStart = i + 1; // `=` of a static (not `=>`, `==`)
    } else if (c === 59 && depth <= 0 && (isStatic || bodyStart < 0)) {
      return cut(i); // `;`: a static's end, or a fn without a body
    }
  }
  return cut(limit);
}

/** Whether code names the accessor keyed `key` (`name`, or `Type::name` — also as `Self::name`). */
export function namesAccessor(code: string, words: { has(word: string): boolean }, key: string): boolean {
  const sep = key.lastIndexOf('::');
  if (sep < 0) return words.has(key);
  if (!words.has(key.slice(sep + 2))) return false;
  let re = QUALIFIED.get(key);
  if (!re) {
    const owner = escapeRegExp(key.slice(0, sep));
    const name = escapeRegExp(key.slice(sep + 2));
    QUALIFIED.set(key, (re = new RegExp(`\\b(?:${owner}|Self)\\s*::\\s*(?:r#)?${name}(?![${IDENT_CHAR}])`)));
  }
  return re.test(code);
}

const QUALIFIED = new Map<string, RegExp>();

/** The keys of the accessors that may share a runtime, over every file's accessor texts (a fixed point). */
export function sharedAccessorKeys(files: Iterable<readonly AccessorText[]>): Set<string> {
  const keys = new Set<string>();
  const open: AccessorText[] = [];
  for (const items of files) {
    for (const it of items) {
      if (it.shares) keys.add(it.key);
      else open.push(it);
    }
  }
  for (let changed = keys.size > 0; changed; ) {
    changed = false;
    for (let i = 0; i < open.length; i++) {
      const it = open[i];
      if (keys.has(it.key) || [...keys].some((k) => namesAccessor(it.body, it.words, k))) {
        keys.add(it.key);
        open.splice(i--, 1);
        changed = true;
      }
    }
  }
  return keys;
}

