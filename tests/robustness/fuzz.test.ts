/**
 * Fuzzing with real-looking Rust (SPEC §11): the fixture programs of the
 * rustc oracle and the example crate, mutated deterministically — spans
 * deleted and duplicated, files truncated, stray brackets and quotes
 * inserted — linted and fixed in process with every rule on (unsafe fixes
 * included). Nothing may throw (the engine or a rule), no input may take
 * long, and `--fix` may never leave more ERROR/MISSING nodes than the input
 * had.
 */
import * as fs from 'fs';
import * as path from 'path';
import { lintAndFix } from '../../lib/fixer';
import { parse } from '../../lib/parser';
import { collectErrors } from '../../lib/source';
import { ruleList } from '../../rules';
import { FileConfig } from '../../lib/types';

const INPUTS = 1200;
/** Far above what any input takes (a few ms): only a hang or a blow-up gets near it. */
const MAX_MS_PER_INPUT = 5000;

const config: FileConfig = {
  rules: Object.fromEntries(ruleList.map((r) => [r.id, { severity: 2 as const, options: {} }])),
  settings: { ambientRuntime: 'auto' },
};

function rustFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.rs')) out.push(p);
    }
  }
  return out.sort();
}

const root = path.join(__dirname, '..', '..');
const seeds = [...rustFiles(path.join(root, 'tests', 'fixtures', 'oracle')), ...rustFiles(path.join(root, 'examples'))].map((f) =>
  fs.readFileSync(f, 'utf8'),
);

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRAY = ['{', '}', '(', ')', '[', ']', '"', "'", '<', '>', ';', ',', '!', '#', '/*', '*/', '//', 'r#"', '|', '.await', '::'];

/** One to three mutations of a seed. */
function mutate(text: string, r: () => number): { text: string; how: string[] } {
  const how: string[] = [];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n && text.length > 0; i++) {
    const at = Math.floor(r() * text.length);
    const len = 1 + Math.floor(r() * Math.min(80, text.length - at));
    const kind = Math.floor(r() * 5);
    if (kind === 0) {
      text = text.slice(0, at) + text.slice(at + len);
      how.push(`delete ${at}+${len}`);
    } else if (kind === 1) {
      const to = Math.floor(r() * text.length);
      text = text.slice(0, to) + text.slice(at, at + len) + text.slice(to);
      how.push(`duplicate ${at}+${len} at ${to}`);
    } else if (kind === 2) {
      text = text.slice(0, at);
      how.push(`truncate at ${at}`);
    } else {
      const s = STRAY[Math.floor(r() * STRAY.length)];
      text = text.slice(0, at) + s + text.slice(at);
      how.push(`insert ${JSON.stringify(s)} at ${at}`);
    }
  }
  return { text, how };
}

function errorCount(text: string): number {
  return collectErrors(parse(text)).length;
}

describe('fuzzed real-looking Rust', () => {
  it(`${INPUTS} mutated inputs: no throw, no hang, fixes never add a parse error`, () => {
    expect(seeds.length).toBeGreaterThan(20);
    const r = prng(20261124);
    const failures: string[] = [];
    let fixed = 0;
    let broken = 0;
    for (let i = 0; i < INPUTS; i++) {
      const seed = seeds[i % seeds.length];
      const { text, how } = mutate(seed, r);
      const where = `input ${i} (seed ${i % seeds.length}: ${how.join(', ')})`;
      const t = performance.now();
      try {
        const run = lintAndFix('src/lib.rs', text, { config, unsafe: true }, true);
        const ms = performance.now() - t;
        if (ms > MAX_MS_PER_INPUT) failures.push(`${where}: took ${ms.toFixed(0)} ms`);
        if (run.lint.errors.length) failures.push(`${where}: a rule threw: ${run.lint.errors.join('; ')}`);
        const before = errorCount(text);
        if (before > 0) broken++;
        if (run.changed) {
          fixed++;
          const after = errorCount(run.source.text);
          if (after > before) failures.push(`${where}: --fix went from ${before} to ${after} parse errors`);
        }
      } catch (e) {
        failures.push(`${where}: threw ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e)}`);
      }
    }
    expect(failures).toEqual([]);
    // The corpus does exercise what it is meant to: broken input, and fixes applied to it.
    expect(broken).toBeGreaterThan(INPUTS / 2);
    expect(fixed).toBeGreaterThan(INPUTS / 10);
  });
});
