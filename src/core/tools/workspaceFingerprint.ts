import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { errorMessage } from '../common/errors';
import { normaliseWorkspacePath } from './isDeclaredWrite';
import type { WorkspacePort } from './workspacePort';

/** Most files hashed for one fingerprint; enough for any sensible task scope, bounded for a `**` one. */
export const MAX_FINGERPRINT_FILES = 2000;

/**
 * A short hash of the current content of a set of files: the paths and globs a task declared
 * (folders and globs expanded through the workspace port, ignore rules applied) plus paths it
 * edited. Missing and unreadable files are hashed as such, so creating or deleting one changes it.
 */
export async function workspaceFingerprint(
  workspace: WorkspacePort,
  declared: readonly string[],
  edited: readonly string[],
): Promise<string> {
  const files = new Set<string>(edited.map(normaliseWorkspacePath).filter((p) => p !== ''));
  let truncated = false;
  for (const entry of new Set(declared.map(normaliseWorkspacePath))) {
    const patterns = entry === '' ? ['**'] : picomatch.scan(entry).isGlob ? [entry] : [entry, `${entry}/**`];
    if (entry !== '' && !picomatch.scan(entry).isGlob) files.add(entry);
    for (const pattern of patterns) {
      if (files.size >= MAX_FINGERPRINT_FILES) break;
      const listed = await workspace.listFiles(pattern, MAX_FINGERPRINT_FILES);
      truncated ||= listed.truncated;
      for (const file of listed.files) files.add(file);
    }
  }
  const hash = createHash('sha256');
  for (const file of [...files].sort().slice(0, MAX_FINGERPRINT_FILES)) {
    let state: string;
    try {
      const content = await workspace.readFile(file);
      state = content === undefined ? 'missing' : createHash('sha256').update(content).digest('hex');
    } catch (err) {
      state = `unreadable: ${errorMessage(err)}`;
    }
    hash.update(`${file}\0${state}\n`);
  }
  if (truncated || files.size > MAX_FINGERPRINT_FILES) hash.update('[truncated]');
  return hash.digest('hex').slice(0, 16);
}
