import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAtomicTempFile, removeAtomicTempFiles, writeFileAtomic } from '../../../src/core/store/atomicFile';
import { spawnChild, useTempDir, waitForExit, waitForLine } from './storeTestUtils';

describe('store/atomicFile', () => {
  const tempDir = useTempDir();

  it('creates and then replaces a file, leaving no temp files behind', async () => {
    const file = join(tempDir(), 'data.json');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second');
    assert.equal(await readFile(file, 'utf8'), 'second');
    assert.deepEqual(await readdir(tempDir()), ['data.json']);
  });

  it('a temp file left by a crash does not touch the target and is recognised and removed', async () => {
    const file = join(tempDir(), 'snapshot.json');
    await writeFileAtomic(file, '{"old":true}');
    // What a crash between writing the temp file and renaming it leaves behind.
    const stray = '.snapshot.json.0123456789ab.tmp';
    await writeFile(join(tempDir(), stray), '{"new":tr');
    await writeFile(join(tempDir(), 'unrelated.tmp'), 'keep me');

    assert.equal(await readFile(file, 'utf8'), '{"old":true}');
    assert.equal(isAtomicTempFile(stray), true);
    assert.deepEqual(await removeAtomicTempFiles(tempDir()), [stray]);
    assert.deepEqual((await readdir(tempDir())).sort(), ['snapshot.json', 'unrelated.tmp']);
  });

  it('removes its temp file when the rename fails', async () => {
    const target = join(tempDir(), 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'inside'), 'x');
    await assert.rejects(writeFileAtomic(target, 'data'));
    assert.deepEqual(await readdir(tempDir()), ['occupied']);
  });

  it('a process killed mid-write leaves the old or the new content, never a mix', async function () {
    this.timeout(60_000);
    const file = join(tempDir(), 'big.txt');
    const size = 4 * 1024 * 1024;
    for (const delayMs of [0, 7, 23]) {
      const child = spawnChild('atomicWriteLoop.ts', [file]);
      const exited = waitForExit(child);
      await waitForLine(child, 'ready');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      child.kill('SIGKILL');
      await exited;
      const content = await readFile(file, 'utf8');
      assert.equal(content.length, size);
      assert.ok(content === 'A'.repeat(size) || content === 'B'.repeat(size), 'file mixes old and new content');
    }
  });
});
