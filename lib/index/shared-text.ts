/**
 * Which runtime accessors of a project may share a runtime, read from code
 * text alone (comments and strings blanked, lib/prefilter.ts codeText): what
 * RuntimeFacts.markShared decides on a tree, as a superset that needs no
 * parse. A static shares when its type names `Runtime` or its value builds
 * one; a fn whose signature names a runtime type shares when its body builds
 * one or names an accessor that shares (in any file: followed to a fixed
 * point). no-shared-runtime's prefilter asks whether a file names one.
 */
const IDENT = '(?:r#)?[A-Za-z_\\u00a1-\\uffff][A-Za-z0-9_\\u00a1-\\uffff]*';
const ITEM = new RegExp(`(?<!')\\b(?:(static)\\s+(?:ref\\s+|mut\\s+)?|fn\\s+)(${IDENT})`, 'g');
const WORD = /(?:r#)?[A-Za-z0-9_\u00a1-\uffff]+/g;
const RUNTIME_TYPE = /\b(?:Runtime|Builder|Handle|LocalSet)\b/;
const USE_ALIAS = new RegExp(`\\b(?:Runtime|Builder|Handle|LocalSet)\\s+as\\s+(${IDENT})`, 'g');

/** A static or runtime-typed fn of a file, as text. */
export interface AccessorText {
  name: string;
  /** A static whose type names `Runtime` (or an alias), or an item whose value or body builds a runtime. */
  shares: boolean;
  /** The words of its value or body. */
  words: Set<string>;
}

/** The statics and the fns whose signature names a runtime type (or a `use … as` alias of one) of a file's code. */
export function accessorTexts(code: string): AccessorText[] {
  const aliases = [...code.matchAll(USE_ALIAS)].map((m) => m[1]);
  const typeWord = aliases.length ? new RegExp(`${RUNTIME_TYPE.source}|\\b(?:${aliases.join('|')})\\b`) : RUNTIME_TYPE;
  const runtimeWord = new RegExp(`\\bRuntime\\b${aliases.length ? `|\\b(?:${aliases.join('|')})\\b` : ''}`);
  const builds = new RegExp(`\\bbuild\\b|\\b(?:Runtime${aliases.length ? `|${aliases.join('|')}` : ''})\\s*::\\s*new\\b`);
  const out: AccessorText[] = [];
  for (const m of code.matchAll(ITEM)) {
    const isStatic = m[1] === 'static';
    const from = m.index! + m[0].length;
    const { head, body } = split(code, from, isStatic);
    if (!isStatic && !typeWord.test(head)) continue;
    out.push({
      name: m[2].replace(/^r#/, ''),
      shares: (isStatic && runtimeWord.test(head)) || builds.test(body),
      words: new Set(body.match(WORD) ?? []),
    });
  }
  return out;
}

/**
 * An item's head (a fn's signature, a static's type) and its body (a fn's
 * block, a static's value): brackets balanced, the body of a fn ending with
 * its block, a static's value at its `;`.
 */
function split(code: string, from: number, isStatic: boolean): { head: string; body: string } {
  let depth = 0;
  let bodyStart = -1;
  const limit = code.length;
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
      if (!isStatic && bodyStart >= 0 && depth <= 0) return { head: code.slice(from, bodyStart), body: code.slice(bodyStart, i + 1) };
      if (depth < 0) break;
    } else if (c === 61 && isStatic && bodyStart < 0 && depth <= 0 && code.charCodeAt(i + 1) !== 62 && code.charCodeAt(i - 1) !== 61) {
      bodyStart = i + 1; // `=` of a static (not `=>`, `==`)
    } else if (c === 59 && depth <= 0) {
      // ;
      if (isStatic) return bodyStart < 0 ? { head: code.slice(from, i), body: '' } : { head: code.slice(from, bodyStart), body: code.slice(bodyStart, i) };
      if (bodyStart < 0) return { head: code.slice(from, i), body: '' };
    }
  }
  return bodyStart < 0 ? { head: code.slice(from), body: '' } : { head: code.slice(from, bodyStart), body: code.slice(bodyStart) };
}

/** The names of the accessors that may share a runtime, over every file's accessor texts (a fixed point). */
export function sharedAccessorNames(files: Iterable<readonly AccessorText[]>): Set<string> {
  const names = new Set<string>();
  const open: AccessorText[] = [];
  for (const items of files) {
    for (const it of items) {
      if (it.shares) names.add(it.name);
      else open.push(it);
    }
  }
  for (let changed = names.size > 0; changed; ) {
    changed = false;
    for (let i = 0; i < open.length; i++) {
      const it = open[i];
      if (names.has(it.name) || [...it.words].some((w) => names.has(w.replace(/^r#/, '')))) {
        names.add(it.name);
        open.splice(i--, 1);
        changed = true;
      }
    }
  }
  return names;
}
