/**
 * Lints one source file: one pass over the tree, dispatching each node of
 * a type a rule asked for to that rule (call visitors of rules
 * that name their calls get those calls only, found by name: lib/calls.ts),
 * then suppression directives and the syntax-error diagnostic.
 */
import { SyntaxNode } from './parser';
import { SourceFile } from './source';
import { Resolver } from './resolve';
import { contextOf } from './context';
import { RuleContext, RuleModule, Visitors, formatMessage, ReportDescriptor } from './rule';
import { FileConfig, LintMessage } from './types';
import { ProjectIndex } from './project';
import { applyDirectives, parseDirectives, unusedDirectiveMessages } from './directives';
import { modulePathOf } from './modules';
import { mayReport } from './prefilter';
import { allRules } from '../rules';
import { callsNamed } from './calls';

export interface LintOptions {
  config: FileConfig;
  project?: ProjectIndex;
  reportUnusedDisableDirectives?: boolean;
  rules?: ReadonlyMap<string, RuleModule<any>>;
}

export interface FileLint {
  messages: LintMessage[];
  /** Rules that threw, as "rule-id: message". */
  errors: string[];
}

const EXIT = 'source_file:exit';

export function lintSource(source: SourceFile, opts: LintOptions): FileLint {
  const rules = opts.rules ?? allRules;
  const project = opts.project ?? singleFileProject(source);
  const resolver = new Resolver(modulePathOf(source.filePath));
  const settings = opts.config.settings;
  // Asked only when a rule needs it ("auto" may read every file of the project).
  let ambient: boolean | undefined;
  const ambientRuntime = (): boolean =>
    (ambient ??= settings.ambientRuntime === 'auto' ? project.hasTokioMain : settings.ambientRuntime === true);
  const messages: LintMessage[] = [];
  const errors: string[] = [];

  const active: { rule: RuleModule<any>; visitors: Visitors }[] = [];
  const enabledRules = new Set(
    Object.entries(opts.config.rules)
      .filter(([id, s]) => s.severity !== 0 && rules.has(id))
      .map(([id]) => id),
  );
  // A rule whose prefilter this text fails cannot report in it: it is not run (lib/prefilter.ts).
  const prefilterInput = { filePath: source.filePath, text: source.text, project, code: undefined as string | null | undefined };
  for (const [id, setting] of Object.entries(opts.config.rules)) {
    const rule = rules.get(id);
    if (!rule || setting.severity === 0) continue;
    if (rule.meta.prefilter && !mayReport([rule], prefilterInput)) continue;
    const severity = setting.severity;
    const ctx: RuleContext<any> = {
      id,
      source,
      resolver,
      options: { ...rule.defaultOptions, ...setting.options },
      settings,
      project,
      get ambientRuntime() {
        return ambientRuntime();
      },
      enabledRules,
      contextOf,
      report(d: ReportDescriptor) {
        messages.push(toMessage(source, rule, severity, d));
      },
    };
    try {
      active.push({ rule, visitors: rule.create(ctx) });
    } catch (e) {
      errors.push(`${id}: ${errorText(e)}`);
    }
  }

  // One pass; each node goes to the rules listening for its type.
  // Call visitors of rules that name their calls get those calls only, found by name (lib/calls.ts).
  type Listener = { rule: RuleModule<any>; fn: (n: SyntaxNode) => void };
  const byType = new Map<string, Listener[]>();
  const byName = new Map<string, Listener[]>();
  const named: Listener[] = [];
  for (const a of active) {
    for (const [type, fn] of Object.entries(a.visitors)) {
      if (type === EXIT) continue;
      const callNames = a.rule.meta.callNames;
      if (type === 'call_expression' && callNames) {
        const listener = { rule: a.rule, fn };
        named.push(listener);
        for (const n of callNames) byName.set(n, [...(byName.get(n) ?? []), listener]);
        continue;
      }
      let list = byType.get(type);
      if (!list) byType.set(type, (list = []));
      list.push({ rule: a.rule, fn });
    }
  }
  const broken = new Set<string>();
  const call = (rule: RuleModule<any>, fn: (n: SyntaxNode) => void, node: SyntaxNode): void => {
    if (broken.has(rule.id)) return;
    try {
      fn(node);
    } catch (e) {
      broken.add(rule.id);
      errors.push(`${rule.id}: ${errorText(e)}`);
    }
  };
  // Code inside `macro_rules!` definitions is not Rust yet: no rule looks at it.
  const macroDefs = source.text.includes('macro_rules')
    ? source.root.descendantsOfType('macro_definition').map((m) => [m.startIndex, m.endIndex])
    : [];
  const inMacroDef = (node: SyntaxNode): boolean =>
    macroDefs.length > 0 && macroDefs.some(([s, e]) => node.startIndex >= s && node.endIndex <= e);
  // Both streams in document order, merged: rules see nodes as a walk would show them.
  const visits: { node: SyntaxNode; listeners: Listener[] }[] = [];
  if (byName.size > 0) {
    for (const c of callsNamed(source.root, source.root.text, new Set(byName.keys()))) {
      visits.push({ node: c.call, listeners: c.alias ? named : byName.get(c.name)! });
    }
  }
  if (byType.size > 0) {
    // A native walk for the types (twice as fast as a query's captures, and nothing to compile).
    for (const node of source.root.descendantsOfType([...byType.keys()])) visits.push({ node, listeners: byType.get(node.type)! });
  }
  if (byName.size > 0 && byType.size > 0) visits.sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
  for (const { node, listeners } of visits) {
    if (inMacroDef(node)) continue;
    for (const l of listeners) call(l.rule, l.fn, node);
  }
  for (const a of active) {
    const exit = a.visitors[EXIT];
    if (exit) call(a.rule, exit, source.root);
  }

  const syntax = syntaxErrorMessage(source);
  if (syntax) messages.push(syntax);
  messages.sort((a, b) => a.start - b.start || a.end - b.end);
  const directives = parseDirectives(source);
  let kept = applyDirectives(messages, directives);
  if (opts.reportUnusedDisableDirectives) kept = [...kept, ...unusedDirectiveMessages(source, directives)].sort((a, b) => a.start - b.start);
  return { messages: kept, errors };
}

/** Without a project, the file is its own project (summarised from its tree only if a rule asks). */
function singleFileProject(source: SourceFile): ProjectIndex {
  const index = new ProjectIndex();
  index.addOnDemand([{ filePath: source.filePath, text: source.withBOM(source.text) }]);
  index.offer(source);
  return index;
}

function toMessage(source: SourceFile, rule: RuleModule<any>, severity: 1 | 2, d: ReportDescriptor): LintMessage {
  const start = d.node ? d.node.startIndex : d.range!.start;
  const end = d.node ? d.node.endIndex : d.range!.end;
  const template = rule.meta.messages[d.messageId];
  if (template === undefined) throw new Error(`unknown messageId '${d.messageId}'`);
  if (d.fix && !rule.meta.fixable) throw new Error('a rule that is not fixable reported a fix');
  const s = source.positionAt(start);
  const e = source.positionAt(end);
  const msg: LintMessage = {
    ruleId: rule.id,
    severity,
    message: formatMessage(template, d.data),
    messageId: d.messageId,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    start,
    end,
  };
  // No fix may touch a region that does not parse.
  if (d.fix && d.fix.edits.length && !d.fix.edits.some((x) => source.touchesSyntaxError(x.start, x.end))) msg.fix = d.fix;
  return msg;
}

function syntaxErrorMessage(source: SourceFile): LintMessage | null {
  const errs = source.syntaxErrors();
  if (errs.length === 0) return null;
  const first = errs[0];
  const node = source.tree.rootNode.descendantForIndex(first.start, Math.max(first.start, first.end - 1));
  const text = source.text.slice(first.start, Math.min(first.end, first.start + 20)).split(/\r?\n/)[0];
  const message = node.isMissing
    ? `Parsing error: missing \`${node.type}\``
    : `Parsing error: unexpected \`${text || 'end of file'}\``;
  const s = source.positionAt(first.start);
  const e = source.positionAt(Math.max(first.end, first.start));
  return {
    ruleId: null,
    severity: 2,
    fatal: true,
    message: errs.length > 1 ? `${message} (and ${errs.length - 1} more)` : message,
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    start: first.start,
    end: first.end,
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
