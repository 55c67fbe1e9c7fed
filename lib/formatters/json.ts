/**
 * ESLint's JSON result shape. Our fixes have several edits; ESLint's have
 * one: the edits are merged into one replacement from the first edit's
 * start to the last edit's end. Fixes `--fix` would apply go in `fix`;
 * unsafe ones (without --unsafe-fixes) go in `suggestions`. Offsets and
 * columns are UTF-16 units of the text without its BOM, as in LintMessage.
 */
import type { Fix, LintMessage } from '../types';
import type { Formatter } from './index';

interface EslintFix {
  range: [number, number];
  text: string;
}

interface JsonMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  messageId?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fatal?: boolean;
  fix?: EslintFix;
  suggestions?: { desc: string; fix: EslintFix }[];
}

/** One ESLint fix from the edits of a Fix, over the text they refer to. */
export function mergeFix(fix: Fix, text: string): EslintFix | null {
  if (fix.edits.length === 0) return null;
  const edits = [...fix.edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const start = edits[0].start;
  const end = Math.max(...edits.map((e) => e.end));
  let out = '';
  let pos = start;
  for (const e of edits) {
    if (e.start < pos) return null;
    out += text.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  out += text.slice(pos, end);
  return { range: [start, end], text: out };
}

function toJsonMessage(m: LintMessage, text: string | undefined, unsafeFixes: boolean): JsonMessage {
  const out: JsonMessage = {
    ruleId: m.ruleId,
    severity: m.severity,
    message: m.message,
    ...(m.messageId ? { messageId: m.messageId } : {}),
    line: m.line,
    column: m.column,
    endLine: m.endLine,
    endColumn: m.endColumn,
    ...(m.fatal ? { fatal: true } : {}),
  };
  if (m.fix && text !== undefined) {
    const merged = mergeFix(m.fix, text);
    if (merged) {
      if (m.fix.applicability === 'safe' || unsafeFixes) out.fix = merged;
      else out.suggestions = [{ desc: `(unsafe) ${m.message}`, fix: merged }];
    }
  }
  return out;
}

const json: Formatter = (results, context) => {
  const out = results.map((r) => {
    // Messages refer to the fixed text when there is one.
    const text = r.output !== undefined ? stripBOM(r.output) : r.source !== undefined ? stripBOM(r.source) : undefined;
    return {
      filePath: r.filePath,
      messages: r.messages.map((m) => toJsonMessage(m, text, context.unsafeFixes)),
      errorCount: r.errorCount,
      fatalErrorCount: r.messages.filter((m) => m.fatal).length,
      warningCount: r.warningCount,
      fixableErrorCount: r.fixableErrorCount,
      fixableWarningCount: r.fixableWarningCount,
      ...(r.output !== undefined ? { output: r.output } : {}),
      ...(r.output === undefined && r.messages.length > 0 && r.source !== undefined ? { source: r.source } : {}),
    };
  });
  return JSON.stringify(out);
};

function stripBOM(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

export default json;
