/**
 * The rustc oracle: compiles Rust programs offline against tokio and futures
 * with ../shared/rust-oracle/check.sh (one cargo run for many files).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const CHECK_SH = path.resolve(__dirname, '../../shared/rust-oracle/check.sh');

export interface OracleResult {
  ok: boolean;
  output: string;
}

export function oracleAvailable(): boolean {
  return fs.existsSync(CHECK_SH);
}

export function compile(files: string[]): OracleResult {
  const r = spawnSync('bash', [CHECK_SH, ...files], { encoding: 'utf8', timeout: 15 * 60 * 1000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The files named in rustc's short-format error lines. */
export function failingFiles(output: string): string[] {
  const files = new Set<string>();
  for (const m of output.matchAll(/^(\/[^:\n]+\.rs):\d+:\d+: error/gm)) files.add(m[1]);
  return [...files];
}
