import { rmdir, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { GitRunner } from './gitRunner';
import { withTempDir } from './worktreeSnapshot';

/** One difference between the working tree now and the checkpoint, relative to the runner's folder. */
interface Difference {
  /** `restore`: changed, deleted or retyped since the checkpoint; `remove`: created since. */
  action: 'restore' | 'remove';
  path: string;
}

/** What `restoreWorktree` needs. */
export interface RestoreInput {
  /** The folder the runner runs in; every path is relative to it. */
  root: string;
  /** The commit or tree to restore the files to. */
  target: string;
  /** Hashes the working tree as it is now (see `snapshotTree`). */
  snapshot: () => Promise<string>;
}

/** What `restoreWorktree` changed. */
export interface RestoreOutcome {
  /** The working tree as it was before anything was touched. */
  before: string;
  restored: string[];
  removed: string[];
}

/** Enough for a task's edits to `.gitignore`, then the rest, then a check that nothing is left over. */
const MAX_PASSES = 4;
const GITLINK = '160000';

/**
 * Makes the files under `root` match `target`: changed and deleted files are written back from the target,
 * created files that git does not ignore are removed, ignored files are never touched. Only temporary index
 * files are used, so the user's index and HEAD stay as they were.
 *
 * Ignore files are restored first so that "created since" is judged by the checkpoint's ignore rules: a task
 * that un-ignored `build/` must not get the user's build output deleted.
 */
export async function restoreWorktree(git: GitRunner, input: RestoreInput): Promise<RestoreOutcome> {
  const before = await input.snapshot();
  const restored = new Set<string>();
  const removed = new Set<string>();
  let current = before;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    // A path restored once and still reported is ignored now (e.g. by .git/info/exclude): its content is right already.
    const differences = (await diffTrees(git, current, input.target)).filter(
      (d) => !(d.action === 'restore' && restored.has(d.path)),
    );
    if (differences.length === 0) break;
    const ignoreFiles = differences.filter((d) => d.action === 'restore' && isIgnoreFile(d.path));
    const step = pass === 0 && ignoreFiles.length > 0 ? ignoreFiles : differences;
    const toRemove = step.filter((d) => d.action === 'remove').map((d) => d.path);
    const toRestore = step.filter((d) => d.action === 'restore').map((d) => d.path);
    // Remove first: a created file may sit where the checkpoint has a folder, or the other way round.
    await removeFiles(input.root, toRemove);
    await checkoutPaths(git, input.target, toRestore);
    toRemove.forEach((p) => removed.add(p));
    toRestore.forEach((p) => restored.add(p));
    current = await input.snapshot();
  }
  return { before, restored: [...restored].sort(), removed: [...removed].sort() };
}

/**
 * Like `restoreWorktree`, for the given paths only (relative to `root`): each is written back from `target`, or
 * removed when `target` does not have it. Other files are left as they are.
 */
export async function restorePaths(
  git: GitRunner,
  input: RestoreInput & { paths: readonly string[] },
): Promise<RestoreOutcome> {
  const before = await input.snapshot();
  const wanted = new Set(input.paths);
  const differences = (await diffTrees(git, before, input.target)).filter((d) => wanted.has(d.path));
  const toRemove = differences.filter((d) => d.action === 'remove').map((d) => d.path);
  const toRestore = differences.filter((d) => d.action === 'restore').map((d) => d.path);
  await removeFiles(input.root, toRemove);
  await checkoutPaths(git, input.target, toRestore);
  return { before, restored: toRestore.sort(), removed: toRemove.sort() };
}

/** Differences between two trees, limited to the runner's folder and relative to it; submodules are left alone. */
async function diffTrees(git: GitRunner, now: string, target: string): Promise<Difference[]> {
  const out = await git.run(['diff-tree', '-r', '-z', '--raw', '--no-renames', '--relative', now, target, '--', '.']);
  const fields = out.split('\0');
  const differences: Difference[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i] ?? '';
    const path = fields[i + 1] ?? '';
    const [oldMode, newMode, , , status] = meta.replace(/^:/, '').split(' ');
    if (!status || path === '' || oldMode === GITLINK || newMode === GITLINK) continue;
    // "now → target": D means the file exists now but not in the checkpoint, so it was created since.
    differences.push({ action: status.startsWith('D') ? 'remove' : 'restore', path });
  }
  return differences;
}

/** Writes `paths` with their content in `target` through a temporary index (checkout-index refuses to write through symlinked folders). */
async function checkoutPaths(git: GitRunner, target: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await withTempDir(async (dir) => {
    const indexFile = join(dir, 'index');
    await git.run(['read-tree', target], { indexFile });
    await git.run(['checkout-index', '--force', '-z', '--stdin'], {
      indexFile,
      input: paths.map((p) => `${p}\0`).join(''),
    });
  });
}

/** Deletes created files (a symlink is removed, never followed) and the folders they leave empty, up to `root`. */
async function removeFiles(root: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    await unlink(join(root, path)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    for (let dir = posix.dirname(path); dir !== '.' && dir !== '/'; dir = posix.dirname(dir)) {
      const removedDir = await rmdir(join(root, dir)).then(
        () => true,
        () => false, // not empty (ignored or other files remain) or already gone
      );
      if (!removedDir) break;
    }
  }
}

function isIgnoreFile(path: string): boolean {
  return posix.basename(path) === '.gitignore';
}
