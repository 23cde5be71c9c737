import assert from 'node:assert/strict';
import { PathLockTable } from '../../../src/core/schedule/pathLocks';

const claim = (writes: string[], reads: string[] = []) => ({ reads, writes });

describe('PathLockTable', () => {
  it('lets readers share and keeps writers exclusive', () => {
    const t = new PathLockTable();
    assert.ok(t.tryAcquire('r1', claim([], ['a.ts'])));
    assert.ok(t.tryAcquire('r2', claim([], ['a.ts'])));
    assert.equal(t.tryAcquire('w', claim(['a.ts'])), false);
    t.release('r1');
    t.release('r2');
    assert.ok(t.tryAcquire('w', claim(['a.ts'])));
    assert.equal(t.tryAcquire('r3', claim([], ['a.ts'])), false);
  });

  it('treats a directory and the files inside it as overlapping', () => {
    const t = new PathLockTable();
    assert.ok(t.tryAcquire('dir', claim(['src/api'])));
    assert.equal(t.tryAcquire('file', claim(['src/api/auth.ts'])), false);
    assert.ok(t.tryAcquire('sibling', claim(['src/apiary.ts'])), 'a shared name prefix is not nesting');
  });

  it('locks the static base of a glob', () => {
    const t = new PathLockTable();
    assert.ok(t.tryAcquire('g', claim(['src/**/*.ts'])));
    assert.equal(t.tryAcquire('f', claim(['src/x/y.ts'])), false);
    assert.ok(t.tryAcquire('other', claim(['test/y.ts'])));
    assert.equal(t.tryAcquire('everything', claim(['**/*.md'])), false, 'a glob with no base covers the workspace');
  });

  it('takes all locks or none', () => {
    const t = new PathLockTable();
    assert.ok(t.tryAcquire('a', claim(['b.ts'])));
    assert.equal(t.tryAcquire('x', claim(['a.ts', 'b.ts', 'c.ts'])), false);
    assert.deepEqual(
      t.snapshot().map((h) => h.owner),
      ['a'],
      'the refused claim left nothing behind',
    );
    assert.ok(t.tryAcquire('y', claim(['a.ts', 'c.ts'])));
  });

  it('normalises ./, backslashes and trailing slashes', () => {
    const t = new PathLockTable();
    assert.ok(t.tryAcquire('a', claim(['./src//x.ts'])));
    assert.equal(t.tryAcquire('b', claim(['src\\x.ts'])), false);
    assert.equal(t.tryAcquire('c', claim(['src/'])), false);
  });

  it('respects claims a caller asks it to avoid', () => {
    const t = new PathLockTable();
    const avoid = PathLockTable.expand('waiting', claim(['a.ts']));
    assert.equal(t.tryAcquire('late', claim([], ['a.ts']), avoid), false);
  });

  it('announces releases', () => {
    const t = new PathLockTable();
    let fired = 0;
    t.onDidRelease(() => fired++);
    t.tryAcquire('a', claim(['x']));
    t.release('nobody');
    t.release('a');
    assert.equal(fired, 1);
  });
});
