/**
 * Every fixture program under tests/fixtures/oracle compiles as written,
 * after `--fix`, and after `--fix --unsafe-fixes`; re-linting each fixed
 * output finds nothing more to fix. Fixtures named `valid-*` must report
 * nothing; every other fixture must be reported and changed by some fix.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { lintAndFix } from '../lib/fixer';
import { ProjectIndex } from '../lib/project';
import { recommendedConfig } from './helpers';
import { compile, failingFiles, oracleAvailable } from './oracle';

const dir = path.join(__dirname, 'fixtures', 'oracle');
const fixtures = fs.readdirSync(dir).filter((f) => f.endsWith('.rs')).sort();
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-oracle-'));

interface Prepared {
  name: string;
  original: string;
  safe: string;
  unsafe: string;
  messages: number;
}

function fixWith(name: string, text: string, fix: boolean, unsafe: boolean) {
  const filePath = path.join(dir, name);
  const project = ProjectIndex.fromTexts([{ filePath, text }]);
  return lintAndFix(filePath, text, { config: recommendedConfig(), project, unsafe }, fix);
}

const prepared: Prepared[] = fixtures.map((name) => {
  const text = fs.readFileSync(path.join(dir, name), 'utf8');
  const safe = fixWith(name, text, true, false);
  const unsafe = fixWith(name, text, true, true);
  const base = name.replace(/\.rs$/, '');
  const write = (suffix: string, t: string) => {
    const p = path.join(out, `${base}${suffix}.rs`);
    fs.writeFileSync(p, t);
    return p;
  };
  write('', text);
  write('.safe', safe.source.text);
  write('.unsafe', unsafe.source.text);
  return { name, original: text, safe: safe.source.text, unsafe: unsafe.source.text, messages: fixWith(name, text, false, false).lint.messages.length };
});

describe('rustc oracle', () => {
  it('has at least 30 fixture programs', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
  });

  it.each(prepared.map((p) => [p.name, p]))('%s is reported and fixed as its name says', (_n, p) => {
    const prepared = p as Prepared;
    if (prepared.name.startsWith('valid-')) {
      expect(prepared.messages).toBe(0);
      expect(prepared.unsafe).toBe(prepared.original);
    } else {
      expect(prepared.messages).toBeGreaterThan(0);
      if (!prepared.name.includes('report-only')) expect(prepared.unsafe).not.toBe(prepared.original);
    }
  });

  it.each(prepared.map((p) => [p.name, p]))('%s: fixed output re-lints with nothing to fix', (_n, p) => {
    const prepared = p as Prepared;
    const again = fixWith(prepared.name, prepared.safe, true, false);
    expect(again.source.text).toBe(prepared.safe);
    const againUnsafe = fixWith(prepared.name, prepared.unsafe, true, true);
    expect(againUnsafe.source.text).toBe(prepared.unsafe);
  });

  it('every original, safe and unsafe output compiles', () => {
    expect(oracleAvailable()).toBe(true);
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.rs')).map((f) => path.join(out, f));
    const result = compile(files);
    if (!result.ok) {
      const bad = failingFiles(result.output).map((f) => path.basename(f));
      throw new Error(`these do not compile: ${bad.join(', ')}\n${result.output}`);
    }
    expect(result.ok).toBe(true);
  });
});
