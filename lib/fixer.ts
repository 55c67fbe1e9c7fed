/**
 * The fix loop (SPEC §4): apply non-overlapping fixes, re-parse, lint again;
 * at most 10 passes; a fix whose result adds parse errors is dropped; then
 * the imports the fixes left unused are removed and the file linted once more.
 */
import { SourceFile } from './source';
import { lintSource, LintOptions, FileLint } from './linter';
import { Fix, isApplicable, LintMessage, TextEdit } from './types';
import { unusedImportEdits } from './imports';

export const MAX_PASSES = 10;

export interface FixRun {
  /** The final source (fixed, or the original). */
  source: SourceFile;
  lint: FileLint;
  /** Whether the text changed. */
  changed: boolean;
  passes: number;
}

export interface FixOptions extends LintOptions {
  unsafe?: boolean;
}

export { isApplicable };

/**
 * Lints `text`, and fixes it when `fix` is set. `parsed` is the same text
 * already parsed (by the project index), to save a second parse.
 */
export function lintAndFix(filePath: string, rawText: string, opts: FixOptions, fix: boolean, parsed?: SourceFile): FixRun {
  const original = parsed ?? new SourceFile(filePath, rawText);
  let source = original;
  let lint = lintSource(source, opts);
  if (!fix) return { source, lint, changed: false, passes: 0 };
  const unsafe = !!opts.unsafe;
  const seen = new Set<string>([source.text]);
  let passes = 0;
  for (; passes < MAX_PASSES; passes++) {
    const fixes = lint.messages.filter((m) => isApplicable(m.fix, unsafe));
    if (fixes.length === 0) break;
    const next = applyCheckedFixes(source, fixes);
    if (next === null || seen.has(next.text)) break;
    seen.add(next.text);
    source = next;
    lint = lintSource(source, opts);
  }
  if (source !== original) {
    const cleanup = unusedImportEdits(source, original);
    if (cleanup.length) {
      const cleaned = applyEdits(source.text, cleanup);
      const candidate = new SourceFile(filePath, source.withBOM(cleaned));
      if (candidate.syntaxErrors().length <= source.syntaxErrors().length) {
        source = candidate;
        lint = lintSource(source, opts);
      }
    }
  }
  return { source, lint, changed: source.text !== original.text, passes };
}

/**
 * Applies the fixes that do not overlap (or touch) an earlier one; checks the
 * result parses no worse, else keeps only the fixes that parse on their own.
 * The fixed file, parsed (the parse that checked it).
 */
function applyCheckedFixes(source: SourceFile, messages: LintMessage[]): SourceFile | null {
  const chosen = chooseFixes(messages.map((m) => m.fix!));
  if (chosen.length === 0) return null;
  const errorsBefore = source.syntaxErrors().length;
  const fixed = (fixes: Fix[]) => new SourceFile(source.filePath, source.withBOM(applyEdits(source.text, fixes.flatMap((f) => f.edits))));
  const parsesWell = (s: SourceFile) => s.syntaxErrors().length <= errorsBefore;
  const all = fixed(chosen);
  if (parsesWell(all)) return all;
  const good = chosen.filter((f) => parsesWell(fixed([f])));
  if (good.length === 0) return null;
  const some = fixed(good);
  return parsesWell(some) ? some : null;
}

function span(fix: Fix): [number, number] {
  let s = Infinity;
  let e = -Infinity;
  for (const x of fix.edits) {
    s = Math.min(s, x.start);
    e = Math.max(e, x.end);
  }
  return [s, e];
}

/** Fixes in order of position; one that overlaps or touches an earlier one waits for the next pass. */
export function chooseFixes(fixes: Fix[]): Fix[] {
  const sorted = fixes.map((f) => ({ f, s: span(f) })).sort((a, b) => a.s[0] - b.s[0] || a.s[1] - b.s[1]);
  const taken: { f: Fix; s: [number, number] }[] = [];
  for (const c of sorted) {
    // Spans, not single edits: a fix that wraps a region changes the
    // context of every fix inside it, so those wait for the next pass.
    const clash = taken.some((t) => t.s[0] <= c.s[1] && c.s[0] <= t.s[1]);
    if (!clash) taken.push(c);
  }
  return taken.map((t) => t.f);
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new Error(`overlapping edits at ${e.start}`);
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + text.slice(pos);
}
