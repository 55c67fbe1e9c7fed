/**
 * Module paths from the file layout: `src/lib.rs` and `src/main.rs` are
 * `crate`, `src/runtime/mod.rs` is `crate::runtime`, `src/a/b.rs` is
 * `crate::a::b`. Files outside a `src/` tree (examples, tests) are the root
 * of their own crate.
 */
import * as path from 'path';

export function modulePathOf(filePath: string): string {
  const parts = filePath.split(/[\\/]/);
  const src = parts.lastIndexOf('src');
  if (src < 0) return 'crate';
  const rel = parts.slice(src + 1);
  if (rel.length === 0) return 'crate';
  const file = rel.pop()!;
  const stem = path.basename(file, '.rs');
  if (rel[0] === 'bin') return 'crate';
  const segs = [...rel];
  if (stem !== 'mod' && !(rel.length === 0 && (stem === 'lib' || stem === 'main'))) segs.push(stem);
  return ['crate', ...segs].join('::');
}
