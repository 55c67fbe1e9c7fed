/**
 * Crates on disk: the nearest `Cargo.toml` with a `[package]` of a file, the
 * crate's name as Rust code spells it, and every `.rs` file of the crate.
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

/** The crate a file belongs to, or null when no Cargo.toml with a package is above it. */
export function crateOf(filePath: string): CrateInfo | null {
  return crateOfDir(path.dirname(path.resolve(filePath)));
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
