import picomatch from 'picomatch';

/** A glob as agents give it to `list_files` / `search_text`, compiled the way the CLI reads it. */
export interface WorkspaceGlob {
  /** No glob given (or one that matches everything). */
  all: boolean;
  /** A plain path without glob characters: that file, or everything under that folder. */
  plain?: string;
  /** The pattern for `vscode.workspace.findFiles`: a slash-less pattern is prefixed with an any-depth segment (`**` and a slash). */
  pattern?: string;
  /** For a slash-less pattern (`*.ts`): the pattern itself, which matches file names at any depth (ripgrep's `--glob`). */
  nameGlob?: string;
  /** The folder a pattern with slashes can match in ('' for the whole folder). */
  base?: string;
  /** The exact test, on workspace-relative posix paths. */
  test(file: string): boolean;
}

/**
 * Compiles `glob` with the CLI's meaning, so agents see the same answers in both: empty, `**` or
 * `**` followed by `/*` match everything; a path without glob characters matches that file and everything under
 * it; a pattern without a slash (`*.ts`) matches file names at any depth; anything else is a
 * picomatch glob over the relative path (dotfiles included). Throws a clear error for a bad glob.
 */
export function compileWorkspaceGlob(glob: string | undefined): WorkspaceGlob {
  const pattern = (glob ?? '')
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
  if (pattern === '' || pattern === '**' || pattern === '**/*') return { all: true, test: () => true };
  if (!picomatch.scan(pattern).isGlob) {
    const plain = pattern.replace(/\/+$/, '');
    return { all: false, plain, test: (file) => file === plain || file.startsWith(`${plain}/`) };
  }
  let matcher: (file: string) => boolean;
  try {
    matcher = picomatch(pattern, { dot: true });
  } catch (err) {
    throw new Error(
      `The glob ${JSON.stringify(glob)} is invalid: ${err instanceof Error ? err.message : String(err)}.`,
      { cause: err },
    );
  }
  if (!pattern.includes('/')) {
    return {
      all: false,
      pattern: `**/${pattern}`,
      nameGlob: pattern,
      test: (file) => matcher(file.slice(file.lastIndexOf('/') + 1)),
    };
  }
  return {
    all: false,
    pattern,
    base: picomatch.scan(pattern).base.replace(/\/+$/, '').replace(/^\.$/, ''),
    test: matcher,
  };
}
