/** `file:line:col: severity message [rule-id]`, one line per problem (SPEC §8). */
import type { Formatter } from './index';
import { displayPath } from './util';

const compact: Formatter = (results, context) => {
  let out = '';
  for (const r of results) {
    if (r.messages.length === 0) continue;
    const file = displayPath(r.filePath, context.cwd);
    for (const m of r.messages) {
      const severity = m.severity === 2 ? 'error' : 'warning';
      const rule = m.ruleId ? ` [${m.ruleId}]` : '';
      out += `${file}:${m.line}:${m.column}: ${severity} ${m.message}${rule}\n`;
    }
  }
  return out;
};

export default compact;
