/**
 * Crates on disk: the nearest `Cargo.toml` with a `[package]` of a file, the
 * crate's name as Rust code spells it, every `.rs` file of the package, and
 * the compilation target a file belongs to (Cargo's layout: the library
 * under `src/`, and each of `tests/x.rs`, `tests/x/main.rs`, the same under
 * `benches/`, `examples/` and `src/bin/`, a crate of its own).
 */
import * as fs from 'fs';
import * as path from 'path';

export interface CrateInfo {
  /** The directory holding Cargo.toml. */
  root: string;
  /** The package name with `-` as `_`, as `use` paths write it. */
  name: string;
}

const byDir = new Map<string, CrateInfo | null>();
/** crateOf by the path as asked (path.resolve costs more than the lookup: runs ask for every file, often). */
const byFile = new Map<string, CrateInfo | null>();

/** Forgets every manifest and target layout read (the language server, after a `Cargo.toml` or `main.rs` came or went). */
export function forgetLayouts(): void {
  byDir.clear();
  byFile.clear();
  mainIn.clear();
}

/** The crate a file belongs to, or null when no Cargo.toml with a package is above it. */
export function crateOf(filePath: string): CrateInfo | null {
  let found = byFile.get(filePath);
  if (found === undefined) {
    found = crateOfDir(path.dirname(path.resolve(filePath)));
    // A relative path means another file as the working directory changes: only absolute ones are kept.
    if (path.isAbsolute(filePath)) byFile.set(filePath, found);
  }
  return found;
}

function crateOfDir(dir: string): CrateInfo | null {
  const cached = byDir.get(dir);
  if (cached !== undefined) return cached;
  let found: CrateInfo | null = null;
  const manifest = path.join(dir, 'Cargo.toml');
  const text = readSmall(manifest);
  const name = text === null ? null : packageName(text);
  if (name) found = { root: dir, name: name.replace(/-/g, '_') };
  else {
    const parent = path.dirname(dir);
    found = parent === dir ? null : crateOfDir(parent);
  }
  byDir.set(dir, found);
  return found;
}

/** Where Cargo finds targets besides the library: each `x.rs` or `x/main.rs` there roots a crate of its own. */
const TARGET_DIRS: readonly (readonly string[])[] = [['tests'], ['benches'], ['examples'], ['src', 'bin']];

export interface Target {
  /**
   * The crate the file is compiled in, as an id: the package root for the
   * library (src/main.rs and files outside the target dirs count as it
   * too), `<dir>/x.rs` or `<dir>/x` for a target, `<dir>` for the files of
   * a target dir that are no target's own (modules targets share by `mod`).
   */
  id: string;
  /** For a target: the id of its dir's shared modules (what `crate::common::…` may name). */
  shared: string | null;
  /** Whether `id` is a package's library (every crate of the workspace may call it). */
  library: boolean;
  /** The file's module path in that crate (`crate`, `crate::runtime`, `crate::common`). */
  modulePath: string;
}

/** The target a file of a package is compiled in; null when no Cargo.toml with a package is above it. */
export function targetOf(filePath: string): Target | null {
  const abs = path.resolve(filePath);
  const crate = crateOf(abs);
  if (!crate) return null;
  const rel = path.relative(crate.root, abs).split(path.sep);
  for (const dir of TARGET_DIRS) {
    if (rel.length <= dir.length || !dir.every((d, i) => rel[i] === d)) continue;
    const base = path.join(crate.root, ...dir);
    const sub = rel.slice(dir.length);
    if (sub.length === 1) return { id: path.join(base, sub[0]), shared: base, library: false, modulePath: 'crate' };
    if (hasMain(path.join(base, sub[0]))) {
      return { id: path.join(base, sub[0]), shared: base, library: false, modulePath: moduleOfRel(sub.slice(1)) };
    }
    return { id: base, shared: null, library: false, modulePath: moduleOfRel(sub) };
  }
  return { id: crate.root, shared: null, library: true, modulePath: rel[0] === 'src' ? moduleOfRel(rel.slice(1)) : 'crate' };
}

/**
 * The module path of a file from its path below a crate root's directory:
 * `lib.rs`/`main.rs` are `crate`, `a/mod.rs` is `crate::a`, `a/b.rs` is `crate::a::b`.
 */
export function moduleOfRel(rel: readonly string[]): string {
  if (rel.length === 0) return 'crate';
  const segs = rel.slice(0, -1);
  const stem = path.basename(rel[rel.length - 1], '.rs');
  if (stem !== 'mod' && !(segs.length === 0 && (stem === 'lib' || stem === 'main'))) segs.push(stem);
  return ['crate', ...segs].join('::');
}

const mainIn = new Map<string, boolean>();

function hasMain(dir: string): boolean {
  let known = mainIn.get(dir);
  if (known === undefined) mainIn.set(dir, (known = isFile(path.join(dir, 'main.rs'))));
  return known;
}

function readSmall(file: string): string | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 1 << 20) return null;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The `name` of the `[package]` table of a manifest (a light read, not a TOML parse). */
export function packageName(manifest: string): string | null {
  const pkg = /^\s*\[package\]\s*$([\s\S]*?)(?=^\s*\[|(?![\s\S]))/m.exec(manifest);
  if (!pkg) return null;
  const m = /^\s*name\s*=\s*["']([^"']+)["']/m.exec(pkg[1]);
  return m ? m[1] : null;
}

const SKIP_DIRS = new Set(['target', '.git', 'node_modules']);

/** Every `.rs` file of a crate, not descending into nested crates or target/. */
export function crateFiles(crate: CrateInfo): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const stack = [crate.root];
  while (stack.length) {
    const dir = stack.pop()!;
    let real: string;
    try {
      real = fs.realpathSync.native(dir);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) {
        if (SKIP_DIRS.has(e.name) || e.name.startsWith('.')) continue;
        if (dir !== crate.root || e.name !== 'src') {
          if (fs.existsSync(path.join(p, 'Cargo.toml'))) continue; // a nested crate
        }
        stack.push(p);
      } else if (e.name.endsWith('.rs') && (e.isFile() || (e.isSymbolicLink() && isFile(p)))) {
        // Regular files only: a FIFO named like a source file would never finish reading.
        out.push(p);
      }
    }
  }
  return out.sort();
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
