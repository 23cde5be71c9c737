import assert from 'node:assert/strict';
import { parseHostMessage, parseWebviewMessage } from '../../../src/protocol/messages';

describe('checklist 14: the Agents tab names an agent, never a file', () => {
  it('accepts openAgentFile with an agent id', () => {
    const raw = { type: 'openAgentFile', agentId: 'docs-writer' };
    assert.deepEqual(parseWebviewMessage(raw), { ok: true, message: raw });
  });

  const refused: [string, unknown, RegExp][] = [
    [
      'a path beside the id',
      { type: 'openAgentFile', agentId: 'docs-writer', path: '/etc/passwd' },
      /unexpected field\(s\) path/,
    ],
    [
      'a uri beside the id',
      { type: 'openAgentFile', agentId: 'docs-writer', uri: 'file:///etc/passwd' },
      /unexpected field\(s\) uri/,
    ],
    ['a path as the id', { type: 'openAgentFile', agentId: '../../.ssh/id_rsa' }, /agentId: an agent id is/],
    ['an absolute path as the id', { type: 'openAgentFile', agentId: '/etc/passwd' }, /agentId/],
    ['no id', { type: 'openAgentFile' }, /agentId/],
    ['a command', { type: 'openAgentFile', agentId: 'x', command: 'vscode.open' }, /unexpected field\(s\) command/],
    ['a host-only timeline', { type: 'timeline', timeline: { runId: 'r', lanes: [], segments: [] } }, /unknown/],
    ['a host-only agent list', { type: 'agents', agents: [] }, /unknown message type "agents"/],
  ];
  for (const [name, raw, reason] of refused) {
    it(`refuses ${name} with a reason`, () => {
      const result = parseWebviewMessage(raw);
      assert.equal(result.ok, false, `${name} was accepted`);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  it('drops a host timeline or agent list that does not fit the protocol', () => {
    const segment = { taskId: 't', attempt: 1, agentId: 'coder', lane: 0, start: 1, kind: 'attempt' };
    const lane = { index: 0, agentId: 'coder', kind: 'slot', label: 'coder #1' };
    const timeline = { runId: 'r', lanes: [lane], segments: [segment] };
    assert.equal(parseHostMessage({ type: 'timeline', timeline }).ok, true);
    const coffee = { ...timeline, segments: [{ ...segment, kind: 'coffee' }] };
    assert.equal(parseHostMessage({ type: 'timeline', timeline: coffee }).ok, false);
    const agent = {
      id: 'coder',
      description: '',
      capabilities: ['code'],
      model: 'default',
      running: 0,
      maxLoad: 1,
      attempts: 0,
      source: 'file',
      sourceLabel: '.orchestrator/agents/coder.md',
    };
    assert.equal(parseHostMessage({ type: 'agents', agents: [agent] }).ok, true);
    assert.equal(parseHostMessage({ type: 'agents', agents: [{ ...agent, file: '/abs/coder.md' }] }).ok, false);
  });
});
