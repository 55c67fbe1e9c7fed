/** Helpers shared by formatters. */
import * as path from 'path';

/** A path relative to `cwd` when it is inside it, else as given; always with `/`. */
export function displayPath(filePath: string, cwd: string): string {
  const rel = path.relative(cwd, filePath);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : filePath;
  return shown.split(path.sep).join('/');
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
