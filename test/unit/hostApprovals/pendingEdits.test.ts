import * as assert from 'node:assert/strict';
import type { ApprovalDecision, EditProposal } from '../../../src/core/tools/approvalPort';
import { PendingEdits } from '../../../src/host/approvals/pendingEdits';
import type { PendingEditsChange } from '../../../src/host/approvals/pendingEdits';

function proposal(overrides: Partial<EditProposal> = {}): EditProposal {
  return {
    approvalId: 'T1:edit:src/a.ts:1',
    runId: 'run-1',
    taskId: 'T1',
    agentId: 'coder',
    path: 'src/a.ts',
    before: 'one\ntwo\nthree\nfour\nfive\n',
    after: 'ONE\ntwo\nthree\nfour\nFIVE\n',
    reason: 'edits ask',
    protected: false,
    policy: 'ask',
    ...overrides,
  };
}

/** A store with one proposal and what its promise settled with. */
function storeWith(p: EditProposal = proposal()): {
  store: PendingEdits;
  settled: Array<ApprovalDecision | { error: unknown }>;
  changes: PendingEditsChange[];
} {
  let clock = 0;
  const store = new PendingEdits(() => ++clock);
  const settled: Array<ApprovalDecision | { error: unknown }> = [];
  const changes: PendingEditsChange[] = [];
  store.onDidChange((c) => changes.push(c));
  store.add(p, { resolve: (d) => settled.push(d), reject: (error) => settled.push({ error }) });
  return { store, settled, changes };
}

describe('PendingEdits', () => {
  it('lists pending proposals per run, oldest first, and forgets them once settled', () => {
    const { store, settled, changes } = storeWith();
    store.add(proposal({ approvalId: 'T2:x', runId: 'run-2', taskId: 'T2' }), {
      resolve: () => undefined,
      reject: () => undefined,
    });
    assert.deepEqual(
      store.list().map((e) => e.proposal.approvalId),
      ['T1:edit:src/a.ts:1', 'T2:x'],
    );
    assert.deepEqual(
      store.list('run-2').map((e) => e.proposal.approvalId),
      ['T2:x'],
    );
    assert.equal(store.settle('T1:edit:src/a.ts:1', { decision: 'accepted', by: 'user' }), true);
    assert.equal(
      store.settle('T1:edit:src/a.ts:1', { decision: 'rejected', by: 'user' }),
      false,
      'answered exactly once',
    );
    assert.deepEqual(settled, [{ decision: 'accepted', by: 'user' }]);
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['added', 'added', 'removed'],
    );
  });

  it('accepts the proposal as is while no hunk is rejected', () => {
    const { store } = storeWith();
    assert.equal(store.hunks('T1:edit:src/a.ts:1').length, 2);
    assert.deepEqual(store.acceptOutcome('T1:edit:src/a.ts:1'), { kind: 'accept' });
    store.toggleHunk('T1:edit:src/a.ts:1', 0, 'accepted');
    assert.deepEqual(store.acceptOutcome('T1:edit:src/a.ts:1'), { kind: 'accept' });
  });

  it('accepts mixed content when some hunks are rejected, and nothing when all are', () => {
    const { store } = storeWith();
    const id = 'T1:edit:src/a.ts:1';
    store.toggleHunk(id, 1, 'rejected');
    assert.deepEqual(store.acceptOutcome(id), { kind: 'accept', content: 'ONE\ntwo\nthree\nfour\nfive\n' });
    assert.equal(store.undecided(id), 1);
    store.toggleHunk(id, 0, 'rejected');
    assert.equal(store.undecided(id), 0);
    assert.deepEqual(store.acceptOutcome(id), { kind: 'allRejected' });
  });

  it('undoes a hunk decision when the same decision is made again', () => {
    const { store, changes } = storeWith();
    const id = 'T1:edit:src/a.ts:1';
    store.toggleHunk(id, 0, 'accepted');
    assert.equal(store.hunkState(id, 0), 'accepted');
    store.toggleHunk(id, 0, 'accepted');
    assert.equal(store.hunkState(id, 0), 'pending');
    store.toggleHunk(id, 0, 'rejected');
    assert.equal(store.hunkState(id, 0), 'rejected');
    assert.equal(store.toggleHunk(id, 9, 'accepted'), false, 'an unknown hunk is ignored');
    assert.equal(changes.filter((c) => c.kind === 'updated').length, 3);
  });

  it("makes the user's edited text the proposal and starts hunk decisions over", () => {
    const { store } = storeWith();
    const id = 'T1:edit:src/a.ts:1';
    store.toggleHunk(id, 0, 'rejected');
    const version = store.get(id)?.version ?? 0;
    store.setUserContent(id, 'one\ntwo\nTHREE\nfour\nfive\n');
    assert.equal(store.proposedContent(id), 'one\ntwo\nTHREE\nfour\nfive\n');
    assert.ok((store.get(id)?.version ?? 0) > version);
    assert.equal(store.hunkState(id, 0), 'pending');
    assert.deepEqual(
      store.hunks(id).map((h) => h.afterLines),
      [['THREE\n']],
    );
    assert.deepEqual(store.acceptOutcome(id), { kind: 'accept', content: 'one\ntwo\nTHREE\nfour\nfive\n' });
    store.setUserContent(id, proposal().after);
    assert.equal(store.get(id)?.userContent, undefined, "the agent's own text is no user change");
    assert.deepEqual(store.acceptOutcome(id), { kind: 'accept' });
  });

  it('accepts a user text equal to the original as content (nothing to write)', () => {
    const { store } = storeWith();
    const id = 'T1:edit:src/a.ts:1';
    store.setUserContent(id, proposal().before);
    assert.deepEqual(store.hunks(id), []);
    assert.deepEqual(store.acceptOutcome(id), { kind: 'accept', content: proposal().before });
  });

  it('accepts a deletion without content, and a user text in its place as content', () => {
    const { store } = storeWith(proposal({ after: undefined }));
    const id = 'T1:edit:src/a.ts:1';
    assert.equal(store.proposedContent(id), undefined);
    assert.deepEqual(store.acceptOutcome(id), { kind: 'accept' });
    store.setUserContent(id, 'kept\n');
    assert.deepEqual(store.acceptOutcome(id), { kind: 'accept', content: 'kept\n' });
  });

  it('rejects the promise of a proposal asked again, and of every proposal on dispose', () => {
    const { store, settled } = storeWith();
    store.add(proposal(), { resolve: () => undefined, reject: (error) => settled.push({ error }) });
    assert.equal(settled.length, 1);
    assert.match(String((settled[0] as { error: Error }).error.message), /proposed again/);
    const reason = new Error('closing');
    store.dispose(reason);
    assert.deepEqual(settled[1], { error: reason });
    assert.deepEqual(store.list(), []);
  });

  it('fails a proposal with the given reason (abort)', () => {
    const { store, settled } = storeWith();
    const abort = new DOMException('cancelled', 'AbortError');
    assert.equal(store.fail('T1:edit:src/a.ts:1', abort), true);
    assert.deepEqual(settled, [{ error: abort }]);
    assert.equal(store.get('T1:edit:src/a.ts:1'), undefined);
  });

  it('waits for the decision, and an abort forgets the proposal and rejects with the abort reason', async () => {
    const store = new PendingEdits();
    const controller = new AbortController();
    const waiting = store.wait(proposal(), controller.signal);
    assert.equal(store.list().length, 1);
    const reason = new Error('task cancelled');
    controller.abort(reason);
    await assert.rejects(waiting, (err) => err === reason);
    assert.equal(store.list().length, 0);

    const settled = new AbortController();
    const answered = store.wait(proposal(), settled.signal);
    store.settle(proposal().approvalId, { decision: 'accepted', by: 'user' });
    assert.deepEqual(await answered, { decision: 'accepted', by: 'user' });
    settled.abort();
    assert.equal(store.list().length, 0);

    const already = AbortSignal.abort(reason);
    await assert.rejects(store.wait(proposal(), already), (err) => err === reason);
    assert.equal(store.list().length, 0, 'an aborted request is never shown');
  });

  it('decides every hunk at once (the review\'s "Choose Changes…")', () => {
    const { store } = storeWith();
    const id = 'T1:edit:src/a.ts:1';
    store.setHunkStates(id, new Set([1]));
    assert.deepEqual(
      [store.hunkState(id, 0), store.hunkState(id, 1), store.undecided(id)],
      ['rejected', 'accepted', 0],
    );
    assert.deepEqual(store.acceptOutcome(id), { kind: 'accept', content: 'one\ntwo\nthree\nfour\nFIVE\n' });
  });
});
