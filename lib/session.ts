/**
 * The linting work of one thread of a run: summaries for phase 1, and lint
 * (and fix) of one file for phase 2, against a project index. The main
 * thread runs one for small runs; each worker thread (lib/worker.ts) runs
 * one with its own parser and its own demand-driven copy of the index.
 *
 * Everything that crosses threads is plain data: tasks, summaries,
 * messages, fixed text.
 */
import { SourceFile } from './source';
import { Resolver } from './resolve';
import { modulePathOf } from './modules';
import { ProjectIndex } from './project';
import { FileSummary, summarize } from './index/summary';
import { lintAndFix } from './fixer';
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
  passes: number;
  /** Rules that threw, as "rule-id: message". */
  errors: string[];
  /** The file could not be linted at all. */
  internalError?: string;
  /** Milliseconds: parsing for the rules, the rules and fixes, indexing other files on demand. */
  parseMs: number;
  lintMs: number;
  indexMs: number;
}

export class LintSession {
  /** Parses made for phase 1 of files linted in phase 2 (and the last fixed parse of each file). */
  private readonly kept = new Map<string, SourceFile>();

  constructor(
    readonly project: ProjectIndex,
    private readonly options: SessionOptions,
    private readonly rules?: ReadonlyMap<string, RuleModule<any>>,
  ) {}

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
    try {
      let source = this.kept.get(task.filePath);
      this.kept.delete(task.filePath);
      if (!source || source.withBOM(source.text) !== task.text) source = new SourceFile(task.filePath, task.text);
      result.parseMs = now() - t;
      t = now();
      this.project.offer(source);
      const { fixing, unsafe, reportUnusedDisableDirectives } = this.options;
      const run = lintAndFix(task.filePath, task.text, { config: task.config, project: this.project, reportUnusedDisableDirectives, unsafe, rules: this.rules }, fixing, source);
      result.messages = run.lint.messages;
      result.errors = run.lint.errors;
      result.passes = run.passes;
      if (run.changed) {
        result.output = run.source.withBOM(run.source.text);
        result.summary = summarize(run.source, new Resolver(modulePathOf(task.filePath)));
        this.kept.set(task.filePath, run.source);
      }
    } catch (e) {
      result.internalError = e instanceof Error ? e.message : String(e);
    } finally {
      this.project.offer(null);
    }
    result.indexMs = this.project.indexMs - indexBefore;
    result.lintMs = now() - t - result.indexMs;
    return result;
  }

  /** Summaries made elsewhere (phase 1 of other threads, fixed files of a round). */
  addSummaries(list: [string, FileSummary][]): void {
    for (const [filePath, summary] of list) this.project.addSummary(filePath, summary);
  }
}

function now(): number {
  return performance.now();
}
