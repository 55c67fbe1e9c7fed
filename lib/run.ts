/**
 * One lint run: configuration, discovery, reading, the project index
 * (phase 1), linting and fixing each file (phase 2), writing fixes, and the
 * exit code. The command line is a thin shell around `runLint`.
 */
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import * as path from 'path';
import { ConfigResolver, parseRuleFlags, RuleRegistry } from './config';
import { discoverFiles, IgnoredFile } from './files';
import type { ProjectIndex } from './project';
import { isApplicable } from './types';
import type { FileConfig, LintMessage, LintResult } from './types';
import { unifiedDiff } from './diff';
import type { LintCache, ReadStat } from './cache';
import { stdinDiscovery } from './stdin';
import type { FileOutcome, LintFilesStats } from './lint-files';
import { allRules } from '../rules';

export interface RunOptions {
  cwd?: string;
  /** Files, directories or globs; default `['.']`. */
  patterns?: string[];
  /** Apply fixes and write the files. */
  fix?: boolean;
  /** Compute fixes into `output`, write nothing. */
  fixDryRun?: boolean;
  /** Compute fixes and produce a unified diff of them, write nothing. */
  diff?: boolean;
  /** Apply (and count as fixable) unsafe fixes too. */
  unsafeFixes?: boolean;
  /** `--config <file>`. */
  configFile?: string;
  /** False for `--no-config`. */
  useConfigFiles?: boolean;
  /** Raw `--rule` values. */
  ruleFlags?: string[];
  /** False for `--no-ignore`. */
  ignore?: boolean;
  /** `--ignore-pattern` values. */
  ignorePatterns?: string[];
  /** Report errors only. */
  quiet?: boolean;
  /** More warnings than this make the run fail; negative: no limit. */
  maxWarnings?: number;
  reportUnusedDisableDirectives?: boolean;
  /** Worker threads for linting (default: the machine's cores; small runs stay on the main thread). */
  threads?: number;
  /** How much text for the rules makes a run large enough for workers (lib/lint-files.ts PARALLEL_MIN_BYTES; tests). */
  parallelMinBytes?: number;
  /** The rule registry (tests). */
  rules?: RuleRegistry;
  /** Lint this text (`--stdin`) as the file at `filePath`, instead of discovering files; nothing is written. */
  stdin?: { text: string | Buffer; filePath: string };
  /** Reuse the messages of unchanged files from the cache (`--cache`; not with `stdin`). */
  cache?: boolean;
  /** The cache file, or a directory for it (`--cache-location`); default `.rustokiocache` in cwd. */
  cacheLocation?: string;
  /** Called after each file of phase 2. */
  onProgress?: (done: number, total: number) => void;
}

export interface RunStats {
  files: number;
  bytes: number;
  discoverMs: number;
  readMs: number;
  indexMs: number;
  lintMs: number;
  writeMs: number;
  totalMs: number;
  /** Threads, files linted / skipped by the prefilter / cached, and time per kind of work (lib/lint-files.ts). */
  engine?: LintFilesStats;
}

export interface RunOutcome {
  /** One result per linted (or reported) file, sorted by path. */
  results: LintResult[];
  /** 0 clean; 1 errors remain or too many warnings; 2 missing paths, unreadable files, rules that threw. */
  exitCode: 0 | 1 | 2;
  /** Problems of the run itself, one line each (missing paths, rules that threw, failed writes). */
  internalErrors: string[];
  /** Whether the warnings exceeded `maxWarnings`. */
  tooManyWarnings: boolean;
  /** With `diff`: the unified diff of every file the fixes would change. */
  diff: string;
  stats: RunStats;
}

interface ReadFile {
  filePath: string;
  raw: Buffer;
  text: string;
  /** How the file looked when read (for the cache); none for stdin. */
  stat?: ReadStat;
}

/** A file not read: the cache knows its text (valid UTF-8), and its stat says it did not change since. */
interface KnownFile {
  filePath: string;
  hash: string;
  size: number;
}

export const IGNORED_MESSAGE = 'File ignored because of a matching ignore pattern. Use "--no-ignore" to override.';
export const IGNORED_BY_DEFAULT_MESSAGE = 'File ignored by default (target/, .git/, node_modules/). Use "--no-ignore" to override.';

/**
 * Lints the files the options name. Throws ConfigError when a configuration
 * (a file, `--config` or `--rule`) is bad: that stops the run.
 */
export async function runLint(options: RunOptions = {}): Promise<RunOutcome> {
  const t0 = now();
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const rules = options.rules ?? allRules;
  const unsafe = !!options.unsafeFixes;
  const fixing = !!(options.fix || options.fixDryRun || options.diff);
  const stats: RunStats = { files: 0, bytes: 0, discoverMs: 0, readMs: 0, indexMs: 0, lintMs: 0, writeMs: 0, totalMs: 0 };
  const internalErrors: string[] = [];
  const results: LintResult[] = [];
  let diff = '';

  const resolver = new ConfigResolver({
    cwd,
    configFile: options.configFile,
    useConfigFiles: options.useConfigFiles,
    cliRules: parseRuleFlags(options.ruleFlags ?? [], rules),
    rules,
  });
  const discoverOptions = {
    cwd,
    patterns: options.patterns,
    ignore: options.ignore,
    ignorePatterns: options.ignorePatterns,
    isIgnoredByConfig: (p: string, isDir: boolean) => resolver.isIgnored(p, isDir),
  };
  const stdin = options.stdin;
  const discovery = stdin ? stdinDiscovery(stdin.filePath, discoverOptions) : discoverFiles(discoverOptions);
  internalErrors.push(...discovery.errors);
  for (const ig of discovery.ignored) results.push(ignoredResult(ig));
  stats.discoverMs = now() - t0;

  // With the cache (loaded only for --cache), a file whose stat says its
  // text is the one the cache knows is not read unless the run lints it.
  let t = now();
  const cacheModule = options.cache && !stdin ? (require('./cache') as typeof import('./cache')) : null;
  const cache = cacheModule ? cacheModule.LintCache.load(cacheModule.cacheFilePath(cwd, options.cacheLocation), rules) : null;

  // Read every file; text that is not UTF-8 is reported, never linted or rewritten.
  const readOne = (filePath: string): ReadFile | null => {
    let raw: Buffer;
    let stat: ReadStat;
    try {
      ({ raw, stat } = readRegularFileStat(filePath));
    } catch (e) {
      internalErrors.push(`Cannot read ${filePath}: ${(e as Error).message}`);
      return null;
    }
    const text = decode(raw);
    if (typeof text !== 'string') {
      results.push(fileMessageResult(filePath, text.problem, 2, true));
      return null;
    }
    return { filePath, raw, text, stat };
  };
  const entries: (ReadFile | KnownFile)[] = [];
  for (const filePath of discovery.files) {
    const known = cache?.unchangedText(filePath);
    if (known) {
      stats.bytes += known.size;
      entries.push({ filePath, ...known });
      continue;
    }
    const f = readOne(filePath);
    if (f) entries.push(f);
    stats.bytes += f?.raw.length ?? 0;
  }
  if (stdin && discovery.ignored.length === 0) {
    const filePath = path.resolve(cwd, stdin.filePath);
    const raw = typeof stdin.text === 'string' ? Buffer.from(stdin.text) : stdin.text;
    const text = decode(raw);
    stats.bytes += raw.length;
    if (typeof text === 'string') entries.push({ filePath, raw, text });
    else results.push(fileMessageResult(filePath, text.problem, 2, true));
  }
  stats.files = entries.length;
  stats.readMs = now() - t;

  // Phases 1 and 2 (lib/lint-files.ts): the project index, demand-driven over
  // the linted files and the rest of their crates, and lint (and fix) of each
  // file an enabled rule's prefilter lets through, on worker threads for
  // large runs. With the cache, a run whose project did not change replays
  // the last run's messages instead (lib/cache.ts): lint-files, tree-sitter
  // and the rules' engine are not even loaded.
  t = now();
  const keyOpts = { reportUnusedDisableDirectives: !!options.reportUnusedDisableDirectives };
  /** Text hashes of the files of the project, as this run read them (or the cache vouched for them). */
  const hashes = new Map<string, string>();
  const hashOf = (f: ReadFile | KnownFile) => ('text' in f ? cache!.see(f.filePath, f.text, f.stat ?? null) : f.hash);
  if (cache) {
    const configs = entries.map((f) => resolver.configFor(f.filePath));
    for (const f of entries) hashes.set(path.resolve(f.filePath), hashOf(f));
    const fingerprint = cache.fingerprint(cacheModule!.projectFiles(entries.map((f) => f.filePath)), hashes, readCrateFileStat);
    const replayed = cache.replayMessages(entries.map((f, i) => ({ filePath: f.filePath, config: configs[i] })), fingerprint, keyOpts);
    if (replayed && !(fixing && replayed.some((ms) => ms.some((m) => isApplicable(m.fix, unsafe))))) {
      stats.engine = {
        workers: 0, workerTasks: 0, linted: 0, skipped: 0, cached: entries.length, indexedUpFront: 0, indexMs: now() - t, lintMs: 0, parseCpuMs: 0, ruleCpuMs: 0, indexCpuMs: 0,
      };
      stats.indexMs = stats.engine.indexMs;
      entries.forEach((f, i) => {
        const r = makeResult(f.filePath, replayed[i], unsafe, 'text' in f ? f.text : undefined);
        if (!('text' in f)) lazySource(r);
        results.push(r);
      });
      return finish(cache);
    }
  }

  // Linting needs every text.
  const files: ReadFile[] = [];
  for (const e of entries) {
    if ('text' in e) files.push(e);
    else {
      const f = readOne(e.filePath);
      if (f) files.push(f);
      if (f && cache) hashes.set(path.resolve(f.filePath), hashOf(f));
    }
  }
  const { defaultThreads, lintFiles } = require('./lint-files') as typeof import('./lint-files');
  /** The files of the rest of the crates the run read (with the cache). */
  const crateReads = new Set<string>();
  const read = cache
    ? (p: string) => {
        const r = readCrateFileStat(p);
        const abs = path.resolve(p);
        hashes.set(abs, cache.see(abs, r.text, r.stat));
        crateReads.add(abs);
        return r.text;
      }
    : readCrateFile;
  const linted = await lintFiles(files, {
    rules,
    threads: rules === allRules ? (options.threads ?? defaultThreads()) : 1,
    parallelMinBytes: options.parallelMinBytes,
    configFor: (p) => resolver.configFor(p),
    read,
    fixing,
    unsafe,
    reportUnusedDisableDirectives: !!options.reportUnusedDisableDirectives,
    cache: cache ?? undefined,
    onProgress: options.onProgress,
  });
  const outcomes = linted.outcomes;
  stats.engine = linted.stats;
  stats.indexMs = linted.stats.indexMs;
  stats.lintMs = linted.stats.lintMs;
  // For replay: each file's messages under the fingerprint of the project as this run read it —
  // unless fixes changed some text (then other files' messages may come from the fixed texts).
  if (cache && !outcomes.some((o) => o.output !== undefined)) {
    const universe = [...new Set([...files.map((f) => path.resolve(f.filePath)), ...crateReads])].sort();
    const fingerprint = cache.fingerprint(universe, hashes, readCrateFileStat);
    files.forEach((f, i) => {
      const o = outcomes[i];
      const clean = o.internalError === undefined && o.errors.length === 0;
      cache.recordMessages(f.filePath, resolver.configFor(f.filePath), fingerprint, keyOpts, clean ? o.messages : null);
    });
  }

  const lintOptsFor = (config: FileConfig, project: ProjectIndex) => ({
    config,
    project,
    reportUnusedDisableDirectives: options.reportUnusedDisableDirectives,
    unsafe,
    rules,
  });
  files.forEach((file, i) => {
    const outcome = outcomes[i];
    if (outcome.internalError !== undefined) {
      internalErrors.push(`Internal error on ${file.filePath}: ${outcome.internalError}`);
      return;
    }
    for (const err of outcome.errors) internalErrors.push(ruleThrew(err, file.filePath));
    let messages = outcome.messages;
    let output = outcome.output;
    if (output !== undefined && options.diff) {
      const rel = path.relative(cwd, file.filePath).split(path.sep).join('/');
      const name = rel.startsWith('..') || path.isAbsolute(rel) ? file.filePath : rel;
      diff += unifiedDiff(file.text, output, `a/${name}`, `b/${name}`);
    }
    if (output !== undefined && options.fix && !stdin) {
      const tw = now();
      const failure = writeFixed(file.filePath, file.raw, output);
      stats.writeMs += now() - tw;
      if (failure) {
        internalErrors.push(`Not fixed: ${file.filePath}: ${failure}`);
        // Report what the file that stays on disk has.
        const { lintAndFix } = require('./fixer') as typeof import('./fixer');
        messages = lintAndFix(file.filePath, file.text, lintOptsFor(resolver.configFor(file.filePath), linted.project), false).lint.messages;
        output = undefined;
      }
    }
    results.push(makeResult(file.filePath, messages, unsafe, file.text, output));
  });
  return finish(cache);

  /** Saves the cache, sorts the results, and makes the exit code. */
  function finish(cache: LintCache | null): RunOutcome {
    const cacheFailure = cache?.save();
    if (cacheFailure) internalErrors.push(`Cannot write the cache ${cache!.location}: ${cacheFailure}`);

    if (options.quiet) for (const r of results) filterQuiet(r);
    results.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));

    const errorCount = results.reduce((n, r) => n + r.errorCount, 0);
    const warningCount = results.reduce((n, r) => n + r.warningCount, 0);
    const maxWarnings = options.maxWarnings ?? -1;
    const tooManyWarnings = maxWarnings >= 0 && warningCount > maxWarnings;
    let exitCode: 0 | 1 | 2 = 0;
    if (internalErrors.length) exitCode = 2;
    else if (errorCount > 0 || tooManyWarnings || (options.diff && diff !== '')) exitCode = 1;
    stats.totalMs = now() - t0;
    return { results, exitCode, internalErrors, tooManyWarnings, diff, stats };
  }
}

/**
 * Gives a replayed result of a file that was not read its `source`, read
 * when a formatter asks (json and sarif show the text of files with problems).
 */
function lazySource(r: LintResult): void {
  let source: string | undefined;
  let done = false;
  Object.defineProperty(r, 'source', {
    enumerable: true,
    configurable: true,
    get() {
      if (!done) {
        done = true;
        try {
          const text = decode(readRegularFile(r.filePath));
          source = typeof text === 'string' ? text : undefined;
        } catch {
          source = undefined;
        }
      }
      return source;
    },
    set(v: string | undefined) {
      done = true;
      source = v;
    },
  });
}

/** A result with counts computed from its messages. */
export function makeResult(filePath: string, messages: LintMessage[], unsafe: boolean, source?: string, output?: string): LintResult {
  const r: LintResult = {
    filePath,
    messages,
    errorCount: 0,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
  };
  for (const m of messages) {
    const fixable = isApplicable(m.fix, unsafe);
    if (m.severity === 2) {
      r.errorCount++;
      if (fixable) r.fixableErrorCount++;
    } else {
      r.warningCount++;
      if (fixable) r.fixableWarningCount++;
    }
  }
  if (source !== undefined) r.source = source;
  if (output !== undefined) r.output = output;
  return r;
}

function filterQuiet(r: LintResult): void {
  if (r.warningCount === 0) return;
  r.messages = r.messages.filter((m) => m.severity === 2);
  r.warningCount = 0;
  r.fixableWarningCount = 0;
}

function fileMessageResult(filePath: string, message: string, severity: 1 | 2, fatal: boolean): LintResult {
  const m: LintMessage = { ruleId: null, severity, message, line: 1, column: 1, endLine: 1, endColumn: 1, start: 0, end: 0 };
  if (fatal) m.fatal = true;
  return makeResult(filePath, [m], false);
}

function ignoredResult(ig: IgnoredFile): LintResult {
  return fileMessageResult(ig.filePath, ig.reason === 'default' ? IGNORED_BY_DEFAULT_MESSAGE : IGNORED_MESSAGE, 1, false);
}

/** The text of a file, or why it is not linted. */
export function decode(raw: Buffer): string | { problem: string } {
  if (raw.includes(0)) return { problem: 'File contains NUL bytes (binary?); it was not linted.' };
  // Strict UTF-8, checked natively (simdutf), then decoded; a BOM stays in the text.
  if (!isUtf8(raw)) return { problem: 'File is not valid UTF-8; it was not linted.' };
  return raw.toString('utf8');
}

/**
 * Reads a regular file. A FIFO, socket or device is refused, not read
 * (reading a FIFO with no writer waits forever); so is a directory.
 */
export function readRegularFile(p: string): Buffer {
  return readRegularFileStat(p).raw;
}

/**
 * readRegularFile, with the file's stat taken before the read. With
 * `scratch`, the bytes are read into a buffer the next call reuses (a
 * crate's files are only decoded: no buffer per file to allocate, and for
 * the collector to track).
 */
function readRegularFileStat(p: string, scratch = false): { raw: Buffer; stat: ReadStat } {
  const readAt = Date.now();
  const fd = fs.openSync(p, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Error(st.isDirectory() ? 'it is a directory' : 'not a regular file (a FIFO, socket or device)');
    const stat = { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, readAt };
    if (!scratch) return { raw: fs.readFileSync(fd), stat };
    // Up to the end of the file, whatever its stat said (it may have grown since).
    let n = 0;
    for (;;) {
      if (n === scratchBuffer.length) scratchBuffer = Buffer.concat([scratchBuffer, Buffer.allocUnsafe(Math.max(st.size - n, scratchBuffer.length) + 1)]);
      const got = fs.readSync(fd, scratchBuffer, n, scratchBuffer.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return { raw: scratchBuffer.subarray(0, n), stat };
  } finally {
    fs.closeSync(fd);
  }
}

/** The buffer readRegularFileStat reads the files of a crate into. */
let scratchBuffer = Buffer.allocUnsafe(256 * 1024);

/** A file of a linted file's crate, for the index: its text, or null when unreadable or not UTF-8. */
function readCrateFile(p: string): string | null {
  return readCrateFileStat(p).text;
}

function readCrateFileStat(p: string): { text: string | null; stat: ReadStat | null } {
  try {
    const { raw, stat } = readRegularFileStat(p, true);
    const text = decode(raw);
    return typeof text === 'string' ? { text, stat } : { text: null, stat };
  } catch {
    return { text: null, stat: null };
  }
}

/** "rule-id: message" from the linter → "rule <id> threw on <file>: <msg>". */
function ruleThrew(err: string, filePath: string): string {
  const i = err.indexOf(': ');
  return i < 0 ? `rule threw on ${filePath}: ${err}` : `rule ${err.slice(0, i)} threw on ${filePath}: ${err.slice(i + 2)}`;
}

/**
 * Writes fixed text atomically: a temp file in the same directory, the
 * original mode (and owner, where allowed), then a rename over the real
 * path (a symlink keeps pointing at the fixed file). Returns why it did not
 * write, or null.
 */
export function writeFixed(filePath: string, original: Buffer, output: string): string | null {
  let real: string;
  let st: fs.Stats;
  try {
    real = fs.realpathSync(filePath);
    st = fs.statSync(real);
    if (!readRegularFile(real).equals(original)) return 'the file changed on disk since it was read';
  } catch (e) {
    return (e as Error).message;
  }
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.rustokio-${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  const mode = st.mode & 0o7777;
  try {
    fs.writeFileSync(tmp, output, { mode, flag: 'wx' });
    fs.chmodSync(tmp, mode);
    try {
      fs.chownSync(tmp, st.uid, st.gid);
    } catch {
      /* not allowed: keep our own */
    }
    fs.renameSync(tmp, real);
    return null;
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    return (e as Error).message;
  }
}

function now(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}
