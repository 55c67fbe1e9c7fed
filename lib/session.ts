/**
 * The linting work of one thread of a run: summaries for phase 1, and lint
 * (and fix) of one file for phase 2, against a project index. The main
 * thread runs one for small runs; each worker thread (lib/worker.ts) runs
 * one with its own parser and its own demand-driven copy of the index.
 *
 * Everything that crosses threads is plain data: tasks, summaries,
 * messages, fixed text.
 */
import * as path from 'path';
import { SourceFile } from './source';
import { Resolver } from './resolve';
import { modulePathOf } from './modules';
import { ProjectIndex } from './project';
import { FileSummary, summarize } from './index/summary';
import { isApplicable, lintAndFix } from './fixer';
import type { RuleModule } from './rule';
import type { FileConfig, LintMessage } from './types';

export interface SessionOptions {
  fixing: boolean;
  unsafe: boolean;
  reportUnusedDisableDirectives: boolean;
}

/** Phase 2: lint (and with `fixing`, fix) one file. */
export interface LintTask {
  /** The file's position in the run. */
  id: number;
  filePath: string;
  /** The text to lint: the file as read, or the last round's fixed text. */
  text: string;
  config: FileConfig;
}

export interface LintTaskResult {
  id: number;
  messages: LintMessage[];
  /** The fixed text (BOM kept) when fixing changed it. */
  output?: string;
  /** Summary of the fixed text, for the next round of fixing across files. */
  summary?: FileSummary;
  /** Whether the fixes changed what the index answers (the summary, as far as answers go). */
  changesAnswers?: boolean;
  /** Whether applicable fixes are left that the passes did not apply. */
  unsettled?: boolean;
  passes: number;
  /** Rules that threw, as "rule-id: message". */
  errors: string[];
  /** The file could not be linted at all. */
  internalError?: string;
  /** Files to lint whose parse the thread now holds (made by the index): their tasks are best sent there. */
  kept?: string[];
  /** Summaries the index made on demand during the task (with `project.shareMade`): the other threads take them. */
  made?: [string, FileSummary][];
  /** Milliseconds: parsing for the rules, the rules and fixes, indexing other files on demand. */
  parseMs: number;
  lintMs: number;
  indexMs: number;
}

export class LintSession {
  /** Parses of files to lint made before their turn (phase 1, the index), and the last fixed parse of each file. */
  private readonly kept = new Map<string, SourceFile>();
  /** The files this run lints and has not linted yet: parses of them are worth keeping. */
  private readonly lintable = new Set<string>();
  /** Files whose parse this session took since the last task (the caller sends their tasks here). */
  private newlyKept: string[] = [];

  constructor(
    readonly project: ProjectIndex,
    private readonly options: SessionOptions,
    private readonly rules?: ReadonlyMap<string, RuleModule<any>>,
  ) {
    project.onParse = (source) => {
      const p = path.resolve(source.filePath);
      if (!this.lintable.has(p) || this.kept.has(p)) return;
      this.kept.set(p, source);
      this.newlyKept.push(p);
    };
  }

  /** The files the run will lint (parses the index makes of them are kept for their lint). */
  willLint(filePaths: Iterable<string>): void {
    for (const p of filePaths) this.lintable.add(path.resolve(p));
  }

  /** Files the run will not lint after all: parses kept for them are let go. */
  wontLint(filePaths: Iterable<string>): void {
    for (const p of filePaths) {
      const abs = path.resolve(p);
      this.lintable.delete(abs);
      this.kept.delete(abs);
    }
  }

  /**
   * Phase 1: summaries of these files of the index (texts as registered);
   * the parses of the files in `keep` are kept for phase 2.
   */
  summarize(files: { filePath: string; text: string }[], keep: ReadonlySet<string>): [string, FileSummary][] {
    const out: [string, FileSummary][] = [];
    for (const f of files) {
      const source = new SourceFile(f.filePath, f.text);
      out.push([f.filePath, summarize(source, new Resolver(modulePathOf(f.filePath)))]);
      if (keep.has(f.filePath)) this.kept.set(f.filePath, source);
    }
    return out;
  }

  lint(task: LintTask): LintTaskResult {
    const result: LintTaskResult = { id: task.id, messages: [], passes: 0, errors: [], parseMs: 0, lintMs: 0, indexMs: 0 };
    const indexBefore = this.project.indexMs;
    let t = now();
    this.lintable.delete(path.resolve(task.filePath));
    try {
      let source = this.kept.get(task.filePath);
      this.kept.delete(task.filePath);
      if (!source || source.withBOM(source.text) !== task.text) source = new SourceFile(task.filePath, task.text);
      result.parseMs = now() - t;
      t = now();
      this.project.offer(source);
      const { fixing, unsafe, reportUnusedDisableDirectives } = this.options;
      const fixUnsafe = unsafe;
      const run = lintAndFix(task.filePath, task.text, { config: task.config, project: this.project, reportUnusedDisableDirectives, unsafe, rules: this.rules }, fixing, source);
      result.messages = run.lint.messages;
      result.errors = run.lint.errors;
      result.passes = run.passes;
      if (run.changed) {
        result.output = run.source.withBOM(run.source.text);
        const resolver = () => new Resolver(modulePathOf(task.filePath));
        result.summary = summarize(run.source, resolver());
        // Another round of fixing across files is needed only if what the index answers may change,
        // or fixes are left that the passes did not apply.
        const before = this.project.summaryOfText(task.filePath, task.text) ?? summarize(source, resolver());
        result.changesAnswers = this.project.answersKey(before) !== this.project.answersKey(result.summary);
        result.unsettled = run.lint.messages.some((m) => isApplicable(m.fix, fixUnsafe));
        this.kept.set(task.filePath, run.source);
      }
    } catch (e) {
      result.internalError = e instanceof Error ? e.message : String(e);
    } finally {
      this.project.offer(null);
    }
    result.indexMs = this.project.indexMs - indexBefore;
    result.lintMs = now() - t - result.indexMs;
    if (this.newlyKept.length) {
      result.kept = this.newlyKept;
      this.newlyKept = [];
    }
    const made = this.project.takeMade();
    if (made.length) result.made = made;
    return result;
  }

  /** Summaries made elsewhere (phase 1 of other threads, fixed files of a round). */
  addSummaries(list: [string, FileSummary][]): void {
    this.project.addSummaries(list);
  }
}

function now(): number {
  return performance.now();
}
