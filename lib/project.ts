/**
 * The project index (SPEC §6): facts about the whole set of linted files that
 * a rule cannot see from one file. Phase 1 builds it; rules query it.
 */
export interface FileFacts {
  filePath: string;
  hasTokioMain: boolean;
}

export class ProjectIndex {
  private readonly files = new Map<string, FileFacts>();

  static fromTexts(entries: Iterable<{ filePath: string; text: string }>): ProjectIndex {
    const index = new ProjectIndex();
    for (const e of entries) index.update(e.filePath, e.text);
    return index;
  }

  /** (Re)indexes one file; the editor calls this for the file being edited. */
  update(filePath: string, text: string): void {
    this.files.set(filePath, scanFile(filePath, text));
  }

  /**
   * Why a sync call site is reached from async code, when it is: the sync fn
   * that holds it and one async caller chain. Null when it is not reached.
   */
  reachability?: (filePath: string, node: import('./parser').SyntaxNode) => { fn: string; chain: string } | null;

  /** Whether any file of the project has a `#[tokio::main]` fn. */
  get hasTokioMain(): boolean {
    for (const f of this.files.values()) if (f.hasTokioMain) return true;
    return false;
  }
}

const TOKIO_MAIN = /#\s*\[\s*(?:::)?tokio\s*::\s*main\b/;

function scanFile(filePath: string, text: string): FileFacts {
  return { filePath, hasTokioMain: TOKIO_MAIN.test(text) };
}
