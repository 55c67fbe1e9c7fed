/**
 * File discovery: turns the paths of the command line (files, directories,
 * globs) into the sorted list of `.rs` files to lint.
 *
 * - Directories are walked for `*.rs`; `target/`, `.git/` and
 *   `node_modules/` directories are never entered.
 * - Ignored, unless `--no-ignore`: what the `.gitignore` files say (every
 *   one from the repository root — the nearest directory holding `.git` —
 *   down to the file, plus `.git/info/exclude`; outside a repository, from
 *   the working directory, or the named directory when it is outside the
 *   working directory), `--ignore-pattern` (relative to the working
 *   directory) and the configs' `ignorePatterns`.
 * - A file named explicitly is not linted when ignored, but reported (as
 *   ESLint does) with a warning; a file found by a directory walk or a glob
 *   is skipped silently.
 * - A glob that matches nothing and a missing path are errors; the other
 *   paths are still collected. So are unreadable directories.
 * - Symbolic links are followed, once per real path (loops end), and a file
 *   reachable by several paths is linted once, under its first path.
 */
import * as fs from 'fs';
import * as path from 'path';
import { picomatch } from './glob';
import ignore, { Ignore } from 'ignore';
import { relativeInside } from './config';

export const ALWAYS_IGNORED_DIRS: ReadonlySet<string> = new Set(['target', '.git', 'node_modules']);

export interface DiscoverOptions {
  cwd?: string;
  /** Files, directories or globs; default `['.']`. */
  patterns?: string[];
  /** False for `--no-ignore`. */
  ignore?: boolean;
  /** `--ignore-pattern` values, gitignore syntax, relative to `cwd`. */
  ignorePatterns?: string[];
  /** The configs' `ignorePatterns` (ConfigResolver.isIgnored). */
  isIgnoredByConfig?: (absPath: string, isDir: boolean) => boolean;
}

export interface IgnoredFile {
  filePath: string;
  /** Why: a pattern (gitignore, config, --ignore-pattern) or the built-in target/.git/node_modules. */
  reason: 'pattern' | 'default';
}

export interface Discovery {
  /** Absolute paths, sorted, each file once. */
  files: string[];
  /** Explicitly named files that are ignored. */
  ignored: IgnoredFile[];
  /** Missing paths, globs without a match, unreadable directories. */
  errors: string[];
}

export function discoverFiles(opts: DiscoverOptions = {}): Discovery {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const patterns = opts.patterns && opts.patterns.length ? opts.patterns : ['.'];
  const useIgnore = opts.ignore !== false;
  const gitignores = new GitIgnores();
  const cliIgnore = opts.ignorePatterns && opts.ignorePatterns.length ? ignore().add(opts.ignorePatterns) : null;
  const errors: string[] = [];
  const ignored = new Map<string, IgnoredFile>();
  const byReal = new Map<string, string>();
  const visitedDirs = new Set<string>();

  const isIgnored = (abs: string, isDir: boolean, fallbackRoot: string): boolean => {
    if (!useIgnore) return false;
    if (gitignores.ignored(abs, isDir, fallbackRoot)) return true;
    if (cliIgnore) {
      const rel = relativeInside(cwd, abs);
      if (rel && cliIgnore.ignores(isDir ? `${rel}/` : rel)) return true;
    }
    return !!opts.isIgnoredByConfig && opts.isIgnoredByConfig(abs, isDir);
  };

  /** `real`: the file's real path when known (a regular file in a directory whose real path is known). */
  const addFile = (abs: string, real?: string) => {
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(abs);
      } catch {
        real = abs;
      }
    }
    const prev = byReal.get(real);
    if (prev === undefined || abs < prev) byReal.set(real, abs);
  };

  /** Walks a directory; `accept` filters the files found (for globs). */
  const walk = (start: string, fallbackRoot: string, accept: (abs: string) => boolean): number => {
    let found = 0;
    const stack = [start];
    // Symlinked directories wait until the real tree is walked, so files get their real paths first.
    const deferred: string[] = [];
    while (stack.length || deferred.length) {
      const dir = stack.length ? stack.pop()! : deferred.shift()!;
      let real: string;
      try {
        real = fs.realpathSync.native(dir);
      } catch (e) {
        errors.push(`Cannot read directory ${dir}: ${errnoText(e)}`);
        continue;
      }
      if (visitedDirs.has(real)) continue;
      visitedDirs.add(real);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        errors.push(`Cannot read directory ${dir}: ${errnoText(e)}`);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      for (const entry of entries) {
        const abs = path.join(dir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        const isLink = entry.isSymbolicLink();
        if (isLink) {
          try {
            const st = fs.statSync(abs);
            isDir = st.isDirectory();
            isFile = st.isFile();
          } catch (e) {
            if (entry.name.endsWith('.rs')) errors.push(`Cannot read ${abs}: ${errnoText(e)}`);
            continue;
          }
        }
        if (isDir) {
          if (ALWAYS_IGNORED_DIRS.has(entry.name) || isIgnored(abs, true, fallbackRoot)) continue;
          (isLink ? deferred : stack).push(abs);
        } else if (isFile && entry.name.endsWith('.rs')) {
          if (isIgnored(abs, false, fallbackRoot) || !accept(abs)) continue;
          // A regular file (not a link) is where its directory really is: no realpath(3) per file.
          addFile(abs, isLink ? undefined : path.join(real, entry.name));
          found++;
        }
      }
    }
    return found;
  };

  for (const pattern of patterns) {
    const abs = path.resolve(cwd, pattern);
    const fallbackRoot = relativeInside(cwd, abs) !== null ? cwd : abs;
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') {
        errors.push(`Cannot read ${pattern}: ${errnoText(e)}`);
        continue;
      }
    }
    if (st && st.isDirectory()) {
      walk(abs, fallbackRoot, () => true);
    } else if (st) {
      const reason = explicitIgnoreReason(abs, cwd, useIgnore, (p, d) => isIgnored(p, d, relativeInside(cwd, p) !== null ? cwd : path.dirname(p)));
      if (reason) ignored.set(abs, { filePath: abs, reason });
      else addFile(abs);
    } else if (picomatch().scan(pattern).isGlob) {
      if (globFiles(pattern, cwd, walk) === 0) errors.push(`No files matching the pattern "${pattern}" were found.`);
    } else {
      errors.push(`No such file or directory: ${pattern}`);
    }
  }

  const files = [...byReal.values()].sort();
  for (const f of files) ignored.delete(f);
  return { files, ignored: [...ignored.values()].sort((a, b) => (a.filePath < b.filePath ? -1 : 1)), errors };
}

function globFiles(
  pattern: string,
  cwd: string,
  walk: (start: string, fallbackRoot: string, accept: (abs: string) => boolean) => number,
): number {
  const posix = pattern.split(path.sep).join('/');
  const absolute = path.isAbsolute(pattern);
  const scan = picomatch().scan(posix);
  const base = path.resolve(cwd, scan.base || '.');
  const isMatch = picomatch()(posix.replace(/^\.\//, ''));
  const accept = (abs: string): boolean => {
    const rel = absolute ? abs.split(path.sep).join('/') : relativeInside(cwd, abs) ?? abs.split(path.sep).join('/');
    // The file itself, or a directory above it that the glob names.
    for (let p = rel; p && p !== '.' && p !== '/'; p = path.posix.dirname(p)) {
      if (isMatch(p)) return true;
      if (p.length <= (absolute ? base.length : 0)) break;
    }
    return false;
  };
  try {
    if (!fs.statSync(base).isDirectory()) return 0;
  } catch {
    return 0;
  }
  const fallbackRoot = relativeInside(cwd, base) !== null ? cwd : base;
  return walk(base, fallbackRoot, accept);
}

/** Why an explicitly named file is not linted, or null. */
function explicitIgnoreReason(
  abs: string,
  cwd: string,
  useIgnore: boolean,
  isIgnored: (abs: string, isDir: boolean) => boolean,
): IgnoredFile['reason'] | null {
  if (!useIgnore) return null;
  const rel = relativeInside(cwd, abs);
  if (rel !== null && rel.split('/').slice(0, -1).some((seg) => ALWAYS_IGNORED_DIRS.has(seg))) return 'default';
  return isIgnored(abs, false) ? 'pattern' : null;
}

/**
 * The `.gitignore` files of a tree, read once per directory. A path is
 * ignored when a directory above it is, or when the last matching rule of
 * the `.gitignore` files from the root down to its directory ignores it.
 */
class GitIgnores {
  private readonly rules = new Map<string, Ignore | null>();
  private readonly roots = new Map<string, string | null>();
  /** Per root and directory: whether it is ignored, and the rules that apply inside it. */
  private readonly dirs = new Map<string, DirRules>();

  ignored(abs: string, isDir: boolean, fallbackRoot: string): boolean {
    const parent = path.dirname(abs);
    const root = this.repoRoot(parent) ?? fallbackRoot;
    const rel = relativeInside(root, abs);
    if (rel === null || rel === '') return false;
    const dir = this.dirRules(parent, root);
    return dir.hidden || verdict(dir.chain, abs, isDir);
  }

  /**
   * A directory at or below `root`: ignored when a directory above it is, or
   * by the rules of the `.gitignore` files from the root down to its parent;
   * the rules that apply inside it are those and its own. Worked out once
   * per directory (a walk asks for each file of it).
   */
  private dirRules(dir: string, root: string): DirRules {
    const key = `${root}\0${dir}`;
    let d = this.dirs.get(key);
    if (d) return d;
    const parent = path.dirname(dir);
    if (dir === root || parent === dir) {
      const ig = this.rulesIn(dir, dir === root);
      d = { hidden: false, chain: ig ? [[dir, ig]] : [] };
    } else {
      // Directories nest only as deep as a path goes: the walk up to the root stays short.
      const up = this.dirRules(parent, root);
      const own = this.rulesIn(dir, false);
      d = { hidden: up.hidden || verdict(up.chain, dir, true), chain: own ? [...up.chain, [dir, own]] : up.chain };
    }
    this.dirs.set(key, d);
    return d;
  }

  private rulesIn(dir: string, isRoot: boolean): Ignore | null {
    const key = isRoot ? `${dir}\0root` : dir;
    if (this.rules.has(key)) return this.rules.get(key)!;
    const texts: string[] = [];
    const read = (f: string) => {
      try {
        texts.push(fs.readFileSync(f, 'utf8'));
      } catch {
        /* no such file */
      }
    };
    if (isRoot) read(path.join(dir, '.git', 'info', 'exclude'));
    read(path.join(dir, '.gitignore'));
    const ig = texts.length ? ignore().add(texts.join('\n')) : null;
    this.rules.set(key, ig);
    return ig;
  }

  /** The nearest directory at or above `dir` holding `.git` (a directory, or a file for worktrees). */
  private repoRoot(dir: string): string | null {
    const cached = this.roots.get(dir);
    if (cached !== undefined) return cached;
    let root: string | null;
    if (fs.existsSync(path.join(dir, '.git'))) root = dir;
    else {
      const parent = path.dirname(dir);
      root = parent === dir ? null : this.repoRoot(parent);
    }
    this.roots.set(dir, root);
    return root;
  }
}

interface DirRules {
  hidden: boolean;
  chain: [string, Ignore][];
}

/** The verdict of rules from the root down (the last rule matching a path decides). */
function verdict(chain: readonly [string, Ignore][], abs: string, isDir: boolean): boolean {
  let state = false;
  for (const [dir, ig] of chain) {
    const rel = relativeInside(dir, abs)!;
    const r = ig.test(isDir ? `${rel}/` : rel);
    if (r.ignored) state = true;
    else if (r.unignored) state = false;
  }
  return state;
}

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && err.code === 'ENOENT') return 'no such file or directory';
  if (err && err.code === 'EACCES') return 'permission denied';
  if (err && err.code === 'ELOOP') return 'too many levels of symbolic links';
  return err && err.message ? err.message : String(e);
}
