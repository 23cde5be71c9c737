import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A real workspace on disk with an outside folder, a prefix-sharing sibling and symlinks both ways. */
export interface TempWorkspace {
  /** Folder holding everything below; removed by cleanup(). */
  base: string;
  /** The workspace root (`base/ws`). */
  root: string;
  /** A folder outside the root holding `secret.txt` and `target.txt`. */
  outside: string;
  /** `base/ws-evil`: shares the root's name as a prefix. */
  sibling: string;
  /** Removes the whole tree. */
  cleanup(): Promise<void>;
}

/**
 * Builds:
 *   ws/src/a.ts, ws/.env, ws/notes.txt, ws/.vscode/settings.json
 *   ws/link-out -> ../outside (dir), ws/link-file-out -> ../outside/secret.txt,
 *   ws/dangling-out -> ../outside/not-yet.txt, ws/env-link -> .env, ws/src/env-link -> ../.env,
 *   ws/settings-link -> .vscode/settings.json, ws/notes-link.txt -> notes.txt
 */
export async function createTempWorkspace(): Promise<TempWorkspace> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'ao-policy-'));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  const sibling = path.join(base, 'ws-evil');
  await fs.mkdir(path.join(root, 'src'), { recursive: true });
  await fs.mkdir(path.join(root, '.vscode'), { recursive: true });
  await fs.mkdir(outside, { recursive: true });
  await fs.mkdir(sibling, { recursive: true });

  await fs.writeFile(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  await fs.writeFile(path.join(root, '.env'), 'API_KEY=secret\n');
  await fs.writeFile(path.join(root, 'notes.txt'), 'original notes\n');
  await fs.writeFile(path.join(root, '.vscode', 'settings.json'), '{}\n');
  await fs.writeFile(path.join(outside, 'secret.txt'), 'outside secret\n');
  await fs.writeFile(path.join(outside, 'target.txt'), 'outside target\n');
  await fs.writeFile(path.join(sibling, 'secret.txt'), 'sibling secret\n');

  await fs.symlink('../outside', path.join(root, 'link-out'));
  await fs.symlink('../outside/secret.txt', path.join(root, 'link-file-out'));
  await fs.symlink('../outside/not-yet.txt', path.join(root, 'dangling-out'));
  await fs.symlink('.env', path.join(root, 'env-link'));
  await fs.symlink('../.env', path.join(root, 'src', 'env-link'));
  await fs.symlink('.vscode/settings.json', path.join(root, 'settings-link'));
  await fs.symlink('notes.txt', path.join(root, 'notes-link.txt'));

  return { base, root, outside, sibling, cleanup: () => fs.rm(base, { recursive: true, force: true }) };
}
