import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../../src/protocol/messages';

const APPROVAL = 'build:edit:src/a.ts:0123456789abcdef';

describe('checklist 14: every webview message is parsed against the protocol', () => {
  const accepted: [string, unknown][] = [
    ['ready', { type: 'ready' }],
    ['selectRun', { type: 'selectRun', runId: 'run-1700000000000-ab12' }],
    ['approvalDecision accept', { type: 'approvalDecision', approvalId: APPROVAL, decision: 'accept' }],
    ['approvalDecision reject', { type: 'approvalDecision', approvalId: APPROVAL, decision: 'reject' }],
    ['openDiff', { type: 'openDiff', approvalId: APPROVAL }],
    ['taskAction cancel', { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'cancel' }],
    ['taskAction retry with a note', { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'retry', note: 'use x' }],
    ['taskAction skip', { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'skip' }],
    ['taskAction reassign', { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'reassign', agentId: 'tester' }],
    ['taskAction reassign, agent to be asked', { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'reassign' }],
    ['openEdit', { type: 'openEdit', runId: 'r1', taskId: 't1', index: 0 }],
  ];
  for (const [name, raw] of accepted) {
    it(`accepts ${name}`, () => {
      const result = parseWebviewMessage(raw);
      assert.deepEqual(result, { ok: true, message: raw });
    });
  }

  const refused: [string, unknown, RegExp][] = [
    ['a string', 'ready', /must be an object/],
    ['null', null, /must be an object/],
    ['an array', [{ type: 'ready' }], /must be an object/],
    ['no type', { runId: 'r1' }, /unknown message type null/],
    ['an unknown type', { type: 'executeCommand', command: 'workbench.action.terminal.new' }, /unknown message type/],
    ['a host-only type', { type: 'snapshot', graph: {}, approvals: [], logs: [] }, /unknown message type "snapshot"/],
    ['a prototype-ish type', { type: '__proto__' }, /unknown message type/],
    [
      'ready with a command id',
      { type: 'ready', command: 'workbench.action.reloadWindow' },
      /unexpected field\(s\) command/,
    ],
    [
      'a decision that names a command',
      { type: 'approvalDecision', approvalId: APPROVAL, decision: 'accept', command: 'vscode.open', args: ['/etc'] },
      /unexpected field\(s\) command, args/,
    ],
    [
      'openDiff with a path',
      { type: 'openDiff', approvalId: APPROVAL, path: '/etc/passwd' },
      /unexpected field\(s\) path/,
    ],
    ['openDiff with a uri', { type: 'openDiff', approvalId: APPROVAL, uri: 'file:///etc/passwd' }, /unexpected field/],
    ['selectRun with a path as run id', { type: 'selectRun', runId: '../../etc' }, /runId: a run id is/],
    ['selectRun with an absolute path', { type: 'selectRun', runId: '/tmp/x' }, /runId/],
    ['a task id that is a path', { type: 'taskAction', runId: 'r1', taskId: 'a/../b', action: 'skip' }, /taskId/],
    ['an unknown action', { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'delete' }, /action/],
    [
      'an agent on cancel',
      { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'cancel', agentId: 'coder' },
      /agentId goes only with reassign/,
    ],
    ['a note on skip', { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'skip', note: 'x' }, /note goes only/],
    [
      'a decision other than accept/reject',
      { type: 'approvalDecision', approvalId: APPROVAL, decision: 'always' },
      /decision/,
    ],
    ['an empty approval id', { type: 'approvalDecision', approvalId: '', decision: 'accept' }, /must not be empty/],
    ['an approval id with a newline', { type: 'openDiff', approvalId: 'a\nb' }, /control characters/],
    ['a number as approval id', { type: 'openDiff', approvalId: 7 }, /approvalId/],
    [
      'a huge note',
      { type: 'taskAction', runId: 'r1', taskId: 't1', action: 'retry', note: 'x'.repeat(5000) },
      /4,000/,
    ],
    ['a message too large to parse', { type: 'ready', pad: 'x'.repeat(20_000) }, /at most 16384 are accepted/],
    ['a cyclic object', cyclic(), /not plain JSON/],
    [
      'openEdit with a path',
      { type: 'openEdit', runId: 'r1', taskId: 't1', index: 0, path: '/etc/passwd' },
      /unexpected field\(s\) path/,
    ],
    ['openEdit with a negative index', { type: 'openEdit', runId: 'r1', taskId: 't1', index: -1 }, /index/],
    ['openEdit with a fractional index', { type: 'openEdit', runId: 'r1', taskId: 't1', index: 0.5 }, /index/],
    ['openEdit with a path as index', { type: 'openEdit', runId: 'r1', taskId: 't1', index: '../a' }, /index/],
  ];
  for (const [name, raw, reason] of refused) {
    it(`refuses ${name} with a reason`, () => {
      const result = parseWebviewMessage(raw);
      assert.equal(result.ok, false, `${name} was accepted`);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  it('accepts host messages only from the host side, and refuses webview messages there', () => {
    const snapshot = {
      type: 'snapshot',
      graph: { runId: 'r1', goal: 'g', status: 'running', tasks: [], agents: [] },
      approvals: [],
      logs: [],
    };
    assert.equal(parseHostMessage(snapshot).ok, true);
    assert.equal(parseWebviewMessage(snapshot).ok, false);
    assert.equal(parseHostMessage({ type: 'ready' }).ok, false);
  });
});

function cyclic(): unknown {
  const message: Record<string, unknown> = { type: 'ready' };
  message.self = message;
  return message;
}
