/**
 * Execution contexts read from code text alone, before any parse: which
 * offsets may sit in async code (the body of an `async fn`, an `async`
 * block or an async closure), and the fn whose body holds an offset. The
 * code is the file's with comments and literals blanked and offsets kept
 * (lib/prefilter.ts `codeText(text, true)`).
 *
 * For prefilters, as a superset: an offset outside every async region is in
 * sync code (lib/context.ts: the nearest body owner is a sync fn or closure,
 * or none), and the fn found for it is its nearest enclosing `fn` item.
 * Text the reading is not sure of — an async closure with an expression
 * body, a brace inside a signature, brackets that do not match — gives no
 * answer (null), and the caller lints the file.
 */

export interface TextContexts {
  /** Whether `at` may sit in async code. */
  mayBeAsync(at: number): boolean;
  /**
   * The innermost `fn` whose body holds `at` (null: none): its name,
   * whether it is surely a free fn (no `impl` or `trait` around it: not a
   * method, which calls would name after a `.`), and whether it is private
   * (no `pub` of any kind: seen only by its module and the modules inside).
   */
  fnAt(at: number): TextFn | null;
}

export interface TextFn {
  name: string;
  free: boolean;
  private: boolean;
}

interface Span {
  start: number;
  end: number;
}

const ASYNC = /\basync\b/g;
/** Where an impl or trait block may start (`impl Trait` in a type too: the test is for surely free fns). */
const IMPL_OR_TRAIT = /\b(?:impl|trait)\b/g;
const FN = /\bfn\s+(?:r#)?([A-Za-z_\u00a1-\uffff][A-Za-z0-9_\u00a1-\uffff]*)/g;
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/** A visibility right before a fn's qualifiers and `fn` (`pub`, `pub(crate)`, …). */
const PUB_BEFORE = /\bpub\b(?:\s*\([^()]*\))?\s+(?:(?:const|async|unsafe|default|extern(?:\s*"[^"]*")?)\s+)*$/;

/** The contexts of `code`, with its bracket pairs (`bracketPairs`) when already known. */
export function textContexts(code: string, pairs: Map<number, number> | null = bracketPairs(code)): TextContexts | null {
  const close = pairs;
  if (!close) return null;
  const asyncSpans: Span[] = [];
  ASYNC.lastIndex = 0;
  for (let m = ASYNC.exec(code); m; m = ASYNC.exec(code)) {
    const span = asyncBody(code, m.index + m[0].length, close);
    if (span === null) return null;
    if (span) asyncSpans.push(span);
  }
  // From each `impl` or `trait` to the end of the block its header opens (to the end of the file when
  // the header does not read plainly): a fn outside all of them is free.
  const implSpans: Span[] = [];
  IMPL_OR_TRAIT.lastIndex = 0;
  for (let m = IMPL_OR_TRAIT.exec(code); m; m = IMPL_OR_TRAIT.exec(code)) {
    const body = bodyAfter(code, m.index + m[0].length, close);
    implSpans.push({ start: m.index, end: body ? body.end : code.length });
  }
  const fns: (Span & TextFn)[] = [];
  FN.lastIndex = 0;
  for (let m = FN.exec(code); m; m = FN.exec(code)) {
    const body = fnBody(code, m.index + m[0].length, close);
    if (body === null) return null;
    const at = m.index;
    if (!body) continue;
    const free = !implSpans.some((s) => s.start < at && at < s.end);
    fns.push({ ...body, name: m[1], free, private: !PUB_BEFORE.test(code.slice(Math.max(0, at - 160), at)) });
  }
  return {
    mayBeAsync: (at) => asyncSpans.some((s) => s.start < at && at < s.end),
    fnAt: (at) => {
      let best: (Span & TextFn) | null = null;
      for (const f of fns) if (f.start < at && at < f.end && (!best || f.start > best.start)) best = f;
      return best && { name: best.name, free: best.free, private: best.private };
    },
  };
}

/** The offset of the bracket closing each `(`, `[` and `{` of the code; null when they do not match. */
export function bracketPairs(code: string): Map<number, number> | null {
  const out = new Map<number, number>();
  const stack: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[' || c === '{') stack.push(i);
    else if (c === ')' || c === ']' || c === '}') {
      const open = stack.pop();
      if (open === undefined || OPEN[code[open]] !== c) return null;
      out.set(open, i);
    }
  }
  return stack.length ? null : out;
}

function skipBlanks(code: string, i: number): number {
  while (i < code.length && /\s/.test(code[i])) i++;
  return i;
}

/** `word` at `i` (whole), and the offset after it and the blanks that follow; -1 when not there. */
function after(code: string, i: number, word: string): number {
  if (!code.startsWith(word, i) || /[A-Za-z0-9_]/.test(code[i + word.length] ?? '')) return -1;
  return skipBlanks(code, i + word.length);
}

/**
 * The body of what the `async` keyword ending at `from` starts: a block
 * (`async {`, `async move {`), a closure's (`async |x| {`), a fn's
 * (`async fn`, `async unsafe fn`, `async extern "C" fn`); false for none
 * (a trait's fn without a body); null for a form not read here.
 */
function asyncBody(code: string, from: number, close: Map<number, number>): Span | false | null {
  let i = skipBlanks(code, from);
  const moved = after(code, i, 'move');
  if (moved >= 0) i = moved;
  if (code[i] === '{') return { start: i, end: close.get(i)! };
  if (code[i] === '|') {
    // Closure parameters end at the next `|` outside brackets (`||`: none).
    let j = i + 1;
    while (j < code.length && code[j] !== '|') {
      const end = close.get(j);
      j = end === undefined ? j + 1 : end + 1;
    }
    j = skipBlanks(code, j + 1);
    return code[j] === '{' ? { start: j, end: close.get(j)! } : null;
  }
  for (const word of ['unsafe', 'extern']) {
    const k = after(code, i, word);
    if (k >= 0) i = word === 'extern' && code[k] === '"' ? skipBlanks(code, code.indexOf('"', k + 1) + 1) : k;
  }
  const name = after(code, i, 'fn');
  if (name < 0) return null;
  const m = /^(?:r#)?[A-Za-z_\u00a1-\uffff][A-Za-z0-9_\u00a1-\uffff]*/.exec(code.slice(name, name + 256));
  return m ? fnBody(code, name + m[0].length, close) : null;
}

/**
 * The body of the fn whose name ends at `from`: past its generics and
 * parameters, the first `{` outside brackets (false: a `;` first, no body);
 * null when a `{` comes inside brackets (a const generic argument) first.
 */
function fnBody(code: string, from: number, close: Map<number, number>): Span | false | null {
  let i = skipBlanks(code, from);
  if (code[i] === '<') {
    i = angleEnd(code, i);
    if (i < 0) return null;
    i = skipBlanks(code, i);
  }
  if (code[i] !== '(') return null;
  return bodyAfter(code, close.get(i)! + 1, close);
}

/**
 * The block a header from `i` on opens: the first `{` outside angle
 * brackets, parentheses and square brackets (false: a `;` first, no body);
 * null when a `{` comes inside them (a const generic argument) first.
 */
function bodyAfter(code: string, i: number, close: Map<number, number>): Span | false | null {
  let angles = 0;
  for (; i < code.length; i++) {
    const c = code[i];
    if (c === '-' && code[i + 1] === '>') i++;
    else if (c === '<') angles++;
    else if (c === '>') angles--;
    else if (c === ';' && angles === 0) return false;
    else if (c === '{') return angles === 0 ? { start: i, end: close.get(i)! } : null;
    else if (c === '(' || c === '[') {
      const end = close.get(i)!;
      if (code.slice(i, end).includes('{')) return null;
      i = end;
    }
  }
  return null;
}

/** The offset after the `>` that closes the `<` at `i` (`->` aside); -1 when there is none. */
function angleEnd(code: string, i: number): number {
  let depth = 0;
  for (; i < code.length; i++) {
    const c = code[i];
    if (c === '-' && code[i + 1] === '>') i++;
    else if (c === '<') depth++;
    else if (c === '>' && --depth === 0) return i + 1;
    else if (c === '{' || c === ';') return -1;
  }
  return -1;
}
