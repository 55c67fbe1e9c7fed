/**
 * `--stdin --stdin-filename <path>`: the text comes from standard input and
 * is linted as the file at `path` — that file's configuration, crate and
 * project index (the text on stdin replaces the file's own in the index).
 * The path need not exist. Nothing is ever written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ALWAYS_IGNORED_DIRS, discoverFiles, Discovery, DiscoverOptions } from './files';

/** Reads a stream to its end. */
export function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/**
 * Whether the stdin file is ignored, as a Discovery with no files to read:
 * an existing path goes through the same ignore rules as a file named on
 * the command line; a path that does not exist yet (a new editor buffer)
 * through the always-ignored directories and the configs' `ignorePatterns`.
 */
export function stdinDiscovery(filePath: string, opts: DiscoverOptions): Discovery {
  const abs = path.resolve(opts.cwd ?? process.cwd(), filePath);
  const none: Discovery = { files: [], ignored: [], errors: [] };
  if (fs.existsSync(abs)) {
    const d = discoverFiles({ ...opts, patterns: [abs] });
    return { ...none, ignored: d.ignored };
  }
  if (opts.ignore === false) return none;
  const inDefault = path
    .relative(opts.cwd ?? process.cwd(), abs)
    .split(path.sep)
    .slice(0, -1)
    .some((seg) => ALWAYS_IGNORED_DIRS.has(seg));
  if (inDefault) return { ...none, ignored: [{ filePath: abs, reason: 'default' }] };
  if (opts.isIgnoredByConfig?.(abs, false)) return { ...none, ignored: [{ filePath: abs, reason: 'pattern' }] };
  return none;
}
