import type { GitRunner } from './gitRunner';

/** One file a run changed, compared with the run's first checkpoint; paths are workspace-relative with `/`. */
export interface RunFileChange {
  path: string;
  status: 'added' | 'modified' | 'deleted';
  /** Git sees binary content on either side: no text, no hunks. */
  binary: boolean;
  /** The file's text at the checkpoint; undefined when it was added, is binary or is larger than the limit. */
  before: string | undefined;
  /** The checkpoint's version is larger than the limit, so its text was not read. */
  tooLarge: boolean;
}

/** Files a checkpoint holds larger than this are not read as text (whole-file revert still works). */
export const MAX_REVIEW_FILE_BYTES = 2 * 1024 * 1024;

/** The files that differ between the checkpoint `base` and the tree `now`, with the checkpoint's text of each. */
export async function changedFiles(git: GitRunner, base: string, now: string): Promise<RunFileChange[]> {
  const range = ['-r', '-z', '--no-renames', '--relative', base, now, '--', '.'];
  const statuses = parseNameStatus(await git.run(['diff-tree', '--name-status', ...range]));
  const binary = parseBinary(await git.run(['diff-tree', '--numstat', ...range]));
  const files: RunFileChange[] = [];
  for (const [path, status] of statuses) {
    const isBinary = binary.has(path);
    let before: string | undefined;
    let tooLarge = false;
    if (status !== 'added' && !isBinary) {
      const size = Number((await git.run(['cat-file', '-s', `${base}:./${path}`])).trim());
      tooLarge = size > MAX_REVIEW_FILE_BYTES;
      if (!tooLarge) before = await git.run(['cat-file', 'blob', `${base}:./${path}`]);
    }
    files.push({ path, status, binary: isBinary, before, tooLarge });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

function parseNameStatus(out: string): Map<string, RunFileChange['status']> {
  const fields = out.split('\0');
  const result = new Map<string, RunFileChange['status']>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const code = fields[i] ?? '';
    const path = fields[i + 1] ?? '';
    if (path === '') continue;
    result.set(path, code.startsWith('A') ? 'added' : code.startsWith('D') ? 'deleted' : 'modified');
  }
  return result;
}

/** Paths `--numstat -z` reports as binary (`-\t-\t<path>`). */
function parseBinary(out: string): Set<string> {
  const binary = new Set<string>();
  for (const record of out.split('\0')) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(record);
    if (match?.[1] === '-' && match[3]) binary.add(match[3]);
  }
  return binary;
}
