/**
 * The demand-driven project index (files summarised only when a question
 * needs them, found by name) answers what the full index (every file
 * summarised) answers: the same diagnostics, chains and fixes, on the
 * fixture crates, on real crates, and on generated projects built to stress
 * re-exports, method resolution, name clashes and caller-chain order.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ProjectIndex } from '../lib/project';
import { lintAndFix } from '../lib/fixer';
import { crateFiles, crateOf } from '../lib/index/crates';
import { recommendedConfig } from './helpers';

const crates = path.join(__dirname, 'fixtures', 'crates');
const registry = '/usr/share/cargo/registry';
const read = (p: string): string | null => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

type Files = { filePath: string; text: string }[];

function outcome(project: ProjectIndex, f: { filePath: string; text: string }, fix: boolean) {
  const run = lintAndFix(f.filePath, f.text, { config: recommendedConfig(), project, unsafe: true }, fix);
  const messages = run.lint.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}${m.fix ? ` [${m.fix.applicability}]` : ''}`);
  return fix ? { messages, output: run.source.text } : { messages };
}

function onDemand(files: Files): ProjectIndex {
  const project = new ProjectIndex();
  project.addOnDemand(files);
  return project;
}

/** Lints `linted` with a full index over `all` and with a demand-driven one; returns both. */
function both(all: Files, linted: Files, fix: boolean) {
  const full = new ProjectIndex();
  for (const f of all) full.update(f.filePath, f.text);
  const lazy = onDemand(all);
  return {
    full: linted.map((f) => outcome(full, f, fix)),
    lazy: linted.map((f) => outcome(lazy, f, fix)),
    summarised: lazy.summarisedSize,
  };
}

function crateTexts(dir: string): Files {
  return crateFiles(crateOf(path.join(dir, 'Cargo.toml'))!).map((filePath) => ({ filePath, text: read(filePath)! }));
}

describe('demand-driven index = full index', () => {
  const fixtureCrates = fs
    .readdirSync(crates)
    .map((d) => path.join(crates, d))
    .filter((d) => fs.existsSync(path.join(d, 'Cargo.toml')) && crateOf(path.join(d, 'Cargo.toml')));
  fixtureCrates.push(path.join(__dirname, '..', 'examples', 'tokio-app'));

  it.each(fixtureCrates)('fixture crate %s: every file, linted and fixed', (dir) => {
    const files = crateTexts(dir);
    for (const fix of [false, true]) {
      const r = both(files, files, fix);
      expect(r.lazy).toEqual(r.full);
    }
  });

  it.each(fixtureCrates)('fixture crate %s: one file at a time, the rest of the crate on demand', (dir) => {
    const files = crateTexts(dir);
    const full = new ProjectIndex();
    for (const f of files) full.update(f.filePath, f.text);
    for (const f of files) {
      const lazy = new ProjectIndex();
      lazy.addOnDemand([f]);
      lazy.addCratesOnDemand([f.filePath], read);
      expect(outcome(lazy, f, false)).toEqual(outcome(full, f, false));
    }
  });

  it('the workspace fixture: crates that call each other by crate name', () => {
    const ws = path.join(crates, 'workspace');
    const files = [...crateTexts(path.join(ws, 'a')), ...crateTexts(path.join(ws, 'b'))];
    const r = both(files, files, false);
    expect(r.lazy).toEqual(r.full);
    expect(r.full.flatMap((o) => o.messages).length).toBeGreaterThan(0);
  });

  const real = [
    { dir: path.join(registry, 'futures-executor-0.3.21'), every: 1 },
    { dir: path.join(registry, 'futures-util-0.3.21'), every: 6 },
    { dir: path.join(registry, 'tokio-1.24.2'), every: 10 },
  ];
  it.each(real)('real crate $dir (every $every th file linted, the whole crate indexed)', ({ dir, every }) => {
    const files = crateTexts(dir);
    const linted = files.filter((_, i) => i % every === 0);
    const r = both(files, linted, false);
    expect(r.lazy).toEqual(r.full);
    // The point of the exercise: far fewer files summarised than the crate has.
    expect(r.summarised).toBeLessThan(files.length);
  });

  it('a fn whose name is written nowhere but at its definition has no callers to look for: nothing is summarised', () => {
    const test = { filePath: '/p/src/tests.rs', text: 'pub fn lonely_test() { futures::executor::block_on(async {}); }\n' };
    const other = { filePath: '/p/src/other.rs', text: 'async fn f() { helper(); }\nfn helper() {}\n' };
    const project = onDemand([test, other]);
    expect(outcome(project, test, false).messages).toEqual([]);
    expect(project.summarisedSize).toBe(0);
    // Named once more — by a call in another file, or in its own — and the callers are looked for.
    const caller = { filePath: '/p/src/caller.rs', text: 'async fn g() { crate::tests::lonely_test(); }\n' };
    const called = onDemand([test, other, caller]);
    expect(outcome(called, test, false).messages).toEqual([
      expect.stringMatching(/^1:24 no-block-on .*lonely_test.*async fn g/),
    ]);
    expect(called.summarisedSize).toBeGreaterThan(0);
  });

  it('a free fn is called by path only: its name written after a `.` (a method, a field) is no reason to look for callers', () => {
    const test = { filePath: '/p/src/tests.rs', text: 'pub fn load() { futures::executor::block_on(async {}); }\nfn check(db: Db) { db.load(); db. load(); }\n' };
    const other = { filePath: '/p/src/other.rs', text: 'async fn f(db: Db) { db.load(); }\n' };
    const project = onDemand([test, other]);
    expect(outcome(project, test, false).messages).toEqual([]);
    expect(project.summarisedSize).toBe(0);
    // A method of that name is called so: its callers are looked for, and found.
    const method = { filePath: '/p/src/tests.rs', text: 'impl Db {\n    fn load(&self) { futures::executor::block_on(async {}); }\n}\n' };
    const asMethod = onDemand([method, other]);
    expect(outcome(asMethod, method, false).messages).toEqual([expect.stringMatching(/^2:22 no-block-on .*load.*async fn f/)]);
    expect(asMethod.summarisedSize).toBeGreaterThan(0);
    // And a path call (`0..load()` is one) still counts.
    const ranged = { filePath: '/p/src/other.rs', text: 'async fn f() { for _ in 0..crate::tests::load() {} }\n' };
    const viaPath = onDemand([test, ranged]);
    expect(outcome(viaPath, test, false).messages).toEqual([expect.stringMatching(/^1:17 no-block-on .*load.*async fn f/)]);
  });

  it('a fn of an impl is called after `.` or `::` only: a bare call of its name (a free fn, as `drop(x)`) is no reason to look for callers', () => {
    const guard = { filePath: '/p/src/guard.rs', text: 'pub struct G;\nimpl G {\n    fn finish(&mut self) { futures::executor::block_on(async {}); }\n}\nfn done(g: G) { finish(g); }\n' };
    const other = { filePath: '/p/src/other.rs', text: 'fn finish(g: G) {}\nasync fn f(g: G) { finish(g); }\n' };
    const project = onDemand([guard, other]);
    expect(outcome(project, guard, false).messages).toEqual([]);
    expect(project.summarisedSize).toBe(0);
    // Called by path: its callers are looked for, and found.
    const viaPath = { filePath: '/p/src/other.rs', text: 'use crate::guard::G;\nasync fn f(mut g: G) { G::finish(&mut g); }\n' };
    const called = onDemand([guard, viaPath]);
    expect(outcome(called, guard, false).messages).toEqual([expect.stringMatching(/^3:28 no-block-on .*finish.*async fn f/)]);
    expect(called.summarisedSize).toBeGreaterThan(0);
  });

  it('looks for callers only where the name is written as a call or imported: not a variable or field of that name', () => {
    const test = { filePath: '/p/src/tests.rs', text: 'pub fn load() { futures::executor::block_on(async {}); }\nfn check() { let load = 1; let _ = load + 1; }\n' };
    const other = { filePath: '/p/src/other.rs', text: 'struct S { load: u8 }\nasync fn f(s: S) -> u8 { let load = s.load; load + 1 }\n' };
    const project = onDemand([test, other]);
    expect(outcome(project, test, false).messages).toEqual([]);
    expect(project.summarisedSize).toBe(0);
    // Imported under another name, and called so: found.
    const renamed = { filePath: '/p/src/other.rs', text: 'use crate::tests::load as fetch;\nasync fn f() { fetch(); }\n' };
    const viaAlias = onDemand([test, renamed]);
    expect(outcome(viaAlias, test, false).messages).toEqual([expect.stringMatching(/^1:17 no-block-on .*load.*async fn f/)]);
  });
});

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

/**
 * A small project of modules whose fns call each other every way the index
 * resolves calls: paths, `use` imports and aliases, `pub use` re-exports
 * (chains of them), `Self::`, methods (unique and clashing names), fns of the
 * same name in several modules, async fns and async blocks as roots, and
 * blocking calls (sleep, block_on) at the bottom; and a shared runtime behind
 * accessors (aliased types, re-exports, uses from files that never name a
 * runtime type).
 */
function randomProject(seed: number): Files {
  const r = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const mods = ['a', 'b', 'c', 'd', 'e'].slice(0, 3 + Math.floor(r() * 3));
  const names = ['load', 'run', 'get', 'step', 'fetch', 'open', 'query', 'r#match'];
  type Fn = { mod: string; name: string; async: boolean; method: string | null };
  const fns: Fn[] = [];
  for (const m of mods) {
    const n = 2 + Math.floor(r() * 3);
    for (let i = 0; i < n; i++) {
      const name = pick(names);
      if (fns.some((f) => f.mod === m && f.name === name)) continue;
      fns.push({ mod: m, name, async: r() < 0.25, method: r() < 0.3 ? pick(['Db', 'Pool']) : null });
    }
  }
  const reexports: string[] = [];
  const body = (self: Fn): string => {
    const lines: string[] = [];
    const calls = 1 + Math.floor(r() * 3);
    for (let i = 0; i < calls; i++) {
      const t = pick(fns);
      if (t === self) continue;
      const form = r();
      let call: string;
      if (t.method && self.method === t.method && t.mod === self.mod && form < 0.4) call = `self.${t.name}()`;
      else if (t.method) call = `x.${t.name}()`;
      else if (t.mod === self.mod && form < 0.5) call = `${t.name}()`;
      else if (form < 0.3) call = `crate::${t.mod}::${t.name}()`;
      else if (form < 0.5) call = `super::${t.mod}::${t.name}()`;
      else if (form < 0.7 && reexports.length) call = `crate::${pick(reexports)}()`;
      else call = `crate::${t.mod}::${t.name}()`;
      lines.push(r() < 0.2 ? `    let _f = async { ${call}; };` : `    ${call};`);
    }
    if (r() < 0.35) lines.push(pick(['    std::thread::sleep(d);', '    futures::executor::block_on(async {});']));
    if (uses.length && r() < 0.3) lines.push(`    ${pick(uses)}`);
    return lines.join('\n');
  };
  const files: Files = [];
  const lib: string[] = mods.map((m) => `pub mod ${m};`);
  // A shared runtime: its accessors live in one module, re-exported (maybe renamed), used elsewhere.
  const rtMod = r() < 0.6 ? pick(mods) : null;
  const accessors = ['shared_runtime', 'pool', 'rt_handle'];
  const uses: string[] = [];
  if (rtMod) {
    if (r() < 0.5) {
      lib.push(`pub use ${rtMod}::shared_runtime as rt;`);
      uses.push('crate::rt().spawn(async {});', 'crate::rt().block_on(async {});');
    }
    if (r() < 0.3) {
      lib.push(`pub use ${rtMod}::pool;`);
      uses.push('crate::pool().spawn_blocking(|| ());');
    }
    uses.push(
      `crate::${rtMod}::shared_runtime().spawn(async {});`,
      `crate::${rtMod}::RT.get().unwrap().block_on(async {});`,
      `crate::${rtMod}::rt_handle().spawn(async {});`,
    );
  }
  for (let i = 0; i < 3; i++) {
    const t = pick(fns);
    if (t.method) continue;
    const alias = `${t.name}_${i}`;
    lib.push(`pub use ${t.mod}::${t.name} as ${alias};`);
    reexports.push(alias);
  }
  if (reexports.length && r() < 0.5) {
    lib.push(`pub use self::${reexports[0]} as again;`);
    reexports.push('again');
  }
  for (const m of mods) {
    const out: string[] = [];
    if (r() < 0.3) out.push(`use crate::${pick(mods)}::${pick(names)} as imported;`);
    const mine = fns.filter((f) => f.mod === m);
    const free = mine.filter((f) => !f.method);
    const methods = mine.filter((f) => f.method);
    for (const f of free) out.push(`pub ${f.async ? 'async ' : ''}fn ${f.name}() {\n${body(f)}\n}`);
    for (const type of ['Db', 'Pool']) {
      const ms = methods.filter((f) => f.method === type);
      if (!ms.length) continue;
      out.push(`pub struct ${type};\nimpl ${type} {\n${ms.map((f) => `    pub ${f.async ? 'async ' : ''}fn ${f.name}(&self) {\n${body(f)}\n        Self::helper();\n    }`).join('\n')}\n    fn helper() {}\n}`);
    }
    if (r() < 0.2) out.push(`#[cfg(unix)]\npub fn ${pick(names)}() { std::thread::sleep(d); }`);
    if (rtMod && m !== rtMod && r() < 0.35) {
      // A module with a runtime of its own under the same names, used by bare name; and the shared
      // one reached by a use list, a glob (own definition in an inner module) or a path.
      out.push('static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();');
      const way = Math.floor(r() * 4);
      if (way === 0) out.push(`use crate::${rtMod}::{shared_runtime as theirs};\npub fn use_theirs() { theirs().spawn(async {}); }`);
      if (way === 1) out.push(`use crate::${rtMod}::*;\nmod inner {\n    pub fn pool() -> &'static tokio::runtime::Runtime { super::RT.get().unwrap() }\n}\npub fn use_glob() { pool().spawn(async {}); }`);
      if (way === 2) out.push(`pub fn use_path() { crate::${rtMod}::RT.get().unwrap().spawn(async {}); }`);
      out.push(`pub fn shared_runtime() -> &'static tokio::runtime::Runtime {\n    RT.get().unwrap()\n}\npub fn use_own() { shared_runtime().spawn(async {}); RT.get().unwrap().spawn(async {}); }`);
    }
    if (m === rtMod) {
      const alias = r() < 0.5;
      const rt = alias ? 'Rt' : 'tokio::runtime::Runtime';
      if (alias) out.unshift('use tokio::runtime::Runtime as Rt;');
      out.push(
        `pub static RT: std::sync::OnceLock<${rt}> = std::sync::OnceLock::new();`,
        `pub fn ${accessors[0]}() -> &'static ${rt} {\n    RT.get_or_init(|| tokio::runtime::Runtime::new().unwrap())\n}`,
        `pub fn ${accessors[1]}() -> &'static ${rt} {\n    ${accessors[0]}()\n}`,
        `pub fn ${accessors[2]}() -> tokio::runtime::Handle {\n    ${accessors[0]}().handle().clone()\n}`,
      );
    }
    files.push({ filePath: `src/${m}.rs`, text: `${out.join('\n\n')}\n` });
  }
  if (r() < 0.5) lib.push(`pub async fn serve() {\n${body(fns[0])}\n}`);
  // Sometimes the program's #[tokio::main], first thing after a BOM (it decides the ambient runtime).
  const main = r() < 0.4 ? '\uFEFF#[tokio::main]\nasync fn start() {}\n' : '';
  files.unshift({ filePath: 'src/lib.rs', text: `${main}${lib.join('\n')}\n` });
  return files;
}

describe('demand-driven index = full index on generated projects', () => {
  it('300 projects: every file of each', () => {
    let reached = 0;
    let shared = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const files = randomProject(seed);
      const r = both(files, files, false);
      expect({ seed, out: r.lazy }).toEqual({ seed, out: r.full });
      // One file at a time, each with an index of its own that has seen no other question.
      const alone = files.map((f) => outcome(onDemand(files), f, false));
      expect({ seed, out: alone }).toEqual({ seed, out: r.full });
      reached += r.full.flatMap((o) => o.messages).filter((m) => m.includes('which async code calls')).length;
      shared += r.full.flatMap((o) => o.messages).filter((m) => m.includes('no-shared-runtime') && m.includes('second tokio runtime')).length;
    }
    // The generator does build projects where reachability and shared runtimes matter.
    expect(reached).toBeGreaterThan(50);
    expect(shared).toBeGreaterThan(50);
  });
});

/**
 * A package on disk whose targets call each other every way Cargo allows:
 * test targets (`tests/x.rs`, `tests/suite/main.rs` with a module of its
 * own) with fns of the same names, the modules they share by `mod common;`,
 * an example and a bin, all calling the library by the package's name.
 */
function randomPackage(seed: number, root: string): Files {
  const r = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const names = ['setup', 'load', 'run', 'check'];
  const blocking = () => (r() < 0.4 ? [pick(['    std::thread::sleep(d);', '    futures::executor::block_on(async {});'])] : []);
  const files: Files = [];
  const add = (rel: string, text: string) => files.push({ filePath: path.join(root, rel), text });
  // What a target's code may call: its own fns, its modules', the shared modules', the library's.
  const fnsOf = (prefix: string, own: string[], extra: string[]) => {
    const out: string[] = [];
    for (const name of own) {
      const isAsync = r() < 0.3;
      const lines = [...blocking()];
      for (let i = 0; i < 1 + Math.floor(r() * 3); i++) {
        const call = pick([...own.filter((n) => n !== name).map((n) => `${n}()`), ...extra]);
        if (call) lines.push(r() < 0.15 ? `    let _f = async { ${call}; };` : `    ${call};`);
      }
      out.push(`${prefix}${isAsync ? 'async ' : ''}fn ${name}() {\n${lines.join('\n')}\n}`);
    }
    return out;
  };
  const lib = ['pkg_t::a::load()', 'pkg_t::a::step()', 'pkg_t::serve()'];
  add('Cargo.toml', '[package]\nname = "pkg-t"\nversion = "0.1.0"\n');
  add('src/lib.rs', `pub mod a;\npub use a::load as serve;\n`);
  add('src/a.rs', fnsOf('pub ', ['load', 'step'], ['crate::a::load()', 'self::step()']).join('\n\n') + '\n');
  const common = pick([['settle', 'load'], ['settle'], ['load', 'run']]);
  add('tests/common/mod.rs', fnsOf('pub ', common, lib).join('\n\n') + '\nstruct Db;\nimpl Db {\n    pub fn query(&self) {\n' + blocking().join('\n') + '\n    }\n}\n');
  const commonCalls = [...common.map((n) => `common::${n}()`), ...common.map((n) => `crate::common::${n}()`), 'x.query()'];
  for (let t = 0; t < 2 + Math.floor(r() * 3); t++) {
    const withCommon = r() < 0.7;
    const own = names.filter(() => r() < 0.6);
    const body = fnsOf(r() < 0.5 ? '#[tokio::test]\n' : '', own, [...lib, ...(withCommon ? commonCalls : []), 'x.query()']);
    add(`tests/t${t}.rs`, `${withCommon ? 'mod common;\n' : ''}${body.join('\n\n')}\n`);
  }
  add('tests/suite/main.rs', `mod parts;\n${fnsOf('', ['setup', 'run'], ['parts::prep()', 'crate::parts::prep()', ...lib]).join('\n\n')}\n`);
  add('tests/suite/parts.rs', fnsOf('pub ', ['prep', 'load'], lib).join('\n\n') + '\n');
  add('examples/ex.rs', fnsOf('', ['main', 'setup', 'load'], lib).join('\n\n') + '\n');
  add('src/bin/tool.rs', fnsOf('', ['main', 'setup', 'run'], lib).join('\n\n') + '\n');
  for (const f of files) {
    fs.mkdirSync(path.dirname(f.filePath), { recursive: true });
    fs.writeFileSync(f.filePath, f.text);
  }
  return files.filter((f) => f.filePath.endsWith('.rs'));
}

describe('demand-driven index = full index on packages with test, example and bin targets', () => {
  it('80 packages: every file of each, and each file alone', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-targets-'));
    let reachedInTests = 0;
    try {
      for (let seed = 1; seed <= 80; seed++) {
        const files = randomPackage(seed, path.join(base, `p${seed}`));
        const r = both(files, files, false);
        expect({ seed, out: r.lazy }).toEqual({ seed, out: r.full });
        // One file at a time, each with an index of its own that has seen no other question.
        const alone = files.map((f) => outcome(onDemand(files), f, false));
        expect({ seed, out: alone }).toEqual({ seed, out: r.full });
        files.forEach((f, i) => {
          if (f.filePath.includes(`${path.sep}tests${path.sep}`)) reachedInTests += r.full[i].messages.filter((m) => m.includes('which async code calls')).length;
        });
      }
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
    // The generator does reach blocking calls in test targets and their shared modules.
    expect(reachedInTests).toBeGreaterThan(20);
  });
});
