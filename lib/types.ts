/** Types shared by the engine, the rules, the formatters and the CLI. */

export type Severity = 0 | 1 | 2;
export type SeverityName = 'off' | 'warn' | 'error';
export type Applicability = 'safe' | 'unsafe';

/** One text replacement, in UTF-16 offsets of the BOM-less text. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Fix {
  applicability: Applicability;
  edits: TextEdit[];
}

/** Whether a fix is applied: safe ones always, unsafe ones with `--unsafe-fixes`. */
export function isApplicable(fix: Fix | undefined, unsafe: boolean): fix is Fix {
  return !!fix && (fix.applicability === 'safe' || unsafe);
}

export interface Settings {
  /** Whether sync code may assume a tokio runtime is running (SPEC §1). */
  ambientRuntime: 'auto' | boolean;
  [key: string]: unknown;
}

export interface RuleSetting {
  severity: Severity;
  options: Record<string, unknown>;
}

/** What linting one file needs from the configuration. */
export interface FileConfig {
  rules: Record<string, RuleSetting>;
  settings: Settings;
}

/** A diagnostic as formatters and the JSON output see it. */
export interface LintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  messageId?: string;
  /** 1-based line and UTF-16 column, end exclusive, as in ESLint. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Offsets into the BOM-less text. */
  start: number;
  end: number;
  fix?: Fix;
  fatal?: boolean;
}

export interface LintResult {
  filePath: string;
  messages: LintMessage[];
  errorCount: number;
  warningCount: number;
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** The fixed text, when fixing changed it. */
  output?: string;
  /** The text that was linted (kept for formatters that show code, and for --diff). */
  source?: string;
  /** Internal errors: a rule that threw, an unreadable file. */
  errors?: string[];
}
