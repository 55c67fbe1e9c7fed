/**
 * Phases 1 and 2 of a run over the files it read (SPEC §6, §12), on the
 * main thread or on worker threads:
 *
 * 1. The project index is demand-driven over the linted files and the rest
 *    of their crates (lib/project.ts). With a cache, every file without a
 *    cached summary is summarised up front, in parallel (their parses are
 *    kept for phase 2 by the thread that made them); else nothing is.
 * 2. A file is parsed for the rules only when an enabled rule's prefilter
 *    matches its code (lib/prefilter.ts); other files are reported clean,
 *    unparsed. Each thread answers the index's questions on demand (the
 *    callers of a fn, found by name before parsing), and the summaries it
 *    makes go to the other threads: no file is summarised twice. A worker
 *    thread starts as soon as the run is known to want it.
 *
 * With fixing, files that changed are re-indexed and every file is fixed
 * again, up to `MAX_ROUNDS` rounds (lib/fix-rounds.ts). Outcomes come back
 * in the order of the files given; nothing here writes to disk.
 */
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { ProjectIndex, SummaryStore } from './project';
import { crateFiles, crateOf } from './index/crates';
import type { FileSummary } from './index/summary';
import { LintSession, LintTask, LintTaskResult, SessionOptions } from './session';
import { mayReport } from './prefilter';
import { isApplicable } from './fixer';
import { MAX_ROUNDS } from './fix-rounds';
import type { RuleModule } from './rule';
import type { FileConfig, LintMessage } from './types';

/**
 * Below this much text for the rules (the files the prefilter lets
 * through), worker threads cost more than they save. A worker is ready
 * after 0.1–0.2 s, its code is not optimised yet, and its index answers
 * again what the main thread's answered (summaries are shared, the text
 * searches are not). Measured on a 2-core machine: in a new process, tokio
 * 1.24 (0.7 MiB through the prefilter then; 0.3 MiB since it reads modules
 * and contexts from the text) took a median 1.30 s with a worker
 * against 1.43 s without (16 alternating runs, minimums equal), async-std
 * (0.1 MiB) was slower with one, 3,000 generated files (2 MiB) 4.5 s with
 * one against 5.0 s without; in a warm process a worker costs on tokio
 * (0.63 against 0.48 s). A compromise.
 */
export const PARALLEL_MIN_BYTES = 1024 * 1024;

export interface LintFilesOptions extends SessionOptions {
  rules: ReadonlyMap<string, RuleModule<any>>;
  /** Worker threads; 1 lints on the main thread. Workers need the built-in rules. */
  threads: number;
  /** Workers only from this much text for the rules on (default PARALLEL_MIN_BYTES; tests set it lower). */
  parallelMinBytes?: number;
  configFor(filePath: string): FileConfig;
  /** Reads a file of a linted file's crate (null: unreadable or not UTF-8). */
  read(filePath: string): string | null;
  cache?: LintFilesCache;
  /** Called as each file's first lint completes. */
  onProgress?: (done: number, total: number) => void;
}

/** What `--cache` plugs in (lib/cache.ts). */
export interface LintFilesCache extends SummaryStore {
  /** Called once every summary is in the index, before any file is linted. */
  setProject(project: ProjectIndex): void;
  messages(filePath: string, text: string, opts: { config: FileConfig; reportUnusedDisableDirectives?: boolean }): LintMessage[] | undefined;
  storeMessages(filePath: string, text: string, opts: { config: FileConfig; reportUnusedDisableDirectives?: boolean }, messages: LintMessage[]): void;
}

export interface FileOutcome {
  messages: LintMessage[];
  /** The fixed text (BOM kept), when fixing changed the file. */
  output?: string;
  /** Rules that threw, as "rule-id: message". */
  errors: string[];
  /** Why the file could not be linted at all. */
  internalError?: string;
  /** No enabled rule could report in it: not parsed. */
  skipped?: boolean;
  /** From the cache. */
  cached?: boolean;
}

export interface LintFilesStats {
  /** Worker threads started (0: all on the main thread). */
  workers: number;
  /** Files the workers linted (a worker gets work once it is up; a short run may be over before). */
  workerTasks: number;
  /** Files parsed and linted by the rules / skipped by the prefilter / from the cache. */
  linted: number;
  skipped: number;
  cached: number;
  /** Files of the index summarised up front / in all (on the main thread; workers summarise more on demand). */
  indexedUpFront: number;
  /** Wall milliseconds of phase 1 and of phase 2 (fix rounds included). */
  indexMs: number;
  lintMs: number;
  /** Milliseconds summed over threads: parsing for the rules, rules and fixes, summaries made on demand. */
  parseCpuMs: number;
  ruleCpuMs: number;
  indexCpuMs: number;
}

export interface LintFilesResult {
  outcomes: FileOutcome[];
  /** The main thread's index (for a re-lint after a failed write). */
  project: ProjectIndex;
  stats: LintFilesStats;
}

export type WorkerRequest =
  | { type: 'init'; universe: { filePath: string; text: string }[]; options: SessionOptions }
  | { type: 'summarize'; seq: number; files: { filePath: string; text: string }[]; keep: string[] }
  | { type: 'summaries'; list: [string, FileSummary][] }
  | { type: 'made'; list: [string, FileSummary][] }
  | { type: 'willLint'; filePaths: string[] }
  | { type: 'wontLint'; filePaths: string[] }
  | { type: 'lint'; seq: number; task: LintTask };

export type WorkerReply =
  | { type: 'loaded'; seq: -1 }
  | { type: 'ready'; seq: -1 }
  | { type: 'summarized'; seq: number; list: [string, FileSummary][] }
  | { type: 'linted'; seq: number; result: LintTaskResult }
  | { type: 'failed'; seq: number; message: string };

/** The default number of threads: the machine's cores. */
export function defaultThreads(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export async function lintFiles(input: { filePath: string; text: string }[], o: LintFilesOptions): Promise<LintFilesResult> {
  const files = input.map((f) => ({ filePath: path.resolve(f.filePath), text: f.text }));
  const minBytes = o.parallelMinBytes ?? PARALLEL_MIN_BYTES;
  /** Workers started so far (lintStarted starts them as soon as it knows the run wants them). */
  const started: Worker[] = [];
  try {
    return await lintStarted(files, o, started, minBytes);
  } catch (e) {
    await Promise.all(started.map(stopWorker));
    throw e;
  }
}

/** Worker threads by when each has loaded its modules and the parser. */
const loadedOf = new WeakMap<Worker, Promise<void>>();

/** A worker thread of a run (exported for tests). */
export function startWorker(): Worker {
  const w = new Worker(workerScript());
  loadedOf.set(
    w,
    new Promise<void>((resolve) => {
      w.on('message', (m: WorkerReply) => m.type === 'loaded' && resolve());
      w.on('error', () => resolve());
      w.once('exit', () => resolve());
    }),
  );
  return w;
}

/**
 * Stops a worker once it has loaded: stopping one while it loads
 * tree-sitter's native module aborts the whole process ("terminate called
 * after throwing an instance of 'Napi::Error'"), and so would exiting.
 */
export async function stopWorker(w: Worker): Promise<void> {
  await loadedOf.get(w);
  await w.terminate();
}

async function lintStarted(
  files: { filePath: string; text: string }[],
  o: LintFilesOptions,
  started: Worker[],
  minBytes: number,
): Promise<LintFilesResult> {
  // Each file's code (comments and strings aside), lexed once for both prefilter passes.
  const prefilterInputs: { filePath: string; text: string; code?: string | null; project?: ProjectIndex }[] = files.map((f) => ({ ...f }));
  const stats: LintFilesStats = {
    workers: 0, workerTasks: 0, linted: 0, skipped: 0, cached: 0, indexedUpFront: 0, indexMs: 0, lintMs: 0, parseCpuMs: 0, ruleCpuMs: 0, indexCpuMs: 0,
  };
  let t = now();

  // The index: the linted files, then the rest of their crates.
  const project = new ProjectIndex();
  if (o.cache) project.summaryStore = o.cache;
  const known = new Set(files.map((f) => f.filePath));
  const rest = restOfCrates(files.map((f) => f.filePath)).filter((p) => !known.has(p) && (known.add(p), true));
  project.addOnDemand(files);

  const configs = files.map((f) => o.configFor(f.filePath));
  const enabled = configs.map((c) => enabledRules(c, o.rules));
  const linted = new Set(files.map((f) => f.filePath));
  // Workers take a while to start (modules, the parser): each starts as soon as the run is known to
  // want it — a worker per `minBytes` of text for the rules (the files the prefilter lets through
  // without the index) or to summarise up front (a cold cache), beside the main thread. One started
  // and stopped unused would cost the run more than the time it saves a run that wants it.
  const want = (n: number) => {
    while (started.length < Math.min(n, o.threads - 1, files.length - 1)) started.push(startWorker());
  };
  let bytes = 0;
  let passing = 0;
  /** The files the prefilter lets through without the index: phase 1 keeps their parses for phase 2. */
  const likely = new Set<string>();
  files.forEach((f, i) => {
    if (!mayReport(enabled[i], prefilterInputs[i], o.reportUnusedDisableDirectives)) return;
    bytes += f.text.length;
    passing++;
    likely.add(f.filePath);
    if (passing > 1) want(Math.floor(bytes / minBytes));
  });
  // The codes lexed for the prefilter serve the index too.
  for (const f of prefilterInputs) if (f.code !== undefined) project.codeFor(f.filePath, f.text, f.code);
  // The rest of the crates: read now when workers may need the texts or the
  // cache looks every file up, else when the index needs them.
  const universe = [...files];
  if (started.length > 0 || o.cache) {
    for (const p of rest) {
      const text = o.read(p);
      if (text !== null) universe.push({ filePath: p, text });
    }
    project.addOnDemand(universe);
  } else project.addOnDemand(rest.map((filePath) => ({ filePath })), o.read);
  const textOf = new Map(universe.map((f) => [f.filePath, f.text]));
  // Up front: with a cache, every file without a cached summary (its key
  // covers every summary); else none: each thread's index summarises what
  // its files ask about, and hands what it made to the other threads.
  const upFront = o.cache ? universe.filter((f) => !o.cache!.get(f.filePath, f.text)).map((f) => f.filePath) : [];
  // The main thread is one of the threads: it works beside the workers, which the text to
  // summarise up front (split freely) or for the rules (past the main thread's share) calls for.
  const upFrontBytes = upFront.reduce((n, p) => n + textOf.get(p)!.length, 0);
  want(Math.floor(upFrontBytes / minBytes));
  // The pool owns them from here.
  const pool = new Pool(started.splice(0), universe, o, project);
  stats.workers = pool.size;
  const owner = new Map<string, number>();

  try {
    // Phase 1.
    const phase1 = upFront.map((p) => ({ filePath: p, text: textOf.get(p)! }));
    // Parses kept only of the files likely to be linted: the others' trees would be held to the end
    // of phase 2 for nothing (a file the index lets through later is parsed again).
    const summaries = await pool.summarize(phase1, likely, owner);
    project.addSummaries(summaries);
    for (const [filePath, summary] of summaries) o.cache?.set(filePath, textOf.get(filePath)!, summary);
    pool.broadcast(summaries, owner);
    stats.indexedUpFront = summaries.length;
    o.cache?.setProject(project);
    stats.indexMs = now() - t;
    t = now();

    // Phase 2. Parses made from here on of files to lint are kept for their turn (the prefilter below
    // may summarise some, on the main thread, for the runtime accessors it asks about).
    pool.willLint([...linted]);
    const outcomes: FileOutcome[] = files.map(() => ({ messages: [], errors: [] }));
    const current = files.map((f) => f.text);
    const summaryOf: (FileSummary | undefined)[] = [];
    let done = 0;
    const progress = () => o.onProgress?.(++done, files.length);
    const tasks: LintTask[] = [];
    const askingIndex = enabled.map((rules) => rules.filter((r) => typeof r.meta.prefilter === 'function'));
    files.forEach((f, i) => {
      const config = configs[i];
      prefilterInputs[i].project = project;
      // A file the prefilter let through without the index passes with it; for the others only the
      // rules whose prefilter asks the index may answer otherwise now.
      if (!likely.has(f.filePath) && !mayReport(askingIndex[i], prefilterInputs[i])) {
        outcomes[i].skipped = true;
        stats.skipped++;
        progress();
        return;
      }
      const cached = o.cache?.messages(f.filePath, f.text, { config, reportUnusedDisableDirectives: o.reportUnusedDisableDirectives });
      if (cached && !(o.fixing && cached.some((m) => isApplicable(m.fix, o.unsafe)))) {
        outcomes[i] = { messages: cached, errors: [], cached: true };
        stats.cached++;
        progress();
        return;
      }
      tasks.push({ id: i, filePath: f.filePath, text: f.text, config });
    });
    stats.linted = tasks.length;
    pool.wontLint(files.filter((_, i) => outcomes[i].skipped || outcomes[i].cached).map((f) => f.filePath));
    const account = (r: LintTaskResult) => {
      stats.parseCpuMs += r.parseMs;
      stats.ruleCpuMs += r.lintMs;
      stats.indexCpuMs += r.indexMs;
    };
    let changed: number[] = [];
    /** Whether another round could change anything (see LintTaskResult.changesAnswers, unsettled). */
    let again = false;
    /** Of the files fixed in a round: those whose fix changed what the index answers, those left with fixes to apply. */
    let answering: string[] = [];
    let unsettled = new Set<number>();
    const note = (r: LintTaskResult) => {
      if (r.changesAnswers) answering.push(files[r.id].filePath);
      if (r.unsettled) unsettled.add(r.id);
      if (r.changesAnswers || r.unsettled) again = true;
    };
    await pool.lint(tasks, owner, (r) => {
      account(r);
      const f = files[r.id];
      outcomes[r.id] = { messages: r.messages, errors: r.errors };
      if (r.internalError !== undefined) outcomes[r.id].internalError = r.internalError;
      if (r.output !== undefined) {
        outcomes[r.id].output = r.output;
        current[r.id] = r.output;
        summaryOf[r.id] = r.summary;
        changed.push(r.id);
        note(r);
      } else if (o.cache && r.errors.length === 0 && r.internalError === undefined) {
        o.cache.storeMessages(f.filePath, f.text, { config: configs[r.id], reportUnusedDisableDirectives: o.reportUnusedDisableDirectives }, r.messages);
      }
      progress();
    });

    // Fixing across files: re-index what changed, fix again the files that can come out otherwise:
    // those left with fixes to apply, and — when a fix changed what the index answers — the files
    // of the crates that see a crate where it did (a test target sees only itself; the ambient
    // runtime is the project's: every file when it changed). Any other file would be linted again
    // with the same answers and come out the same.
    for (let round = 1; round < MAX_ROUNDS && changed.length && again; round++) {
      again = false;
      const updates: [string, FileSummary][] = changed.filter((i) => summaryOf[i]).map((i) => [files[i].filePath, summaryOf[i]!]);
      const ambient = answering.length > 0 && project.hasTokioMain;
      project.addSummaries(updates);
      pool.broadcast(updates, new Map());
      const everyFile = answering.length > 0 && project.hasTokioMain !== ambient;
      const sees = project.crateSeeing(answering);
      const redo = (i: number) => everyFile || unsettled.has(i) || sees(files[i].filePath);
      answering = [];
      unsettled = new Set();
      const tasksAgain: LintTask[] = [];
      files.forEach((f, i) => {
        if (outcomes[i].internalError !== undefined || outcomes[i].cached || !redo(i)) return;
        if (outcomes[i].skipped && !mayReport(enabled[i], { filePath: f.filePath, text: current[i], project }, o.reportUnusedDisableDirectives)) return;
        tasksAgain.push({ id: i, filePath: f.filePath, text: current[i], config: configs[i] });
      });
      const next: number[] = [];
      await pool.lint(tasksAgain, owner, (r) => {
        account(r);
        if (r.output === undefined || r.internalError !== undefined) return;
        outcomes[r.id] = { messages: r.messages, errors: r.errors, output: r.output };
        current[r.id] = r.output;
        summaryOf[r.id] = r.summary;
        next.push(r.id);
        note(r);
      });
      changed = next;
    }
    stats.lintMs = now() - t;
    return { outcomes, project, stats };
  } finally {
    stats.workerTasks = pool.workerTasks;
    await pool.close();
  }
}

/** The rules a config enables. */
function enabledRules(config: FileConfig, rules: ReadonlyMap<string, RuleModule<any>>): RuleModule<any>[] {
  const out: RuleModule<any>[] = [];
  for (const [id, setting] of Object.entries(config.rules)) {
    const rule = rules.get(id);
    if (rule && setting.severity !== 0) out.push(rule);
  }
  return out;
}

/** Every `.rs` file of the crates of these files, crate by crate (the order a full index adds them in). */
function restOfCrates(filePaths: string[]): string[] {
  const roots = new Set<string>();
  const out: string[] = [];
  for (const p of filePaths) {
    const crate = crateOf(p);
    if (!crate || roots.has(crate.root)) continue;
    roots.add(crate.root);
    out.push(...crateFiles(crate));
  }
  return out;
}

/** Chunks of about this many bytes go to a thread at a time in phase 1. */
const CHUNK_BYTES = 64 * 1024;
/** The main thread, as a member of the pool. */
const MAIN = -1;
/** Tasks a worker holds at a time: one running, one waiting (no idle gap between them). */
const LANES = 2;

/**
 * The threads of a run: the main thread, and worker threads beside it. Work
 * goes to the thread that holds a file's parse; other work to whichever
 * thread is free. The main thread takes its share between messages, so a
 * run starts before any worker is up.
 */
class Pool {
  private readonly workers: Worker[] = [];
  private localSession: LintSession | null = null;
  private readonly waiting = new Map<number, (reply: WorkerReply) => void>();
  private readonly ownerOf = new Map<number, number>();
  private readonly dead = new Map<number, string>();
  private readonly options: SessionOptions;
  private seq = 0;
  /** Per worker: settles when it is ready for work (or dead). Work goes to a worker only once it is. */
  private readonly ready: Promise<void>[] = [];
  private readonly isReady = new Set<number>();
  /** Tasks the workers did. */
  workerTasks = 0;

  /** Worker threads in the pool. */
  get size(): number {
    return this.workers.length;
  }

  /** @param started worker threads started for this pool (it owns them from here). */
  constructor(started: Worker[], universe: { filePath: string; text: string }[], private readonly o: LintFilesOptions, private readonly project: ProjectIndex) {
    project.shareMade = started.length > 0;
    this.options = { fixing: o.fixing, unsafe: o.unsafe, reportUnusedDisableDirectives: o.reportUnusedDisableDirectives };
    const options = this.options;
    for (let i = 0; i < started.length; i++) {
      const w = started[i];
      let settle: () => void = () => {};
      this.ready.push(new Promise<void>((resolve) => (settle = resolve)));
      w.on('message', (reply: WorkerReply) => {
        if (reply.type === 'loaded') return;
        if (reply.type === 'ready') {
          this.isReady.add(i);
          settle();
          return;
        }
        const resolve = this.waiting.get(reply.seq);
        this.waiting.delete(reply.seq);
        resolve?.(reply);
      });
      const fail = (why: string) => {
        if (this.dead.has(i)) return;
        this.dead.set(i, why);
        settle();
        // Whatever this worker still owed fails; the caller falls back to the others.
        for (const [seq, resolve] of [...this.waiting]) {
          if (this.ownerOf.get(seq) !== i) continue;
          this.waiting.delete(seq);
          resolve({ type: 'failed', seq, message: why });
        }
      };
      w.on('error', (e) => fail(`worker thread failed: ${e instanceof Error ? e.message : String(e)}`));
      w.on('exit', (code) => fail(`worker thread exited (code ${code})`));
      w.postMessage({ type: 'init', universe, options } satisfies WorkerRequest);
      this.workers.push(w);
    }
  }

  /**
   * Waits for worker `i` to be ready, or for the main thread to have taken
   * every task (then a worker still starting is passed by: waiting for it
   * would only make the run longer). Whether it is ready and alive.
   */
  private async whenReady(i: number, mainDone: Promise<void>): Promise<boolean> {
    await Promise.race([this.ready[i], mainDone]);
    return this.isReady.has(i) && this.alive(i);
  }

  /** The main thread's session, over the run's own index. */
  private main(): LintSession {
    return (this.localSession ??= new LintSession(this.project, this.options, this.o.rules));
  }

  private alive(i: number): boolean {
    return i === MAIN || !this.dead.has(i);
  }

  /** The pool's members: the main thread, then each worker. */
  private members(): number[] {
    return [MAIN, ...this.workers.map((_, i) => i)];
  }

  private request(i: number, make: (seq: number) => WorkerRequest): Promise<WorkerReply> {
    const seq = this.seq++;
    if (!this.alive(i)) return Promise.resolve({ type: 'failed', seq, message: this.dead.get(i)! });
    this.ownerOf.set(seq, i);
    return new Promise((resolve) => {
      this.waiting.set(seq, (r) => {
        this.ownerOf.delete(seq);
        resolve(r);
      });
      this.workers[i].postMessage(make(seq));
    });
  }

  /** Phase 1: summaries of these files; a linted file's parse stays with the thread that made it (`owner`). */
  async summarize(
    files: { filePath: string; text: string }[],
    linted: ReadonlySet<string>,
    owner: Map<string, number>,
  ): Promise<[string, FileSummary][]> {
    if (files.length === 0) return [];
    const chunks: { filePath: string; text: string }[][] = [];
    let chunk: { filePath: string; text: string }[] = [];
    let size = 0;
    for (const f of files) {
      chunk.push(f);
      size += f.text.length;
      // Chunks on one thread too: the main thread yields after each (the trees it made are freed then).
      if (size >= CHUNK_BYTES) {
        chunks.push(chunk);
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length) chunks.push(chunk);
    const out = new Map<string, FileSummary>();
    const mainDoes = (c: { filePath: string; text: string }[], keep: string[]) => {
      for (const [p, s] of this.main().summarize(c, new Set(keep))) out.set(p, s);
      for (const p of keep) owner.set(p, MAIN);
    };
    let next = 0;
    const run = async (i: number, mainDone?: Promise<void>): Promise<void> => {
      if (mainDone && !(await this.whenReady(i, mainDone))) return;
      while (next < chunks.length && this.alive(i)) {
        const c = chunks[next++];
        const keep = c.filter((f) => linted.has(f.filePath)).map((f) => f.filePath);
        if (i === MAIN) {
          mainDoes(c, keep);
          await yieldToMessages();
          continue;
        }
        const reply = await this.request(i, (seq) => ({ type: 'summarize', seq, files: c, keep }));
        if (reply.type === 'summarized') {
          for (const [p, s] of reply.list) out.set(p, s);
          for (const p of keep) owner.set(p, i);
        } else mainDoes(c, keep);
      }
    };
    const mainRun = run(MAIN);
    await Promise.all([mainRun, ...this.workers.map((_, i) => run(i, mainRun))]);
    return files.filter((f) => out.has(f.filePath)).map((f) => [f.filePath, out.get(f.filePath)!]);
  }

  /** Summaries for every worker's index but the one that made them (the main thread's index has them all). */
  broadcast(list: [string, FileSummary][], owner: ReadonlyMap<string, number>): void {
    if (list.length === 0) return;
    this.workers.forEach((w, i) => {
      if (!this.alive(i)) return;
      const theirs = list.filter(([p]) => owner.get(p) !== i);
      if (theirs.length) w.postMessage({ type: 'summaries', list: theirs } satisfies WorkerRequest);
    });
  }

  /** The files phase 2 lints: each thread keeps the parses its index makes of them. */
  willLint(filePaths: string[]): void {
    this.main().willLint(filePaths);
    this.workers.forEach((w, i) => this.alive(i) && w.postMessage({ type: 'willLint', filePaths } satisfies WorkerRequest));
  }

  /** Files phase 2 does not lint after all (skipped, cached): their parses are let go. */
  wontLint(filePaths: string[]): void {
    if (filePaths.length === 0) return;
    this.main().wontLint(filePaths);
    this.workers.forEach((w, i) => this.alive(i) && w.postMessage({ type: 'wontLint', filePaths } satisfies WorkerRequest));
  }

  /** Phase 2: lints the tasks, a file's task on the thread holding its parse when there is one. */
  async lint(tasks: LintTask[], owner: Map<string, number>, onResult: (r: LintTaskResult) => void): Promise<void> {
    const own = new Map<number, LintTask[]>(this.members().map((i) => [i, []]));
    const shared: LintTask[] = [];
    for (const task of tasks) {
      const i = owner.get(task.filePath);
      if (i !== undefined && this.alive(i)) own.get(i)!.push(task);
      else shared.push(task);
    }
    // Larger files first: the last task of a thread should be a short one.
    shared.sort((a, b) => b.text.length - a.text.length);
    const take = (i: number): LintTask | undefined => {
      // Its own tasks first: those whose parse it holds (from phase 1, or made by its index since).
      const mine = own.get(i)!.shift();
      if (mine) return mine;
      const k = shared.findIndex((t) => owner.get(t.filePath) === i);
      return k >= 0 ? shared.splice(k, 1)[0] : shared.shift();
    };
    const done = (i: number, r: LintTaskResult, task: LintTask) => {
      owner.set(task.filePath, i);
      if (i !== MAIN) this.workerTasks++;
      for (const p of r.kept ?? []) if (!owner.has(p)) owner.set(p, i);
      // Summaries made on demand by one thread go to the others: none summarises a file twice.
      const made = r.made;
      if (made) {
        if (i !== MAIN) this.project.addMadeElsewhere(made);
        this.workers.forEach((w, k) => k !== i && this.alive(k) && w.postMessage({ type: 'made', list: made } satisfies WorkerRequest));
        delete r.made;
      }
      onResult(r);
    };
    const runMain = async (): Promise<void> => {
      let n = 0;
      for (let task = take(MAIN); task; task = take(MAIN)) {
        done(MAIN, this.main().lint(task), task);
        // Let the workers' replies in, and hand them their next tasks. Alone, now and then: the
        // trees of the files linted are freed by finalizers, once V8 has collected their wrappers
        // and the event loop turns (a run that never yields holds every tree it made).
        if (this.workers.length || ++n % FREE_EVERY === 0) await yieldToMessages();
      }
    };
    const lane = async (i: number, mainDone: Promise<void>): Promise<void> => {
      if (!(await this.whenReady(i, mainDone))) return;
      for (;;) {
        if (!this.alive(i)) break;
        const task = take(i);
        if (!task) break;
        const reply = await this.request(i, (seq) => ({ type: 'lint', seq, task }));
        if (reply.type === 'linted') done(i, reply.result, task);
        else if (reply.type === 'failed') {
          // The task that was running when the worker failed is not tried again.
          owner.delete(task.filePath);
          onResult({ id: task.id, messages: [], errors: [], passes: 0, internalError: reply.message, parseMs: 0, lintMs: 0, indexMs: 0 });
        }
      }
      // A dead worker's own tasks go to the others.
      if (!this.alive(i)) shared.push(...own.get(i)!.splice(0));
    };
    const mainRun = runMain();
    const lanes = [mainRun];
    for (let i = 0; i < this.workers.length; i++) for (let l = 0; l < LANES; l++) lanes.push(lane(i, mainRun));
    await Promise.all(lanes);
    // What the workers left when they died: the main thread does it.
    for (let task = shared.shift(); task; task = shared.shift()) done(MAIN, this.main().lint(task), task);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(stopWorker));
  }
}

/** Tasks the main thread runs alone between two turns of the event loop. */
const FREE_EVERY = 8;

/** Lets queued messages (worker replies) be handled before the main thread takes more work. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The compiled worker script (tests run the TypeScript sources: the build is in dist/). */
function workerScript(): string {
  if (__filename.endsWith('.ts')) return path.join(__dirname, '..', 'dist', 'lib', 'worker.js');
  return path.join(__dirname, 'worker.js');
}

function now(): number {
  return performance.now();
}
