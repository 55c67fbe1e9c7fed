/**
 * File discovery: directory walks, .gitignore from the repository root down,
 * ignore patterns, explicit files, globs, missing paths, symlink loops.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { discoverFiles, DiscoverOptions } from '../lib/files';
import { ConfigResolver } from '../lib/config';

const tmpRoots: string[] = [];
afterAll(() => {
  for (const d of tmpRoots) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp directory with these files; a value of null makes a directory. */
function tree(files: Record<string, string | null>): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rustokio-files-')));
  tmpRoots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    if (text === null) fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, text);
    }
  }
  return root;
}

function discover(root: string, opts: Omit<DiscoverOptions, 'cwd'> = {}) {
  const d = discoverFiles({ cwd: root, ...opts });
  const rel = (p: string) => path.relative(root, p);
  return { files: d.files.map(rel), ignored: d.ignored.map((i) => [rel(i.filePath), i.reason]), errors: d.errors };
}

describe('directory walks', () => {
  test('collects *.rs, sorted, never entering target/, .git/ or node_modules/', () => {
    const root = tree({
      'src/main.rs': '',
      'src/b/mod.rs': '',
      'src/a.rs': '',
      'src/notes.txt': '',
      'target/debug/build/out.rs': '',
      'crates/x/target/gen.rs': '',
      'node_modules/pkg/x.rs': '',
      '.git/hooks/x.rs': '',
      'build.rs': '',
    });
    expect(discover(root)).toEqual({ files: ['build.rs', 'src/a.rs', 'src/b/mod.rs', 'src/main.rs'], ignored: [], errors: [] });
    expect(discover(root, { ignore: false }).files).toEqual(['build.rs', 'src/a.rs', 'src/b/mod.rs', 'src/main.rs']);
  });

  test('.gitignore files from the repository root down, with negation in a deeper one', () => {
    const root = tree({
      '.gitignore': '*.rs\n',
      'repo/.git/HEAD': '',
      'repo/.gitignore': '/generated/\n*.gen.rs\n',
      'repo/.git/info/exclude': 'local.rs\n',
      'repo/src/.gitignore': '!keep.gen.rs\n',
      'repo/src/main.rs': '',
      'repo/src/x.gen.rs': '',
      'repo/src/keep.gen.rs': '',
      'repo/src/local.rs': '',
      'repo/generated/g.rs': '',
      'repo/src/generated/not_root.rs': '',
    });
    // The `*.rs` above the repository root does not apply.
    expect(discover(root, { patterns: ['repo'] }).files).toEqual([
      'repo/src/generated/not_root.rs',
      'repo/src/keep.gen.rs',
      'repo/src/main.rs',
    ]);
    expect(discover(root, { patterns: ['repo'], ignore: false }).files).toEqual([
      'repo/generated/g.rs',
      'repo/src/generated/not_root.rs',
      'repo/src/keep.gen.rs',
      'repo/src/local.rs',
      'repo/src/main.rs',
      'repo/src/x.gen.rs',
    ]);
  });

  test('outside a repository, the .gitignore of the working directory applies', () => {
    const root = tree({ '.gitignore': 'out/\n', 'src/main.rs': '', 'out/x.rs': '' });
    expect(discover(root).files).toEqual(['src/main.rs']);
  });

  test('--ignore-pattern is relative to the working directory; config ignorePatterns to the config', () => {
    const root = tree({
      'crate/.rustokiorc.json': '{"ignorePatterns": ["src/legacy/"]}',
      'crate/src/legacy/old.rs': '',
      'crate/src/lib.rs': '',
      'crate/benches/b.rs': '',
      'src/legacy/kept.rs': '',
    });
    const resolver = new ConfigResolver({ cwd: root });
    const isIgnoredByConfig = (p: string, d: boolean) => resolver.isIgnored(p, d);
    expect(discover(root, { ignorePatterns: ['crate/benches'], isIgnoredByConfig }).files).toEqual([
      'crate/src/lib.rs',
      'src/legacy/kept.rs',
    ]);
    expect(discover(root, { ignorePatterns: ['crate/benches'], isIgnoredByConfig, ignore: false }).files).toEqual([
      'crate/benches/b.rs',
      'crate/src/legacy/old.rs',
      'crate/src/lib.rs',
      'src/legacy/kept.rs',
    ]);
  });
});

describe('explicit paths', () => {
  test('an ignored file named explicitly is reported, not linted, unless --no-ignore', () => {
    const root = tree({ '.gitignore': 'gen.rs\n', 'gen.rs': '', 'target/x.rs': '', 'main.rs': '' });
    expect(discover(root, { patterns: ['gen.rs', 'target/x.rs', 'main.rs'] })).toEqual({
      files: ['main.rs'],
      ignored: [
        ['gen.rs', 'pattern'],
        ['target/x.rs', 'default'],
      ],
      errors: [],
    });
    expect(discover(root, { patterns: ['gen.rs', 'target/x.rs'], ignore: false }).files).toEqual(['gen.rs', 'target/x.rs']);
  });

  test('an explicit file is linted whatever its extension; a file named twice is listed once', () => {
    const root = tree({ 'snippet.txt': '', 'a.rs': '' });
    expect(discover(root, { patterns: ['snippet.txt', 'a.rs', './a.rs', '.'] }).files).toEqual(['a.rs', 'snippet.txt']);
  });

  test('a missing path is an error; the other paths are still collected', () => {
    const root = tree({ 'src/main.rs': '' });
    expect(discover(root, { patterns: ['nope.rs', 'src', 'gone/'] })).toEqual({
      files: ['src/main.rs'],
      ignored: [],
      errors: ['No such file or directory: nope.rs', 'No such file or directory: gone/'],
    });
  });
});

describe('globs', () => {
  test('a glob selects files, and directories it names', () => {
    const root = tree({
      'crates/a/src/lib.rs': '',
      'crates/b/src/lib.rs': '',
      'crates/b/target/x.rs': '',
      'crates/b/src/x.txt': '',
      'src/main.rs': '',
      'src/deep/inner.rs': '',
    });
    expect(discover(root, { patterns: ['src/**/*.rs'] }).files).toEqual(['src/deep/inner.rs', 'src/main.rs']);
    expect(discover(root, { patterns: ['src/*.rs'] }).files).toEqual(['src/main.rs']);
    expect(discover(root, { patterns: ['crates/*'] }).files).toEqual(['crates/a/src/lib.rs', 'crates/b/src/lib.rs']);
  });

  test('a glob that matches nothing is an error', () => {
    const root = tree({ 'src/main.rs': '' });
    expect(discover(root, { patterns: ['tests/**/*.rs', 'src/*.rs'] })).toEqual({
      files: ['src/main.rs'],
      ignored: [],
      errors: ['No files matching the pattern "tests/**/*.rs" were found.'],
    });
  });
});

describe('symlinks and unreadable entries', () => {
  test('a symlink loop ends; a file reachable twice is listed once under its real path', () => {
    const root = tree({ 'src/a/x.rs': '', 'src/b.rs': '' });
    fs.symlinkSync(path.join(root, 'src'), path.join(root, 'src/a/loop'));
    fs.symlinkSync(path.join(root, 'src/a'), path.join(root, 'alias'));
    expect(discover(root)).toEqual({ files: ['src/a/x.rs', 'src/b.rs'], ignored: [], errors: [] });
  });

  test('a dangling .rs symlink is reported; the rest is still collected', () => {
    const root = tree({ 'src/main.rs': '' });
    fs.symlinkSync(path.join(root, 'nowhere.rs'), path.join(root, 'src/dangling.rs'));
    expect(discover(root)).toEqual({
      files: ['src/main.rs'],
      ignored: [],
      errors: [`Cannot read ${path.join(root, 'src/dangling.rs')}: no such file or directory`],
    });
  });

  // Root reads every directory, so this can only be checked as another user.
  const asUser = process.getuid && process.getuid() !== 0 ? test : test.skip;
  asUser('an unreadable directory is reported; the rest is still collected', () => {
    const root = tree({ 'locked/x.rs': '', 'src/main.rs': '' });
    fs.chmodSync(path.join(root, 'locked'), 0);
    try {
      expect(discover(root)).toEqual({
        files: ['src/main.rs'],
        ignored: [],
        errors: [`Cannot read directory ${path.join(root, 'locked')}: permission denied`],
      });
    } finally {
      fs.chmodSync(path.join(root, 'locked'), 0o755);
    }
  });
});
