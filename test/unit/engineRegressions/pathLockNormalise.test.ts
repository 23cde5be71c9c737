import assert from 'node:assert/strict';
import { PathLockTable } from '../../../src/core/schedule/pathLocks';
import { validatePlan } from '../../../src/core/plan/validatePlan';

const claim = (writes: string[], reads: string[] = []) => ({ reads, writes });

/**
 * normalise() only strips a leading "./", so "." (the workspace root, as a planner writes it)
 * and paths with an inner "./" get a lock base that nested() does not relate to the same paths
 * written the plain way: two writers of the same files run at the same time.
 */
describe('regression: path lock normalisation', () => {
  it('treats "." as the whole workspace', () => {
    // The plan schema accepts ".".
    const v = validatePlan(
      { goal: 'g', tasks: [{ id: 'fmt', title: 'format everything', writes: ['.'] }] },
      { maxTasks: 10, knownCapabilities: new Set(), knownAgents: new Set() },
    );
    assert.equal(v.ok, true);
    const locks = new PathLockTable();
    assert.equal(locks.tryAcquire('run/fmt', claim(['.'])), true);
    assert.equal(
      locks.tryAcquire('run/edit', claim(['src/a.ts'])),
      false,
      'a writer of src/a.ts ran alongside a writer of the whole workspace',
    );
  });

  it('treats "src/./a.ts" as "src/a.ts"', () => {
    const locks = new PathLockTable();
    assert.equal(locks.tryAcquire('run/one', claim(['src/a.ts'])), true);
    assert.equal(
      locks.tryAcquire('run/two', claim(['src/./a.ts'])),
      false,
      'two writers of src/a.ts held locks at once',
    );
  });
});
