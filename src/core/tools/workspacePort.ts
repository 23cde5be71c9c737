/** One hit of a text search. */
export interface TextMatch {
  /** Workspace-relative, forward slashes. */
  path: string;
  /** 1-based. */
  line: number;
  text: string;
}

/** Size and modification time of a file, enough to tell whether it changed since it was last read. */
export interface FileStat {
  /** Bytes. */
  size: number;
  /** Last modification, milliseconds since the epoch. */
  mtimeMs: number;
}

/**
 * The workspace as agents see it; the host implements it over `vscode.workspace.fs`, the CLI over
 * the file system. Every path is workspace-relative and checked for containment by the
 * implementation (symlinks resolved) before anything is read or written.
 */
export interface WorkspacePort {
  /** Absolute path of the workspace root. */
  readonly root: string;
  /** The file's text, or undefined when it does not exist. */
  readFile(path: string): Promise<string | undefined>;
  /** The file's size and modification time (symlinks resolved), or undefined when it is missing or not a file. */
  statFile(path: string): Promise<FileStat | undefined>;
  /** Files matching a glob (all when absent), respecting ignore rules, at most `limit`. */
  listFiles(glob: string | undefined, limit: number): Promise<{ files: string[]; truncated: boolean }>;
  /** Lines matching `query` (literal unless `regex`), at most `limit`. */
  searchText(
    query: string,
    options: { glob?: string; regex?: boolean; limit: number },
  ): Promise<{ matches: TextMatch[]; truncated: boolean }>;
  /** Writes the file (creating folders), never through a symlink at the target. Only called after approval. */
  writeFile(path: string, content: string): Promise<void>;
  /** Deletes the file; missing is fine. Only called after approval. */
  deleteFile(path: string): Promise<void>;
}
