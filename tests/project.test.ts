/**
 * The project index: runtime reachability across files and crates, and
 * multi-file fixture crates whose --fix output must compile.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ProjectIndex } from '../lib/project';
import { lintAndFix } from '../lib/fixer';
import { crateFiles, crateOf, packageName, targetOf } from '../lib/index/crates';
import { modulePathOf } from '../lib/modules';
import { recommendedConfig } from './helpers';
import { checkCrate, copyCrate } from './crate-oracle';
import { fixAcrossFiles } from '../lib/fix-rounds';

const crates = path.join(__dirname, 'fixtures', 'crates');

function lintFile(project: ProjectIndex, file: string, fix = false, unsafe = false) {
  return lintAndFix(file, fs.readFileSync(file, 'utf8'), { config: recommendedConfig(), project, unsafe }, fix);
}

function messagesOf(project: ProjectIndex, file: string) {
  return lintFile(project, file).lint.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`);
}

const read = (p: string) => fs.readFileSync(p, 'utf8');

describe('ambient runtime', () => {
  it('comes from a #[tokio::main] attribute, not from a comment that mentions one', () => {
    expect(ProjectIndex.fromTexts([{ filePath: 'src/main.rs', text: '#[tokio::main]\nasync fn main() {}\n' }]).hasTokioMain).toBe(true);
    expect(ProjectIndex.fromTexts([{ filePath: 'src/main.rs', text: '// like #[tokio::main]\nfn main() {}\n' }]).hasTokioMain).toBe(false);
  });
});

describe('crate discovery', () => {
  it('reads the package name, not a dependency or workspace table', () => {
    expect(packageName('[workspace]\nmembers = ["a"]\n')).toBeNull();
    expect(packageName('[package]\nname = "my-crate"\nversion = "1.0.0"\n[dependencies]\nname = "x"\n')).toBe('my-crate');
  });

  it('finds the nearest crate of a file and all of its files', () => {
    const crate = crateOf(path.join(crates, 'workspace', 'a', 'src', 'main.rs'));
    expect(crate).toEqual({ root: path.join(crates, 'workspace', 'a'), name: 'ws_a' });
    expect(crateFiles(crateOf(path.join(crates, 'reachable-chain', 'src', 'main.rs'))!).map((f) => path.basename(f))).toEqual([
      'config.rs',
      'main.rs',
      'server.rs',
    ]);
  });
});

describe('compilation targets (Cargo\'s layout)', () => {
  const root = path.join(crates, 'test-targets');
  const at = (rel: string) => path.join(root, ...rel.split('/'));

  it('gives each test target, example and bin a crate of its own, and their dirs\' shared modules one', () => {
    const target = (rel: string) => {
      const t = targetOf(at(rel))!;
      return { id: path.relative(root, t.id), shared: t.shared && path.relative(root, t.shared), library: t.library, module: t.modulePath };
    };
    expect(target('src/lib.rs')).toEqual({ id: '', shared: null, library: true, module: 'crate' });
    expect(target('tests/api.rs')).toEqual({ id: 'tests/api.rs', shared: 'tests', library: false, module: 'crate' });
    expect(target('tests/cli.rs')).toEqual({ id: 'tests/cli.rs', shared: 'tests', library: false, module: 'crate' });
    expect(target('tests/common/mod.rs')).toEqual({ id: 'tests', shared: null, library: false, module: 'crate::common' });
    expect(target('tests/suite/main.rs')).toEqual({ id: 'tests/suite', shared: 'tests', library: false, module: 'crate' });
    expect(target('tests/suite/parts.rs')).toEqual({ id: 'tests/suite', shared: 'tests', library: false, module: 'crate::parts' });
    expect(target('examples/tool.rs')).toEqual({ id: 'examples/tool.rs', shared: 'examples', library: false, module: 'crate' });
    expect(targetOf('/nowhere/src/a.rs')).toBeNull();
  });

  it('module paths come from the target, also where a directory above the package is called src', () => {
    expect(modulePathOf(at('tests/suite/parts.rs'))).toBe('crate::parts');
    expect(modulePathOf(at('tests/common/mod.rs'))).toBe('crate::common');
    // Without a package on disk: from the path alone.
    expect(modulePathOf('/p/src/a/b.rs')).toBe('crate::a::b');
    expect(modulePathOf('/p/src/bin/x.rs')).toBe('crate');
    expect(modulePathOf('/p/tests/x.rs')).toBe('crate');
  });

  it('keeps same-named fns of two test targets and an example apart, and follows calls and accessors into shared and own modules', () => {
    const files = crateFiles(crateOf(at('Cargo.toml'))!);
    const project = ProjectIndex.fromFiles(files, read);
    const found = files.flatMap((f) => messagesOf(project, f).map((m) => `${path.relative(root, f)}:${m.split(', which async code calls')[0]}`));
    expect(found).toEqual([
      'tests/api.rs:5:5 no-block-on `futures::executor::block_on` in `setup`',
      // `common::rt()` is the accessor of tests/common/mod.rs: a runtime.
      'tests/api.rs:13:13 no-block-on `Runtime::block_on` blocks this runtime worker until the future completes (tokio panics, other executors deadlock); `.await` the future instead.',
      'tests/common/mod.rs:8:5 no-thread-sleep Blocking `std::thread::sleep` in `settle`',
      'tests/suite/parts.rs:5:5 no-thread-sleep Blocking `std::thread::sleep` in `prepare`',
    ]);
  });
});

describe('code text', () => {
  it('is lexed once for the prefilter and the index: codeFor keeps a code given, for the registered text only', () => {
    const text = 'fn f() { /* block_on */ g("spawn"); }\n';
    const project = new ProjectIndex();
    project.addOnDemand([{ filePath: '/p/src/a.rs', text }]);
    expect(project.codeFor('/p/src/a.rs', 'fn other() {}\n', 'x')).toBeUndefined();
    expect(project.codeFor('/p/src/b.rs', text)).toBeUndefined();
    const lexed = 'fn f() {   g(" "); }\n';
    expect(project.codeFor('/p/src/a.rs', text, lexed)).toBe(lexed);
    expect(project.codeFor('/p/src/a.rs', text)).toBe(lexed);
    // Lexed by the index when nobody gave it one.
    const fresh = new ProjectIndex();
    fresh.addOnDemand([{ filePath: '/p/src/a.rs', text }]);
    expect(fresh.codeFor('/p/src/a.rs', text)).not.toMatch(/block_on|spawn/);
  });
});

describe('runtime reachability', () => {
  const dir = path.join(crates, 'reachable-chain', 'src');
  const config = path.join(dir, 'config.rs');

  it('reports blocking calls in sync fns reached from async code, naming the chain', () => {
    const project = ProjectIndex.fromFiles([config], read, true);
    expect(project.size).toBe(3);
    const msgs = messagesOf(project, config);
    expect(msgs).toEqual([
      '19:5 no-thread-sleep Blocking `std::thread::sleep` in `fetch_remote`, which async code calls (called from `async fn handle` via `load_config`); it stalls a runtime worker.',
      '20:5 no-block-on `futures::executor::block_on` in `fetch_remote`, which async code calls (called from `async fn handle` via `load_config`); it panics or deadlocks on a runtime worker.',
    ]);
  });

  it('linting one file sees what linting the whole crate sees for it', () => {
    const whole = ProjectIndex.fromFiles(crateFiles(crateOf(config)!), read);
    const single = ProjectIndex.fromFiles([config], read, true);
    expect(messagesOf(single, config)).toEqual(messagesOf(whole, config));
  });

  it('without the callers in the project, nothing is reachable', () => {
    const alone = ProjectIndex.fromFiles([config], read, false);
    expect(messagesOf(alone, config)).toEqual([]);
  });

  it('follows pub use re-exports and method calls with a unique name', () => {
    const project = ProjectIndex.fromTexts([
      { filePath: 'src/lib.rs', text: 'pub mod store;\npub mod api;\npub use store::open as open_store;\n' },
      { filePath: 'src/store.rs', text: 'pub struct Db;\nimpl Db { pub fn query(&self) { std::thread::sleep(d); } }\npub fn open() -> Db { Db }\n' },
      { filePath: 'src/api.rs', text: 'pub async fn get() { let db = crate::open_store(); db.query(); }\n' },
    ]);
    const text = 'pub struct Db;\nimpl Db { pub fn query(&self) { std::thread::sleep(d); } }\npub fn open() -> Db { Db }\n';
    const run = lintAndFix('src/store.rs', text, { config: recommendedConfig(), project }, false);
    expect(run.lint.messages.map((m) => m.message)).toEqual([
      'Blocking `std::thread::sleep` in `Db::query`, which async code calls (called from `async fn get`); it stalls a runtime worker.',
    ]);
  });

  it('keeps same-named fns of two workspace crates apart', () => {
    const ws = path.join(crates, 'workspace');
    const a = path.join(ws, 'a', 'src', 'main.rs');
    const b = path.join(ws, 'b', 'src', 'main.rs');
    const project = ProjectIndex.fromFiles([a, b], read, true);
    expect(messagesOf(project, a)).toEqual([
      '5:5 no-thread-sleep Blocking `std::thread::sleep` in `helper`, which async code calls (called from `async fn main`); it stalls a runtime worker.',
    ]);
    expect(messagesOf(project, b)).toEqual([]);
  });

  it('does not take a well-known macro for a call of the fn with its name', () => {
    const text = 'fn join() { futures::executor::block_on(async { 1 }); }\nasync fn f() { let r = futures::join!(a(), b()); }\n';
    const project = ProjectIndex.fromTexts([{ filePath: 'src/lib.rs', text }]);
    const run = lintAndFix('src/lib.rs', text, { config: recommendedConfig(), project }, false);
    expect(run.lint.messages).toEqual([]);
  });

  it('does not follow a call made in a closure handed to a thread', () => {
    const project = ProjectIndex.fromTexts([
      { filePath: 'src/lib.rs', text: 'fn work() { std::thread::sleep(d); }\nasync fn f() { std::thread::spawn(|| work()); }\n' },
    ]);
    const text = 'fn work() { std::thread::sleep(d); }\nasync fn f() { std::thread::spawn(|| work()); }\n';
    const run = lintAndFix('src/lib.rs', text, { config: { ...recommendedConfig(), rules: { 'no-thread-sleep': { severity: 2, options: {} } } }, project }, false);
    expect(run.lint.messages).toEqual([]);
  });
});

describe('shared runtimes across files (seed case 1)', () => {
  const src = path.join(crates, 'seed-runtime', 'src');
  const router = path.join(src, 'tool', 'router.rs');
  const jobs = path.join(src, 'jobs', 'mod.rs');
  const metrics = path.join(src, 'metrics.rs');

  it('reports every use of the accessor, through paths, module imports and a pub use re-export', () => {
    const project = ProjectIndex.fromFiles([router, jobs, metrics], read, true);
    const rules = (file: string) => lintFile(project, file).lint.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
    expect(rules(router)).toEqual(['2:25 no-shared-runtime', '5:5 no-shared-runtime']);
    expect(rules(jobs)).toEqual(['8:23 no-shared-runtime', '9:22 no-shared-runtime']);
    expect(rules(metrics)).toEqual(['4:14 no-shared-runtime', '5:5 no-shared-runtime']);
  });

  it('linting one file reports what linting the whole crate reports for it', () => {
    const whole = ProjectIndex.fromFiles(crateFiles(crateOf(router)!), read);
    const single = ProjectIndex.fromFiles([router], read, true);
    expect(messagesOf(single, router)).toEqual(messagesOf(whole, router));
    expect(messagesOf(single, router).length).toBeGreaterThan(0);
  });

  it('--fix leaves no use of the shared runtime, and the definitions then get their deprecation fix', () => {
    const dir = copyCrate(path.join(crates, 'seed-runtime'));
    const files = crateFiles(crateOf(path.join(dir, 'src', 'main.rs'))!);
    const project = ProjectIndex.fromFiles(files, read, true);
    for (const f of files) fs.writeFileSync(f, lintFile(project, f, true).source.text);
    expect(read(path.join(dir, 'src', 'tool', 'router.rs'))).toBe(
      'pub async fn route(request: String) {\n    tokio::spawn(async move {\n        println!("routing {request}");\n    });\n}\n',
    );
    for (const f of files) {
      if (f.includes(`${path.sep}runtime${path.sep}`) || f.endsWith('main.rs')) continue;
      expect(read(f)).not.toMatch(/shared_runtime/);
    }
    const after = ProjectIndex.fromFiles(files, read, true);
    const definitions = lintFile(after, path.join(dir, 'src', 'runtime', 'mod.rs'));
    const shared = definitions.lint.messages.filter((m) => m.ruleId === 'no-shared-runtime' && m.fix);
    expect(shared.map((m) => [m.line, m.fix!.applicability])).toEqual([
      [4, 'unsafe'],
      [6, 'unsafe'],
    ]);
  });
});

describe('multi-file fixture crates compile after --fix', () => {
  const fixtures = fs
    .readdirSync(crates)
    .filter((d) => fs.statSync(path.join(crates, d)).isDirectory())
    .map((d) => path.join(crates, d));
  // The bundled example crate of the README is held to the same bar.
  fixtures.push(path.join(__dirname, '..', 'examples', 'tokio-app'));

  it.each(fixtures)('%s', (crateDir) => {
    const name = path.basename(crateDir);
    for (const unsafe of [false, true]) {
      const dir = copyCrate(crateDir);
      const files: string[] = [];
      const stack = [dir];
      while (stack.length) {
        const d = stack.pop()!;
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isDirectory()) stack.push(p);
          else if (e.name.endsWith('.rs')) files.push(p);
        }
      }
      const project = ProjectIndex.fromFiles(files, read, true);
      const runs = fixAcrossFiles(
        files.map((filePath) => ({ filePath, text: read(filePath) })),
        project,
        (filePath, text, parsed) => lintAndFix(filePath, text, { config: recommendedConfig(), project, unsafe }, true, parsed),
      );
      for (const [f, run] of runs) fs.writeFileSync(f, run.source.withBOM(run.source.text));
      // Re-lint the fixed crate: nothing more to fix.
      const after = ProjectIndex.fromFiles(files, read, true);
      for (const f of files) expect(lintFile(after, f, true, unsafe).source.text).toBe(read(f));
      const result = checkCrate(dir);
      if (!result.ok) throw new Error(`${name} (${unsafe ? 'unsafe' : 'safe'} fixes) does not compile:\n${result.output}`);
    }
  });
});
