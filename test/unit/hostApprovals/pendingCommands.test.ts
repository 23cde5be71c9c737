import * as assert from 'node:assert/strict';
import type { CommandProposal } from '../../../src/core/tools/approvalPort';
import { PendingCommands } from '../../../src/host/approvals/pendingCommands';

function proposal(id: string, runId = 'r1'): CommandProposal {
  return {
    approvalId: id,
    runId,
    taskId: 'T1',
    agentId: 'coder',
    command: 'node -e 1',
    argv: ['node', '-e', '1'],
    cwd: '.',
    reason: 'inline code asks',
  };
}

describe('PendingCommands (the host’s waiting commands)', () => {
  it('settles a command with the first decision only; later ones change nothing', async () => {
    const store = new PendingCommands();
    let changes = 0;
    store.onDidChange(() => changes++);
    const wait = store.wait(proposal('a'), new AbortController().signal);
    store.wait(proposal('b', 'r2'), new AbortController().signal).catch(() => undefined);
    assert.deepEqual(
      store.list('r1').map((p) => p.approvalId),
      ['a'],
    );
    assert.equal(store.isPending('a'), true);
    assert.equal(store.decide('a', 'reject', 'not now'), 'decided');
    assert.equal(store.decide('a', 'accept'), 'notPending', 'a second decision (double click, replay) is ignored');
    assert.deepEqual(await wait, { decision: 'rejected', by: 'user', reason: 'not now' });
    assert.equal(store.isPending('a'), false);
    assert.equal(changes, 3, 'two arrivals and one decision');
    store.dispose();
  });

  it('a cancelled task takes its command off the list and its wait rejects with the reason', async () => {
    const store = new PendingCommands();
    const controller = new AbortController();
    const wait = store.wait(proposal('a'), controller.signal);
    controller.abort(new Error('cancelled by the user'));
    await assert.rejects(wait, /cancelled by the user/);
    assert.equal(store.isPending('a'), false);
    assert.equal(store.decide('a', 'accept'), 'notPending');
    await assert.rejects(store.wait(proposal('b'), controller.signal), /cancelled by the user/);
    assert.deepEqual(store.list(), []);
    store.dispose();
  });
});
