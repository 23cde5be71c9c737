import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { WorkspaceLocks } from '../../../src/core/store/workspaceLock';
import { WorkspaceBusyError, workspaceLockPath, WORKSPACES_DIR } from '../../../src/core/store/workspaceLockInfo';
import { defaultWorkspaceLocksDir } from '../../../src/core/store/workspaceLocksDir';
import { deadPid, useTempDir } from './storeTestUtils';

describe('store/workspaceLock', () => {
  const tempDir = useTempDir();
  const setup = async (): Promise<{ locksDir: string; ws: string; lockPath: string }> => {
    const locksDir = join(tempDir(), 'locks');
    const ws = join(tempDir(), 'ws');
    await mkdir(ws);
    return { locksDir, ws, lockPath: workspaceLockPath(locksDir, ws) };
  };
  const readInfo = async (path: string): Promise<{ pid: number; runs: string[]; workspace: string }> =>
    JSON.parse(await readFile(path, 'utf8')) as { pid: number; runs: string[]; workspace: string };

  it('one services object: its runs share the lock, which goes when the last one leaves', async () => {
    const { locksDir, ws, lockPath } = await setup();
    const locks = new WorkspaceLocks(locksDir).forWorkspace(ws);
    const a = await locks.acquire('run-a');
    const b = await locks.acquire('run-b');
    assert.deepEqual((await readInfo(lockPath)).runs, ['run-a', 'run-b']);
    assert.equal((await readInfo(lockPath)).pid, process.pid);
    await a.release();
    await a.release();
    assert.deepEqual((await readInfo(lockPath)).runs, ['run-b']);
    await b.release();
    await assert.rejects(readFile(lockPath), { code: 'ENOENT' });
  });

  it('other services (another window, another store) are refused with the run, its pid and what to do', async () => {
    const { locksDir, ws, lockPath } = await setup();
    const first = await new WorkspaceLocks(locksDir).forWorkspace(ws).acquire('run-a');
    const other = new WorkspaceLocks(locksDir).forWorkspace(ws);
    await assert.rejects(other.acquire('run-b'), (err: unknown) => {
      assert.ok(err instanceof WorkspaceBusyError);
      assert.equal(
        err.message,
        `Run run-a (pid ${process.pid}, this process) is already running on this workspace (${ws}); wait for it or cancel it, then try again.`,
      );
      assert.equal(err.lockPath, lockPath);
      return true;
    });
    assert.deepEqual((await readInfo(lockPath)).runs, ['run-a'], 'the refused run left the lock as it was');
    await first.release();
    const second = await other.acquire('run-b');
    assert.deepEqual((await readInfo(lockPath)).runs, ['run-b']);
    await second.release();
  });

  it('a symlink to the workspace is the same workspace (keyed by the real path)', async () => {
    const { locksDir, ws } = await setup();
    const link = join(tempDir(), 'link-to-ws');
    await symlink(ws, link);
    const held = await new WorkspaceLocks(locksDir).forWorkspace(ws).acquire('run-a');
    await assert.rejects(new WorkspaceLocks(locksDir).forWorkspace(link).acquire('run-b'), WorkspaceBusyError);
    await held.release();
  });

  it('a live process elsewhere holds it; a dead one’s lock is taken over', async () => {
    const { locksDir, ws, lockPath } = await setup();
    await mkdir(dirname(lockPath), { recursive: true });
    const live = {
      ownerId: 'x',
      pid: process.ppid,
      hostname: hostname(),
      acquiredAt: Date.now(),
      workspace: ws,
      runs: ['r1'],
    };
    await writeFile(lockPath, JSON.stringify(live));
    const locks = new WorkspaceLocks(locksDir).forWorkspace(ws);
    await assert.rejects(locks.acquire('run-b'), new RegExp(`^WorkspaceBusyError: Run r1 \\(pid ${process.ppid}\\)`));
    await writeFile(lockPath, JSON.stringify({ ...live, pid: await deadPid() }));
    const lease = await locks.acquire('run-b');
    const taken = await readInfo(lockPath);
    assert.equal(taken.pid, process.pid);
    assert.deepEqual(taken.runs, ['run-b']);
    await lease.release();
    assert.deepEqual(await readdir(join(locksDir, WORKSPACES_DIR)), [], 'no lock and no stale copy left');
  });

  it('a live pid that started after the lock was taken is a reused pid: the lock is taken over', async () => {
    const { locksDir, ws, lockPath } = await setup();
    await mkdir(dirname(lockPath), { recursive: true });
    const locks = new WorkspaceLocks(locksDir).forWorkspace(ws);
    // A container restarted: the new process got the old one's pid (here: ours), the lock is from before it started.
    const before = {
      ownerId: 'old',
      pid: process.pid,
      hostname: hostname(),
      acquiredAt: 1,
      workspace: ws,
      runs: ['r0'],
    };
    await writeFile(lockPath, JSON.stringify(before));
    const lease = await locks.acquire('run-b');
    assert.deepEqual((await readInfo(lockPath)).runs, ['run-b']);
    await lease.release();
    if (process.platform === 'linux') {
      // Another live process (our parent), younger than the lock: told from /proc.
      await writeFile(lockPath, JSON.stringify({ ...before, pid: process.ppid }));
      const again = await locks.acquire('run-c');
      assert.deepEqual((await readInfo(lockPath)).runs, ['run-c']);
      await again.release();
    }
  });

  it('a lock from another machine is never taken over; the message says how to clear it', async () => {
    const { locksDir, ws, lockPath } = await setup();
    await mkdir(dirname(lockPath), { recursive: true });
    const foreign = { ownerId: 'x', pid: 1, hostname: 'elsewhere.invalid', acquiredAt: 1, workspace: ws, runs: ['r9'] };
    await writeFile(lockPath, JSON.stringify(foreign));
    await assert.rejects(
      new WorkspaceLocks(locksDir).forWorkspace(ws).acquire('run-b'),
      new RegExp(
        `pid 1 on elsewhere\\.invalid.*if it does not, delete ${lockPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
      ),
    );
  });

  it('nested workspaces: a run on a folder above or inside a locked workspace is refused, naming both; siblings are not', async () => {
    const { locksDir, ws } = await setup();
    await mkdir(join(ws, 'pkg', 'a'), { recursive: true });
    await mkdir(join(ws, 'pkg', 'b'), { recursive: true });
    const [one, two] = [new WorkspaceLocks(locksDir), new WorkspaceLocks(locksDir)];
    const outer = await one.forWorkspace(ws).acquire('run-outer');
    await assert.rejects(
      two.forWorkspace(join(ws, 'pkg')).acquire('run-inner'),
      new RegExp(
        `^WorkspaceBusyError: Run run-outer \\(pid ${process.pid}, this process\\) is already running on ${escape(ws)}, which contains this workspace \\(${escape(join(ws, 'pkg'))}\\); wait for it or cancel it, then try again\\.$`,
      ),
    );
    await outer.release();

    const inner = await two.forWorkspace(join(ws, 'pkg', 'a')).acquire('run-a');
    const sibling = await two.forWorkspace(join(ws, 'pkg', 'b')).acquire('run-b');
    await assert.rejects(
      one.forWorkspace(ws).acquire('run-outer'),
      new RegExp(
        `Run run-[ab] \\(pid ${process.pid}, this process\\) is already running on ${escape(join(ws, 'pkg'))}/[ab], inside this workspace \\(${escape(ws)}\\)`,
      ),
    );
    // The same services too: its path locks are relative to each workspace and cannot see across.
    await assert.rejects(two.forWorkspace(join(ws, 'pkg')).acquire('run-pkg'), /inside this workspace/);
    await inner.release();
    await sibling.release();
    const after = await one.forWorkspace(ws).acquire('run-outer');
    await after.release();
    assert.deepEqual(await readdir(join(locksDir, WORKSPACES_DIR)), [], 'no lock and no marker left');
  });

  it('a marker left inside by a dead process does not block the workspace', async () => {
    const { locksDir, ws } = await setup();
    await mkdir(join(ws, 'pkg'));
    const crashed = new WorkspaceLocks(locksDir);
    await crashed.forWorkspace(join(ws, 'pkg')).acquire('run-crashed');
    // The process died holding it: its files say so.
    const dead = await deadPid();
    for (const name of await readdir(join(locksDir, WORKSPACES_DIR))) {
      const file = join(locksDir, WORKSPACES_DIR, name);
      await writeFile(file, JSON.stringify({ ...(await readInfo(file)), pid: dead }));
    }
    const lease = await new WorkspaceLocks(locksDir).forWorkspace(ws).acquire('run-outer');
    await lease.release();
  });

  it('the per-user lock folder depends on the home folder only, never on environment overrides', () => {
    assert.equal(
      defaultWorkspaceLocksDir({ platform: 'linux', home: '/home/u' }),
      '/home/u/.local/state/agent-orchestrator/locks',
    );
    assert.equal(
      defaultWorkspaceLocksDir({ platform: 'darwin', home: '/Users/u' }),
      '/Users/u/Library/Application Support/agent-orchestrator/locks',
    );
    assert.equal(
      defaultWorkspaceLocksDir({ platform: 'win32', home: 'C:\\Users\\u' }),
      'C:\\Users\\u\\AppData\\Local\\agent-orchestrator\\locks',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
