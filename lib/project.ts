/**
 * The project index (SPEC §6): facts about the whole set of linted files that
 * a rule cannot see from one file. Phase 1 summarises every file of the
 * project (lib/index/summary.ts); the call graph over those summaries answers
 * runtime reachability (lib/index/graph.ts). Rules query this facade.
 *
 * Demand-driven mode (`addOnDemand`, `addCratesOnDemand`): files are
 * registered with their text and summarised only when a question needs
 * them, found by name before parsing — the callers of a fn (and their
 * callers) for reachability, the files that name a runtime accessor for its
 * re-exports and uses — and, for the facts every file asks about (runtime
 * accessors), the files whose code holds `ACCESSOR_WORDS`. Answers are the
 * ones summarising every file gives: entries stay in registration order
 * (the order the graph's first-found caller chains depend on), and a name is
 * followed into every file whose text holds it.
 */
import * as path from 'path';
import { SyntaxNode } from './parser';
import { SourceFile } from './source';
import { Resolver } from './resolve';
import { contextOf, enclosingFunction, isAsyncOwner } from './context';
import { modulePathOf } from './modules';
import { FileSummary, fnKey, isAssociated, summarize, TOKIO_MAIN } from './index/summary';
import { CallGraph, lastSegment, qualify, TRAIT_METHODS } from './index/graph';
import { crateFiles, crateOf, targetOf } from './index/crates';
import type { RuntimeAccessor } from './runtimes';
import { AccessorText, accessorTexts, namesAccessor, sharedAccessorKeys } from './index/shared-text';
import { codeText, outsideCommentLines } from './prefilter';
import { callSite, escapeRegExp, FnForm, IDENT_CHAR, regexOf, wordAlternation, wordRegex } from './calls';

/**
 * Words the code of a file holds when its summary may carry runtime
 * accessors: a runtime type or a runtime built in a static, named through
 * a `tokio::` path (a `use`, an `extern crate`, or the path itself: the
 * resolver knows tokio's types by their canonical paths only). In
 * demand-driven mode these files are summarised when a file may meet
 * their accessors.
 */
export const ACCESSOR_WORDS: readonly RegExp[] = [/\b(?:Runtime|Builder|Handle|LocalSet)\b/, /\btokio\b/];

const IDENT = '(?:r#)?[A-Za-z_\\u00a1-\\uffff][A-Za-z0-9_\\u00a1-\\uffff]*';
const STATIC_NAME = new RegExp(`(?<!')\\bstatic\\s+(?:ref\\s+|mut\\s+)?(${IDENT})`, 'g');
const FN_NAME = new RegExp(`\\bfn\\s+(${IDENT})`, 'g');
const USE_DECL = /\buse\b[^;]*;/g;
const USE_AS = /\buse\b[^;]*\bas\b/;
const USE_ALIAS = new RegExp(`(${IDENT})\\s+as\\s+(${IDENT})`, 'g');

export interface Reachability {
  /** The sync fn holding the call, as users name it (`load_config`, `Type::f`). */
  fn: string;
  /** One async caller chain: "called from `async fn handle` via `load_config`". */
  chain: string;
}

/** A fn whose callers the index looks for: by name, in the files whose crate sees `crateId`. */
interface Callee {
  name: string;
  crateId: string;
  method: boolean;
}

interface Entry {
  /** The crate (compilation target) of the file: lib/index/crates.ts targetOf. */
  crateId: string;
  /** For a target of its own: its dir's shared modules' crate id. */
  shared: string | null;
  summary: FileSummary;
}

/** A file registered for demand-driven indexing, not summarised yet. */
interface Pending {
  filePath: string;
  crateId: string;
  shared: string | null;
  /** Undefined until read; null when unreadable (never indexed). */
  text?: string | null;
}

/** Identifier-like runs of a text (non-ASCII letters included; Rust's odd whitespace excluded). */
const WORD_OR_RAW = /(?:r#)?[A-Za-z0-9_\u00a1-\u200d\u2010-\u2027\u202a-\uffff]+/g;

/** Summaries kept between runs (lib/cache.ts), by file and text. */
export interface SummaryStore {
  get(filePath: string, text: string): FileSummary | undefined;
  set(filePath: string, text: string, summary: FileSummary): void;
}

export class ProjectIndex {
  private readonly files = new Map<string, Entry>();
  private readonly crateNames = new Map<string, string>();
  /** The crate ids that are no package's library (targets, and their dirs' shared modules). */
  private readonly nonLibrary = new Set<string>();
  /** A target's crate id → its dir's shared modules' crate id. */
  private readonly sharedOf = new Map<string, string>();
  private graphCache: CallGraph | null = null;
  /** runtimeAccessors() per crate, valid while graphCache is. */
  private readonly accessorCache = new Map<string, Map<string, RuntimeAccessor>>();
  /** With --cache: `update` takes the summary of unchanged text from here instead of parsing. */
  summaryStore?: SummaryStore;
  /** Registration order of every file, summarised or pending: `files` iterates in this order. */
  private readonly ranks = new Map<string, number>();
  private nextRank = 0;
  /** filesSeeing and filesSeenBy answers, for `ranks` as it was at `seeingOf.at`. */
  private seeingOf = { at: -1, files: new Map<string, string[]>() };
  /** Changes with every file that comes or goes (`ranks`). */
  private membership = 0;
  /** uncalled() answers, until a text or summary changes. */
  private readonly uncalledMemo = new Map<string, boolean>();
  /** The highest rank in `files`. */
  private lastRank = -1;
  private readonly pending = new Map<string, Pending>();
  private read: ((p: string) => string | null) | null = null;
  /** Since the last change: names whose files are all summarised; fns whose callers all are. */
  private readonly followedNames = new Set<string>();
  private readonly followedKeys = new Set<string>();
  private readonly followedReexports = new Set<string>();
  private readonly followedRefs = new Set<string>();
  private readonly followedCallNames = new Set<string>();
  /** `crate|name` of the methods whose name another method of their crate has (methodNameClashes). */
  private readonly clashingMethods = new Set<string>();
  /** Texts of the files registered on demand (kept once summarised, for checks by name). */
  private readonly texts = new Map<string, string>();
  private readonly derived = new Map<
    string,
    {
      code?: string;
      useWords?: Set<string>;
      own?: Set<string>;
      accessorTexts?: AccessorText[];
      /** accessorCode's answer. */
      accessorCode?: string | null;
    }
  >();
  /** The registered files whose code may define runtime accessors: pendingAccessorFiles by the crates seen (`all`, or viewOf). */
  private readonly accessorFiles = new Map<string, string[]>();
  /** `use … name as alias` of every registered file: name → aliases. */
  private useAliases: Map<string, Set<string>> | null = null;
  /** sharedAccessorKeys by the crates seen (viewOf). */
  private readonly sharedKeys = new Map<string, Set<string>>();
  /** Keep the summaries made on demand for `takeMade` (a run on several threads shares them). */
  shareMade = false;
  private made: [string, FileSummary][] = [];
  private tokioMainCache: boolean | null = null;
  /** A parse of a pending file the index may summarise instead of parsing again. */
  private offered: SourceFile | null = null;
  /** Milliseconds spent summarising files on demand (parses included). */
  indexMs = 0;
  /** Told of each parse the index makes of a file's text (a lint session keeps those it will lint). */
  onParse?: (source: SourceFile) => void;

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
    if (stored) {
      this.setText(filePath, text);
      this.addSummary(filePath, stored);
    } else this.updateSource(new SourceFile(filePath, text));
  }

  updateSource(source: SourceFile): void {
    const summary = summarize(source, new Resolver(modulePathOf(source.filePath)));
    const text = source.withBOM(source.text);
    this.setText(source.filePath, text);
    this.addSummary(source.filePath, summary);
    this.summaryStore?.set(source.filePath, text, summary);
  }

  /**
   * The text a file has now (an edit, a change on disk), when the index
   * knew another: what the answers from text read of the old one goes.
   */
  private setText(filePath: string, text: string): void {
    const abs = path.resolve(filePath);
    const known = this.texts.get(abs);
    if (known === text || (known === undefined && !this.ranks.has(abs))) return;
    this.texts.set(abs, text);
    this.derived.delete(abs);
    this.textsChanged();
  }

  /** Forgets what was read from the texts of every file (a file's text came, went or changed). */
  private textsChanged(): void {
    this.uncalledMemo.clear();
    this.accessorFiles.clear();
    this.sharedKeys.clear();
    this.useAliases = null;
    this.fnNames.clear();
  }

  /** Indexes a file from a summary made earlier (plain data: a cache keeps them). */
  addSummary(filePath: string, summary: FileSummary): void {
    this.addSummaries([[filePath, summary]]);
  }

  /** `addSummary` for many files: the registration order is restored once, not after each. */
  addSummaries(list: Iterable<[string, FileSummary]>): void {
    let late = false;
    for (const [filePath, summary] of list) late = this.putSummary(filePath, summary, false) || late;
    if (late) this.restoreOrder();
    this.changed();
  }

  /** The summary the index holds of a file, when it was made from this text (as registered). */
  summaryOfText(filePath: string, text: string): FileSummary | undefined {
    const abs = path.resolve(filePath);
    const entry = this.files.get(abs);
    return entry && this.texts.get(abs) === text ? entry.summary : undefined;
  }

  /**
   * Summaries another thread's index made on demand of the same texts: the
   * ones of files not summarised here yet are taken (what this index has
   * followed stays followed: a summary it would have made is only added).
   */
  addMadeElsewhere(list: [string, FileSummary][]): void {
    let late = false;
    for (const [filePath, summary] of list) if (this.pending.has(path.resolve(filePath))) late = this.putSummary(filePath, summary, false) || late;
    if (late) this.restoreOrder();
  }

  /** With `shareMade`, the summaries this index made on demand since the last call (for the other threads). */
  takeMade(): [string, FileSummary][] {
    const out = this.made;
    this.made = [];
    return out;
  }

  /** The crate of a file, its package's name noted. */
  private crateFor(abs: string): { crateId: string; shared: string | null } {
    const crate = crateOf(abs);
    if (!crate) return { crateId: '', shared: null };
    this.crateNames.set(crate.name, crate.root);
    const target = targetOf(abs)!;
    if (!target.library) this.nonLibrary.add(target.id);
    if (target.shared) this.sharedOf.set(target.id, target.shared);
    return { crateId: target.id, shared: target.shared };
  }

  /**
   * Whether a file's crate sees the crate of one of these files (what the
   * index answers for it may depend on their summaries then), as a test
   * of a file asked for many files.
   */
  crateSeeing(filePaths: readonly string[]): (filePath: string) => boolean {
    const theirs = [...new Set(filePaths.map((p) => this.crateIdOf(path.resolve(p)) ?? ''))];
    return (filePath) => {
      const from = this.crateIdOf(path.resolve(filePath)) ?? '';
      return theirs.some((to) => this.sees(from, to));
    };
  }

  /**
   * The crates crate `from` sees, as a key: `lib` for a library (every
   * library sees the libraries), `t:<id>` for a target (those and its own).
   */
  private viewOf(from: string): string {
    return this.nonLibrary.has(from) ? `t:${from}` : 'lib';
  }

  /**
   * Whether code of crate `from` may name items of crate `to`: any crate a
   * package's library, a target only itself, a dir's shared modules the
   * targets beside them.
   */
  private sees(from: string, to: string): boolean {
    return from === to || !this.nonLibrary.has(to) || this.sharedOf.get(from) === to;
  }

  /**
   * Puts a summary in `files`. A file registered before others already
   * summarised goes out of registration order: restored here, or with
   * `order` false by the caller (`restoreOrder`; returns whether it must).
   */
  private putSummary(filePath: string, summary: FileSummary, order = true): boolean {
    const abs = path.resolve(filePath);
    const entry = { ...this.crateFor(abs), summary };
    this.pending.delete(abs);
    let rank = this.ranks.get(abs);
    if (rank === undefined) {
      this.ranks.set(abs, (rank = this.nextRank++));
      this.membership++;
    }
    const inOrder = this.files.has(abs) || rank > this.lastRank;
    this.files.set(abs, entry);
    if (rank > this.lastRank) this.lastRank = rank;
    this.graphCache = null;
    if (inOrder) return false;
    if (order) this.restoreOrder();
    return true;
  }

  /** Puts `files` back in registration order (the order the graph's first-found caller chains depend on). */
  private restoreOrder(): void {
    const all = [...this.files.entries()].sort((a, b) => this.ranks.get(a[0])! - this.ranks.get(b[0])!);
    this.files.clear();
    for (const [k, v] of all) this.files.set(k, v);
  }

  /** After a change the index did not make itself, names are followed again. */
  private changed(): void {
    this.uncalledMemo.clear();
    this.followedNames.clear();
    this.followedKeys.clear();
    this.followedReexports.clear();
    this.followedRefs.clear();
    this.followedCallNames.clear();
    this.clashingMethods.clear();
    this.tokioMainCache = null;
  }

  /**
   * What of a summary the index's answers depend on, as a string: summaries
   * with equal keys give every file the same answers. Calls whose paths name
   * nothing in the project's crates (`std::…`, `tokio::…`) and fn lines do
   * not count; everything else does.
   */
  answersKey(summary: FileSummary): string {
    const ours = (p: string) => p.startsWith('crate::') || this.crateNames.has(p.split('::')[0]);
    // A method call can land only on a fn of that name somewhere in the project.
    const counts = (c: { path: string | null; method: string | null }) =>
      (c.path !== null && ours(c.path)) || (c.method !== null && this.definesFn(c.method));
    const { fns, looseCalls, aliases, ...rest } = summary;
    return JSON.stringify({
      ...rest,
      aliases: aliases.filter(([, to]) => ours(to)),
      fns: fns.map(({ line: _line, calls, ...f }) => ({ ...f, calls: calls.filter(counts) })),
      looseCalls: looseCalls.filter(counts),
    });
  }

  private readonly fnNames = new Map<string, boolean>();

  /** Whether some file of the project may define a fn named `name` (true when the texts are not known). */
  private definesFn(name: string): boolean {
    let known = this.fnNames.get(name);
    if (known === undefined) {
      const re = fnDefinition(name);
      known = this.texts.size === 0 || this.files.size > this.texts.size;
      if (!known) for (const t of this.texts.values()) if (t.includes(name) && re.test(t)) (known = true);
      this.fnNames.set(name, known);
    }
    return known;
  }

  /** Every indexed file (absolute path) with its crate and summary; summarises every pending file first. */
  entries(): IterableIterator<[string, Readonly<Entry>]> {
    this.ensureAll();
    return this.files.entries();
  }

  remove(filePath: string): void {
    const abs = path.resolve(filePath);
    this.files.delete(abs);
    this.pending.delete(abs);
    if (this.ranks.delete(abs)) this.membership++;
    this.texts.delete(abs);
    this.derived.delete(abs);
    this.textsChanged();
    this.graphCache = null;
    this.changed();
  }

  /** Files in the index, summarised or registered on demand. */
  get size(): number {
    return this.files.size + this.pending.size;
  }

  /** Files summarised so far. */
  get summarisedSize(): number {
    return this.files.size;
  }

  /** Whether any file of the project has a `#[tokio::main]` fn. */
  get hasTokioMain(): boolean {
    if (this.tokioMainCache !== null) return this.tokioMainCache;
    // The first one found ends the search (a pending file's text may have to be read for it).
    const found =
      [...this.files.values()].some((f) => f.summary.hasTokioMain) ||
      // As the summary tests it: on the text without its BOM.
      [...this.pending.values()].some((p) => TOKIO_MAIN.test((this.textOf(p) ?? '').replace(/^\uFEFF/, '')));
    return (this.tokioMainCache = found);
  }

  /**
   * Demand-driven indexing: registers files (in this order, after those
   * already known) to be summarised only when a question needs them. A text
   * not given is read with `read` when needed; null means unreadable.
   */
  addOnDemand(files: Iterable<{ filePath: string; text?: string | null }>, read?: (p: string) => string | null): void {
    if (read) this.read = read;
    for (const f of files) {
      const abs = path.resolve(f.filePath);
      if (this.files.has(abs) || this.pending.has(abs)) continue;
      this.ranks.set(abs, this.nextRank++);
      this.membership++;
      this.pending.set(abs, { filePath: abs, ...this.crateFor(abs), text: f.text });
      if (typeof f.text === 'string') this.texts.set(abs, f.text);
    }
    this.textsChanged();
    this.changed();
  }

  /** `addCratesOf`, on demand: the rest of the crates of these files, registered in the same order. */
  addCratesOnDemand(filePaths: string[], read: (p: string) => string | null): void {
    const roots = new Set<string>();
    const files: { filePath: string }[] = [];
    for (const p of filePaths) {
      const crate = crateOf(p);
      if (!crate || roots.has(crate.root)) continue;
      roots.add(crate.root);
      for (const f of crateFiles(crate)) files.push({ filePath: f });
    }
    this.addOnDemand(files, read);
  }

  /**
   * Pending files whose code (comments and strings aside) holds
   * ACCESSOR_WORDS (accessorCode), in registration order; with `from`, of
   * the crates it sees only (the others are not read).
   */
  private pendingAccessorFiles(from?: string): string[] {
    const seen = from === undefined ? 'all' : this.viewOf(from);
    const known = this.accessorFiles.get(seen);
    if (known) return known;
    const out: string[] = [];
    this.accessorFiles.set(seen, out);
    for (const p of this.pending.values()) {
      if (from !== undefined && !this.sees(from, p.crateId)) continue;
      const text = this.textOf(p);
      if (text !== null && this.accessorCode(p.filePath, text) !== null) out.push(p.filePath);
    }
    return out;
  }

  /** Summarises every pending file (what a question about every file needs). */
  ensureAll(): void {
    this.summarizePending([...this.pending.values()]);
  }

  /**
   * A parse of a file's text (as registered) that the index may summarise
   * instead of parsing it again; null withdraws it.
   */
  offer(source: SourceFile | null): void {
    this.offered = source;
  }

  /** A registered file's text: read if pending; undefined when summarised from a text not kept; null when unreadable. */
  private registeredText(abs: string): string | null | undefined {
    const p = this.pending.get(abs);
    return p ? this.textOf(p) : this.texts.get(abs);
  }

  /** The statics and runtime-typed fns of a file's code (lib/index/shared-text.ts), read once. */
  private accessorTextsOf(abs: string, code: string): AccessorText[] {
    const d = this.derive(abs);
    return (d.accessorTexts ??= accessorTexts(code));
  }

  /**
   * The code of a file whose text, then code, holds ACCESSOR_WORDS (null for any other file: not
   * lexed — nor one that holds them on comment lines only).
   */
  private accessorCode(abs: string, text: string): string | null {
    const d = this.derive(abs);
    if (d.accessorCode === undefined) {
      const code = ACCESSOR_WORDS.every((r) => r.test(text) && outsideCommentLines(text, r)) ? (this.codeOf(abs) ?? text) : null;
      d.accessorCode = code !== null && ACCESSOR_WORDS.every((r) => r.test(code)) ? code : null;
    }
    return d.accessorCode;
  }

  private textOf(p: Pending): string | null {
    if (p.text === undefined) {
      try {
        p.text = this.read ? this.read(p.filePath) : null;
      } catch {
        p.text = null;
      }
      if (p.text !== null) this.texts.set(p.filePath, p.text);
    }
    return p.text;
  }

  /** Code, words, words of `use` declarations and accessor candidates of a registered file, computed once. */
  private derive(abs: string) {
    let d = this.derived.get(abs);
    if (!d) this.derived.set(abs, (d = {}));
    return d;
  }

  private codeOf(abs: string): string | null {
    const d = this.derive(abs);
    if (d.code === undefined) {
      const text = this.texts.get(abs);
      if (text === undefined) return null;
      d.code = codeText(text) ?? text;
    }
    return d.code;
  }

  /**
   * The code of a file registered with this text (lexed once for the index
   * and the prefilter alike); undefined for any other text. `lexed`: the
   * code the caller already has (codeText's answer), kept instead.
   */
  codeFor(filePath: string, text: string, lexed?: string | null): string | undefined {
    const abs = path.resolve(filePath);
    if (this.texts.get(abs) !== text) return undefined;
    const d = this.derive(abs);
    if (lexed !== undefined) d.code ??= lexed ?? text;
    return this.codeOf(abs) ?? undefined;
  }

  /**
   * Whether a file's code holds `name` as a whole word (null: its code is
   * not known). A substring search, then a regex: no set of every word of
   * every file is built (thousands of files hold a common name somewhere).
   */
  private hasWord(abs: string, name: string): boolean | null {
    const code = this.codeOf(abs);
    if (code === null) return null;
    if (!code.includes(name)) return false;
    return wordRegex(name).test(code);
  }

  /**
   * Whether a file's code may refer by path to an item named `name` of
   * another module. A name the file defines itself means its own item there,
   * unless it is imported by name (the definition may sit in an inner
   * module) or written as a path (`x::name`). Glob imports do not count: the
   * resolver never resolves a name through one to an item of the crate
   * (should it learn to, the generated projects of
   * tests/index-demand.test.ts show what to change here). Method calls are
   * not paths: reachability does not ask this.
   */
  private mayReferToOther(abs: string, name: string): boolean {
    const has = this.hasWord(abs, name);
    if (has === null) return true;
    if (!has) return false;
    if (!this.ownItemsOf(abs).has(name) || this.useWordsOf(abs)?.has(name)) return true;
    return this.writtenAsPath(abs, name);
  }

  /** Whether a file's code writes `name` as the last segment of a path (`x::name`). */
  private writtenAsPath(abs: string, name: string): boolean {
    return regexOf(`::\\s*${escapeRegExp(name)}(?![${IDENT_CHAR}])`).test(this.codeOf(abs) ?? '');
  }

  /** The names of the statics and fns a file's code defines (every one, found without parsing). */
  private ownItemsOf(abs: string): Set<string> {
    const d = this.derive(abs);
    if (!d.own) {
      const code = this.codeOf(abs) ?? '';
      d.own = new Set<string>();
      for (const m of code.matchAll(STATIC_NAME)) d.own.add(m[1]);
      for (const m of code.matchAll(FN_NAME)) d.own.add(m[1]);
    }
    return d.own;
  }

  private useWordsOf(abs: string): Set<string> | null {
    const d = this.derive(abs);
    if (!d.useWords) {
      const code = this.codeOf(abs);
      if (code === null) return null;
      d.useWords = wordSet((code.match(USE_DECL) ?? []).join(' '));
    }
    return d.useWords;
  }

  private summarizePending(list: Pending[]): void {
    const t = performance.now();
    this.summarizeEach(list);
    this.indexMs += performance.now() - t;
  }

  private summarizeEach(list: Pending[]): void {
    for (const p of list) {
      if (!this.pending.has(p.filePath)) continue;
      const text = this.textOf(p);
      if (text === null) {
        this.pending.delete(p.filePath);
        continue;
      }
      const stored = this.summaryStore?.get(p.filePath, text);
      if (stored) {
        this.putSummary(p.filePath, stored);
        continue;
      }
      const o = this.offered;
      let source: SourceFile;
      if (o && path.resolve(o.filePath) === p.filePath && o.withBOM(o.text) === text) source = o;
      else {
        source = new SourceFile(p.filePath, text);
        this.onParse?.(source);
      }
      const summary = summarize(source, new Resolver(modulePathOf(source.filePath)));
      this.putSummary(p.filePath, summary);
      this.summaryStore?.set(p.filePath, text, summary);
      if (this.shareMade) this.made.push([p.filePath, summary]);
    }
  }

  /**
   * Pending files whose code (comments and strings aside) holds one of these
   * words, in registration order; with `seeing`, only files of crates that
   * see one of those crates.
   */
  private pendingNaming(names: Iterable<string>, seeing?: ReadonlySet<string>): Pending[] {
    if (this.pending.size === 0) return [];
    const wanted = [...names];
    const crates = seeing && ![...seeing].some((c) => !this.nonLibrary.has(c)) ? [...seeing] : null;
    const out: Pending[] = [];
    for (const p of this.pending.values()) {
      if (crates && !crates.some((c) => this.sees(p.crateId, c))) continue;
      const text = this.textOf(p);
      // A substring search first (fast), then a whole-word check on the code of the files it finds.
      if (text === null || !wanted.some((n) => text.includes(n))) continue;
      if (wanted.some((n) => this.hasWord(p.filePath, n) !== false)) out.push(p);
    }
    return out;
  }

  /**
   * Summarises every pending file that names one of `names`, and follows
   * their re-exports (`pub use a::f as g` makes `g` a name too): afterwards
   * every file that may refer to them is in the index.
   */
  private followNames(names: Iterable<string>): void {
    this.follow(names, this.followedNames, () => true);
  }

  /**
   * `followNames` for references by path (uses of a runtime accessor): files
   * where the names can only mean items of their own are passed by.
   */
  private followPathReferences(names: Iterable<string>): void {
    this.follow(names, this.followedRefs, (p, frontier) => frontier.some((n) => this.mayReferToOther(p.filePath, n)));
  }

  /** `followNames`, for re-exports only: the pending files whose `use` declarations hold one of the names. */
  private followReexports(names: Iterable<string>): void {
    this.follow(names, this.followedReexports, (p, frontier) => {
      const uses = this.useWordsOf(p.filePath);
      return uses === null || frontier.some((n) => uses.has(n));
    });
  }

  /**
   * Summarises the pending files naming one of `names` that `hit` keeps, then
   * follows the names their re-exports give, until none is new. `followed`
   * remembers the names done this way (followedNames covers every way).
   */
  private follow(names: Iterable<string>, followed: Set<string>, hit: (p: Pending, frontier: string[]) => boolean): void {
    if (this.pending.size === 0) return;
    const open = (n: string) => !this.followedNames.has(n) && !followed.has(n);
    let frontier = [...new Set(names)].filter(open);
    while (frontier.length) {
      for (const n of frontier) followed.add(n);
      this.summarizePending(this.pendingNaming(frontier).filter((p) => hit(p, frontier)));
      frontier = [...new Set(this.reexportsOf(new Set(frontier)).map((r) => r.name))].filter(open);
    }
  }

  /** The names the summarised files re-export these names by (`pub use a::f as g` gives `g`), with the crate of each. */
  private reexportsOf(names: ReadonlySet<string>): { name: string; crateId: string }[] {
    const out: { name: string; crateId: string }[] = [];
    for (const { crateId, summary } of this.files.values()) {
      for (const [from, to] of summary.aliases) if (names.has(lastSegment(to))) out.push({ name: lastSegment(from), crateId });
    }
    return out;
  }

  /**
   * Whether a file's code may hold a call that the graph resolves to a fn
   * named `name` of another file: a path (`x::name`), an import of it, or —
   * unless `name` is one the graph never resolves method calls by
   * (TRAIT_METHODS) — a method call (and then any file naming it: the
   * graph resolves a method call only to the one method of that name).
   * A bare `name()` means a fn of the caller's own module, and `self.name()`
   * the caller's own impl: in the file that defines it.
   */
  private mayCall(abs: string, name: string, method: boolean): boolean {
    const has = this.hasWord(abs, name);
    if (has === null) return true;
    if (!has) return false;
    if ((method && !TRAIT_METHODS.has(name)) || this.useWordsOf(abs)?.has(name)) return true;
    return this.writtenAsPath(abs, name);
  }

  /**
   * `followNames` for the callers of fns (by name, the crate that defines
   * each, and whether it is a method: method calls may reach those): files
   * that can hold no call resolving to them are passed by, among them the
   * files of crates that cannot name them.
   */
  private followCallNames(callees: readonly Callee[]): void {
    if (this.pending.size === 0) return;
    const key = (c: Callee) => `${c.method ? 'm' : 'f'}|${c.crateId}|${c.name}`;
    const open = (c: Callee) => !this.followedNames.has(c.name) && !this.followedCallNames.has(key(c));
    let frontier = [...new Map(callees.map((c) => [key(c), c])).values()].filter(open);
    while (frontier.length) {
      for (const c of frontier) this.followedCallNames.add(key(c));
      // A method whose name the crate gives another method too is reached by paths only.
      const byName = frontier.map((c) => c.method && !this.methodNameClashes(c.name, c.crateId));
      const hits = this.pendingNaming(
        frontier.map((c) => c.name),
        new Set(frontier.map((c) => c.crateId)),
      ).filter((p) =>
        frontier.some((c, i) => this.sees(p.crateId, c.crateId) && this.mayCall(p.filePath, c.name, byName[i])),
      );
      this.summarizePending(hits);
      // `pub use a::f as g` makes `g` a name of the same fn, for those who see the re-exporting crate.
      const next = new Map<string, Callee>();
      for (const r of this.reexportsOf(new Set(frontier.map((c) => c.name)))) {
        const c = { ...r, method: false };
        next.set(key(c), c);
      }
      frontier = [...next.values()].filter(open);
    }
  }

  /**
   * Whether crate `crateId` has two methods or more named `name`: then the
   * graph resolves no method call to them by name (it takes the one method
   * of a name of the caller's crate, or of the shared modules beside a
   * target: sets that hold all of these). The crate's files that define a fn
   * of that name are summarised to count them.
   */
  private methodNameClashes(name: string, crateId: string): boolean {
    const k = `${crateId}|${name}`;
    if (this.clashingMethods.has(k)) return true;
    if (name.startsWith('r#')) return false;
    let count = 0;
    const counts = (summary: FileSummary) => {
      for (const f of summary.fns) if (f.method && f.name === name) count++;
      return count > 1;
    };
    let clash = false;
    for (const e of this.files.values()) if (e.crateId === crateId && counts(e.summary)) (clash = true);
    // Then the definers not summarised yet, one by one until two are found.
    const defines = fnDefinition(name);
    for (const p of clash ? [] : [...this.pending.values()]) {
      if (p.crateId !== crateId) continue;
      const text = this.textOf(p);
      if (text === null || !text.includes(name) || !defines.test(this.codeOf(p.filePath) ?? text)) continue;
      this.summarizePending([p]);
      const summary = this.files.get(p.filePath)?.summary;
      if (summary && counts(summary)) clash = true;
      if (clash) break;
    }
    if (clash) this.clashingMethods.add(k);
    return clash;
  }

  /**
   * Whether one of these fns that `filePath` defines may have a caller, from
   * the texts alone (see `uncalled`): a fn surely free as one, any other as
   * a free fn or a method (a prefilter cannot tell before a parse). When
   * none may, nothing can reach them from async code: no-block-on's and
   * no-thread-sleep's prefilters.
   */
  mayBeCalled(filePath: string, fns: Iterable<{ name: string; free: boolean }>): boolean {
    const abs = path.resolve(filePath);
    // Settled fns first; the others are looked for together (one search of the other files).
    const open: Fn[] = [];
    for (const { name, free } of fns) {
      const form: FnForm = free ? 'free' : 'any';
      const known = this.knownUncalled(name, abs, form);
      if (known === false) return true;
      if (known === undefined) open.push({ name, form });
    }
    if (open.length === 0) return false;
    const called = this.calledOf(open, abs);
    if (called !== null) this.uncalledMemo.set(`${called.form}|${abs}|${called.name}`, false);
    else for (const f of open) this.uncalledMemo.set(`${f.form}|${abs}|${f.name}`, true);
    return called !== null;
  }

  /**
   * Whether no fn named `name` can have a caller, from the texts alone: the
   * name is written once in the code of `definedIn` (its definition) and
   * nowhere in any other file (a summarised file whose text the index does
   * not keep counts when a call of its summary ends in the name). Then there
   * is nothing to parse to find its callers (a `#[test]` fn, say). Files of
   * crates that cannot name the fn's (other test targets) are not read.
   */
  private uncalled(name: string, definedIn: string, form: FnForm): boolean {
    // Asked by a prefilter, then by the rule (phase 2 and the lint of the file): once.
    let known = this.knownUncalled(name, definedIn, form);
    if (known === undefined) this.uncalledMemo.set(`${form}|${definedIn}|${name}`, (known = this.calledOf([{ name, form }], definedIn) === null));
    return known;
  }

  /** An answer of `uncalled` already made: uncalled in any form (the prefilter's question) is uncalled in each. */
  private knownUncalled(name: string, definedIn: string, form: FnForm): boolean | undefined {
    return this.uncalledMemo.get(`${form}|${definedIn}|${name}`) ?? (this.uncalledMemo.get(`any|${definedIn}|${name}`) || undefined);
  }

  /**
   * One of these fns of `definedIn` that may have a caller (see `uncalled`),
   * or null when none may: the other files are searched once for all.
   */
  private calledOf(fns: readonly Fn[], definedIn: string): Fn | null {
    const own = this.codeOf(definedIn);
    if (own === null) return fns[0];
    // Its name written where a call of it (or a `use` of it) may be, besides its definition.
    for (const f of fns) if (callSite(f.name, f.form).test(own)) return f;
    const anyName = fns.length > 1 ? new RegExp(fns.map((f) => escapeRegExp(f.name)).join('|')) : null;
    for (const abs of this.filesSeeing(this.crateIdOf(definedIn) ?? '')) {
      if (abs === definedIn) continue;
      const text = this.registeredText(abs);
      if (text === null) continue;
      if (text === undefined) {
        const s = this.files.get(abs)?.summary;
        const calls = s ? [...s.looseCalls, ...s.fns.flatMap((f) => f.calls)] : [];
        const called = fns.find((f) => calls.some((c) => c.method === f.name || (c.path !== null && lastSegment(c.path) === f.name)));
        if (called !== undefined) return called;
        continue;
      }
      if (anyName && !anyName.test(text)) continue;
      for (const f of fns) if (text.includes(f.name) && callSite(f.name, f.form).test(this.codeOf(abs) ?? text)) return f;
    }
    return null;
  }

  /** The files of the crates that see crate `to` (a test target: its own), in registration order. */
  private filesSeeing(to: string): readonly string[] {
    return this.filesWhere(`to|${to}`, (crate) => this.sees(crate, to));
  }

  /** The files of the crates crate `from` sees, in registration order. */
  private filesSeenBy(from: string): readonly string[] {
    return this.filesWhere(`from|${from}`, (crate) => this.sees(from, crate));
  }

  /** The registered files whose crate passes `test`, kept under `key` until a file comes or goes. */
  private filesWhere(key: string, test: (crateId: string) => boolean): readonly string[] {
    if (this.seeingOf.at !== this.membership) this.seeingOf = { at: this.membership, files: new Map() };
    let list = this.seeingOf.files.get(key);
    if (!list) {
      list = [];
      for (const abs of this.ranks.keys()) if (test(this.crateIdOf(abs) ?? '')) list.push(abs);
      this.seeingOf.files.set(key, list);
    }
    return list;
  }

  /**
   * Makes the index hold every fn from which the fn `key` (named `name`) can
   * be reached, as a full index would: the files naming it, then the sync
   * fns whose calls land on it (by the graph's own resolution), their files'
   * neighbours by name, and so on up to the async callers.
   */
  private followCallers(key: string, name: string, definedIn: string, associated: boolean): void {
    if (this.pending.size === 0 || this.followedKeys.has(key)) return;
    if (this.uncalled(name, definedIn, associated ? 'associated' : 'free')) {
      this.followedKeys.add(key);
      return;
    }
    // The fn's own file (its callers in it call it by bare name or through self).
    const own = this.pending.get(definedIn);
    if (own) this.summarizePending([own]);
    const entry = this.files.get(definedIn);
    const method = !!entry?.summary.fns.find((f) => f.key === key.slice(key.indexOf('|') + 1))?.method;
    this.followCallNames([{ name, crateId: this.crateIdOf(definedIn) ?? '', method }]);
    let frontier = [key];
    while (frontier.length) {
      for (const k of frontier) this.followedKeys.add(k);
      const wanted = new Set(frontier);
      const graph = this.graph;
      const callers: string[] = [];
      const callees: Callee[] = [];
      for (const { crateId, summary } of this.files.values()) {
        for (const fn of summary.fns) {
          if (fn.async) continue;
          const q = qualify(crateId, fn.key);
          if (this.followedKeys.has(q) || callers.includes(q)) continue;
          if (fn.calls.some((c) => !c.async && graph.targets(crateId, c).some((t) => wanted.has(t)))) {
            callers.push(q);
            callees.push({ name: fn.name, crateId, method: !!fn.method });
          }
        }
      }
      this.followCallNames(callees);
      frontier = callers;
    }
  }

  /**
   * Whether `filePath` may name a runtime accessor that another file of a
   * crate it sees defines, from the texts alone (nothing is parsed): its
   * code may refer to a name `accessorNamesOf` finds in such a file, or
   * to a `use … as` alias of one — the test by which `runtimeAccessors`
   * chooses the files to summarise for it. no-block-on's prefilter.
   */
  mayNameAccessorElsewhere(filePath: string): boolean {
    const abs = path.resolve(filePath);
    if (this.codeOf(abs) === null) return true;
    for (const other of this.filesSeenBy(this.crateIdOf(abs) ?? '')) {
      if (other !== abs && this.mayNameAccessorsOf(abs, other)) return true;
    }
    return false;
  }

  /**
   * Whether `abs`'s code may refer to a runtime accessor `other` may define
   * (`accessorNamesOf`), by its name or a `use … as` alias of it; with
   * `only`, to one named so.
   */
  private mayNameAccessorsOf(abs: string, other: string, only?: ReadonlySet<string>): boolean {
    const aliases = this.aliasClosure();
    const names = (n: string) => (!only || only.has(n)) && this.mayReferToOther(abs, n);
    for (const n of this.accessorNamesOf(other)) {
      if (names(n)) return true;
      for (const a of aliases(n)) if (names(a)) return true;
    }
    return false;
  }

  /**
   * The names of the runtime accessors a registered file may define: its
   * statics and runtime-typed fns (`accessorTextsOf`) when its code holds
   * ACCESSOR_WORDS (none else); for
   * a file summarised from a text not kept, its summary's accessors.
   */
  private accessorNamesOf(abs: string): Iterable<string> {
    const text = this.registeredText(abs);
    if (text === null) return [];
    if (text === undefined) return (this.files.get(abs)?.summary.runtimeAccessors ?? []).map((a) => a.name);
    const code = this.accessorCode(abs, text);
    return code === null ? [] : this.accessorTextsOf(abs, code).map((a) => a.name);
  }

  /**
   * Whether `filePath` may use a runtime accessor of another file that
   * shares a runtime, from the text of the files alone (nothing is parsed):
   * its code names (itself or through `use … as`) an accessor that may share
   * one (lib/index/shared-text.ts). A superset of what `runtimeAccessors`
   * finds shared: no-shared-runtime's prefilter.
   */
  maySeeSharedAccessor(filePath: string): boolean {
    return this.sharedAccessorsNamedIn(filePath, true).size > 0;
  }

  /**
   * The names (last path segments, as defined and as renamed by `use … as`)
   * of the accessors that may share a runtime which `filePath` names (see
   * maySeeSharedAccessor); with `first`, as soon as one is found.
   */
  sharedAccessorsNamedIn(filePath: string, first = false): Set<string> {
    const abs = path.resolve(filePath);
    const out = new Set<string>();
    const keys = this.sharedAccessorKeys(this.crateIdOf(abs) ?? '');
    if (keys.size === 0) return out;
    const aliases = this.aliasClosure();
    // The raw text first, for every name at once: most files hold none of them (their code is not
    // lexed then, nor each name looked for).
    const text = this.texts.get(abs);
    if (text !== undefined && !this.sharedNamesRegex(keys, aliases).test(text)) return out;
    const holds = (n: string) => text === undefined || (text.includes(n) && (this.codeOf(abs) ?? text).includes(n));
    const words = { has: (n: string) => this.hasWord(abs, n) !== false };
    for (const k of keys) {
      if (first && out.size) break;
      const sep = k.lastIndexOf('::');
      if (sep < 0) {
        for (const n of [k, ...aliases(k)]) if (holds(n) && this.mayReferToOther(abs, n)) out.add(k).add(n);
        continue;
      }
      // `Type::name`, the type perhaps renamed by `use … as`.
      const name = k.slice(sep + 2);
      if (!holds(name)) continue;
      const owners = [k.slice(0, sep), ...aliases(k.slice(0, sep))];
      const code = this.codeOf(abs);
      if (code === null || owners.some((o) => namesAccessor(code, words, `${o}::${name}`))) out.add(name);
    }
    return out;
  }

  private sharedNames: { keys: Set<string>; re: RegExp } | null = null;

  /** Every name sharedAccessorsNamedIn may look for under these keys, as one whole-word regex. */
  private sharedNamesRegex(keys: Set<string>, aliases: (name: string) => Set<string>): RegExp {
    if (this.sharedNames?.keys !== keys) {
      const names = new Set<string>();
      for (const k of keys) {
        const sep = k.lastIndexOf('::');
        if (sep >= 0) names.add(k.slice(sep + 2));
        else for (const n of [k, ...aliases(k)]) names.add(n);
      }
      this.sharedNames = { keys, re: new RegExp(wordAlternation(names)) };
    }
    return this.sharedNames.re;
  }

  /** The keys of the accessors of the project that may share a runtime (see maySeeSharedAccessor). */
  private sharedAccessorKeys(from: string): Set<string> {
    // What a crate sees sees no more than it (a library only libraries, a target's shared modules
    // the libraries): the fixed point over the files of the crates `from` sees is what its code may meet.
    const seen = this.viewOf(from);
    const known = this.sharedKeys.get(seen);
    if (known) return known;
    const texts: AccessorText[][] = [];
    const summarised = new Set<string>();
    for (const abs of this.filesSeenBy(from)) {
      const text = this.registeredText(abs);
      if (text === undefined) {
        // Summarised from a text not kept (or a cached summary): every accessor it defines.
        for (const a of this.files.get(abs)?.summary.runtimeAccessors ?? []) summarised.add(a.name);
        continue;
      }
      const code = text === null ? null : this.accessorCode(abs, text);
      if (code === null) continue;
      texts.push(this.accessorTextsOf(abs, code));
    }
    texts.push([...summarised].map((name) => ({ key: name, name, owner: null, shares: true, body: '', words: new Set<string>() })));
    const keys = sharedAccessorKeys(texts);
    this.sharedKeys.set(seen, keys);
    return keys;
  }

  /**
   * The files that may define the runtime accessors `forFile` names (all of
   * them, without a file), summarised, and the files that re-export them.
   * A file whose code names none of an accessor file's candidates
   * (`accessorNamesOf`, through `use … as` aliases) cannot meet its
   * accessors, so that file is not parsed for it.
   */
  private ensureAccessorFiles(forFile?: string, only?: ReadonlySet<string>): void {
    if (this.pending.size === 0) return;
    // Accessors of crates the file's cannot name (other test targets) are not its.
    const from = forFile === undefined ? undefined : (this.crateIdOf(forFile) ?? '');
    let chosen = this.pendingAccessorFiles(from).filter((p) => this.pending.has(p));
    const known = forFile !== undefined && this.codeOf(forFile) !== null;
    const aliases = this.aliasClosure();
    // With `only`: the accessors named so (as defined, or through `use … as`), no others.
    const asked = (n: string) => !only || only.has(n) || [...aliases(n)].some((a) => only.has(a));
    if (known && chosen.length) chosen = chosen.filter((p) => this.mayNameAccessorsOf(forFile!, p, only));
    if (chosen.length) this.summarizePending(chosen.map((p) => this.pending.get(p)!));
    const names: string[] = [];
    for (const { summary } of this.files.values()) for (const a of summary.runtimeAccessors ?? []) if (asked(a.name)) names.push(a.name);
    this.followReexports(names);
  }

  /** The names `use … name as alias` declarations give a name, transitively. */
  private aliasClosure(): (name: string) => Set<string> {
    if (!this.useAliases) {
      this.useAliases = new Map();
      for (const [abs, text] of this.texts) {
        if (!USE_AS.test(text)) continue;
        const code = this.codeOf(abs) ?? '';
        for (const [decl] of code.matchAll(USE_DECL)) {
          for (const m of decl.matchAll(USE_ALIAS)) {
            const set = this.useAliases.get(m[1]) ?? new Set<string>();
            set.add(m[2]);
            this.useAliases.set(m[1], set);
          }
        }
      }
    }
    const map = this.useAliases;
    return (name) => {
      const out = new Set<string>();
      const stack = [name];
      while (stack.length) for (const a of map.get(stack.pop()!) ?? []) if (!out.has(a)) stack.push(a), out.add(a);
      return out;
    };
  }

  /** The paths the summarised files call or name statics by, by last segment (valid while the graph is). */
  private pathRefs: Map<string, { file: string; crateId: string; path: string }[]> | null = null;

  private pathRefsNamed(name: string): readonly { file: string; crateId: string; path: string }[] {
    if (!this.pathRefs) {
      const refs = (this.pathRefs = new Map());
      const add = (file: string, crateId: string, p: string) => {
        const k = lastSegment(p);
        let list = refs.get(k);
        if (!list) refs.set(k, (list = []));
        list.push({ file, crateId, path: p });
      };
      for (const [file, e] of this.files) {
        for (const p of e.summary.staticRefs ?? []) add(file, e.crateId, p);
        for (const fn of e.summary.fns) for (const c of fn.calls) if (c.path) add(file, e.crateId, c.path);
        for (const c of e.summary.looseCalls) if (c.path) add(file, e.crateId, c.path);
      }
    }
    return this.pathRefs.get(name) ?? [];
  }

  private crateIdOf(abs: string): string | undefined {
    return this.files.get(abs)?.crateId ?? this.pending.get(abs)?.crateId;
  }

  private get graph(): CallGraph {
    if (!this.graphCache) {
      this.accessorCache.clear();
      this.pathRefs = null;
      this.graphCache = new CallGraph([...this.files.values()], this.crateNames);
    }
    return this.graphCache;
  }

  /**
   * The runtime-typed statics and accessor fns the rules may meet in
   * `filePath`, by every canonical path that names them there: their own
   * path, re-exports (`pub use runtime::shared_runtime;` makes
   * `crate::shared_runtime` one too), and `other_crate::…` paths of the
   * workspace's other crates. With `only`, those named so (by their last
   * path segment) are all there; others may be missing.
   */
  runtimeAccessors(filePath: string, only?: ReadonlySet<string>): ReadonlyMap<string, RuntimeAccessor> {
    this.ensureAccessorFiles(path.resolve(filePath), only);
    const crateId = this.crateIdOf(path.resolve(filePath)) ?? '';
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
    const shared = this.sharedOf.get(crateId);
    const fromShared: [string, RuntimeAccessor][] = [];
    for (const [q, a] of byQualified) {
      const [id, p] = [q.slice(0, q.indexOf('|')), q.slice(q.indexOf('|') + 1)];
      if (id === crateId) out.set(p, a);
      else if (id === shared) fromShared.push([p, a]);
      else {
        for (const [name, other] of this.crateNames) if (other === id) out.set(`${name}${p.slice('crate'.length)}`, a);
      }
    }
    // A target's `crate::…` paths name its dir's shared modules where the target defines nothing.
    for (const [p, a] of fromShared) if (!out.has(p)) out.set(p, a);
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
    this.ensureAccessorFiles(path.resolve(filePath));
    this.followPathReferences([lastSegment(accessorPath)]);
    const abs = path.resolve(filePath);
    const crateId = this.crateIdOf(abs) ?? '';
    const graph = this.graph;
    const target = graph.resolveAlias(graph.qualifyPath(crateId, accessorPath) ?? qualify(crateId, accessorPath));
    // A path can name the target only by a last segment the target or a re-export of it has:
    // the others are passed by without being qualified (a whole project's calls, for each item).
    let count = 0;
    for (const name of graph.lastSegmentsNaming(target)) {
      for (const r of this.pathRefsNamed(name)) {
        if (r.file !== abs && graph.qualifyPaths(r.crateId, r.path).some((q) => graph.resolveAlias(q) === target)) count++;
      }
    }
    return count;
  }

  /**
   * Why a call site in sync code is reached from async code: the sync fn that
   * holds it runs on a runtime worker. Null when it is not reached, or when
   * the node sits in a closure that may run elsewhere (a thread).
   */
  reachability(filePath: string, node: SyntaxNode): Reachability | null {
    const fn = enclosingFunction(node);
    if (!fn || isAsyncOwner(fn)) return null;
    const owner = contextOf(node).owner;
    if (owner && owner.id !== fn.id) return null;
    const name = fn.childForFieldName('name')?.text;
    const crateId = this.crateIdOf(path.resolve(filePath));
    if (!name || crateId === undefined) return null;
    const key = qualify(crateId, fnKey(new Resolver(modulePathOf(filePath)), fn, name));
    this.followCallers(key, name, path.resolve(filePath), isAssociated(fn));
    const chain = this.graph.chain(key);
    if (!chain) return null;
    const k = key.slice(key.indexOf('|') + 1).split('::');
    const prev = k[k.length - 2];
    return { fn: prev && /^[A-Z]/.test(prev) ? `${prev}::${name}` : name, chain };
  }
}

/** A fn by name and form (the fns of one file a question is about). */
interface Fn {
  name: string;
  form: FnForm;
}

/** `fn name` (or `fn r#name`) as a whole word. */
function fnDefinition(name: string): RegExp {
  return regexOf(`\\bfn\\s+(?:r#)?${escapeRegExp(name)}(?![${IDENT_CHAR}])`);
}

function wordSet(code: string): Set<string> {
  const out = new Set<string>();
  for (const w of code.match(WORD_OR_RAW) ?? []) {
    out.add(w);
    if (w.startsWith('r#')) out.add(w.slice(2));
  }
  return out;
}
