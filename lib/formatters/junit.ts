/**
 * JUnit XML, for CI systems that show test reports: one `<testsuite>` per
 * file, one `<testcase>` per problem with a `<failure>` (type `error` or
 * `warning`), and one passing `<testcase>` for a file without problems, so a
 * clean file still shows as passed.
 */
import type { Formatter } from './index';
import { displayPath } from './util';

/** XML attribute and text escaping; characters XML 1.0 cannot hold are dropped. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const junit: Formatter = (results, context) => {
  let tests = 0;
  let failures = 0;
  let suites = '';
  for (const r of results) {
    const file = xmlEscape(displayPath(r.filePath, context.cwd));
    const cases = r.messages.map((m) => {
      const rule = m.ruleId ?? 'rustokio-lint';
      const type = m.severity === 2 ? 'error' : 'warning';
      const where = `${m.line}:${m.column}`;
      const body = `${displayPath(r.filePath, context.cwd)}:${where} ${type} ${m.message} [${rule}]`;
      return (
        `    <testcase name="${xmlEscape(`${rule} at ${where}`)}" classname="${file}" time="0">\n` +
        `      <failure type="${type}" message="${xmlEscape(m.message)}">${xmlEscape(body)}</failure>\n` +
        `    </testcase>\n`
      );
    });
    if (cases.length === 0) cases.push(`    <testcase name="rustokio-lint" classname="${file}" time="0"/>\n`);
    tests += cases.length;
    failures += r.messages.length;
    suites +=
      `  <testsuite name="${file}" tests="${cases.length}" failures="${r.messages.length}" errors="0" skipped="0" time="0">\n` +
      cases.join('') +
      `  </testsuite>\n`;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="rustokio-lint" tests="${tests}" failures="${failures}" errors="0" time="0">\n` +
    suites +
    `</testsuites>\n`
  );
};

export default junit;
