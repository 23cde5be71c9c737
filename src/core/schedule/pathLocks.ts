import { posix } from 'node:path';
import picomatch from 'picomatch';
import { Emitter, type Event } from '../common/emitter';

/** The workspace paths (or globs) a task reads and writes. */
export interface PathClaim {
  reads: readonly string[];
  writes: readonly string[];
}

interface HeldPath {
  owner: string;
  /** The path, or for a glob its static base directory ('' = the whole workspace). */
  base: string;
  glob: boolean;
  write: boolean;
}

/** Canonical workspace-relative form: forward slashes, no `.` segments or trailing slash; the root is ''. */
function normalise(p: string): string {
  const canonical = posix.normalize(p.replace(/\\/g, '/')).replace(/\/+$/, '');
  return canonical === '.' || canonical === '' ? '' : canonical.replace(/^\.\//, '');
}

function toHeld(owner: string, path: string, write: boolean): HeldPath {
  const p = normalise(path);
  const scan = picomatch.scan(p);
  return scan.isGlob
    ? { owner, base: normalise(scan.base), glob: true, write }
    : { owner, base: p, glob: false, write };
}

/** True when one path is the other or lies inside it ('' contains everything). */
function nested(a: string, b: string): boolean {
  if (a === b || a === '' || b === '') return true;
  return b.startsWith(`${a}/`) || a.startsWith(`${b}/`);
}

/**
 * Read/write locks over workspace paths. A task takes all of its paths at once or none of them,
 * so no task ever holds some locks while waiting for others, and no deadlock can form. Readers
 * share; a writer excludes everyone on an overlapping path. A glob conservatively locks its
 * static base directory (`src/**\/*.ts` locks `src`), which can only over-serialise, never
 * let two writers of the same file overlap.
 */
export class PathLockTable {
  private readonly held: HeldPath[] = [];
  private readonly released = new Emitter<void>();
  /** Fires after locks are released, so schedulers of every run sharing the table can try again. */
  readonly onDidRelease: Event<void> = this.released.event;

  /** Takes every lock of the claim for `owner`, or none and returns false. */
  tryAcquire(owner: string, claim: PathClaim, alsoAvoid: readonly HeldPath[] = []): boolean {
    // Most tasks name no paths: nothing to take, nothing to allocate.
    if (claim.writes.length === 0 && claim.reads.length === 0) return true;
    const wanted = PathLockTable.expand(owner, claim);
    if (wanted.length === 0) return true;
    for (const w of wanted) {
      for (const h of this.held) if (h.owner !== owner && PathLockTable.conflict(w, h)) return false;
      for (const h of alsoAvoid) if (h.owner !== owner && PathLockTable.conflict(w, h)) return false;
    }
    this.held.push(...wanted);
    return true;
  }

  /** Releases every lock held by `owner`. */
  release(owner: string): void {
    const before = this.held.length;
    for (let i = this.held.length - 1; i >= 0; i--) if (this.held[i]!.owner === owner) this.held.splice(i, 1);
    if (this.held.length !== before) this.released.fire();
  }

  /** The locks currently held, for diagnostics. */
  snapshot(): readonly HeldPath[] {
    return [...this.held];
  }

  /** Turns a claim into lock entries; a path both read and written is taken as a write. */
  static expand(owner: string, claim: PathClaim): HeldPath[] {
    const writes = claim.writes.map((p) => toHeld(owner, p, true));
    const writeBases = new Set(writes.map((w) => w.base));
    const reads = claim.reads.map((p) => toHeld(owner, p, false)).filter((r) => !writeBases.has(r.base));
    return [...writes, ...reads];
  }

  private static conflict(a: HeldPath, b: HeldPath): boolean {
    return (a.write || b.write) && nested(a.base, b.base);
  }
}

export type { HeldPath };
