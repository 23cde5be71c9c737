import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../../src/protocol/messages';
import { PanelMessageRouter, type PanelActions } from '../../../src/host/panel/runPanelMessages';

const FILE = '0123456789abcdef';
const HUNK = 'fedcba9876543210';

describe('checklist 14: review messages from the webview are parsed against the protocol', () => {
  const accepted: [string, unknown][] = [
    ['reviewRequest', { type: 'reviewRequest', runId: 'run-1' }],
    ['hunkDecision accept', { type: 'hunkDecision', runId: 'run-1', fileId: FILE, hunkId: HUNK, decision: 'accept' }],
    ['hunkDecision revert', { type: 'hunkDecision', runId: 'run-1', fileId: FILE, hunkId: HUNK, decision: 'revert' }],
    ['revertFile', { type: 'revertFile', runId: 'run-1', fileId: FILE }],
    ['openReviewDiff', { type: 'openReviewDiff', runId: 'run-1', fileId: FILE }],
  ];
  for (const [name, raw] of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(parseWebviewMessage(raw), { ok: true, message: raw });
    });
  }

  const refused: [string, unknown, RegExp][] = [
    ['revertFile naming a path', { type: 'revertFile', runId: 'run-1', fileId: FILE, path: '/etc/passwd' }, /path/],
    ['a path as file id', { type: 'revertFile', runId: 'run-1', fileId: '../../.env' }, /fileId: a review id/],
    ['openReviewDiff with a uri', { type: 'openReviewDiff', runId: 'run-1', fileId: FILE, uri: 'file:///x' }, /uri/],
    [
      'openReviewDiff naming a command',
      { type: 'openReviewDiff', runId: 'run-1', fileId: FILE, command: 'vscode.open' },
      /unexpected field\(s\) command/,
    ],
    [
      'a decision other than accept/revert',
      { type: 'hunkDecision', runId: 'run-1', fileId: FILE, hunkId: HUNK, decision: 'apply' },
      /decision/,
    ],
    [
      'a hunk id in capitals',
      { type: 'hunkDecision', runId: 'run-1', fileId: FILE, hunkId: 'FEDCBA9876543210', decision: 'accept' },
      /hunkId/,
    ],
    ['a missing hunk id', { type: 'hunkDecision', runId: 'run-1', fileId: FILE, decision: 'revert' }, /hunkId/],
    ['a run id that is a path', { type: 'reviewRequest', runId: '../runs/x' }, /runId/],
    [
      'the host-only review message',
      { type: 'review', runId: 'run-1', status: 'ready', files: [], moreFiles: 0, readOnly: false },
      /unknown message type "review"/,
    ],
  ];
  for (const [name, raw, reason] of refused) {
    it(`refuses ${name} with a reason`, () => {
      const result = parseWebviewMessage(raw);
      assert.equal(result.ok, false, `${name} was accepted`);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  it('the host’s review message parses on the webview side, and a file entry may not smuggle fields', () => {
    const file = {
      fileId: FILE,
      path: 'src/a.ts',
      status: 'modified',
      added: 1,
      removed: 1,
      tasks: ['a'],
      hunks: [
        {
          hunkId: HUNK,
          oldStart: 1,
          oldLines: 1,
          newStart: 1,
          newLines: 1,
          lines: [
            { kind: 'removed', text: 'a' },
            { kind: 'added', text: 'b' },
          ],
          moreLines: 0,
          accepted: false,
        },
      ],
      moreHunks: 0,
    };
    const review = { type: 'review', runId: 'run-1', status: 'ready', files: [file], moreFiles: 0, readOnly: false };
    assert.equal(parseHostMessage(review).ok, true);
    assert.equal(parseHostMessage({ ...review, files: [{ ...file, html: '<img>' }] }).ok, false);
  });
});

describe('checklist 14: the panel routes review messages only for the run it shows', () => {
  function router() {
    const calls: string[] = [];
    const actions: PanelActions = {
      shownRunId: () => 'run-1',
      knowsRun: () => true,
      hasTask: () => true,
      isPending: () => false,
      sendSnapshot: async () => void calls.push('snapshot'),
      showRun: async () => void calls.push('show'),
      decide: async () => void calls.push('decide'),
      openDiff: async () => void calls.push('diff'),
      taskAction: async () => void calls.push('task'),
      editPath: () => undefined,
      openEdit: async () => void calls.push('edit'),
      planReview: async () => void calls.push('plan'),
      hasAgentFile: () => false,
      openAgentFile: async () => void calls.push('agent'),
      review: async (m) => void calls.push(`${m.type} ${m.runId}`),
      log: (message) => void calls.push(`log: ${message}`),
    };
    return { router: new PanelMessageRouter(actions), calls };
  }

  it('hands review messages of the shown run to the review, and only logs those of another run', async () => {
    const { router: r, calls } = router();
    await r.handle({ type: 'reviewRequest', runId: 'run-1' });
    await r.handle({ type: 'hunkDecision', runId: 'run-1', fileId: FILE, hunkId: HUNK, decision: 'revert' });
    await r.handle({ type: 'revertFile', runId: 'run-2', fileId: FILE });
    await r.handle({ type: 'openReviewDiff', runId: 'run-2', fileId: FILE });
    assert.deepEqual(calls.slice(0, 2), ['reviewRequest run-1', 'hunkDecision run-1']);
    assert.equal(calls.length, 4);
    assert.match(calls[2] ?? '', /^log: Run panel: revertFile names run run-2, which is not shown; ignored\.$/);
    assert.match(calls[3] ?? '', /^log: Run panel: openReviewDiff names run run-2/);
  });
});
