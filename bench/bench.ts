/**
 * `npm run bench [-- [dir…] [--files N] [--runs K] [--no-generated]]`: how
 * fast rustokio-lint lints a corpus, next to the floor measured in the same
 * run — a native tree-sitter parse of every file on one thread.
 *
 * Corpora: a crate generated into a temp dir (bench/corpus.ts; N files,
 * default 300) and every directory given (e.g. /usr/share/cargo/registry/
 * tokio-1.24.2). For each it prints, as milliseconds, as a ratio to the
 * floor, and as files/s and MB/s:
 *
 *   parse-only (floor)        every file parsed, 1 thread (interleaved with both in-process runs, round by round)
 *   index, every file         what phase 1 used to cost: every file parsed, macros lowered, summarised
 *   run, 1 thread             runLint in-process: phase 1 (index up front), the rules, the index on demand
 *   fix phase, 1 thread       runLint --fix-dry-run minus the run above
 *   run, default threads      runLint in-process with the default --threads
 *   CLI, default threads      `rustokio-lint <dir>` as a new process (node start-up included), with its peak RSS
 *   CLI, one file cold        `rustokio-lint <one file of the corpus>` as a new process, next to `node -e 0`
 *   CLI, warm --cache         the second of two `--cache` runs, next to the first (cold)
 *
 * Times are the best of K runs (default 3): other work on the machine only
 * ever makes a run slower. Writes only under the OS temp dir.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateCorpus } from './corpus';
import { parse } from '../lib/parser';
import { SourceFile } from '../lib/source';
import { summarize } from '../lib/index/summary';
import { Resolver } from '../lib/resolve';
import { modulePathOf } from '../lib/modules';
import { discoverFiles } from '../lib/files';
import { runLint, RunOutcome } from '../lib/run';
import { defaultThreads } from '../lib/lint-files';

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'rustokio-lint.js');
const RSS = path.join(__dirname, 'rss.js');

interface Args {
  dirs: string[];
  files: number;
  runs: number;
  generated: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { dirs: [], files: 300, runs: 3, generated: true };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i];
    if (v === '--files') a.files = Number(argv[++i]);
    else if (v === '--runs') a.runs = Number(argv[++i]);
    else if (v === '--no-generated') a.generated = false;
    else a.dirs.push(path.resolve(v));
  }
  return a;
}

function now(): number {
  return performance.now();
}

/** The best of `runs` timings of `f`, with the last result. */
async function best<T>(runs: number, f: () => T | Promise<T>): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t = now();
    value = await f();
    ms = Math.min(ms, now() - t);
  }
  return { ms, value };
}

/** Runs the CLI in a new process; wall time and peak RSS (KiB). */
function cli(args: string[], cwd: string): { ms: number; rssKiB: number; status: number | null; stderr: string } {
  const t = now();
  const r = spawnSync(process.execPath, ['-r', RSS, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    maxBuffer: 1 << 28,
  });
  const ms = now() - t;
  const out = r.output?.[3];
  return { ms, rssKiB: Number(String(out ?? '').trim()) || 0, status: r.status, stderr: r.stderr };
}

function bestCli(runs: number, args: string[], cwd: string): { ms: number; rssKiB: number } {
  let ms = Infinity;
  let rssKiB = 0;
  for (let i = 0; i < runs; i++) {
    const r = cli(args, cwd);
    if (r.status !== 0 && r.status !== 1) throw new Error(`rustokio-lint ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    ms = Math.min(ms, r.ms);
    rssKiB = Math.max(rssKiB, r.rssKiB);
  }
  return { ms, rssKiB };
}

function hasCacheFlag(): boolean {
  const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  return /--cache\b/.test(r.stdout) && !/--cache\b[^\n]*not implemented/.test(r.stdout);
}

interface Row {
  what: string;
  ms: number;
  note?: string;
  /** Whether files/s and MB/s make sense for the row. */
  throughput?: boolean;
}

async function benchCorpus(name: string, dir: string, args: Args): Promise<void> {
  const discovery = discoverFiles({ cwd: dir, patterns: [dir] });
  const files = discovery.files.map((filePath) => ({ filePath, text: fs.readFileSync(filePath, 'utf8') }));
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const threads = defaultThreads();
  console.log(`\n## ${name}: ${files.length} files, ${(bytes / 1e6).toFixed(2)} MB (${dir})`);

  // Warm up the JIT and the file cache once, untimed.
  await parseAll(files);
  const lint = (threads: number, fixDryRun = false) => () => runLint({ cwd: dir, patterns: [dir], threads, fixDryRun });
  // The floor and the runs, interleaved round by round: on a shared host whose speed drifts, all
  // three slow down alike, and each round gives a ratio of its own.
  const floor = { ms: Infinity };
  const one = { ms: Infinity, value: undefined as unknown as RunOutcome };
  const many = { ms: Infinity, value: undefined as unknown as RunOutcome };
  const ratios: number[] = [];
  for (let i = 0; i < args.runs; i++) {
    const f = await best(1, () => parseAll(files));
    const o = await best(1, lint(1));
    const m = await best(1, lint(threads));
    floor.ms = Math.min(floor.ms, f.ms);
    if (o.ms < one.ms) Object.assign(one, o);
    if (m.ms < many.ms) Object.assign(many, m);
    ratios.push(m.ms / f.ms);
  }
  ratios.sort((a, b) => a - b);
  const rows: Row[] = [{ what: 'parse-only, 1 thread (floor)', ms: floor.ms, throughput: true }];

  const everyFile = await best(Math.min(args.runs, 2), () => {
    for (const f of files) summarize(new SourceFile(f.filePath, f.text), new Resolver(modulePathOf(f.filePath)));
  });
  rows.push({ what: 'index, every file (the old phase 1)', ms: everyFile.ms });

  const e = one.value.stats.engine!;
  rows.push({
    what: 'run, 1 thread',
    ms: one.ms,
    throughput: true,
    note: `${e.linted} linted, ${e.skipped} skipped by the prefilter; ${e.indexedUpFront} indexed up front (${e.indexMs.toFixed(0)} ms)`,
  });
  rows.push({ what: '  of which: index up front', ms: e.indexMs });
  rows.push({ what: '  of which: index on demand', ms: e.indexCpuMs });
  rows.push({ what: '  of which: parse for the rules', ms: e.parseCpuMs });
  rows.push({ what: '  of which: rules', ms: e.ruleCpuMs });
  const fix = await best(args.runs, lint(1, true));
  rows.push({ what: 'fix phase, 1 thread (--fix-dry-run minus lint)', ms: Math.max(0, fix.value.stats.engine!.ruleCpuMs - e.ruleCpuMs) });
  rows.push({
    what: `run, default threads (${threads})`,
    ms: many.ms,
    throughput: true,
    note: `${many.value.stats.engine!.workers} worker thread(s); round by round ${ratios[0].toFixed(2)}–${ratios[ratios.length - 1].toFixed(2)} × floor, median ${ratios[ratios.length >> 1].toFixed(2)}`,
  });
  check(one.value, many.value, fix.value);

  const full = bestCli(args.runs, ['--no-ignore', '--format', 'compact', dir], dir);
  rows.push({ what: 'CLI, default threads (new process)', ms: full.ms, throughput: true, note: `peak RSS ${(full.rssKiB / 1024).toFixed(0)} MiB` });
  const sample = pickFile(files.map((f) => f.filePath), dir);
  const nodeStart = best0(args.runs);
  const cold = bestCli(args.runs, [sample], dir);
  rows.push({ what: 'CLI, one file cold', ms: cold.ms, note: `${path.relative(dir, sample)}; \`node -e 0\` takes ${nodeStart.toFixed(0)} ms` });
  if (hasCacheFlag()) {
    const loc = fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-bench-cache-'));
    try {
      const cacheArgs = ['--no-ignore', '--format', 'compact', '--cache', '--cache-location', path.join(loc, 'cache'), dir];
      let coldCache = Infinity;
      let warm = Infinity;
      for (let i = 0; i < args.runs; i++) {
        fs.rmSync(path.join(loc, 'cache'), { force: true });
        coldCache = Math.min(coldCache, cli(cacheArgs, dir).ms);
        warm = Math.min(warm, cli(cacheArgs, dir).ms);
      }
      rows.push({ what: 'CLI, cold --cache', ms: coldCache });
      rows.push({ what: 'CLI, warm --cache', ms: warm, note: `${((warm / coldCache) * 100).toFixed(0)} % of cold` });
    } finally {
      fs.rmSync(loc, { recursive: true, force: true });
    }
  } else rows.push({ what: 'CLI, warm --cache', ms: NaN, note: 'no --cache in this build' });

  const w = Math.max(...rows.map((r) => r.what.length));
  console.log(`${'what'.padEnd(w)}  ${'ms'.padStart(8)}  ${'× floor'.padStart(8)}  ${'files/s'.padStart(8)}  ${'MB/s'.padStart(6)}  notes`);
  for (const r of rows) {
    const ratio = Number.isFinite(r.ms) ? (r.ms / floor.ms).toFixed(2) : '-';
    const fps = r.throughput ? ((files.length / r.ms) * 1000).toFixed(0) : '';
    const mbs = r.throughput ? (bytes / 1e6 / (r.ms / 1000)).toFixed(2) : '';
    const ms = Number.isFinite(r.ms) ? r.ms.toFixed(0) : '-';
    console.log(`${r.what.padEnd(w)}  ${ms.padStart(8)}  ${ratio.padStart(8)}  ${fps.padStart(8)}  ${mbs.padStart(6)}  ${r.note ?? ''}`);
  }
}

/**
 * The floor: every file parsed, letting the event loop turn every 8 files
 * as a lint run does. tree-sitter frees a tree when V8 collects its wrapper
 * (a finalizer, run once the event loop turns), and V8 does not know a
 * tree's native size: a loop that allocates little JS collects rarely, its
 * trees pile up, and it parses into fresh memory — twice as slow here
 * (tokio: 520-560 ms and 21,000 page faults a pass, 275 ms and none once a
 * collection has run). The floor is the best of its rounds: one that
 * parsed into freed memory.
 */
async function parseAll(files: { text: string }[]): Promise<void> {
  for (let i = 0; i < files.length; i++) {
    parse(files[i].text);
    if (i % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** `node -e 0`: the start-up every CLI row includes. */
function best0(runs: number): number {
  let ms = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = now();
    spawnSync(process.execPath, ['-e', '0']);
    ms = Math.min(ms, now() - t);
  }
  return ms;
}

/** A file a pre-commit hook would lint: the median-sized one under src/ (or anywhere). */
function pickFile(files: string[], dir: string): string {
  const src = files.filter((f) => f.startsWith(path.join(dir, 'src') + path.sep));
  const pool = (src.length ? src : files).map((f) => ({ f, size: fs.statSync(f).size })).sort((a, b) => a.size - b.size);
  return pool[Math.floor(pool.length / 2)].f;
}

/** The runs must agree: same messages with 1 thread and with many, and the dry run fixes something or nothing consistently. */
function check(one: RunOutcome, many: RunOutcome, fix: RunOutcome): void {
  const key = (o: RunOutcome) => JSON.stringify(o.results.map((r) => [r.filePath, r.messages.map((m) => [m.ruleId, m.line, m.column, m.message])]));
  if (key(one) !== key(many)) throw new Error('1 thread and default threads disagree');
  if (fix.results.length !== one.results.length) throw new Error('the dry run linted other files');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `rustokio-lint bench — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-bench-'));
  try {
    if (args.generated) {
      const corpus = generateCorpus(path.join(tmp, 'generated'), { files: args.files });
      await benchCorpus('generated corpus', corpus.root, args);
    }
    for (const dir of args.dirs) await benchCorpus(path.basename(dir), dir, args);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`\npeak RSS of this process (all corpora, in-process runs): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
