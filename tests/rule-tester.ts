/**
 * A rule tester in the spirit of ESLint's RuleTester: tables of valid and
 * invalid cases with expected diagnostics (message id and positions) and the
 * expected text after safe fixes and after unsafe fixes. Every output is
 * re-linted: it must parse and a second --fix must change nothing.
 */
import { lintAndFix } from '../lib/fixer';
import { RuleModule } from '../lib/rule';
import { FileConfig, Settings } from '../lib/types';
import { ProjectIndex } from '../lib/project';
import { mayReport } from '../lib/prefilter';
import { allRules } from '../rules';

export interface ValidCase {
  code: string;
  name?: string;
  filename?: string;
  options?: Record<string, unknown>;
  settings?: Partial<Settings>;
}

export interface ExpectedError {
  messageId: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** Text after `--fix`; omit or null when no safe fix applies. */
  output?: string | null;
  /** Text after `--fix --unsafe-fixes`; omit when equal to `output`. */
  unsafeOutput?: string | null;
  /** Other rules enabled while fixing (fixes that feed each other). */
  withRules?: string[];
}

function configFor(rule: RuleModule<any>, c: ValidCase, extra: string[] = []): FileConfig {
  const rules: FileConfig['rules'] = { [rule.id]: { severity: 2, options: c.options ?? {} } };
  for (const id of extra) rules[id] = { severity: 2, options: {} };
  return { rules, settings: { ambientRuntime: 'auto', ...c.settings } };
}

function run(rule: RuleModule<any>, c: ValidCase, fix: boolean, unsafe = false, extra: string[] = [], code = c.code) {
  const filePath = c.filename ?? 'src/lib.rs';
  const project = ProjectIndex.fromTexts([{ filePath, text: code }]);
  return lintAndFix(filePath, code, { config: configFor(rule, c, extra), project, unsafe }, fix);
}

export function ruleTester(rule: RuleModule<any>, cases: { valid: (ValidCase | string)[]; invalid: InvalidCase[] }): void {
  const seen = new Set<string>();
  const key = (c: ValidCase) => JSON.stringify([c.code, c.options, c.settings, c.filename]);
  describe(rule.id, () => {
    it('is registered', () => {
      expect(allRules.get(rule.id)).toBe(rule);
    });
    describe('valid', () => {
      cases.valid.forEach((raw, i) => {
        const c = typeof raw === 'string' ? { code: raw } : raw;
        it(c.name ?? `valid #${i + 1}: ${firstLine(c.code)}`, () => {
          expect(seen.has(key(c))).toBe(false);
          seen.add(key(c));
          const { lint } = run(rule, c, false);
          expect(lint.errors).toEqual([]);
          expect(lint.messages.filter((m) => m.ruleId === rule.id)).toEqual([]);
          expect(lint.messages.filter((m) => m.fatal)).toEqual([]);
        });
      });
    });
    describe('invalid', () => {
      cases.invalid.forEach((c, i) => {
        it(c.name ?? `invalid #${i + 1}: ${firstLine(c.code)}`, () => {
          expect(seen.has(key(c))).toBe(false);
          seen.add(key(c));
          const { lint } = run(rule, c, false);
          expect(lint.errors).toEqual([]);
          // The rule's prefilter lets through every file it reports in (lib/prefilter.ts).
          const filePath = c.filename ?? 'src/lib.rs';
          expect(mayReport([rule], { filePath, text: c.code, project: ProjectIndex.fromTexts([{ filePath, text: c.code }]) })).toBe(true);
          const got = lint.messages
            .filter((m) => m.ruleId === rule.id)
            .map((m, j) => {
              const e = c.errors[j];
              const out: Record<string, unknown> = { messageId: m.messageId, line: m.line, column: m.column };
              if (e?.endLine !== undefined) out.endLine = m.endLine;
              if (e?.endColumn !== undefined) out.endColumn = m.endColumn;
              return out;
            });
          expect(got).toEqual(c.errors);
          if (!rule.meta.fixable) expect(lint.messages.some((m) => m.fix)).toBe(false);

          const safe = run(rule, c, true, false, c.withRules);
          const expectedSafe = c.output ?? c.code;
          if (c.output != null) expect(c.output).not.toEqual(c.code);
          expect(safe.source.text).toEqual(expectedSafe);
          expectStable(rule, c, safe.source.text, false);

          const unsafe = run(rule, c, true, true, c.withRules);
          const expectedUnsafe = c.unsafeOutput === undefined ? expectedSafe : (c.unsafeOutput ?? c.code);
          if (c.unsafeOutput != null) expect(c.unsafeOutput).not.toEqual(expectedSafe);
          expect(unsafe.source.text).toEqual(expectedUnsafe);
          expectStable(rule, c, unsafe.source.text, true);
        });
      });
    });
  });
}

/** The output parses no worse than the input and a second fix changes nothing. */
function expectStable(rule: RuleModule<any>, c: InvalidCase, output: string, unsafe: boolean): void {
  if (output === c.code) return;
  const again = run(rule, c, true, unsafe, c.withRules, output);
  expect(again.lint.messages.filter((m) => m.fatal).length).toBeLessThanOrEqual(
    run(rule, c, false).lint.messages.filter((m) => m.fatal).length,
  );
  expect(again.source.text).toEqual(output);
}

function firstLine(code: string): string {
  return code.trim().split('\n').slice(0, 2).join(' ').slice(0, 70);
}
