/**
 * The lint cache (`--cache`, `--cache-location`): a file that lets a run
 * skip parsing and linting the files that did not change.
 *
 * Two levels:
 *
 * 1. Replay (the fast path, lib/run.ts). A run's outcome is a function of the
 *    tool, the options, each linted file's configuration, and the texts (and
 *    crates) of every file of its project — the linted files and the rest of
 *    their crates. Each run records, per linted file, its messages under a
 *    key of its configuration, the options and a fingerprint of that project
 *    (each file's path, crate and text hash). A later run whose project has
 *    the same fingerprint replays every file's messages: nothing is parsed,
 *    and neither tree-sitter nor the rules' engine is loaded. The texts of
 *    the linted files are read and hashed (they are read anyway); a file of
 *    the rest of the crates is hashed only when its stat (size, mtime,
 *    ctime) differs from when it was last read — or when it had changed
 *    shortly before it was read (`STAT_GRACE_MS`: a second change within
 *    the file system's timestamp granularity would leave the stat as it
 *    was), as ESLint's `metadata` strategy with a `content` fallback.
 *
 * 2. Per file, when something changed (lib/lint-files.ts): the hash of the
 *    text, the file's project-index summary (phase 1), and the messages of
 *    its last lint (phase 2) under a key of everything they depend on
 *    besides the text — the file's configuration, the lint options, and a
 *    fingerprint of every summary in the index (with each file's path and
 *    crate), so that cross-file findings (reachability, the ambient runtime)
 *    are redone for every file as soon as any file's summary changes — and
 *    reused when edits leave every summary as it was.
 *
 * The file: a header line (format and tool), a line with the replay data,
 * and a line with the per-file data — parsed only when a run needs it (a
 * replay does not). The whole cache is dropped when the tool changes: its
 * version, its rule set, or the code it runs (the size and mtime of each
 * compiled file of lib/ and rules/). Summaries depend only on a file's path
 * and text, so they stay valid across config and project changes.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { FileSummary } from './index/summary';
import { crateFiles, crateOf } from './index/crates';
import type { ProjectIndex, SummaryStore } from './project';
import type { RuleModule } from './rule';
import type { FileConfig, LintMessage } from './types';
import { toolVersion } from './version';

export const DEFAULT_CACHE_FILE = '.rustokiocache';
const FORMAT = 2;
/**
 * A file whose mtime or ctime was less than this before it was read is
 * hashed again on the next run, whatever its stat says.
 */
export const STAT_GRACE_MS = 2000;

interface FileEntry {
  /** Hash of the file's text. */
  hash: string;
  summary?: FileSummary;
  summaryHash?: string;
  lint?: { key: string; messages: LintMessage[] };
}

/** A file as last read: [size, mtimeMs, ctimeMs, when it was read (ms since the epoch), text hash ('' when not UTF-8)]. */
export type SeenFile = [number, number, number, number, string];

interface ReplayData {
  seen: Record<string, SeenFile>;
  /** Per linted file, the messages of its last run and that run's key. */
  last: Record<string, { key: string; messages: LintMessage[] }>;
}

interface Header {
  format: number;
  tool: string;
}

/** What a file's messages depend on besides its text and the project. */
export interface LintKeyOptions {
  config: FileConfig;
  reportUnusedDisableDirectives?: boolean;
}

/** What a text read from disk looked like: its stat before the read, and when. */
export interface ReadStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  readAt: number;
}

/**
 * The cache file for `--cache-location` (default `.rustokiocache` in cwd);
 * a directory (one that exists, or a path ending in a separator) holds a
 * `.rustokiocache` file.
 */
export function cacheFilePath(cwd: string, location?: string): string {
  if (!location) return path.join(cwd, DEFAULT_CACHE_FILE);
  const abs = path.resolve(cwd, location);
  let isDir = /[\\/]$/.test(location);
  if (!isDir) {
    try {
      isDir = fs.statSync(abs).isDirectory();
    } catch {
      /* a file to create */
    }
  }
  return isDir ? path.join(abs, DEFAULT_CACHE_FILE) : abs;
}

/**
 * The files of the project a run over `filePaths` indexes: those files and
 * every `.rs` file of their crates (as lib/lint-files.ts reads them), sorted.
 */
export function projectFiles(filePaths: string[]): string[] {
  const out = new Set(filePaths.map((p) => path.resolve(p)));
  const roots = new Set<string>();
  for (const p of filePaths) {
    const crate = crateOf(p);
    if (!crate || roots.has(crate.root)) continue;
    roots.add(crate.root);
    for (const f of crateFiles(crate)) out.add(f);
  }
  return [...out].sort();
}

/** The hash the cache keeps of a text (null: unreadable or not UTF-8). */
export function textHash(text: string | null): string {
  return text === null ? '' : sha1(text);
}

export class LintCache implements SummaryStore {
  private filesData: Record<string, FileEntry> | null = null;
  private readonly replay: ReplayData;
  private readonly summaryHashes = new WeakMap<FileSummary, string>();
  private readonly textHashes = new Map<string, { text: string; hash: string }>();
  private projectFingerprint = '';
  private dirty = false;

  private constructor(
    readonly location: string,
    private readonly tool: string,
    replay: ReplayData | null,
    /** Reads the per-file line (the rest of the file), on first use; null when gone or changed since. */
    private filesText: Buffer | null | (() => Buffer | null),
  ) {
    this.replay = replay ?? { seen: {}, last: {} };
    if (!replay) this.dirty = true;
  }

  /** Loads the cache at `location`; a missing, unreadable or stale one starts empty. */
  static load(location: string, rules: ReadonlyMap<string, RuleModule<any>>): LintCache {
    const tool = toolFingerprint(rules);
    let replay: ReplayData | null = null;
    let filesText: Buffer | null | (() => Buffer | null) = null;
    try {
      // The per-file line (most of the file) is read only when a run needs it (a replay does not).
      const head = readLines(location, 2);
      const a = head.indexOf(10);
      const b = head.indexOf(10, a + 1);
      const header = JSON.parse(head.toString('utf8', 0, a)) as Header;
      if (a > 0 && b > a && header.format === FORMAT && header.tool === tool) {
        const r = JSON.parse(head.toString('utf8', a + 1, b)) as ReplayData;
        if (isRecord(r.seen) && isRecord(r.last)) {
          replay = r;
          filesText = () => {
            // The rest of the same file: another run may have saved a new one since.
            const raw = fs.readFileSync(location);
            return raw.subarray(0, b + 1).equals(head.subarray(0, b + 1)) ? raw.subarray(b + 1) : null;
          };
        }
      }
    } catch {
      replay = null;
    }
    return new LintCache(location, tool, replay, filesText);
  }

  /** The per-file line, read once (null: none, or unreadable). */
  private filesLine(): Buffer | null {
    if (typeof this.filesText === 'function') {
      try {
        this.filesText = this.filesText();
      } catch {
        this.filesText = null;
      }
    }
    return this.filesText;
  }

  /** The per-file entries, parsed on first use (a replay never needs them). */
  private get files(): Record<string, FileEntry> {
    if (this.filesData === null) {
      let data: unknown = null;
      try {
        const text = this.filesLine();
        if (text) data = JSON.parse(text.toString('utf8'));
      } catch {
        data = null;
      }
      this.filesData = isRecord(data) ? (data as Record<string, FileEntry>) : {};
      if (!isRecord(data)) this.dirty = true;
      this.filesText = null;
    }
    return this.filesData;
  }

  // ---- Replay (lib/run.ts) ----

  /**
   * The fingerprint of a project: every file's path, crate and text hash.
   * `hashes` has the hashes of the texts at hand (the linted files); the
   * others are taken from the cache when their stat says they did not
   * change, else read with `read` (and remembered).
   */
  fingerprint(files: string[], hashes: ReadonlyMap<string, string>, read: (p: string) => { text: string | null; stat: ReadStat | null }): string {
    const h = createHash('sha1');
    for (const f of files) {
      let hash = hashes.get(f);
      if (hash === undefined) hash = this.seenHash(f) ?? this.readAndSee(f, read);
      const crate = crateOf(f);
      h.update(`${f}\0${crate?.root ?? ''}\0${crate?.name ?? ''}\0${hash}\n`);
    }
    return h.digest('hex');
  }

  /** Remembers how a file looked when its text was read (so that a later run need not read it). */
  see(filePath: string, text: string | null, stat: ReadStat | null): string {
    const abs = path.resolve(filePath);
    const hash = text === null ? textHash(null) : this.hashOf(abs, text);
    if (!stat) {
      if (this.replay.seen[abs]) {
        delete this.replay.seen[abs];
        this.dirty = true;
      }
      return hash;
    }
    const old = this.replay.seen[abs];
    const entry: SeenFile = [stat.size, stat.mtimeMs, stat.ctimeMs, stat.readAt, hash];
    if (!old || old[0] !== entry[0] || old[1] !== entry[1] || old[2] !== entry[2] || old[4] !== entry[4] || !trusted(old)) {
      this.replay.seen[abs] = entry;
      this.dirty = true;
    }
    return hash;
  }

  /** The messages of each file from the last run with the same key, or null when some file has none. */
  replayMessages(files: { filePath: string; config: FileConfig }[], fingerprint: string, opts: { reportUnusedDisableDirectives?: boolean }): LintMessage[][] | null {
    const out: LintMessage[][] = [];
    for (const f of files) {
      const last = this.replay.last[path.resolve(f.filePath)];
      if (!last || last.key !== replayKey(f.config, opts.reportUnusedDisableDirectives, fingerprint)) return null;
      out.push(last.messages);
    }
    return out;
  }

  /** Records a file's messages for replay (null: forget them, e.g. a rule threw). */
  recordMessages(filePath: string, config: FileConfig, fingerprint: string, opts: { reportUnusedDisableDirectives?: boolean }, messages: LintMessage[] | null): void {
    const abs = path.resolve(filePath);
    if (messages === null) {
      if (this.replay.last[abs]) delete this.replay.last[abs];
    } else this.replay.last[abs] = { key: replayKey(config, opts.reportUnusedDisableDirectives, fingerprint), messages };
    this.dirty = true;
  }

  /**
   * The text hash and size of a file whose stat says its text is the one
   * last read, and was valid UTF-8 then; else undefined (read it).
   */
  unchangedText(filePath: string): { hash: string; size: number } | undefined {
    const abs = path.resolve(filePath);
    const hash = this.seenHash(abs);
    return hash ? { hash, size: this.replay.seen[abs][0] } : undefined;
  }

  /** The recorded hash of a file whose stat says it is unchanged since it was read; else undefined. */
  private seenHash(filePath: string): string | undefined {
    const s = this.replay.seen[filePath];
    if (!s || !trusted(s)) return undefined;
    let st: fs.Stats;
    try {
      st = fs.statSync(filePath);
    } catch {
      return undefined;
    }
    return st.isFile() && st.size === s[0] && st.mtimeMs === s[1] && st.ctimeMs === s[2] ? s[4] : undefined;
  }

  private readAndSee(filePath: string, read: (p: string) => { text: string | null; stat: ReadStat | null }): string {
    const { text, stat } = read(filePath);
    return this.see(filePath, text, stat);
  }

  // ---- Per file (lib/lint-files.ts) ----

  // SummaryStore: the project index asks here before parsing a file.
  get(filePath: string, text: string): FileSummary | undefined {
    const e = this.entry(filePath, text);
    if (!e?.summary) return undefined;
    if (e.summaryHash) this.summaryHashes.set(e.summary, e.summaryHash);
    return e.summary;
  }

  set(filePath: string, text: string, summary: FileSummary): void {
    const e = this.entryFor(filePath, text);
    e.summary = summary;
    e.summaryHash = this.summaryHash(summary);
    this.dirty = true;
  }

  /** Whether the summary of this text is cached (then the file need not be parsed for phase 1). */
  hasSummary(filePath: string, text: string): boolean {
    return !!this.entry(filePath, text)?.summary;
  }

  /** Fixes the project the lint keys refer to; call after phase 1, before phase 2. */
  setProject(project: ProjectIndex): void {
    const h = createHash('sha256');
    const entries = [...project.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [filePath, { crateId, summary }] of entries) {
      h.update(`${filePath}\0${crateId}\0${crateOf(filePath)?.name ?? ''}\0${this.summaryHash(summary)}\n`);
    }
    this.projectFingerprint = h.digest('hex');
  }

  /** The messages of the last lint of this text under the same key, or undefined. */
  messages(filePath: string, text: string, opts: LintKeyOptions): LintMessage[] | undefined {
    const lint = this.entry(filePath, text)?.lint;
    return lint && lint.key === this.lintKey(opts) ? lint.messages : undefined;
  }

  storeMessages(filePath: string, text: string, opts: LintKeyOptions, messages: LintMessage[]): void {
    this.entryFor(filePath, text).lint = { key: this.lintKey(opts), messages };
    this.dirty = true;
  }

  /**
   * Writes the cache (atomically) when it changed, dropping entries of
   * files that no longer exist. Returns why it could not, or null.
   */
  save(): string | null {
    if (!this.dirty) return null;
    const exists = new Map<string, boolean>();
    const gone = (f: string) => {
      let e = exists.get(f);
      if (e === undefined) exists.set(f, (e = fs.existsSync(f)));
      return !e;
    };
    for (const f of Object.keys(this.replay.seen)) if (gone(f)) delete this.replay.seen[f];
    for (const f of Object.keys(this.replay.last)) if (gone(f)) delete this.replay.last[f];
    let filesLine: string | Buffer = this.filesData ? '' : (this.filesLine() ?? '{}');
    if (this.filesData) {
      for (const f of Object.keys(this.filesData)) if (gone(f)) delete this.filesData[f];
      filesLine = JSON.stringify(this.filesData);
    }
    const header: Header = { format: FORMAT, tool: this.tool };
    const tmp = `${this.location}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.location), { recursive: true });
      fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n${JSON.stringify(this.replay)}\n`), Buffer.from(filesLine)]));
      fs.renameSync(tmp, this.location);
      this.dirty = false;
      return null;
    } catch (e) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        /* never written */
      }
      return (e as Error).message;
    }
  }

  private lintKey(opts: LintKeyOptions): string {
    return sha1(`${configText(opts.config)}\0${opts.reportUnusedDisableDirectives ? 1 : 0}\0${this.projectFingerprint}`);
  }

  /** The text hash of a file's text, made once per text (`textHash`). */
  private hashOf(filePath: string, text: string): string {
    const abs = path.resolve(filePath);
    const memo = this.textHashes.get(abs);
    if (memo && memo.text === text) return memo.hash;
    const hash = textHash(text);
    this.textHashes.set(abs, { text, hash });
    return hash;
  }

  /** The entry of this file when it was made from the same text. */
  private entry(filePath: string, text: string): FileEntry | undefined {
    const e = this.files[path.resolve(filePath)];
    return e && e.hash === this.hashOf(filePath, text) ? e : undefined;
  }

  /** The entry of this text, replacing one made from another text. */
  private entryFor(filePath: string, text: string): FileEntry {
    const abs = path.resolve(filePath);
    const hash = this.hashOf(filePath, text);
    let e = this.files[abs];
    if (!e || e.hash !== hash) this.files[abs] = e = { hash };
    return e;
  }

  private summaryHash(summary: FileSummary): string {
    let h = this.summaryHashes.get(summary);
    if (!h) {
      h = sha256(JSON.stringify(summary));
      this.summaryHashes.set(summary, h);
    }
    return h;
  }
}

/** Whether a file's stat can stand for its text: it had not changed for a while when it was read. */
function trusted(s: SeenFile): boolean {
  return Math.max(s[1], s[2]) < s[3] - STAT_GRACE_MS;
}

/** JSON of configurations (the config resolver shares one object between the files of a directory). */
const configJson = new WeakMap<FileConfig, string>();
function configText(config: FileConfig): string {
  let s = configJson.get(config);
  if (s === undefined) configJson.set(config, (s = JSON.stringify(config)));
  return s;
}

function replayKey(config: FileConfig, reportUnusedDisableDirectives: boolean | undefined, fingerprint: string): string {
  return sha1(`${configText(config)}\0${reportUnusedDisableDirectives ? 1 : 0}\0${fingerprint}`);
}

function sha1(s: string): string {
  return createHash('sha1').update(s).digest('hex');
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function isRecord(v: unknown): v is Record<string, any> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

let codeStamp: string | undefined;

/**
 * The tool as the cache sees it: version, rule set, and the code of lib/ and
 * rules/ — the path, size and mtime of each compiled file (a stat each: a
 * rebuild drops the cache, with no file read or hashed on every run).
 */
export function toolFingerprint(rules: ReadonlyMap<string, RuleModule<any>>): string {
  if (codeStamp === undefined) {
    const h = createHash('sha1');
    const root = path.dirname(__dirname);
    for (const dir of ['lib', 'rules']) {
      for (const f of codeFiles(path.join(root, dir))) {
        let st: fs.Stats;
        try {
          st = fs.statSync(f);
        } catch {
          continue;
        }
        h.update(`${path.relative(root, f)}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
    codeStamp = h.digest('hex');
  }
  const ruleSet = [...rules.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, r]) => `${id}:${sha1(String(r.create))}`)
    .join(',');
  return `${toolVersion()}|${sha1(ruleSet)}|${codeStamp}`;
}

/** The .js/.ts files under a directory (no maps or declarations), sorted. */
function codeFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (/\.(js|ts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  }
  return out.sort();
}

/** The first `n` lines of a file (with their newlines; all of it when it has fewer), read in chunks. */
function readLines(file: string, n: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let seen = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      const got = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(chunk.subarray(0, got));
      for (let i = chunk.indexOf(10); i >= 0 && i < got; i = chunk.indexOf(10, i + 1)) seen++;
      if (seen >= n) break;
    }
    return Buffer.concat(chunks);
  } finally {
    fs.closeSync(fd);
  }
}
