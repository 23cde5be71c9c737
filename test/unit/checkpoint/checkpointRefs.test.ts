import assert from 'node:assert/strict';
import {
  checkpointMessage,
  checkpointRef,
  maxSequence,
  parseCheckpointList,
  refComponent,
  runCheckpointPrefix,
} from '../../../src/core/checkpoint/checkpointRefs';

describe('checkpoint/checkpointRefs', () => {
  it('encodes ids into one ref component that git accepts and that decodes back', () => {
    const cases: Record<string, string> = {
      'task-1_a': 'task-1_a',
      'a..b': 'a%2E%2Eb',
      'x.lock': 'x%2Elock',
      '.hidden': '%2Ehidden',
      'a/b c~^:?*[\\': 'a%2Fb%20c%7E%5E%3A%3F%2A%5B%5C',
      é: '%C3%A9',
      '%41': '%2541',
    };
    for (const [id, encoded] of Object.entries(cases)) {
      assert.equal(refComponent(id, 'task id'), encoded, id);
      assert.equal(decodeURIComponent(encoded), id);
    }
    assert.throws(() => refComponent('', 'run id'), /A checkpoint run id must not be empty/);
  });

  it('builds refs under the private namespace', () => {
    assert.equal(checkpointRef('run-1', 't.1', 7), 'refs/agent-orchestrator/checkpoints/run-1/t%2E1/7');
    assert.equal(runCheckpointPrefix('run-1'), 'refs/agent-orchestrator/checkpoints/run-1/');
  });

  it('finds the highest sequence number', () => {
    assert.equal(maxSequence([]), 0);
    assert.equal(maxSequence(['refs/x/a/2', 'refs/x/b/10', 'refs/x/c/9']), 10);
  });

  it('parses a for-each-ref listing into checkpoints sorted by sequence, skipping foreign refs', () => {
    const prefix = runCheckpointPrefix('r');
    const record = (id: string, ref: string, message: string): string =>
      `${id}\x1f${ref}\x1f1700000000\x1f${message}\x1e\n`;
    const output =
      record('bbb', `${prefix}t%2E2/2`, checkpointMessage('second', 'r', 't.2', 1_700_000_000_500)) +
      record('aaa', `${prefix}t1/1`, checkpointMessage('first', 'r', 't1', 1_700_000_000_400)) +
      record('ccc', `${prefix}not-a-number/x`, 'junk') +
      record('ddd', `${prefix}t3/3`, 'a hand-made commit\n');
    assert.deepEqual(parseCheckpointList(output, 'r'), [
      {
        id: 'aaa',
        ref: `${prefix}t1/1`,
        runId: 'r',
        taskId: 't1',
        label: 'first',
        sequence: 1,
        createdAt: 1_700_000_000_400,
      },
      {
        id: 'bbb',
        ref: `${prefix}t%2E2/2`,
        runId: 'r',
        taskId: 't.2',
        label: 'second',
        sequence: 2,
        createdAt: 1_700_000_000_500,
      },
      {
        id: 'ddd',
        ref: `${prefix}t3/3`,
        runId: 'r',
        taskId: 't3',
        label: 'a hand-made commit',
        sequence: 3,
        createdAt: 1_700_000_000_000,
      },
    ]);
  });
});
