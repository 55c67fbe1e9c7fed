/**
 * GitHub Actions workflow commands: one `::error` or `::warning` annotation
 * per problem, which GitHub shows on the pull request's diff.
 *
 *   ::error file=src/a.rs,line=2,col=5,endLine=2,endColumn=26,title=no-thread-sleep::message
 *
 * Escaping follows GitHub's toolkit (`@actions/core`): in the message `%`,
 * CR and LF become `%25`, `%0D`, `%0A`; in property values `:` and `,` also
 * become `%3A` and `%2C`. Columns are given only for a problem on one line:
 * GitHub's annotations accept start and end columns only when the start and
 * end lines are the same. Paths are relative to the working directory: run
 * the linter from the repository root.
 */
import type { Formatter } from './index';
import { displayPath } from './util';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const github: Formatter = (results, context) => {
  let out = '';
  for (const r of results) {
    if (r.messages.length === 0) continue;
    const file = displayPath(r.filePath, context.cwd);
    for (const m of r.messages) {
      const props: [string, string | number][] = [['file', file], ['line', m.line]];
      if (m.line === m.endLine) props.push(['col', m.column], ['endLine', m.endLine], ['endColumn', m.endColumn]);
      else props.push(['endLine', m.endLine]);
      props.push(['title', m.ruleId ?? 'rustokio-lint']);
      const command = m.severity === 2 ? 'error' : 'warning';
      const properties = props.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
      out += `::${command} ${properties}::${escapeData(m.message)}\n`;
    }
  }
  return out;
};

export default github;
