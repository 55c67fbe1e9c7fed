/**
 * The project index (SPEC §6): facts about the whole set of linted files that
 * a rule cannot see from one file. Phase 1 summarises every file of the
 * project (lib/index/summary.ts); the call graph over those summaries answers
 * runtime reachability (lib/index/graph.ts). Rules query this facade.
 */
import * as path from 'path';
import { SyntaxNode } from './parser';
import { SourceFile } from './source';
import { Resolver } from './resolve';
import { contextOf, enclosingFunction, isAsyncOwner } from './context';
import { modulePathOf } from './modules';
import { FileSummary, fnKey, summarize } from './index/summary';
import { CallGraph, qualify } from './index/graph';
import { crateFiles, crateOf } from './index/crates';
import type { RuntimeAccessor } from './runtimes';

export interface Reachability {
  /** The sync fn holding the call, as users name it (`load_config`, `Type::f`). */
  fn: string;
  /** One async caller chain: "called from `async fn handle` via `load_config`". */
  chain: string;
}

interface Entry {
  crateId: string;
  summary: FileSummary;
}

/** Summaries kept between runs (lib/cache.ts), by file and text. */
export interface SummaryStore {
  get(filePath: string, text: string): FileSummary | undefined;
  set(filePath: string, text: string, summary: FileSummary): void;
}

export class ProjectIndex {
  private readonly files = new Map<string, Entry>();
  private readonly crateNames = new Map<string, string>();
  private graphCache: CallGraph | null = null;
  /** runtimeAccessors() per crate, valid while graphCache is. */
  private readonly accessorCache = new Map<string, Map<string, RuntimeAccessor>>();
  /** With --cache: `update` takes the summary of unchanged text from here instead of parsing. */
  summaryStore?: SummaryStore;

  /** An index over in-memory texts (tests, --stdin, the editor's open buffers). */
  static fromTexts(entries: Iterable<{ filePath: string; text: string }>): ProjectIndex {
    const index = new ProjectIndex();
    for (const e of entries) index.update(e.filePath, e.text);
    return index;
  }

  /**
   * An index over files on disk. With `wholeCrates`, every `.rs` file of the
   * crates that hold them is indexed too, so linting one file still sees
   * its callers in the rest of the crate.
   */
  static fromFiles(filePaths: string[], read: (p: string) => string | null, wholeCrates = false): ProjectIndex {
    const index = new ProjectIndex();
    for (const p of [...new Set(filePaths.map((f) => path.resolve(f)))].sort()) {
      const text = read(p);
      if (text !== null) index.update(p, text);
    }
    if (wholeCrates) index.addCratesOf(filePaths, read);
    return index;
  }

  /**
   * Indexes the rest of the crates that hold these files (files already
   * indexed are kept), so that one linted file still sees its callers.
   */
  addCratesOf(filePaths: string[], read: (p: string) => string | null): void {
    const roots = new Set<string>();
    for (const p of filePaths) {
      const crate = crateOf(p);
      if (!crate || roots.has(crate.root)) continue;
      roots.add(crate.root);
      for (const f of crateFiles(crate)) {
        if (this.files.has(f)) continue;
        const text = read(f);
        if (text !== null) this.update(f, text);
      }
    }
  }

  /** (Re)indexes one file; the editor calls this for the file being edited. */
  update(filePath: string, text: string): void {
    const stored = this.summaryStore?.get(filePath, text);
    if (stored) this.addSummary(filePath, stored);
    else this.updateSource(new SourceFile(filePath, text));
  }

  updateSource(source: SourceFile): void {
    const summary = summarize(source, new Resolver(modulePathOf(source.filePath)));
    this.addSummary(source.filePath, summary);
    this.summaryStore?.set(source.filePath, source.withBOM(source.text), summary);
  }

  /** Indexes a file from a summary made earlier (plain data: a cache keeps them). */
  addSummary(filePath: string, summary: FileSummary): void {
    const crate = crateOf(filePath);
    if (crate) this.crateNames.set(crate.name, crate.root);
    this.files.set(path.resolve(filePath), { crateId: crate ? crate.root : '', summary });
    this.graphCache = null;
  }

  /** Every indexed file (absolute path) with its crate and summary. */
  entries(): IterableIterator<[string, Readonly<Entry>]> {
    return this.files.entries();
  }

  remove(filePath: string): void {
    this.files.delete(path.resolve(filePath));
    this.graphCache = null;
  }

  get size(): number {
    return this.files.size;
  }

  /** Whether any file of the project has a `#[tokio::main]` fn. */
  get hasTokioMain(): boolean {
    for (const f of this.files.values()) if (f.summary.hasTokioMain) return true;
    return false;
  }

  private get graph(): CallGraph {
    if (!this.graphCache) {
      this.accessorCache.clear();
      this.graphCache = new CallGraph([...this.files.values()], this.crateNames);
    }
    return this.graphCache;
  }

  /**
   * Why a call site in sync code is reached from async code: the sync fn that
   * holds it runs on a runtime worker. Null when it is not reached, or when
   * the node sits in a closure that may run elsewhere (a thread).
   */
  /**
   * The runtime-typed statics and accessor fns the rules may meet in
   * `filePath`, by every canonical path that names them there: their own
   * path, re-exports (`pub use runtime::shared_runtime;` makes
   * `crate::shared_runtime` one too), and `other_crate::…` paths of the
   * workspace's other crates.
   */
  runtimeAccessors(filePath: string): ReadonlyMap<string, RuntimeAccessor> {
    const crateId = this.files.get(path.resolve(filePath))?.crateId ?? '';
    const graph = this.graph;
    const cached = this.accessorCache.get(crateId);
    if (cached) return cached;
    const out = new Map<string, RuntimeAccessor>();
    this.accessorCache.set(crateId, out);
    const byQualified = new Map<string, RuntimeAccessor>();
    for (const e of this.files.values()) {
      for (const a of e.summary.runtimeAccessors ?? []) byQualified.set(qualify(e.crateId, a.path), a);
    }
    if (byQualified.size === 0) return out;
    for (const [q, a] of byQualified) {
      const [id, p] = [q.slice(0, q.indexOf('|')), q.slice(q.indexOf('|') + 1)];
      if (id === crateId) out.set(p, a);
      else {
        for (const [name, other] of this.crateNames) if (other === id) out.set(`${name}${p.slice('crate'.length)}`, a);
      }
    }
    // Re-exports within the file's crate.
    for (const e of this.files.values()) {
      if (e.crateId !== crateId) continue;
      for (const [from] of e.summary.aliases) {
        const a = byQualified.get(graph.resolveAlias(qualify(crateId, from)));
        if (a) out.set(from, a);
      }
    }
    return out;
  }

  /**
   * How many references to the runtime accessor or static at `accessorPath`
   * (as `filePath` names it) the other files of the project hold: calls of
   * the accessor and method calls on the static, through re-exports.
   */
  runtimeAccessorUsesElsewhere(filePath: string, accessorPath: string): number {
    const abs = path.resolve(filePath);
    const crateId = this.files.get(abs)?.crateId ?? '';
    const target = this.graph.resolveAlias(this.graph.qualifyPath(crateId, accessorPath) ?? qualify(crateId, accessorPath));
    let count = 0;
    for (const [file, e] of this.files) {
      if (file === abs) continue;
      const paths = [...e.summary.staticRefs ?? []];
      for (const fn of e.summary.fns) for (const c of fn.calls) if (c.path) paths.push(c.path);
      for (const c of e.summary.looseCalls) if (c.path) paths.push(c.path);
      for (const p of paths) {
        const q = this.graph.qualifyPath(e.crateId, p);
        if (q && this.graph.resolveAlias(q) === target) count++;
      }
    }
    return count;
  }

  reachability(filePath: string, node: SyntaxNode): Reachability | null {
    const fn = enclosingFunction(node);
    if (!fn || isAsyncOwner(fn)) return null;
    const owner = contextOf(node).owner;
    if (owner && owner.id !== fn.id) return null;
    const name = fn.childForFieldName('name')?.text;
    const entry = this.files.get(path.resolve(filePath));
    if (!name || !entry) return null;
    const key = qualify(entry.crateId, fnKey(new Resolver(modulePathOf(filePath)), fn, name));
    const chain = this.graph.chain(key);
    if (!chain) return null;
    const k = key.slice(key.indexOf('|') + 1).split('::');
    const prev = k[k.length - 2];
    return { fn: prev && /^[A-Z]/.test(prev) ? `${prev}::${name}` : name, chain };
  }
}
