/** The version of rustokio-lint, from the package.json above this module. */
import * as fs from 'fs';
import * as path from 'path';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached !== undefined) return cached;
  cached = 'unknown';
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        cached = String(JSON.parse(fs.readFileSync(file, 'utf8')).version ?? 'unknown');
      } catch {
        /* unreadable: unknown */
      }
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  return cached;
}
