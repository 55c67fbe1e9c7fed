/**
 * `npm run bench:cache [crate-dir]`: how much `--cache` saves on an
 * unchanged crate. The real binary, on a copy of a real crate (default: the
 * tokio sources Debian packages, /usr/share/cargo/registry/tokio-*):
 *
 *   1. no cache (reference),
 *   2. --cache with an empty cache (cold: parses everything, writes the cache),
 *   3. --cache again, three times (warm: the median is reported; the
 *      project is unchanged, so the last run's messages are replayed),
 *   4. --cache after a comment is added to one file (its summary stays the
 *      same: that file alone is linted again).
 *
 * Prints the wall-clock times (node start-up included, as users see them)
 * and the cold/warm ratio; checks the warm report equals the cold one, and
 * exits 1 when warm is not at least 5x faster than cold.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'rustokio-lint.js');
const REGISTRY = '/usr/share/cargo/registry';
const MIN_RATIO = 5;

function defaultCrate(): string {
  const tokio = fs.existsSync(REGISTRY) ? fs.readdirSync(REGISTRY).filter((d) => /^tokio-\d/.test(d)).sort() : [];
  if (tokio.length === 0) throw new Error(`no crate given and no tokio sources under ${REGISTRY}`);
  return path.join(REGISTRY, tokio[tokio.length - 1]);
}

function countRs(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.rs')) {
        files++;
        bytes += fs.statSync(p).size;
      }
    }
  }
  return { files, bytes };
}

function timed(cwd: string, args: string[]): { ms: number; stdout: string; status: number | null } {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, '--format', 'json', ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`rustokio-lint exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, status: r.status };
}

function main(): number {
  const source = path.resolve(process.argv[2] ?? defaultCrate());
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-cache-bench-'));
  try {
    const crate = path.join(work, path.basename(source));
    fs.cpSync(source, crate, { recursive: true });
    const cache = path.join(work, 'cache.json');
    const { files, bytes } = countRs(crate);
    console.log(`crate: ${source} (${files} .rs files, ${(bytes / 1024 / 1024).toFixed(2)} MB), copied to ${crate}`);

    const plain = timed(crate, ['.']);
    const cold = timed(crate, ['--cache', '--cache-location', cache, '.']);
    const warm = [0, 1, 2].map(() => timed(crate, ['--cache', '--cache-location', cache, '.']));
    for (const w of warm) {
      if (w.stdout !== cold.stdout || w.status !== cold.status) throw new Error('a warm run reported something else than the cold run');
    }
    if (cold.stdout !== plain.stdout) throw new Error('the cached run reported something else than the run without cache');
    const warmMs = warm.map((w) => w.ms).sort((a, b) => a - b)[1];
    const edited = path.join(crate, 'src', 'lib.rs');
    fs.appendFileSync(edited, '\n// edited by the cache bench\n');
    const edit = timed(crate, ['--cache', '--cache-location', cache, '.']);
    const ratio = cold.ms / warmMs;
    const ms = (n: number) => `${n.toFixed(0)} ms`;
    console.log(`no cache:     ${ms(plain.ms)}`);
    console.log(`cold (--cache, empty): ${ms(cold.ms)}; cache file ${(fs.statSync(cache).size / 1024).toFixed(0)} KiB`);
    console.log(`warm (--cache, unchanged): ${warm.map((w) => ms(w.ms)).join(', ')} (median ${ms(warmMs)})`);
    console.log(`one file edited (a comment added to src/lib.rs): ${ms(edit.ms)}`);
    console.log(`cold / warm: ${ratio.toFixed(1)}x (required: ${MIN_RATIO}x)`);
    return ratio >= MIN_RATIO ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
