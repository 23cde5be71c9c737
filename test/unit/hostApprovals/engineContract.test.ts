import * as assert from 'node:assert/strict';
import type { ApprovalDecision, EditProposal } from '../../../src/core/tools/approvalPort';
import { PendingEdits } from '../../../src/host/approvals/pendingEdits';
import { createToolHarness, fakeTask } from '../tools/toolHarness';
import type { ToolHarness } from '../tools/toolHarness';

const ORIGINAL = 'const a = 1;\nconst b = 2;\nconst c = 3;\nconst d = 4;\n';
const PROPOSED = 'const a = 10;\nconst b = 2;\nconst c = 3;\nconst d = 40;\n';

/**
 * The host's decisions, as DiffApprovals builds them from the pending store, go through the
 * engine's real propose_edit: journaled and written by the engine, with the user's per-hunk choices
 * (exactly-once across crashes is the engine's own test, editExactlyOnce.test.ts).
 */
describe('host approvals → engine contract', () => {
  let h: ToolHarness;
  let store: PendingEdits;
  /** Plays the user: acts on the pending proposal, then answers as the editor-title Accept would. */
  let user: (id: string) => void;

  beforeEach(async () => {
    h = await createToolHarness({ files: { 'src/a.ts': ORIGINAL } });
    store = new PendingEdits();
    user = () => undefined;
    h.approvals.decide = (proposal: EditProposal) =>
      new Promise<ApprovalDecision>((resolve, reject) => {
        store.add(proposal, { resolve, reject });
        user(proposal.approvalId);
        const outcome = store.acceptOutcome(proposal.approvalId);
        store.settle(
          proposal.approvalId,
          outcome.kind === 'allRejected'
            ? { decision: 'rejected', by: 'user', reason: 'every change rejected' }
            : outcome.content === undefined
              ? { decision: 'accepted', by: 'user' }
              : { decision: 'accepted', by: 'user', content: outcome.content },
        );
      });
  });
  afterEach(() => h.cleanup());

  it('writes only the accepted hunks, asked and applied once', async () => {
    user = (id) => store.toggleHunk(id, 1, 'rejected');
    const task = fakeTask();
    const result = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: PROPOSED });
    assert.match(result.content, /^Updated src\/a\.ts\. The user changed your proposal/);
    assert.equal(await h.read('src/a.ts'), 'const a = 10;\nconst b = 2;\nconst c = 3;\nconst d = 4;\n');
    assert.deepEqual(
      task.events.map((e) => e.type),
      ['approval.requested', 'approval.decided', 'edit.applied'],
    );

    assert.equal(h.approvals.proposals.length, 1);
  });

  it('writes the proposal as is when every hunk is accepted', async () => {
    user = (id) => {
      store.toggleHunk(id, 0, 'accepted');
      store.toggleHunk(id, 1, 'accepted');
    };
    await h.call(fakeTask(), 'propose_edit', { path: 'src/a.ts', content: PROPOSED });
    assert.equal(await h.read('src/a.ts'), PROPOSED);
  });

  it('rejects, writing nothing, when every hunk is rejected', async () => {
    user = (id) => {
      store.toggleHunk(id, 0, 'rejected');
      store.toggleHunk(id, 1, 'rejected');
    };
    const task = fakeTask();
    const result = await h.call(task, 'propose_edit', { path: 'src/a.ts', content: PROPOSED });
    assert.match(result.content, /rejected by the user, who wrote: "every change rejected"/);
    assert.equal(await h.read('src/a.ts'), ORIGINAL);
  });

  it('writes the text the user typed in place of the proposal', async () => {
    user = (id) => store.setUserContent(id, 'const a = 99;\n');
    await h.call(fakeTask(), 'propose_edit', { path: 'src/a.ts', content: PROPOSED });
    assert.equal(await h.read('src/a.ts'), 'const a = 99;\n');
  });
});
