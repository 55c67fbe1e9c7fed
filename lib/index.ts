/** The programmatic API of rustokio-lint. */
export { runLint } from './run';
export type { RunOptions, RunOutcome } from './run';
export { lintAndFix } from './fixer';
export { lintSource } from './linter';
export { SourceFile } from './source';
export { ProjectIndex } from './project';
export { ConfigResolver, ConfigError } from './config';
export { loadFormatter, formatterNames } from './formatters';
export { allRules, ruleList } from '../rules';
export type { LintMessage, LintResult, Fix, TextEdit, FileConfig, Settings } from './types';
