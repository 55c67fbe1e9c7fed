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
import { cacheFilePath } from '../lib/cache';
import { ProjectIndex } from '../lib/project';
import { createRule, RuleModule } from '../lib/rule';
import { FileSummary } from '../lib/index/summary';
import { allRules } from '../rules';
import { toolVersion } from '../lib/version';

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
  const outcome = await runLint({ cwd: root, cache: true, rules: countingRules(linted), ruleFlags: ['count-files: warn'], ...extra });
  const parses = parse.mock.calls.length;
  parse.mockRestore();
  const found = outcome.results.flatMap((r) => r.messages.map((m) => `${path.basename(r.filePath)}:${m.line} ${m.ruleId} ${m.severity}`));
  return { linted: linted.sort(), parses, found, outcome };
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
    const warm = await cachedRun(root);
    expect(warm).toMatchObject({ linted: [], parses: 0, found: FOUND });
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
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(data.tool.startsWith(`${toolVersion()}|`)).toBe(true);
    fs.writeFileSync(file, JSON.stringify({ ...data, tool: data.tool.replace(/^[^|]*/, '0.0.9') }));
    const other = await cachedRun(root);
    expect(other.linted).toEqual(['config.rs', 'main.rs', 'tick.rs']);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).tool).toBe(data.tool);
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

  test('an unwritable cache location is an error of the run', async () => {
    const root = crate();
    fs.writeFileSync(path.join(root, 'blocker'), '');
    const r = await cachedRun(root, { cacheLocation: 'blocker/cache.json' });
    expect(r.outcome.exitCode).toBe(2);
    expect(r.outcome.internalErrors).toEqual([expect.stringMatching(/^Cannot write the cache .*blocker\/cache\.json: /)]);
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
