/**
 * The rustc oracle for whole crates (multi-file fixtures and workspaces):
 * the same offline set-up as ../shared/rust-oracle/check.sh — Debian's
 * packaged crate sources, no network, one shared target dir — but with the
 * crate's own Cargo.toml and src/ tree.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHECK_SH } from './oracle';

const cache = process.env.RUST_ORACLE_CACHE ?? path.join(os.homedir(), '.cache', 'rust-oracle');

/** Copies a crate (or workspace) directory to a fresh temp dir. */
export function copyCrate(dir: string): string {
  const to = fs.mkdtempSync(path.join(os.tmpdir(), `rustokio-crate-${path.basename(dir)}-`));
  fs.cpSync(dir, to, { recursive: true });
  return to;
}

/** `cargo check` of a crate or workspace dir, offline against Debian's sources. */
export function checkCrate(dir: string): { ok: boolean; output: string } {
  // setup.sh is idempotent and installs the sources when missing.
  const setup = spawnSync('bash', [path.join(path.dirname(CHECK_SH), 'setup.sh')], { encoding: 'utf8' });
  if (setup.status !== 0) return { ok: false, output: setup.stderr };
  fs.mkdirSync(path.join(dir, '.cargo'), { recursive: true });
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(
    path.join(dir, '.cargo', 'config.toml'),
    [
      '[source.crates-io]',
      'replace-with = "debian"',
      '[source.debian]',
      'directory = "/usr/share/cargo/registry"',
      '[net]',
      'offline = true',
      '[build]',
      `target-dir = "${path.join(cache, 'target-crates')}"`,
      '',
    ].join('\n'),
  );
  const lock = path.join(cache, 'Cargo.lock');
  if (fs.existsSync(lock) && !fs.existsSync(path.join(dir, 'Cargo.lock'))) fs.copyFileSync(lock, path.join(dir, 'Cargo.lock'));
  const r = spawnSync('cargo', ['check', '--quiet', '--workspace', '--all-targets', '--message-format=short'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 15 * 60 * 1000,
    env: { ...process.env, RUSTFLAGS: '-A warnings' },
  });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
