/**
 * SARIF 2.1.0, as GitHub code scanning reads it (SPEC §8).
 *
 * - `tool.driver.rules`: every rule with its description and docs URL;
 *   results point at them by `ruleId` and `ruleIndex`.
 * - Locations are relative to the working directory under the uriBaseId
 *   `%SRCROOT%` (run the linter from the repository root), percent-encoded;
 *   a file outside it gets an absolute `file://` URI.
 * - Regions are 1-based lines and columns, end exclusive, counted in UTF-16
 *   code units as the rest of the linter counts: `columnKind` says so.
 * - `partialFingerprints.primaryLocationLineHash` is `<hash>:<n>`: a hash of
 *   the rule id, the file and the trimmed text of the line, and n, the
 *   occurrence of that triple in the file. It survives lines moving, so code
 *   scanning keeps tracking an alert across commits.
 * - Messages without a rule (parse errors, unused-directive and ignored-file
 *   notes) are tool notifications, not results, as in ESLint's SARIF output.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { LintMessage } from '../types';
import type { Formatter, FormatterContext } from './index';
import { toolVersion } from '../version';

const SRCROOT = '%SRCROOT%';
const INFORMATION_URI = 'https://github.com/rustokio/rustokio-lint';

interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface Location {
  physicalLocation: {
    artifactLocation: ArtifactLocation;
    region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  };
}

const sarif: Formatter = (results, context) => {
  const ruleIds = Object.keys(context.rulesMeta).sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const meta = context.rulesMeta[id];
    return {
      id,
      shortDescription: { text: meta.description },
      helpUri: meta.docsUrl,
      properties: { fixable: meta.fixable },
    };
  });

  const sarifResults: object[] = [];
  const notifications: object[] = [];
  for (const r of results) {
    const artifact = artifactLocation(r.filePath, context.cwd);
    const lines = linesOf(r.output ?? r.source);
    const seen = new Map<string, number>();
    for (const m of r.messages) {
      const location = locationOf(artifact, m);
      const level = m.severity === 2 ? 'error' : 'warning';
      if (m.ruleId === null) {
        notifications.push({ level, message: { text: m.message }, locations: [location] });
        continue;
      }
      const lineText = (lines[m.line - 1] ?? '').trim();
      const hash = createHash('sha256').update(`${m.ruleId}\0${artifact.uri}\0${lineText}`).digest('hex').slice(0, 16);
      const occurrence = (seen.get(hash) ?? 0) + 1;
      seen.set(hash, occurrence);
      sarifResults.push({
        ruleId: m.ruleId,
        ...(ruleIndex.has(m.ruleId) ? { ruleIndex: ruleIndex.get(m.ruleId) } : {}),
        level,
        message: { text: m.message },
        locations: [location],
        partialFingerprints: { primaryLocationLineHash: `${hash}:${occurrence}` },
      });
    }
  }

  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'rustokio-lint', informationUri: INFORMATION_URI, version: toolVersion(), rules } },
        originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(context.cwd) } },
        columnKind: 'utf16CodeUnits',
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
};

/** A relative, percent-encoded URI under %SRCROOT%, or a file:// URI for a file outside cwd. */
export function artifactLocation(filePath: string, cwd: FormatterContext['cwd']): ArtifactLocation {
  const rel = path.relative(cwd, filePath);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(filePath).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function locationOf(artifactLocation: ArtifactLocation, m: LintMessage): Location {
  return {
    physicalLocation: {
      artifactLocation,
      region: { startLine: m.line, startColumn: m.column, endLine: m.endLine, endColumn: m.endColumn },
    },
  };
}

/** The lines of a text as the linter counts them (LF, CRLF or a lone CR end a line), BOM dropped. */
function linesOf(text: string | undefined): string[] {
  if (text === undefined) return [];
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
}

export default sarif;
