import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../common/errors';
import { workspaceTempName } from './workspaceTempFiles';

/** A workspace path that has been checked to stay inside the workspace root. */
export interface ResolvedPath {
  /** Real path of the workspace root (symlinks resolved); every other field is measured against it. */
  root: string;
  /** The requested path made absolute, normalized lexically (symlinks not resolved). */
  absolute: string;
  /** The path with every symlink resolved, including a dangling one; the tail that does not exist yet is re-appended. */
  real: string;
  /** The requested path relative to the root, posix separators ('.' for the root itself). */
  relative: string;
  /** `real` relative to the real root, posix separators ('.' for the root itself). */
  realRelative: string;
}

/** Thrown when a path would leave the workspace or cannot be checked; the message names the path and the reason. */
export class PathRefusedError extends Error {
  /** The path exactly as it was requested. */
  readonly requested: string;
  /** Why it was refused, without the path, e.g. "it resolves outside the workspace root /ws". */
  readonly reason: string;

  constructor(requested: string, reason: string) {
    super(`Refused path ${JSON.stringify(requested)}: ${reason}.`);
    this.name = 'PathRefusedError';
    this.requested = requested;
    this.reason = reason;
  }
}

/** Symlink hops allowed while resolving a dangling link chain; mirrors the kernel's ELOOP limit. */
const MAX_SYMLINK_HOPS = 40;

/** Paths that realpath reports as missing; anything else (EACCES, ELOOP) is a refusal. */
const MISSING_CODES = new Set(['ENOENT', 'ENOTDIR']);

/**
 * Resolves `requested` (relative to `root`, or absolute) and refuses it unless both its lexical
 * form and its real form stay inside the real workspace root. Callers must do their I/O on
 * `real` (or through {@link writeFileNoFollow}), never on the raw request.
 */
export async function resolveWorkspacePath(root: string, requested: string): Promise<ResolvedPath> {
  if (typeof requested !== 'string' || requested.length === 0) {
    throw new PathRefusedError(String(requested), 'the path is empty');
  }
  if (requested.includes('\0')) {
    throw new PathRefusedError(requested, 'the path contains a NUL byte');
  }
  const windowsProblem = process.platform === 'win32' ? windowsPathProblem(requested) : undefined;
  if (windowsProblem !== undefined) throw new PathRefusedError(requested, windowsProblem);

  const rootAbsolute = path.resolve(root);
  let rootReal: string;
  try {
    rootReal = await fs.realpath(rootAbsolute);
  } catch (err) {
    throw new PathRefusedError(
      requested,
      `the workspace root ${rootAbsolute} cannot be resolved (${codeOf(err) ?? 'error'})`,
    );
  }

  const absolute = path.resolve(rootAbsolute, requested);
  // The request may name the root by its lexical or its real spelling; either is inside.
  const lexicalRelative = relativeInside(rootAbsolute, absolute) ?? relativeInside(rootReal, absolute);
  if (lexicalRelative === undefined) {
    throw new PathRefusedError(requested, `it resolves to ${absolute}, outside the workspace root ${rootAbsolute}`);
  }

  let real: string;
  try {
    real = await realpathAllowMissing(absolute, 0);
  } catch (err) {
    throw new PathRefusedError(requested, `its real path cannot be resolved (${codeOf(err) ?? errorMessage(err)})`);
  }
  const realRelative = relativeInside(rootReal, real);
  if (realRelative === undefined) {
    throw new PathRefusedError(requested, `it follows a symlink to ${real}, outside the workspace root ${rootReal}`);
  }

  return { root: rootReal, absolute, real, relative: lexicalRelative, realRelative };
}

/**
 * Why a file cannot be read or written because it is a hard link, or undefined. A file with more
 * than one name (nlink > 1) may share its content with a denied file (`.env`) or with one outside
 * the workspace, and no real path tells which: it is treated like a symlink that the policy cannot
 * resolve, and refused. `nlink` comes from a stat of the file itself (`real`, or an open handle).
 */
export function hardLinkProblem(stat: { nlink: number; isFile(): boolean }): string | undefined {
  if (!stat.isFile() || stat.nlink <= 1) return undefined;
  return (
    `it is a hard link (${stat.nlink} names for one file), and another name may be a secret such as .env or a file ` +
    'outside the workspace; copy the file instead of linking it if agents should see it'
  );
}

/** The hard-link problem of the file at a resolved real path; undefined when it is missing or has one name. */
export async function hardLinkProblemAt(real: string): Promise<string | undefined> {
  try {
    return hardLinkProblem(await fs.lstat(real));
  } catch (err) {
    if (MISSING_CODES.has(codeOf(err) ?? '')) return undefined;
    throw err;
  }
}

/**
 * Names a Windows-only spelling that aliases another file (alternate data streams, trailing dots or
 * spaces, device names) so that glob rules cannot be bypassed; undefined when the path is plain.
 */
export function windowsPathProblem(requested: string): string | undefined {
  const withoutDrive = requested.replace(/^[A-Za-z]:/, '');
  if (withoutDrive.includes(':')) return 'it names an alternate data stream (":")';
  for (const part of withoutDrive.split(/[\\/]/)) {
    if (part === '' || part === '.' || part === '..') continue;
    if (/[. ]$/.test(part))
      return `the segment ${JSON.stringify(part)} ends with a dot or space, which Windows silently drops`;
    if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(part))
      return `the segment ${JSON.stringify(part)} is a reserved device name`;
  }
  return undefined;
}

/**
 * Writes `data` to a resolved path without following a symlink already at the target: the bytes go
 * to an exclusively created temp file in the same (re-checked) directory, which is then renamed over
 * the target, so a link there is replaced and whatever it pointed to is left untouched. A read-only
 * file (no write bit, or not writable by this user) is refused with `EACCES` rather than replaced
 * by the rename. The temp file is named by `workspaceTempName`: a failed write removes it, and one
 * left by a kill is removed at the next start (`removeInterruptedWrites`).
 */
export async function writeFileNoFollow(resolved: ResolvedPath, data: string | Uint8Array): Promise<void> {
  if (resolved.relative === '.') throw new PathRefusedError(resolved.absolute, 'it is the workspace root itself');
  const name = path.basename(resolved.absolute);
  const requestedDir = path.dirname(resolved.absolute);
  // The tree may have changed since resolveWorkspacePath: check the folder again before and after creating it.
  const plannedDir = await realpathAllowMissing(requestedDir, 0);
  assertInside(resolved, plannedDir);
  await fs.mkdir(plannedDir, { recursive: true });
  const dirReal = await fs.realpath(requestedDir);
  assertInside(resolved, dirReal);
  const target = path.join(dirReal, name);
  const existing = await fs.lstat(target).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new PathRefusedError(resolved.absolute, 'a directory already exists at the target');
  }
  if (existing?.isFile() === true) await assertWritable(target, existing.mode, resolved.relative);

  const temp = path.join(dirReal, workspaceTempName(name));
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data);
      // Keep the permissions of a regular file we replace; a link's target permissions are not ours to copy.
      await handle.chmod(existing?.isFile() === true ? existing.mode & 0o7777 : 0o644);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, target);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/** Refuses a read-only file with an `EACCES` error: a rename could replace it, but the user marked it read-only. */
async function assertWritable(target: string, mode: number, relative: string): Promise<void> {
  // The mode bits hold even for root, whom access(W_OK) always lets through.
  let writable = (mode & 0o222) !== 0;
  if (writable)
    writable = await fs.access(target, constants.W_OK).then(
      () => true,
      () => false,
    );
  if (!writable)
    throw Object.assign(new Error(`EACCES: ${relative} is read-only; make it writable to let agents edit it`), {
      code: 'EACCES',
    });
}

/**
 * Like fs.realpath, but a path whose tail does not exist yet resolves through its deepest existing
 * ancestor, and a dangling symlink resolves to where it points (a write there would land outside).
 */
async function realpathAllowMissing(p: string, hops: number): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch (err) {
    if (!MISSING_CODES.has(codeOf(err) ?? '')) throw err;
  }
  const parent = path.dirname(p);
  if (parent === p) return p;
  const realParent = await realpathAllowMissing(parent, hops);
  const candidate = path.join(realParent, path.basename(p));
  const stat = await fs.lstat(candidate).catch(() => undefined);
  if (stat?.isSymbolicLink() === true) {
    if (hops >= MAX_SYMLINK_HOPS)
      throw Object.assign(new Error('too many levels of symbolic links'), { code: 'ELOOP' });
    const target = await fs.readlink(candidate);
    return realpathAllowMissing(path.resolve(realParent, target), hops + 1);
  }
  return candidate;
}

function assertInside(resolved: ResolvedPath, dir: string): void {
  if (relativeInside(resolved.root, dir) === undefined) {
    throw new PathRefusedError(
      resolved.absolute,
      `its folder now resolves to ${dir}, outside the workspace root ${resolved.root}`,
    );
  }
}

/** The posix path of `child` relative to `parent`, or undefined when `child` is not inside it. */
function relativeInside(parent: string, child: string): string | undefined {
  const rel = path.relative(parent, child);
  if (rel === '') return '.';
  // A sibling such as /ws-evil gives "../ws-evil"; another drive gives an absolute path.
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
