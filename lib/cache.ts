/**
 * The lint cache (`--cache`, `--cache-location`): a JSON file that lets a
 * run skip parsing and linting the files that did not change.
 *
 * Per file it keeps the hash of the text, the file's project-index summary
 * (phase 1), and the messages of its last lint (phase 2) under a key of
 * everything they depend on besides the text:
 *
 * - the file's resolved configuration and the lint options;
 * - the project: a fingerprint of every summary in the index (with each
 *   file's path and crate), so that cross-file findings (reachability, the
 *   ambient runtime) are redone for every file as soon as any file's summary
 *   changes — and reused when edits leave every summary as it was.
 *
 * The whole cache is dropped when the tool changes: its version, its rule
 * set, or the code it runs (a hash of the compiled files of lib/ and rules/).
 * Summaries depend only on a file's path and text, so they stay valid across
 * config and project changes.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { FileSummary } from './index/summary';
import { crateOf } from './index/crates';
import type { ProjectIndex, SummaryStore } from './project';
import type { RuleModule } from './rule';
import type { FileConfig, LintMessage } from './types';
import { toolVersion } from './version';

export const DEFAULT_CACHE_FILE = '.rustokiocache';
const FORMAT = 1;

interface FileEntry {
  /** Hash of the file's text. */
  hash: string;
  summary?: FileSummary;
  summaryHash?: string;
  lint?: { key: string; messages: LintMessage[] };
}

interface CacheData {
  format: number;
  tool: string;
  files: Record<string, FileEntry>;
}

/** What a file's messages depend on besides its text and the project. */
export interface LintKeyOptions {
  config: FileConfig;
  reportUnusedDisableDirectives?: boolean;
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

export class LintCache implements SummaryStore {
  private readonly files: Record<string, FileEntry>;
  private readonly summaryHashes = new WeakMap<FileSummary, string>();
  private readonly textHashes = new Map<string, { text: string; hash: string }>();
  private projectFingerprint = '';
  private dirty = false;

  private constructor(readonly location: string, private readonly tool: string, data: CacheData | null) {
    this.files = data && data.format === FORMAT && data.tool === tool && isRecord(data.files) ? data.files : {};
    if (!data || this.files !== data.files) this.dirty = true;
  }

  /** Loads the cache at `location`; a missing, unreadable or stale one starts empty. */
  static load(location: string, rules: ReadonlyMap<string, RuleModule<any>>): LintCache {
    let data: CacheData | null = null;
    try {
      data = JSON.parse(fs.readFileSync(location, 'utf8'));
    } catch {
      data = null;
    }
    return new LintCache(location, toolFingerprint(rules), data);
  }

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
    for (const f of Object.keys(this.files)) if (!fs.existsSync(f)) delete this.files[f];
    const data: CacheData = { format: FORMAT, tool: this.tool, files: this.files };
    const tmp = `${this.location}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.location), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(data));
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
    return sha256(`${JSON.stringify(opts.config)}\0${opts.reportUnusedDisableDirectives ? 1 : 0}\0${this.projectFingerprint}`);
  }

  private hashOf(filePath: string, text: string): string {
    const memo = this.textHashes.get(filePath);
    if (memo && memo.text === text) return memo.hash;
    const hash = sha256(text);
    this.textHashes.set(filePath, { text, hash });
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

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function isRecord(v: unknown): v is Record<string, FileEntry> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

let codeHash: string | undefined;

/** The tool as the cache sees it: version, rule set, and a hash of the code of lib/ and rules/. */
function toolFingerprint(rules: ReadonlyMap<string, RuleModule<any>>): string {
  if (codeHash === undefined) {
    const h = createHash('sha256');
    const root = path.dirname(__dirname);
    for (const dir of ['lib', 'rules']) for (const f of codeFiles(path.join(root, dir))) h.update(f).update(fs.readFileSync(f));
    codeHash = h.digest('hex');
  }
  const ruleSet = [...rules.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, r]) => `${id}:${sha256(String(r.create))}`)
    .join(',');
  return `${toolVersion()}|${sha256(ruleSet)}|${codeHash}`;
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
