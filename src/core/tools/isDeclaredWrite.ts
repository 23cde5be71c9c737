import { posix } from 'node:path';
import picomatch from 'picomatch';

/** Canonical workspace-relative form, as `schedule/pathLocks.ts` normalises lock paths; the root is ''. */
export function normaliseWorkspacePath(p: string): string {
  const canonical = posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  return canonical === '.' || canonical === '' ? '' : canonical.replace(/^\.\//, '');
}

/**
 * True when a task's declared `writes` already cover `path`, so its write lock is held since the
 * task started: a declared file is itself, a declared folder covers what is inside it, a glob covers
 * its picomatch matches (dotfiles included, as in policy rules), and '' or '.' cover everything.
 */
export function isDeclaredWrite(writes: readonly string[], path: string): boolean {
  const target = normaliseWorkspacePath(path);
  return writes.some((declared) => {
    const p = normaliseWorkspacePath(declared);
    if (picomatch.scan(p).isGlob) return picomatch(p, { dot: true })(target);
    return p === '' || target === p || target.startsWith(`${p}/`);
  });
}
