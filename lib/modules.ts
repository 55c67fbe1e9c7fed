/**
 * Module paths from the file layout: `src/lib.rs` and `src/main.rs` are
 * `crate`, `src/runtime/mod.rs` is `crate::runtime`, `src/a/b.rs` is
 * `crate::a::b`. In a package on disk, targets of their own (`tests/x.rs`,
 * `src/bin/x/main.rs`, …) are `crate` and their modules are below it
 * (lib/index/crates.ts targetOf). Without a Cargo.toml above it, a file
 * outside a `src/` tree is the root of its own crate.
 */
import { moduleOfRel, targetOf } from './index/crates';

export function modulePathOf(filePath: string): string {
  const target = targetOf(filePath);
  if (target) return target.modulePath;
  const parts = filePath.split(/[\\/]/);
  const src = parts.lastIndexOf('src');
  if (src < 0) return 'crate';
  const rel = parts.slice(src + 1);
  if (rel[0] === 'bin') return 'crate';
  return moduleOfRel(rel);
}
