/**
 * Suppression comments (SPEC §5):
 *   // rustokio-lint-disable-next-line <rule>[, <rule>] -- reason
 *   // rustokio-lint-disable-line <rule>
 *   /* rustokio-lint-disable <rule> *\/ … /* rustokio-lint-enable <rule> *\/
 *   // rustokio-lint-disable <rule>      (before the first item: the whole file)
 * No rule list means every rule.
 */
import { SourceFile } from './source';
import { LintMessage } from './types';

type Kind = 'disable' | 'enable' | 'disable-line' | 'disable-next-line';

export interface Directive {
  kind: Kind;
  /** Null: every rule. */
  rules: string[] | null;
  /** Comment position. */
  start: number;
  end: number;
  line: number;
  /** Rules this directive suppressed something of (for unused reports). */
  used: Set<string>;
}

const DIRECTIVE = /rustokio-lint-(disable-next-line|disable-line|disable|enable)\b/g;

export function parseDirectives(source: SourceFile): Directive[] {
  const out: Directive[] = [];
  const text = source.text;
  if (!text.includes('rustokio-lint-')) return out;
  DIRECTIVE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = DIRECTIVE.exec(text))) {
    const node = source.tree.rootNode.descendantForIndex(m.index);
    if (node.type !== 'line_comment' && node.type !== 'block_comment') continue;
    const body = text.slice(m.index + m[0].length, node.endIndex).replace(/\*\/$/, '');
    const list = body.split(/\s--\s|\s--$/)[0].trim();
    const rules = list ? list.split(/[\s,]+/).filter(Boolean) : null;
    out.push({
      kind: m[1] as Kind,
      rules,
      start: node.startIndex,
      end: node.endIndex,
      line: source.positionAt(node.startIndex).line,
      used: new Set(),
    });
  }
  return out;
}

function covers(d: Directive, rule: string | null): boolean {
  return d.rules === null || (rule !== null && d.rules.includes(rule));
}

/**
 * Drops suppressed messages and marks the directives that suppressed them.
 * Messages without a rule (syntax errors) are never suppressed.
 */
export function applyDirectives(messages: LintMessage[], directives: Directive[]): LintMessage[] {
  if (directives.length === 0) return messages;
  return messages.filter((msg) => {
    if (msg.ruleId === null) return true;
    const by = suppressor(msg, directives);
    if (!by) return true;
    by.used.add(msg.ruleId);
    return false;
  });
}

function suppressor(msg: LintMessage, directives: Directive[]): Directive | null {
  const rule = msg.ruleId;
  let blockDisable: Directive | null = null;
  for (const d of directives) {
    if (d.kind === 'disable-line' && d.line === msg.line && covers(d, rule)) return d;
    if (d.kind === 'disable-next-line' && d.line + 1 === msg.line && covers(d, rule)) return d;
    if (d.start > msg.start) continue;
    if (d.kind === 'disable' && covers(d, rule)) blockDisable = d;
    else if (d.kind === 'enable' && blockDisable && covers(d, rule)) blockDisable = null;
  }
  return blockDisable;
}

/** Diagnostics for directives that suppressed nothing. */
export function unusedDirectiveMessages(source: SourceFile, directives: Directive[]): LintMessage[] {
  const out: LintMessage[] = [];
  for (const d of directives) {
    if (d.kind === 'enable') continue;
    const unused = d.rules === null ? (d.used.size ? [] : [null]) : d.rules.filter((r) => !d.used.has(r));
    if (unused.length === 0) continue;
    const start = source.positionAt(d.start);
    const end = source.positionAt(d.end);
    const what = unused[0] === null ? '' : ` (no problems were reported from ${unused.map((r) => `'${r}'`).join(', ')})`;
    out.push({
      ruleId: null,
      severity: 2,
      message: `Unused rustokio-lint-${d.kind} directive${what}.`,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      start: d.start,
      end: d.end,
    });
  }
  return out;
}
