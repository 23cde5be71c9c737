import * as assert from 'node:assert/strict';
import type { EditProposal } from '../../../src/core/tools/approvalPort';
import {
  diffTitle,
  formatText,
  hunkChoiceText,
  hunkLenses,
  protectedWarning,
  reviewDetail,
  staleMessage,
  statsText,
} from '../../../src/host/approvals/approvalText';
import { appliedEditArg, approvalIdArg, hunkArgs, rejection, runIdArg } from '../../../src/host/approvals/commandArgs';
import { computeHunks } from '../../../src/host/approvals/hunks';
import { lineEndings } from '../../../src/host/approvals/lineEndings';
import { formatProposalQuery, parseProposalQuery, proposalPath } from '../../../src/host/approvals/proposalQuery';

const base: EditProposal = {
  approvalId: 'T1:edit:src/a.ts:abc',
  runId: 'r1',
  taskId: 'T1',
  agentId: 'coder',
  path: 'src/a.ts',
  before: 'a\n',
  after: 'b\n',
  reason: 'edits ask',
  protected: false,
  policy: 'ask',
};

describe('approval UI pieces', () => {
  it('titles the diff with path, agent and task, and marks protected paths and deletions', () => {
    assert.equal(diffTitle(formatText, base, 'Add login'), 'src/a.ts (Proposed by coder for Add login)');
    assert.equal(
      diffTitle(formatText, { ...base, protected: true }, 'T1'),
      'src/a.ts (Protected — proposed by coder for T1)',
    );
    assert.equal(
      diffTitle(formatText, { ...base, after: undefined }, 'T1'),
      'src/a.ts (Deletion proposed by coder for T1)',
    );
  });

  it('labels hunk CodeLenses so they can be found: Accept change / Reject change, then the decision with Undo', () => {
    assert.deepEqual(hunkLenses(formatText, 'pending', false), [
      { title: 'Accept change', action: 'accept' },
      { title: 'Reject change', action: 'reject' },
    ]);
    assert.deepEqual(hunkLenses(formatText, 'accepted', false), [{ title: '✓ Accepted — Undo', action: 'accept' }]);
    assert.deepEqual(hunkLenses(formatText, 'rejected', true), [
      { title: '✗ Rejected — Undo', action: 'reject' },
      { title: '(line endings only)', action: undefined },
    ]);
  });

  it('says what the user needs to know', () => {
    assert.equal(
      staleMessage(formatText, 'src/a.ts'),
      'src/a.ts changed since the agent proposed this edit; the agent will re-propose.',
    );
    assert.match(
      protectedWarning(formatText, { ...base, path: '.vscode/settings.json', protected: true }, true),
      /\.vscode\/settings\.json is a protected path: needs your approval even with auto-approve/,
    );
    assert.equal(statsText(formatText, { added: 3, removed: 1 }, true), '+3 −1 · edited by you');
    assert.equal(
      reviewDetail(formatText, { ...base, before: undefined, protected: true }, 'T1'),
      'create · task T1 · agent coder · protected path',
    );
  });

  it('round-trips proposal URI queries and refuses anything else', () => {
    const query = { id: 'T1:edit:src/a b&c.ts:9f#2', side: 'proposed' as const, version: 4 };
    assert.deepEqual(parseProposalQuery(formatProposalQuery(query)), query);
    assert.equal(parseProposalQuery('id=x&side=left&v=1'), undefined);
    assert.equal(parseProposalQuery('side=empty&v=1'), undefined);
    assert.equal(parseProposalQuery(''), undefined);
  });

  it('makes a URI path only of a path inside the workspace', () => {
    assert.equal(proposalPath('src/a.ts'), '/src/a.ts');
    assert.equal(proposalPath('src\\win.ts'), '/src/win.ts');
    for (const bad of ['', '/etc/passwd', '../x', 'a/../../x', 'C:/x', 'a//b'])
      assert.equal(proposalPath(bad), undefined, bad);
  });

  it('reads command arguments defensively', () => {
    assert.equal(approvalIdArg('id-1'), 'id-1');
    assert.equal(approvalIdArg({ approvalId: 'id-2' }), 'id-2');
    assert.equal(approvalIdArg({ approvalId: 3 }), undefined);
    assert.equal(runIdArg({ runId: 'r1', label: 'tree item' }), 'r1');
    assert.equal(runIdArg(undefined), undefined);
    assert.deepEqual(appliedEditArg({ path: 'a', runId: 'r', taskId: 't', extra: 1 }), {
      path: 'a',
      runId: 'r',
      taskId: 't',
    });
    assert.equal(appliedEditArg({ path: 'a', runId: 'r' }), undefined);
    assert.deepEqual(hunkArgs('id', 2), { approvalId: 'id', index: 2 });
    assert.equal(hunkArgs('id', -1), undefined);
    assert.equal(hunkArgs('id', '2'), undefined);
  });

  it('sends a trimmed reason with a rejection, none when skipped', () => {
    assert.deepEqual(rejection('  use the helper  '), { decision: 'rejected', by: 'user', reason: 'use the helper' });
    assert.deepEqual(rejection(undefined), { decision: 'rejected', by: 'user' });
    assert.deepEqual(rejection('   '), { decision: 'rejected', by: 'user' });
  });

  it('tells which line endings a text uses', () => {
    assert.equal(lineEndings('no break'), 'none');
    assert.equal(lineEndings('a\nb\n'), 'lf');
    assert.equal(lineEndings('a\r\nb\r\n'), 'crlf');
    assert.equal(lineEndings('a\r\nb\n'), 'mixed');
    assert.equal(lineEndings('a\rb'), 'mixed');
  });

  it('describes hunks for the keyboard list of changes', () => {
    const hunks = computeHunks('a\nb\nc\nd\n', 'a\nB\nB2\nc\n');
    assert.deepEqual(
      hunks.map((h) => hunkChoiceText(formatText, h)),
      [
        { label: 'Lines 2–3: +2 −1', detail: '+ B' },
        { label: 'Deleted after line 4: +0 −1', detail: '− d' },
      ],
    );
  });
});
