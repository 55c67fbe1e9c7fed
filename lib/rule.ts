/**
 * The rule API. A rule is one file in `rules/` that exports
 * `createRule({ id, meta, defaultOptions, create })`. `create` receives a
 * context and returns visitors keyed by tree-sitter node type (plus
 * `source_file:exit`); the engine runs one query pass per file and calls them.
 */
import { SyntaxNode } from './parser';
import { SourceFile, Range } from './source';
import { Resolver } from './resolve';
import { Fix, Settings } from './types';
import { ExecContext } from './context';
import type { ProjectIndex } from './project';

export interface RuleMeta {
  /** Starts with a verb: "Disallow …". */
  description: string;
  fixable: boolean;
  recommended: 'error' | 'warn';
  /** Message templates with `{{placeholders}}`. */
  messages: Record<string, string>;
  /** JSON schema of the options object (strict: additionalProperties false). */
  schema: Record<string, unknown>;
  /**
   * The words a file must hold, outside comments and strings, for the rule
   * to report anything in it: one regex, or several that must all match
   * (with `code`, a test of the code too, once they do), or a test that may
   * also ask the project (names defined in other files;
   * what the project says may only let more files through: a file a test
   * passes without it, it passes with it). A file no enabled rule's
   * prefilter matches is not parsed (lib/prefilter.ts).
   * Omit it when the rule may report in any file.
   */
  prefilter?: Prefilter;
  /**
   * The names the rule's `call_expression` visitor acts on: a callee's last
   * path segment (`spawn` of `std::thread::spawn`) or method name. When
   * given, the visitor sees only the calls so named, and those through a
   * single name a `use … as` may bind — found by a text search for the names
   * (lib/calls.ts), not by visiting every call of the file.
   */
  callNames?: readonly string[];
}

/** See RuleMeta.prefilter. */
export type Prefilter =
  | RegExp
  | readonly RegExp[]
  | { words: readonly RegExp[]; code: (code: string) => boolean }
  | ((file: { filePath: string; text: string; code: string; project?: ProjectIndex }) => boolean);

export interface ReportDescriptor {
  node?: SyntaxNode;
  range?: Range;
  messageId: string;
  data?: Record<string, string | number>;
  fix?: Fix | null;
}

export interface RuleContext<O> {
  readonly id: string;
  readonly source: SourceFile;
  readonly resolver: Resolver;
  readonly options: O;
  readonly settings: Settings;
  readonly project: ProjectIndex;
  /** Whether sync code may assume a running tokio runtime (settings + project). */
  readonly ambientRuntime: boolean;
  /** Ids of the rules enabled for this file (a fix may count on another rule's next pass). */
  readonly enabledRules: ReadonlySet<string>;
  contextOf(node: SyntaxNode): ExecContext;
  report(descriptor: ReportDescriptor): void;
}

export type Visitors = Record<string, (node: SyntaxNode) => void>;

export interface RuleModule<O = Record<string, unknown>> {
  id: string;
  meta: RuleMeta & { docsUrl: string };
  defaultOptions: O;
  create(context: RuleContext<O>): Visitors;
}

export const DOCS_BASE = 'https://github.com/rustokio/rustokio-lint/blob/main/docs/rules/';

export function createRule<O extends object>(def: {
  id: string;
  meta: RuleMeta;
  defaultOptions: O;
  create(context: RuleContext<O>): Visitors;
}): RuleModule<O> {
  return { ...def, meta: { ...def.meta, docsUrl: `${DOCS_BASE}${def.id}.md` } };
}

/** Fills `{{name}}` placeholders. */
export function formatMessage(template: string, data?: Record<string, string | number>): string {
  if (!data) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => (k in data ? String(data[k]) : m));
}
