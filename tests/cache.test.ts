/**
 * `--cache`: unchanged files are neither parsed nor linted again; a changed
 * config or tool invalidates; cross-file findings stay right when another
 * file changes. runLint in process (parses and rule runs are counted), and
 * the binary for the flags.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as parser from '../lib/parser';
import { runLint, RunOptions } from '../lib/run';
import { cacheFilePath, LintCache, STAT_GRACE_MS } from '../lib/cache';
import * as lintFilesModule from '../lib/lint-files';
import { ProjectIndex } from '../lib/project';
import { createRule, RuleModule } from '../lib/rule';
import { FileSummary } from '../lib/index/summary';
import { allRules } from '../rules';
import { toolVersion } from '../lib/version';

/** The fs module itself (what `import * as fs` wraps), for spies. */
const nodeFs = require('fs') as typeof fs;
const BIN = path.join(__dirname, '..', 'bin', 'rustokio-lint.js');
const MANIFEST = '[package]\nname = "demo"\nversion = "0.1.0"\nedition = "2021"\n';
const MAIN = 'mod config;\nmod tick;\n\n#[tokio::main]\nasync fn main() {\n    config::load();\n}\n';
const CONFIG = 'pub fn load() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n';
const TICK = 'pub async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n';

const roots: string[] = [];
afterAll(() => {
  for (const d of roots) fs.rmSync(d, { recursive: true, force: true });
});
afterEach(() => jest.restoreAllMocks());

function crate(files: Record<string, string> = { 'src/main.rs': MAIN, 'src/config.rs': CONFIG, 'src/tick.rs': TICK }): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-cache-')));
  roots.push(root);
  fs.mkdirSync(path.join(root, '.git'));
  for (const [rel, text] of Object.entries({ 'Cargo.toml': MANIFEST, ...files })) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/** Every real rule, plus one that counts the files it is created for. */
function countingRules(seen: string[]): ReadonlyMap<string, RuleModule<any>> {
  const counter = createRule({
    id: 'count-files',
    meta: { description: 'Count the files it lints', recommended: 'warn', fixable: false, messages: {}, schema: { type: 'object', properties: {} } },
    defaultOptions: {},
    create(context) {
      seen.push(path.basename(context.source.filePath));
      return {};
    },
  });
  return new Map([...allRules, ['count-files', counter]]);
}

/** One cached run: which files were linted, how many parses, and what it found. */
async function cachedRun(root: string, extra: Partial<RunOptions> = {}) {
  const linted: string[] = [];
  const parse = jest.spyOn(parser, 'parse');
  const engine = jest.spyOn(lintFilesModule, 'lintFiles');
  const outcome = await runLint({ cwd: root, cache: true, rules: countingRules(linted), ruleFlags: ['count-files: warn'], ...extra });
  const parses = parse.mock.calls.length;
  /** Whether the run replayed the last run's messages (the engine was not even called). */
  const replayed = engine.mock.calls.length === 0;
  parse.mockRestore();
  engine.mockRestore();
  const found = outcome.results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}:${m.line} ${m.ruleId} ${m.severity}`));
  return { linted: linted.sort(), parses, found, outcome, replayed };
}

/** The header line of a cache file: its format and the tool that wrote it. */
function cacheHeader(file: string): { format: number; tool: string } {
  return JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]);
}

/** Runs `f` as if it were `ms` later than it is (the cache's notion of when files were read). */
async function later<T>(ms: number, f: () => Promise<T>): Promise<T> {
  const real = Date.now.bind(Date);
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => real() + ms);
  try {
    return await f();
  } finally {
    spy.mockRestore();
  }
}

const FOUND = ['config.rs:2 no-thread-sleep 2', 'tick.rs:2 no-thread-sleep 2'];

describe('ProjectIndex with a summary store', () => {
  test('update() takes a stored summary instead of parsing; updateSource() stores what it made', () => {
    const stored: FileSummary = { filePath: '/x/src/main.rs', module: 'crate', fns: [], looseCalls: [], aliases: [], hasTokioMain: true };
    const sets: string[] = [];
    const index = new ProjectIndex();
    index.summaryStore = {
      get: (f, text) => (text === 'fn main() {}' ? stored : undefined),
      set: (f, text, s) => sets.push(`${path.basename(f)} ${text} ${s.fns.map((x) => x.name)}`),
    };
    const parse = jest.spyOn(parser, 'parse');
    index.update('/x/src/main.rs', 'fn main() {}');
    expect(parse).not.toHaveBeenCalled();
    expect(index.hasTokioMain).toBe(true);
    index.update('/x/src/lib.rs', 'fn other() {}');
    expect(parse).toHaveBeenCalledTimes(1);
    expect(sets).toEqual(['lib.rs fn other() {} other']);
    expect([...index.entries()].map(([f]) => f)).toEqual(['/x/src/main.rs', '/x/src/lib.rs']);
  });
});

describe('runLint with the cache', () => {
  test('a warm run over an unchanged crate parses and lints nothing, and finds the same', async () => {
    const root = crate();
    const cold = await cachedRun(root);
    expect(cold.linted).toEqual(['config.rs', 'main.rs', 'tick.rs']);
    expect(cold.found).toEqual(FOUND);
    expect(fs.existsSync(path.join(root, '.rustokiocache'))).toBe(true);
    expect(cold.replayed).toBe(false);
    const warm = await cachedRun(root);
    expect(warm).toMatchObject({ linted: [], parses: 0, found: FOUND, replayed: true });
    expect(warm.outcome.stats.engine).toMatchObject({ workers: 0, linted: 0, cached: 3 });
    expect(warm.outcome.exitCode).toBe(1);
    expect(warm.outcome.results.map((r) => [path.basename(r.filePath), r.errorCount, r.fixableErrorCount])).toEqual(
      cold.outcome.results.map((r) => [path.basename(r.filePath), r.errorCount, r.fixableErrorCount]),
    );
  });

  test('an edit that leaves every summary as it was re-lints that file only', async () => {
    const root = crate();
    await cachedRun(root);
    fs.writeFileSync(path.join(root, 'src', 'tick.rs'), TICK.replace('{\n', '{ // a comment\n'));
    const warm = await cachedRun(root);
    expect(warm.linted).toEqual(['tick.rs']);
    expect(warm.found).toEqual(FOUND);
  });

  test('cross-file findings follow another file: a caller removed, then put back', async () => {
    const root = crate();
    await cachedRun(root);
    // main.rs no longer calls config::load from async code: config.rs is clean, though unchanged.
    fs.writeFileSync(path.join(root, 'src', 'main.rs'), MAIN.replace('    config::load();\n', ''));
    const removed = await cachedRun(root);
    expect(removed.linted).toEqual(['config.rs', 'main.rs', 'tick.rs']);
    expect(removed.found).toEqual(['tick.rs:2 no-thread-sleep 2']);
    // Only main.rs changed: the other files' summaries come from the cache.
    expect(removed.parses).toBe(1 + 2);
    fs.writeFileSync(path.join(root, 'src', 'main.rs'), MAIN);
    expect((await cachedRun(root)).found).toEqual(FOUND);
    expect((await cachedRun(root)).linted).toEqual([]);
  });

  test('a changed configuration re-lints the files it applies to', async () => {
    const root = crate();
    await cachedRun(root);
    fs.writeFileSync(path.join(root, '.rustokiorc.json'), JSON.stringify({ extends: ['rustokio:recommended'], overrides: [{ files: ['tick.rs'], rules: { 'no-thread-sleep': 'warn' } }] }));
    const warm = await cachedRun(root);
    expect(warm.linted).toEqual(['tick.rs']);
    expect(warm.found).toEqual(['config.rs:2 no-thread-sleep 2', 'tick.rs:2 no-thread-sleep 1']);
    const flags = await cachedRun(root, { ruleFlags: ['count-files: warn', 'no-thread-sleep: off'] });
    expect(flags.linted).toEqual(['config.rs', 'main.rs', 'tick.rs']);
    expect(flags.found).toEqual([]);
  });

  test('a cache of another tool version (or a broken one) is dropped', async () => {
    const root = crate();
    await cachedRun(root);
    const file = path.join(root, '.rustokiocache');
    const data = cacheHeader(file);
    expect(data.tool.startsWith(`${toolVersion()}|`)).toBe(true);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace(JSON.stringify(data), JSON.stringify({ ...data, tool: data.tool.replace(/^[^|]*/, '0.0.9') })));
    const other = await cachedRun(root);
    expect(other.linted).toEqual(['config.rs', 'main.rs', 'tick.rs']);
    expect(cacheHeader(file).tool).toBe(data.tool);
    fs.writeFileSync(file, '{ not json');
    const broken = await cachedRun(root);
    expect(broken.linted).toEqual(['config.rs', 'main.rs', 'tick.rs']);
    expect(broken.found).toEqual(FOUND);
    expect((await cachedRun(root)).linted).toEqual([]);
  });

  test('--fix is not skipped by the cache: a file with safe fixes is fixed, then cached clean', async () => {
    const root = crate();
    await cachedRun(root);
    const fixed = await cachedRun(root, { fix: true });
    expect(fixed.linted).toContain('tick.rs');
    expect(fs.readFileSync(path.join(root, 'src', 'tick.rs'), 'utf8')).toContain('tokio::time::sleep');
    expect(fixed.found).toEqual(['config.rs:2 no-thread-sleep 2']);
    const again = await cachedRun(root, { fix: true });
    expect(again.found).toEqual(['config.rs:2 no-thread-sleep 2']);
    expect((await cachedRun(root, { fix: true })).linted).toEqual([]);
  });

  test('a same-size edit of a linted file is re-linted, mtime put back or not', async () => {
    const root = crate();
    const tick = path.join(root, 'src', 'tick.rs');
    await later(10 * STAT_GRACE_MS, () => cachedRun(root));
    const before = fs.statSync(tick);
    // The same length: the sleep moves out of the async fn's body into a comment.
    const edited = TICK.replace('    std::thread::sleep', '    //d::thread::sleep');
    expect(edited.length).toBe(TICK.length);
    fs.writeFileSync(tick, edited);
    fs.utimesSync(tick, before.atime, before.mtime);
    const warm = await later(10 * STAT_GRACE_MS, () => cachedRun(root));
    expect(warm.replayed).toBe(false);
    expect(warm.linted).toContain('tick.rs');
    expect(warm.found).toEqual(['config.rs:2 no-thread-sleep 2']);
  });

  test('the rest of the crate: an unchanged file is not read again, a changed one is (stat, then hash)', async () => {
    const root = crate();
    const main = path.join(root, 'src', 'main.rs');
    // Only config.rs is linted; its finding depends on main.rs calling it from async code.
    const lintConfig = { patterns: ['src/config.rs'] };
    const opened = (f: () => Promise<unknown>) => async () => {
      const open = jest.spyOn(nodeFs, 'openSync');
      try {
        await f();
        return open.mock.calls.map((c) => path.basename(String(c[0])));
      } finally {
        open.mockRestore();
      }
    };
    // A whole-second mtime, which utimes can put back exactly.
    fs.utimesSync(main, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const cold = await later(10 * STAT_GRACE_MS, () => cachedRun(root, lintConfig));
    expect(cold.found).toEqual(['config.rs:2 no-thread-sleep 2']);
    let warm!: Awaited<ReturnType<typeof cachedRun>>;
    const files = await opened(async () => (warm = await cachedRun(root, lintConfig)))();
    expect(warm).toMatchObject({ replayed: true, found: ['config.rs:2 no-thread-sleep 2'] });
    // Their stats say neither main.rs nor the linted config.rs changed since they were read: neither is read again.
    expect(files.filter((f) => f.endsWith('.rs'))).toEqual([]);
    // The text of a replayed result is read when asked for (json and sarif show it).
    const result = warm.outcome.results.find((r) => r.filePath.endsWith('config.rs'))!;
    expect(result.source).toBe(CONFIG);

    // Same size, mtime put back: the ctime still tells.
    const before = fs.statSync(main);
    const edited = MAIN.replace('    config::load();', '    //fig::load(); ');
    expect(edited.length).toBe(MAIN.length);
    fs.writeFileSync(main, edited);
    fs.utimesSync(main, before.atime, before.mtime);
    expect([fs.statSync(main).size, fs.statSync(main).mtimeMs]).toEqual([before.size, before.mtimeMs]);
    const changed = await later(10 * STAT_GRACE_MS, () => cachedRun(root, lintConfig));
    expect(changed).toMatchObject({ replayed: false, found: [] });
    expect((await cachedRun(root, lintConfig)).replayed).toBe(true);
  });

  test('a file changed right before it was read is hashed again even when its stat is the same', async () => {
    const root = crate();
    const main = path.join(root, 'src', 'main.rs');
    const lintConfig = { patterns: ['src/config.rs'] };
    // main.rs was written just now: the cache does not trust its stat.
    expect((await cachedRun(root, lintConfig)).found).toEqual(['config.rs:2 no-thread-sleep 2']);
    const before = fs.statSync(main);
    fs.writeFileSync(main, MAIN.replace('    config::load();', '    //fig::load(); '));
    // A file system whose timestamps are too coarse to show the change: the same stat as before.
    const real = fs.statSync;
    const stat = jest.spyOn(nodeFs, 'statSync').mockImplementation(((p: fs.PathLike, o?: fs.StatSyncOptions) =>
      path.resolve(String(p)) === main ? before : real(p, o)) as typeof fs.statSync);
    try {
      expect(fs.statSync(main)).toBe(before);
      const warm = await cachedRun(root, lintConfig);
      expect(warm).toMatchObject({ replayed: false, found: [] });
    } finally {
      stat.mockRestore();
    }
  });

  test('the same for a linted file: changed right after it was read, with the same stat, it is read and linted again', async () => {
    const root = crate();
    const config = path.join(root, 'src', 'config.rs');
    expect((await cachedRun(root)).found).toEqual(FOUND);
    const before = fs.statSync(config);
    const edited = CONFIG.replace('    std::thread::sleep', '    //d::thread::sleep');
    expect(edited.length).toBe(CONFIG.length);
    fs.writeFileSync(config, edited);
    const real = fs.statSync;
    const stat = jest.spyOn(nodeFs, 'statSync').mockImplementation(((p: fs.PathLike, o?: fs.StatSyncOptions) =>
      path.resolve(String(p)) === config ? before : real(p, o)) as typeof fs.statSync);
    try {
      const warm = await cachedRun(root);
      expect(warm).toMatchObject({ replayed: false, found: ['tick.rs:2 no-thread-sleep 2'] });
    } finally {
      stat.mockRestore();
    }
  });

  test('a new file in the crate, or another set of files, is not replayed', async () => {
    const root = crate();
    await cachedRun(root, { patterns: ['src/config.rs'] });
    expect((await cachedRun(root, { patterns: ['src/config.rs'] })).replayed).toBe(true);
    fs.writeFileSync(path.join(root, 'src', 'extra.rs'), 'pub fn extra() {}\n');
    const added = await cachedRun(root, { patterns: ['src/config.rs'] });
    expect(added.replayed).toBe(false);
    expect(added.found).toEqual(['config.rs:2 no-thread-sleep 2']);
    expect((await cachedRun(root, { patterns: ['src/config.rs'] })).replayed).toBe(true);
    // Other options: other keys.
    expect((await cachedRun(root, { patterns: ['src/config.rs'], reportUnusedDisableDirectives: true })).replayed).toBe(false);
    expect((await cachedRun(root)).replayed).toBe(false);
    expect((await cachedRun(root)).replayed).toBe(true);
  });

  test('an unwritable cache location is an error of the run', async () => {
    const root = crate();
    fs.writeFileSync(path.join(root, 'blocker'), '');
    const r = await cachedRun(root, { cacheLocation: 'blocker/cache.json' });
    expect(r.outcome.exitCode).toBe(2);
    expect(r.outcome.internalErrors).toEqual([expect.stringMatching(/^Cannot write the cache .*blocker\/cache\.json: /)]);
  });
});

describe('the cache file', () => {
  const summary = (filePath: string): FileSummary => ({ filePath, module: 'crate', fns: [], looseCalls: [], aliases: [], hasTokioMain: false });

  test('the per-file line is read when first needed, from the same file; one saved by another run in between is not mixed in', () => {
    const dir = crate();
    const file = path.join(dir, 'cache');
    // Entries of files that exist (a save drops the others).
    const lib = path.join(dir, 'src', 'config.rs');
    const main = path.join(dir, 'src', 'main.rs');
    const a = LintCache.load(file, allRules);
    a.set(lib, CONFIG, summary(lib));
    a.save();
    // Loaded: the summary comes from the file as it was when loaded.
    expect(LintCache.load(file, allRules).get(lib, CONFIG)?.filePath).toBe(lib);
    // Another run saves a cache with other replay data (its second line) after this one loaded.
    const c = LintCache.load(file, allRules);
    const other = LintCache.load(file, allRules);
    other.see(lib, CONFIG, { size: CONFIG.length, mtimeMs: 1, ctimeMs: 1, readAt: 1 });
    other.set(main, MAIN, summary(main));
    other.save();
    // c's per-file line would now come from another file: it starts empty instead.
    expect(c.get(lib, CONFIG)).toBeUndefined();
    expect(c.get(main, MAIN)).toBeUndefined();
    // A fresh load sees the other run's cache whole.
    const fresh = LintCache.load(file, allRules);
    expect([fresh.get(lib, CONFIG)?.filePath, fresh.get(main, MAIN)?.filePath]).toEqual([lib, main]);
  });
});

describe('cache location', () => {
  test('default .rustokiocache in cwd; a directory holds .rustokiocache; else the file named', () => {
    const root = crate({});
    fs.mkdirSync(path.join(root, 'tmp'));
    expect(cacheFilePath(root)).toBe(path.join(root, '.rustokiocache'));
    expect(cacheFilePath(root, 'tmp')).toBe(path.join(root, 'tmp', '.rustokiocache'));
    expect(cacheFilePath(root, 'new-dir/')).toBe(path.join(root, 'new-dir', '.rustokiocache'));
    expect(cacheFilePath(root, 'lint.cache')).toBe(path.join(root, 'lint.cache'));
  });

  test('the binary: --cache writes the cache, --cache-location moves it, output is the same warm', () => {
    const root = crate();
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, '--format', 'compact', ...args], { cwd: root, encoding: 'utf8' });
    const cold = run(['--cache']);
    expect(cold.status).toBe(1);
    expect(fs.existsSync(path.join(root, '.rustokiocache'))).toBe(true);
    const warm = run(['--cache']);
    expect([warm.status, warm.stdout, warm.stderr]).toEqual([cold.status, cold.stdout, cold.stderr]);
    expect(cold.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    run(['--cache', '--cache-location', 'build/']);
    expect(fs.existsSync(path.join(root, 'build', '.rustokiocache'))).toBe(true);
  });
});
