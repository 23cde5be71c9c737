import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

/** Every file under `dir` (symlinks not followed) whose bytes contain `needle`; binary-safe. */
export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const bytes = Buffer.from(needle, 'utf8');
  const found: string[] = [];
  for (const file of await filesUnder(dir)) {
    const info = await lstat(file);
    const content = info.isSymbolicLink() ? Buffer.from(await readlink(file)) : await readFile(file);
    if (content.includes(bytes)) found.push(relative(dir, file));
  }
  return found;
}

/**
 * Whether any object of the git repository at `dir` contains `needle` once inflated: loose and
 * packed objects are zlib-compressed, so a scan of `.git` as bytes cannot see into them.
 */
export async function gitObjectsContaining(dir: string, needle: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const { stdout } = await promisify(execFile)('git', ['cat-file', '--batch-all-objects', '--batch'], {
    cwd: dir,
    env,
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout.includes(Buffer.from(needle, 'utf8'));
}

/** Every file and symlink under `dir`, recursively, without following symlinks. */
export async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

/** Path (relative to `dir`) → sha256 of each file's bytes or symlink's target, for before/after comparisons. */
export async function treeDigest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of await filesUnder(dir)) {
    const info = await lstat(file);
    const content = info.isSymbolicLink() ? `symlink:${await readlink(file)}` : await readFile(file);
    out[relative(dir, file)] = createHash('sha256').update(content).digest('hex');
  }
  return out;
}
