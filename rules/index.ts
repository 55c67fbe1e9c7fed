/**
 * The registry of rules, by id. Built (dist/), a rule comes from the catalog
 * the build writes beside it (lib/rule-catalog.ts) and its module loads on
 * first use of its code; without a catalog made from these files, every
 * module loads now.
 */
import type { RuleModule } from '../lib/rule';
import { lazyRule, readCatalog } from '../lib/rule-catalog';

/** The rules' modules, in registry order. */
export const RULE_FILES = ['no-thread-spawn', 'no-thread-sleep', 'no-std-mpsc-in-async', 'no-block-on', 'no-shared-runtime'] as const;

function load(file: string): RuleModule<any> {
  return (require(`./${file}`) as { default: RuleModule<any> }).default;
}

const catalog = __filename.endsWith('.js') ? readCatalog(__dirname, RULE_FILES) : null;

export const ruleList: RuleModule<any>[] = RULE_FILES.map((file) => {
  const entry = catalog?.get(file);
  return entry ? lazyRule(entry, () => load(file)) : load(file);
});

export const allRules: ReadonlyMap<string, RuleModule<any>> = new Map(ruleList.map((r) => [r.id, r]));
