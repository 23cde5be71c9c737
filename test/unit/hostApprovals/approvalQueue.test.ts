import * as assert from 'node:assert/strict';
import type { ApprovalDecision, EditProposal } from '../../../src/core/tools/approvalPort';
import { ignoredDecision } from '../../../src/host/approvals/decisionLog';
import { PendingEdits } from '../../../src/host/approvals/pendingEdits';
import { arrivalPlacement, askOrder, resolveTarget } from '../../../src/host/approvals/proposalTargets';
import type { TargetLookup } from '../../../src/host/approvals/proposalTargets';
import { createToolHarness, fakeTask } from '../tools/toolHarness';
import type { ToolHarness } from '../tools/toolHarness';

function proposal(id: string, overrides: Partial<EditProposal> = {}): EditProposal {
  return {
    approvalId: id,
    runId: 'run-1',
    taskId: id.split(':')[0] ?? 'T1',
    agentId: 'coder',
    path: 'src/a.ts',
    before: 'a\n',
    after: 'b\n',
    reason: 'edits ask',
    protected: false,
    policy: 'ask',
    ...overrides,
  };
}

/**
 * What the approvals know, as plain data: which ids wait, which document URIs were handed out for
 * which proposal (a stale URI is simply absent), and which workspace file each proposal edits.
 */
function lookupOf(pending: string[], documents: Record<string, string>, files: Record<string, string>): TargetLookup {
  return {
    isPending: (id) => pending.includes(id),
    ownerOfDocument: (uri) => documents[uri],
    pendingOfFile: (uri) => pending.filter((id) => files[id] === uri),
    pending: () => [...pending],
  };
}

describe('approvals queue: every action names its proposal', () => {
  const lookup = lookupOf(
    ['alpha:1', 'beta:1'],
    { 'proposal:/alpha.txt?id=alpha:1&v=1': 'alpha:1', 'proposal:/beta.txt?id=beta:1&v=2': 'beta:1' },
    { 'alpha:1': 'file:///ws/alpha.txt', 'beta:1': 'file:///ws/beta.txt' },
  );

  it('acts on the proposal of the diff it was invoked from, whichever diff is newer', () => {
    assert.deepEqual(resolveTarget({ kind: 'document', uri: 'proposal:/alpha.txt?id=alpha:1&v=1' }, lookup), {
      kind: 'proposal',
      approvalId: 'alpha:1',
    });
    assert.deepEqual(resolveTarget({ kind: 'document', uri: 'proposal:/beta.txt?id=beta:1&v=2' }, lookup), {
      kind: 'proposal',
      approvalId: 'beta:1',
    });
  });

  it('does nothing from a diff whose proposal is decided or was proposed again (a stale tab)', () => {
    assert.deepEqual(resolveTarget({ kind: 'document', uri: 'proposal:/alpha.txt?id=alpha:1&v=0' }, lookup), {
      kind: 'none',
      why: 'noLongerPending',
    });
    assert.deepEqual(resolveTarget({ kind: 'approvalId', approvalId: 'gamma:1' }, lookup), {
      kind: 'none',
      why: 'noLongerPending',
    });
    const decided = lookupOf([], { 'proposal:/alpha.txt?id=alpha:1&v=1': 'alpha:1' }, {});
    assert.deepEqual(resolveTarget({ kind: 'document', uri: 'proposal:/alpha.txt?id=alpha:1&v=1' }, decided), {
      kind: 'none',
      why: 'noLongerPending',
    });
  });

  it('asks which when invoked without a proposal, even when one waits; never picks the latest', () => {
    assert.deepEqual(resolveTarget({ kind: 'none' }, lookup), { kind: 'ask', among: ['alpha:1', 'beta:1'] });
    assert.deepEqual(resolveTarget({ kind: 'none' }, lookupOf(['beta:1'], {}, {})), {
      kind: 'ask',
      among: ['beta:1'],
    });
    assert.deepEqual(resolveTarget({ kind: 'none' }, lookupOf([], {}, {})), { kind: 'none', why: 'nothingPending' });
  });

  it('takes a workspace file only when exactly one proposal edits it, else asks among them', () => {
    assert.deepEqual(resolveTarget({ kind: 'file', uri: 'file:///ws/beta.txt' }, lookup), {
      kind: 'proposal',
      approvalId: 'beta:1',
    });
    const twoOnOneFile = lookupOf(
      ['alpha:1', 'alpha:2', 'beta:1'],
      {},
      {
        'alpha:1': 'file:///ws/alpha.txt',
        'alpha:2': 'file:///ws/alpha.txt',
        'beta:1': 'file:///ws/beta.txt',
      },
    );
    assert.deepEqual(resolveTarget({ kind: 'file', uri: 'file:///ws/alpha.txt' }, twoOnOneFile), {
      kind: 'ask',
      among: ['alpha:1', 'alpha:2'],
    });
    assert.deepEqual(resolveTarget({ kind: 'file', uri: 'file:///ws/other.txt' }, twoOnOneFile), {
      kind: 'ask',
      among: ['alpha:1', 'alpha:2', 'beta:1'],
    });
  });

  it('lists the proposal of the active editor first in the question, the rest oldest first', () => {
    assert.deepEqual(askOrder(['a', 'b', 'c'], 'c'), ['c', 'a', 'b']);
    assert.deepEqual(askOrder(['a', 'b', 'c'], undefined), ['a', 'b', 'c']);
    assert.deepEqual(askOrder(['a', 'b'], 'gone'), ['a', 'b']);
  });

  it('opens a new proposal in the background while another proposal shows, in front otherwise', () => {
    assert.equal(arrivalPlacement([], 'beta:1'), 'reveal');
    assert.equal(arrivalPlacement(['alpha:1'], 'beta:1'), 'background');
    // The same proposal proposed again, replacing the one shown, takes its place.
    assert.equal(arrivalPlacement(['beta:1'], 'beta:1'), 'reveal');
  });
});

describe('approvals queue: a proposal is decided exactly once', () => {
  it('answers the engine once; a second decision is refused and says how the first went', () => {
    const store = new PendingEdits();
    const answers: ApprovalDecision[] = [];
    store.add(proposal('alpha:1'), { resolve: (d) => answers.push(d), reject: assert.fail });
    const entry = store.get('alpha:1');
    assert.ok(entry);
    assert.equal(store.settle('alpha:1', { decision: 'accepted', by: 'user' }, entry), true);
    assert.equal(store.settle('alpha:1', { decision: 'rejected', by: 'user' }, entry), false);
    assert.equal(store.settle('alpha:1', { decision: 'rejected', by: 'user' }), false);
    assert.deepEqual(answers, [{ decision: 'accepted', by: 'user' }]);
    assert.equal(store.decidedAs('alpha:1'), 'accepted');
    assert.equal(store.decidedAs('beta:1'), undefined);
  });

  it('refuses a decision about a proposal that was proposed again while the user decided', () => {
    const store = new PendingEdits();
    const answers: string[] = [];
    store.add(proposal('alpha:1', { after: 'first\n' }), { resolve: () => answers.push('first'), reject: () => {} });
    const seen = store.get('alpha:1');
    assert.ok(seen);
    store.add(proposal('alpha:1', { after: 'second\n' }), {
      resolve: (d) => answers.push(`second:${d.decision}`),
      reject: assert.fail,
    });
    assert.equal(store.settle('alpha:1', { decision: 'accepted', by: 'user' }, seen), false);
    assert.equal(store.get('alpha:1')?.proposal.after, 'second\n', 'the new proposal still waits');
    assert.deepEqual(answers, []);
    assert.equal(store.settle('alpha:1', { decision: 'rejected', by: 'user' }, store.get('alpha:1')), true);
    assert.deepEqual(answers, ['second:rejected']);
  });

  it('logs why a decision changed nothing: a second one, one under way, or one about nothing waiting', () => {
    assert.deepEqual(ignoredDecision('beta:1', 'accept', { pending: false, decidedAs: 'accepted' }), {
      outcome: 'alreadyDecided',
      line: 'Ignored a second decision (accept) on beta:1: it was already accepted.',
    });
    assert.deepEqual(ignoredDecision('beta:1', 'reject', { pending: true, decidedAs: undefined }), {
      outcome: 'busy',
      line: 'Ignored a decision (reject) on beta:1: another decision on it is under way.',
    });
    assert.equal(ignoredDecision('gone:1', 'accept', { pending: false, decidedAs: undefined }).outcome, 'notPending');
  });

  it('forgets an earlier decision when the same id is asked again (a retry after undo)', () => {
    const store = new PendingEdits();
    store.add(proposal('alpha:1'), { resolve: () => {}, reject: () => {} });
    store.settle('alpha:1', { decision: 'rejected', by: 'user' });
    assert.equal(store.decidedAs('alpha:1'), 'rejected');
    store.add(proposal('alpha:1'), { resolve: () => {}, reject: () => {} });
    assert.equal(store.decidedAs('alpha:1'), undefined);
  });
});

describe('approvals queue → engine: two proposals decided in reverse order each apply their own edit', () => {
  let h: ToolHarness;
  afterEach(() => h.cleanup());

  it('accepts the second proposal first, then the first; a repeated accept writes nothing more', async () => {
    h = await createToolHarness({ files: { 'alpha.txt': 'alpha: draft\n', 'beta.txt': 'beta: draft\n' } });
    const store = new PendingEdits();
    const arrived: string[] = [];
    h.approvals.decide = (p: EditProposal) =>
      new Promise<ApprovalDecision>((resolve, reject) => {
        store.add(p, { resolve, reject });
        arrived.push(p.approvalId);
      });
    const alphaTask = fakeTask({ task: { id: 'alpha', title: 'Rewrite alpha' } });
    const betaTask = fakeTask({ task: { id: 'beta', title: 'Rewrite beta' } });
    const alpha = h.call(alphaTask, 'propose_edit', { path: 'alpha.txt', content: 'written by alpha\n' });
    const beta = h.call(betaTask, 'propose_edit', { path: 'beta.txt', content: 'written by beta\n' });
    while (arrived.length < 2) await new Promise((resolve) => setImmediate(resolve));
    const [alphaId, betaId] = [...arrived].sort() as [string, string];
    assert.match(alphaId, /^alpha:/);
    assert.match(betaId, /^beta:/);

    const accept = (id: string): boolean => store.settle(id, { decision: 'accepted', by: 'user' }, store.get(id));
    assert.equal(accept(betaId), true);
    await beta;
    assert.equal(await h.read('beta.txt'), 'written by beta\n');
    assert.equal(await h.read('alpha.txt'), 'alpha: draft\n', 'accepting beta left alpha waiting and unwritten');
    assert.equal(accept(betaId), false, 'a second accept of beta is a no-op');

    assert.equal(accept(alphaId), true);
    await alpha;
    assert.equal(await h.read('alpha.txt'), 'written by alpha\n');
    assert.equal(await h.read('beta.txt'), 'written by beta\n');
    for (const task of [alphaTask, betaTask])
      assert.deepEqual(
        task.events.map((e) => e.type),
        ['approval.requested', 'approval.decided', 'edit.applied'],
      );
  });
});
