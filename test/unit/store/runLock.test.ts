import assert from 'node:assert/strict';
import { readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, readRunLock, RUN_LOCK_FILE, RunLockedError } from '../../../src/core/store/runLock';
import { deadPid, useTempDir } from './storeTestUtils';

describe('store/runLock', () => {
  const tempDir = useTempDir();
  const lockPath = (): string => join(tempDir(), RUN_LOCK_FILE);

  it('creates owner.lock with the owner, pid, host and time', async () => {
    const lock = await acquireRunLock(tempDir(), { ownerId: 'window-A' });
    const content: unknown = JSON.parse(await readFile(lockPath(), 'utf8'));
    assert.deepEqual(content, {
      ownerId: 'window-A',
      pid: process.pid,
      hostname: hostname(),
      acquiredAt: lock.info.acquiredAt,
    });
    await lock.release();
    assert.deepEqual(await readRunLock(tempDir()), { state: 'free' });
  });

  it('refuses a second owner with a message naming the holder and what to do', async () => {
    // The parent process stands in for another live VS Code window.
    const first = await acquireRunLock(tempDir(), { ownerId: 'window-A', pid: process.ppid });
    await assert.rejects(acquireRunLock(tempDir(), { ownerId: 'window-B' }), (err: unknown) => {
      assert.ok(err instanceof RunLockedError);
      assert.match(err.message, /open in another window by window-A/);
      assert.match(err.message, new RegExp(`pid ${process.ppid}`));
      assert.match(err.message, /Close the run in that window first/);
      assert.equal(err.holder?.ownerId, 'window-A');
      return true;
    });
    assert.equal((await readRunLock(tempDir())).state, 'held');
    await first.release();
  });

  it('refuses to open a run twice in the same process', async () => {
    const first = await acquireRunLock(tempDir(), { ownerId: 'window-A' });
    await assert.rejects(acquireRunLock(tempDir(), { ownerId: 'window-A' }), /already open in this process/);
    await first.release();
  });

  it('takes over a lock whose process is dead', async () => {
    const pid = await deadPid();
    await writeFile(
      lockPath(),
      JSON.stringify({ ownerId: 'crashed-window', pid, hostname: hostname(), acquiredAt: 1 }),
    );
    assert.equal((await readRunLock(tempDir())).state, 'stale');
    const lock = await acquireRunLock(tempDir(), { ownerId: 'window-B' });
    const content = JSON.parse(await readFile(lockPath(), 'utf8')) as { ownerId: string };
    assert.equal(content.ownerId, 'window-B');
    await lock.release();
  });

  it('lets only one of two simultaneous takeovers of a stale lock win', async () => {
    const pid = await deadPid();
    await writeFile(
      lockPath(),
      JSON.stringify({ ownerId: 'crashed-window', pid, hostname: hostname(), acquiredAt: 1 }),
    );
    const results = await Promise.allSettled([
      acquireRunLock(tempDir(), { ownerId: 'B' }),
      acquireRunLock(tempDir(), { ownerId: 'C' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    const lost = results.find((r) => r.status === 'rejected');
    assert.ok(lost?.reason instanceof RunLockedError);
    const content = JSON.parse(await readFile(lockPath(), 'utf8')) as { ownerId: string };
    assert.equal(content.ownerId, won[0]!.value.info.ownerId);
  });

  it('does not take over a lock held on another machine', async () => {
    await writeFile(
      lockPath(),
      JSON.stringify({ ownerId: 'remote', pid: 1234, hostname: 'some-other-host', acquiredAt: 1 }),
    );
    await assert.rejects(
      acquireRunLock(tempDir(), { ownerId: 'me' }),
      /another machine by remote .*delete .*owner\.lock/,
    );
  });

  it('treats an unreadable lock as busy while fresh and as stale once old', async () => {
    await writeFile(lockPath(), '');
    await assert.rejects(acquireRunLock(tempDir(), { ownerId: 'me' }), RunLockedError);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath(), old, old);
    const lock = await acquireRunLock(tempDir(), { ownerId: 'me' });
    await lock.release();
  });

  it('release() leaves a lock that someone else holds by now', async () => {
    const lock = await acquireRunLock(tempDir(), { ownerId: 'me' });
    const theirs = JSON.stringify({ ownerId: 'other', pid: process.ppid, hostname: hostname(), acquiredAt: 2 });
    await writeFile(lockPath(), theirs);
    await lock.release();
    assert.equal(await readFile(lockPath(), 'utf8'), theirs);
  });
});
