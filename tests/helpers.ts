/** Small helpers shared by tests. */
import * as fs from 'fs';
import * as path from 'path';
import { FileConfig } from '../lib/types';
import type { RuleModule } from '../lib/rule';
import type { ProjectIndex } from '../lib/project';
import { ruleList } from '../rules';

/** Every rule at its recommended severity with default options. */
export function recommendedConfig(settings: Partial<FileConfig['settings']> = {}): FileConfig {
  const rules: FileConfig['rules'] = {};
  for (const r of ruleList) rules[r.id] = { severity: r.meta.recommended === 'error' ? 2 : 1, options: {} };
  return { rules, settings: { ambientRuntime: 'auto', ...settings } };
}

/** A rule's prefilter function, asked about `code` as the file `src/jobs.rs` (or `filePath`), with or without a project. */
export function prefilterOf(rule: RuleModule<any>): (code: string, project?: ProjectIndex, filePath?: string) => boolean {
  const test = rule.meta.prefilter as (file: { filePath: string; text: string; code: string; project?: ProjectIndex }) => boolean;
  return (code, project, filePath = 'src/jobs.rs') => test({ filePath, text: code, code, project });
}

/** Every `.rs` file under a directory. */
export function rustFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) rustFiles(p, out);
    else if (e.name.endsWith('.rs')) out.push(p);
  }
  return out;
}
