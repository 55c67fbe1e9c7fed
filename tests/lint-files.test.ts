/**
 * Phases 1 and 2 of a run (lib/lint-files.ts): worker threads give the
 * results one thread gives, in the same order; the prefilter skips files no
 * rule could report in and nothing else; fixing across files goes on in
 * rounds while a fix changes what the index answers. Worker threads run the
 * build in dist/ (`npm test` builds first).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runLint, RunOutcome } from '../lib/run';
import { startWorker, stopWorker } from '../lib/lint-files';
import { generateCorpus } from '../bench/corpus';
import { copyCrate } from './crate-oracle';
import { allRules } from '../rules';
import { LintSession } from '../lib/session';

const tmp: string[] = [];
afterAll(() => {
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

function corpus(files: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-lint-files-'));
  tmp.push(dir);
  return generateCorpus(path.join(dir, 'crate'), { files, seed: 11 }).root;
}

/** Everything a run reports, paths made relative. */
function report(out: RunOutcome, root: string) {
  return {
    exitCode: out.exitCode,
    internalErrors: out.internalErrors,
    results: out.results.map((r) => ({ ...r, filePath: path.relative(root, r.filePath) })),
  };
}

describe('worker threads', () => {
  it('give what one thread gives, file by file and in order, linting and fixing', async () => {
    const root = corpus(450);
    for (const fixDryRun of [false, true]) {
      const one = await runLint({ cwd: root, threads: 1, fixDryRun, unsafeFixes: true });
      const two = await runLint({ cwd: root, threads: 2, fixDryRun, unsafeFixes: true, parallelMinBytes: 64 * 1024 });
      expect(one.stats.engine!.workers).toBe(0);
      expect(two.stats.engine!.workers).toBe(1);
      // Fixing takes long enough for the worker to be up and take its share.
      if (fixDryRun) expect(two.stats.engine!.workerTasks).toBeGreaterThan(0);
      expect(report(two, root)).toEqual(report(one, root));
      expect(one.results.map((r) => r.filePath)).toEqual([...one.results.map((r) => r.filePath)].sort());
      expect(one.results.some((r) => r.messages.length > 0)).toBe(true);
      if (fixDryRun) expect(one.results.some((r) => r.output !== undefined)).toBe(true);
    }
  });

  it('with a cold cache, summarise every file once, up front: no thread summarises again on demand', async () => {
    const root = corpus(450);
    const cacheLocation = path.join(path.dirname(root), 'cache');
    const one = await runLint({ cwd: root, threads: 1, fixDryRun: true, unsafeFixes: true });
    const two = await runLint({ cwd: root, threads: 2, fixDryRun: true, unsafeFixes: true, cache: true, cacheLocation, parallelMinBytes: 64 * 1024 });
    const e = two.stats.engine!;
    expect(e.workers).toBe(1);
    expect(e.workerTasks).toBeGreaterThan(0);
    expect(e.indexedUpFront).toBe(two.stats.files);
    // A worker whose index lacked the summaries it made itself summarised those files again.
    expect(e.indexCpuMs).toBe(0);
    expect(report(two, root)).toEqual(report(one, root));
  });

  it('are stopped only once loaded (stopping one while it loads tree-sitter aborts the process)', async () => {
    // Seen as "terminate called after throwing an instance of 'Napi::Error'" and exit 134 when a
    // worker started for a run was stopped 40–60 ms in, before the run knew it had no use for it.
    const w = startWorker();
    let loaded = false;
    w.on('message', (m: { type: string }) => {
      if (m.type === 'loaded') loaded = true;
    });
    await stopWorker(w);
    expect(loaded).toBe(true);
  });

  it('are not started for a small run', async () => {
    const root = corpus(20);
    const out = await runLint({ cwd: root, patterns: [path.join(root, 'src', 'main.rs')] });
    expect(out.stats.engine!.workers).toBe(0);
  });
});

describe('the prefilter', () => {
  it('skips the files no rule could report in, and only those', async () => {
    const root = corpus(120);
    const out = await runLint({ cwd: root, threads: 1 });
    const e = out.stats.engine!;
    expect(e.skipped).toBeGreaterThan(out.results.length / 2);
    expect(e.linted + e.skipped).toBe(out.results.length);
    // The same rules without prefilters lint every file with every rule, and find the same.
    const unfiltered = new Map([...allRules].map(([id, r]) => [id, { ...r, meta: { ...r.meta, prefilter: undefined } }]));
    const everyFile = await runLint({ cwd: root, threads: 1, rules: unfiltered });
    expect(everyFile.stats.engine!.skipped).toBe(0);
    expect(report(everyFile, root)).toEqual(report(out, root));
  });

  // Real crates (the rust oracle's setup installs them): what the prefilters read from the text —
  // modules a file can name, async code and fn bodies, callers by name, privacy — turns away no
  // file a rule reports in.
  const registry = '/usr/share/cargo/registry';
  const crates = ['tokio-1.24.2', 'futures-util-0.3.21'].map((c) => path.join(registry, c)).filter((d) => fs.existsSync(d));
  it.each(crates)('finds in %s what the rules find without prefilters, linting a fraction of the files', async (dir) => {
    const unfiltered = new Map([...allRules].map(([id, r]) => [id, { ...r, meta: { ...r.meta, prefilter: undefined } }]));
    const out = await runLint({ cwd: dir, threads: 1, useConfigFiles: false });
    const everyFile = await runLint({ cwd: dir, threads: 1, useConfigFiles: false, rules: unfiltered });
    expect(report(out, dir)).toEqual(report(everyFile, dir));
    expect(out.stats.engine!.linted).toBeLessThan(out.results.length / 5);
  });
});

describe('fixing across files', () => {
  it('fixes the uses of a shared runtime in other files, then gives its definitions their fix', async () => {
    const dir = copyCrate(path.join(__dirname, 'fixtures', 'crates', 'seed-runtime'));
    tmp.push(dir);
    const out = await runLint({ cwd: dir, fix: true, unsafeFixes: true, threads: 1 });
    expect(out.internalErrors).toEqual([]);
    const definitions = fs.readFileSync(path.join(dir, 'src', 'runtime', 'mod.rs'), 'utf8');
    expect(definitions.match(/#\[deprecated/g)).toHaveLength(2);
    expect(fs.readFileSync(path.join(dir, 'src', 'tool', 'router.rs'), 'utf8')).not.toMatch(/shared_runtime/);
  });

  it('lints again only the files whose answers a fix may change: a test target is seen by itself alone, a library by every crate', async () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-rounds-')));
    tmp.push(dir);
    // The fix turns a thread's closure into a task: the calls in it count for the index now.
    const spawning = 'fn work() {}\n\n#[tokio::test]\nasync fn t() {\n    std::thread::spawn(move || work());\n}\n';
    // Linted (a sleep in a fn something calls), with nothing to report (no async code calls it).
    const quiet = 'pub fn quiet() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n\npub fn louder() {\n    quiet();\n}\n';
    const files: Record<string, string> = {
      'Cargo.toml': '[package]\nname = "rounds"\nversion = "0.1.0"\nedition = "2021"\n',
      'src/lib.rs': quiet,
      'tests/a.rs': spawning,
      'tests/b.rs': quiet,
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const linted = async () => {
      const lint = jest.spyOn(LintSession.prototype, 'lint');
      const out = await runLint({ cwd: dir, fixDryRun: true, threads: 1 });
      const names = lint.mock.calls.map(([task]) => path.relative(dir, task.filePath)).sort();
      lint.mockRestore();
      return { names, changed: out.results.filter((r) => r.output !== undefined).map((r) => path.relative(dir, r.filePath)) };
    };
    // The fix in the test target: it alone is linted again.
    expect(await linted()).toEqual({ changed: ['tests/a.rs'], names: ['src/lib.rs', 'tests/a.rs', 'tests/a.rs', 'tests/b.rs'] });
    // The same fix in the library: every crate sees it, every file is linted again.
    fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), quiet + spawning.replace('#[tokio::test]\n', '').replace('fn t()', 'fn t2()'));
    fs.writeFileSync(path.join(dir, 'tests', 'a.rs'), 'fn nothing() {}\n');
    expect(await linted()).toEqual({ changed: ['src/lib.rs'], names: ['src/lib.rs', 'src/lib.rs', 'tests/b.rs', 'tests/b.rs'] });
  });
});
