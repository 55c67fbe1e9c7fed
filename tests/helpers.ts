/** Small helpers shared by tests. */
import { FileConfig } from '../lib/types';
import { ruleList } from '../rules';

/** Every rule at its recommended severity with default options. */
export function recommendedConfig(settings: Partial<FileConfig['settings']> = {}): FileConfig {
  const rules: FileConfig['rules'] = {};
  for (const r of ruleList) rules[r.id] = { severity: r.meta.recommended === 'error' ? 2 : 1, options: {} };
  return { rules, settings: { ambientRuntime: 'auto', ...settings } };
}
