/**
 * ESLint's stylish look: each file's path, then aligned
 * `line:col  severity  message  rule-id` rows, then a summary with the counts
 * and how many problems `--fix` can fix.
 */
import type { Formatter } from './index';
import { displayPath, plural } from './util';

const stylish: Formatter = (results, context) => {
  const c = context.colors;
  let out = '';
  let errors = 0;
  let warnings = 0;
  let fixableErrors = 0;
  let fixableWarnings = 0;
  let unsafeOnly = 0;
  for (const r of results) {
    errors += r.errorCount;
    warnings += r.warningCount;
    fixableErrors += r.fixableErrorCount;
    fixableWarnings += r.fixableWarningCount;
    if (r.messages.length === 0) continue;
    const rows = r.messages.map((m) => {
      if (!context.unsafeFixes && m.fix && m.fix.applicability === 'unsafe') unsafeOnly++;
      return {
        line: String(m.line),
        column: String(m.column),
        severity: m.severity === 2 ? 'error' : 'warning',
        message: m.message.replace(/([^ ])\.$/u, '$1'),
        rule: m.ruleId ?? '',
      };
    });
    const width = (key: 'line' | 'column' | 'severity' | 'message') => Math.max(...rows.map((x) => x[key].length));
    const [wl, wc, ws, wm] = [width('line'), width('column'), width('severity'), width('message')];
    out += `\n${c.underline(displayPath(r.filePath, context.cwd))}\n`;
    for (const x of rows) {
      const pos = `${x.line.padStart(wl)}:${x.column.padEnd(wc)}`;
      const sev = x.severity === 'error' ? c.red(x.severity) : c.yellow(x.severity);
      const cells = [`  ${c.dim(pos)}`, sev + ' '.repeat(ws - x.severity.length), x.rule ? x.message.padEnd(wm) : x.message];
      if (x.rule) cells.push(c.dim(x.rule));
      out += `${cells.join('  ')}\n`;
    }
  }
  const total = errors + warnings;
  if (total === 0) return '';
  const paint = (s: string) => (errors > 0 ? c.red(c.bold(s)) : c.yellow(c.bold(s)));
  out += `\n${paint(`\u2716 ${plural(total, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`)}\n`;
  if (fixableErrors + fixableWarnings > 0) {
    const flag = context.unsafeFixes ? '--fix --unsafe-fixes options' : '--fix option';
    out += paint(`  ${plural(fixableErrors, 'error')} and ${plural(fixableWarnings, 'warning')} potentially fixable with the ${flag}.`) + '\n';
  }
  if (unsafeOnly > 0) {
    out += c.dim(`  ${plural(unsafeOnly, 'more problem')} fixable with the --fix --unsafe-fixes options.`) + '\n';
  }
  return `${out}\n`;
};

export default stylish;
