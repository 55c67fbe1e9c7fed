/**
 * The rules' catalog (lib/rule-catalog.ts): a rule taken from it declares
 * what the rule declares, loads the rule's module only when its code is
 * needed, and a catalog older than the compiled rules is not used.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CATALOG_FILE, catalogEntry, lazyRule, readCatalog } from '../../lib/rule-catalog';
import { ruleList } from '../../rules';
import type { RuleModule } from '../../lib/rule';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-catalog-'));
  dirs.push(d);
  return d;
}

describe('rule catalog', () => {
  it.each(ruleList.map((r) => [r.id, r] as const))('%s from the catalog declares what the rule does, and loads it for its code only', (_id, rule) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'rule.js'), '// compiled');
    const entry = JSON.parse(JSON.stringify(catalogEntry(rule, 'rule', path.join(dir, 'rule.js'))));
    const load = jest.fn(() => rule);
    const lazy = lazyRule(entry, load);
    const { prefilter, ...declared } = rule.meta;
    // Every key but the prefilter read (reading it loads the module).
    const meta = lazy.meta as unknown as Record<string, unknown>;
    const lazyDeclared = Object.fromEntries(Object.keys(meta).filter((k) => k !== 'prefilter').map((k) => [k, meta[k]]));
    expect({ id: lazy.id, meta: lazyDeclared, defaultOptions: lazy.defaultOptions }).toEqual({ id: rule.id, meta: declared, defaultOptions: rule.defaultOptions });
    expect(load).not.toHaveBeenCalled();
    expect(lazy.meta.prefilter).toBe(prefilter);
    const create = jest.spyOn(rule, 'create').mockReturnValue({});
    lazy.create({} as Parameters<RuleModule<any>['create']>[0]);
    expect(create).toHaveBeenCalledTimes(1);
    create.mockRestore();
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('is used only while the compiled rules are the ones it was made from', () => {
    const dir = tempDir();
    const file = path.join(dir, 'rule.js');
    fs.writeFileSync(file, '// compiled');
    fs.writeFileSync(path.join(dir, CATALOG_FILE), JSON.stringify([catalogEntry(ruleList[0], 'rule', file)]));
    expect(readCatalog(dir, ['rule'])?.get('rule')?.id).toBe(ruleList[0].id);
    expect(readCatalog(dir, ['rule', 'other'])).toBe(null);
    fs.writeFileSync(file, '// compiled again');
    expect(readCatalog(dir, ['rule'])).toBe(null);
    fs.rmSync(path.join(dir, CATALOG_FILE));
    expect(readCatalog(dir, [])).toBe(null);
  });

  it('refuses metadata that JSON would not give back (a regex in a schema)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'rule.js'), '// compiled');
    const odd = { ...ruleList[0], meta: { ...ruleList[0].meta, schema: { pattern: /x/ } } } as unknown as RuleModule<any>;
    expect(() => catalogEntry(odd, 'rule', path.join(dir, 'rule.js'))).toThrow(/plain JSON/);
  });
});
