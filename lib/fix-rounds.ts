/**
 * Fixing across files. A fix in one file can enable a fix in another: once
 * every use of a shared runtime is rewritten, its definition gets its
 * deprecation fix. After a round of per-file fixing, the files that changed
 * are indexed anew and every file is fixed again, until a round changes
 * nothing (at most `MAX_ROUNDS`).
 */
import { ProjectIndex } from './project';
import { SourceFile } from './source';
import { FixRun } from './fixer';

export const MAX_ROUNDS = 3;

export interface ProjectFile {
  filePath: string;
  text: string;
  /** The text already parsed (by the index), to save a parse in round one. */
  parsed?: SourceFile;
}

/** Lints and fixes one file of the project (the caller binds config and options). */
export type FixOne = (filePath: string, text: string, parsed?: SourceFile) => FixRun;

export function fixAcrossFiles(files: ProjectFile[], project: ProjectIndex, fixOne: FixOne): Map<string, FixRun> {
  const runs = new Map<string, FixRun>();
  for (const f of files) runs.set(f.filePath, fixOne(f.filePath, f.text, f.parsed));
  let changed = files.filter((f) => runs.get(f.filePath)!.changed);
  for (let round = 1; round < MAX_ROUNDS && changed.length; round++) {
    for (const f of changed) project.updateSource(runs.get(f.filePath)!.source);
    const next: ProjectFile[] = [];
    for (const f of files) {
      const prev = runs.get(f.filePath)!;
      const again = fixOne(f.filePath, prev.source.withBOM(prev.source.text), prev.source);
      if (!again.changed) continue;
      runs.set(f.filePath, { ...again, changed: true, passes: prev.passes + again.passes });
      next.push(f);
    }
    changed = next;
  }
  return runs;
}
