/**
 * The engine as the language server uses it: one configuration resolver and
 * one project index for the session. Opening a buffer registers the crates
 * that hold it (from disk, once per crate, summarised on demand) and puts the
 * buffer's own text in the index; each change updates only that file's entry
 * (SPEC §6). Linting
 * and fix-all go through `lintAndFix`, the same loop as `--fix`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigResolver } from '../config';
import { crateOf, forgetLayouts } from '../index/crates';
import { lintAndFix } from '../fixer';
import { ProjectIndex } from '../project';
import { decode } from '../run';
import { stdinDiscovery } from '../stdin';
import type { LintMessage } from '../types';
import type { OpenDocument } from './document';

export interface ServiceOptions {
  /** The workspace root: configs are resolved, and ignore rules applied, from here. */
  root: string;
  /** A config file used instead of the ones found (like `--config`). */
  configFile?: string;
  log: (message: string) => void;
}

export class LintService {
  project = new ProjectIndex();
  private resolver: ConfigResolver | null = null;
  private readonly crateRoots = new Set<string>();
  /** The version of each open buffer whose text the index holds. */
  private readonly indexed = new Map<string, number>();
  private readonly ignored = new Map<string, boolean>();

  constructor(private readonly opts: ServiceOptions) {}

  /** A buffer was opened: index its crate from disk, then the buffer's text. */
  opened(doc: OpenDocument): void {
    this.index(doc);
    const crate = crateOf(doc.filePath);
    if (crate && !this.crateRoots.has(crate.root)) {
      this.crateRoots.add(crate.root);
      // Summarised when a question needs them: opening a file of a large crate stays quick.
      this.project.addCratesOnDemand([doc.filePath], readText);
    }
  }

  /** A buffer was closed: the index goes back to the file on disk. */
  closed(filePath: string): void {
    this.indexed.delete(filePath);
    this.diskChanged(filePath);
  }

  /** A file changed on disk (not open in a buffer): update its entry when its crate is indexed. */
  diskChanged(filePath: string): void {
    if (this.indexed.has(filePath)) return;
    const crate = crateOf(filePath);
    if (!crate || !this.crateRoots.has(crate.root)) return;
    const text = readText(filePath);
    if (text === null) this.project.remove(filePath);
    else this.project.update(filePath, text);
  }

  /**
   * A `Cargo.toml` changed, or a `main.rs` came or went: crate names and
   * targets may differ now. The index starts over from the open buffers
   * (their crates summarised on demand again).
   */
  layoutChanged(open: Iterable<OpenDocument>): void {
    forgetLayouts();
    this.project = new ProjectIndex();
    this.crateRoots.clear();
    this.indexed.clear();
    for (const doc of open) this.opened(doc);
  }

  /** A config file changed: forget every loaded config and ignore decision. */
  configChanged(): void {
    this.resolver?.clearCaches();
    this.resolver = null;
    this.ignored.clear();
  }

  /** The messages of a buffer. Throws ConfigError for a bad configuration. */
  lint(doc: OpenDocument): LintMessage[] {
    this.index(doc);
    if (this.isIgnored(doc.filePath)) return [];
    const run = lintAndFix(doc.filePath, doc.text, this.lintOptions(doc), false, doc.current());
    for (const e of run.lint.errors) this.opts.log(`rule ${e} (in ${doc.filePath})`);
    return run.lint.messages;
  }

  /** The text after every safe fix, as `--fix` would write it; null when nothing changes. */
  fixAll(doc: OpenDocument): string | null {
    this.index(doc);
    if (this.isIgnored(doc.filePath)) return null;
    const run = lintAndFix(doc.filePath, doc.text, { ...this.lintOptions(doc), unsafe: false }, true, doc.current());
    return run.changed ? run.source.withBOM(run.source.text) : null;
  }

  private lintOptions(doc: OpenDocument) {
    return { config: this.configResolver().configFor(doc.filePath), project: this.project };
  }

  private configResolver(): ConfigResolver {
    if (!this.resolver) this.resolver = new ConfigResolver({ cwd: this.opts.root, configFile: this.opts.configFile });
    return this.resolver;
  }

  /** Puts the buffer's current text in the index, once per version. */
  private index(doc: OpenDocument): void {
    if (this.indexed.get(doc.filePath) === doc.version) return;
    this.project.updateSource(doc.current());
    this.indexed.set(doc.filePath, doc.version);
  }

  /** Ignored as a file named on the command line would be (.gitignore, ignorePatterns, target/). */
  private isIgnored(filePath: string): boolean {
    let v = this.ignored.get(filePath);
    if (v === undefined) {
      const resolver = this.configResolver();
      const d = stdinDiscovery(filePath, { cwd: this.opts.root, isIgnoredByConfig: (p, isDir) => resolver.isIgnored(p, isDir) });
      v = d.ignored.length > 0;
      this.ignored.set(filePath, v);
    }
    return v;
  }
}

function readText(filePath: string): string | null {
  try {
    const text = decode(fs.readFileSync(path.resolve(filePath)));
    return typeof text === 'string' ? text : null;
  } catch {
    return null;
  }
}
