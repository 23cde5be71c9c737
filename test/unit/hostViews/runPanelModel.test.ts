import assert from 'node:assert/strict';
import { approvalViewsOf, runGraphOf, visibleEscapes } from '../../../src/host/panel/runGraphOf';
import { PanelMessageRouter, type PanelActions } from '../../../src/host/panel/runPanelMessages';
import { panelLogLine } from '../../../src/host/panel/panelLog';
import { parseHostMessage } from '../../../src/protocol/messages';
import type { WebviewMessage } from '../../../src/protocol/messages';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

const scrub = (text: string): string => text.split('sk-secret-123456').join('[redacted]');

function sampleRun() {
  const b = new EventBuilder('run-1');
  const events = [
    b.created('Ship it with key sk-secret-123456'),
    b.planReady([
      { id: 'a', title: 'First' },
      { id: 'b', title: 'Second', dependencies: ['a'] },
      { id: 'c', title: 'Third', dependencies: ['a'] },
      { id: 'd', title: 'Fourth', dependencies: ['b', 'c'] },
    ]),
    b.taskStarted('a'),
    b.usage('a', 100, 50, 0.02),
    b.taskSucceeded('a'),
    b.taskStarted('b'),
    b.attemptFailed('b', 'coder', 1, 'tests failed: ![x](http://127.0.0.1:9/leak) sk-secret-123456'),
    b.taskStarted('b', 'tester', 2),
    b.taskStarted('c'),
    b.next({
      type: 'approval.requested',
      approvalId: 'c:edit:src/c.ts:0123',
      taskId: 'c',
      kind: 'edit',
      path: 'src/c.ts',
      summary: '+3 -1',
      protected: false,
    }),
    b.finding('minor', 'unused import', { taskId: 'a' }),
  ];
  return { events, state: foldEvents('run-1', events) };
}

describe('run panel view model', () => {
  it('derives ready, retrying and waiting-for-approval from the run state', () => {
    const { state } = sampleRun();
    const graph = runGraphOf(state, 'running', ['coder', 'tester'], scrub);
    const byId = new Map(graph.tasks.map((t) => [t.id, t]));
    assert.equal(byId.get('a')?.status, 'succeeded');
    assert.equal(byId.get('b')?.status, 'retrying');
    assert.equal(byId.get('c')?.status, 'awaitingApproval');
    assert.equal(byId.get('d')?.status, 'pending');
    assert.deepEqual(byId.get('d')?.deps, ['b', 'c']);
    assert.equal(byId.get('a')?.tokens, 150);
    assert.equal(byId.get('a')?.costUsd, 0.02);
    assert.deepEqual(byId.get('a')?.findings, ['unused import']);
    assert.equal(byId.get('b')?.agentId, 'tester');
    assert.equal(byId.get('b')?.attempts.length, 2);
  });

  it('marks a task whose model has no price as of unknown cost, so the panel never shows it as $0', () => {
    const { events } = sampleRun();
    const b = new EventBuilder('run-1', { startSeq: events.length + 1, startAt: events.at(-1)!.at + 1000 });
    const unpriced = b.next({
      type: 'usage.recorded',
      taskId: 'b',
      agentId: 'tester',
      provider: 'openai',
      model: 'my-finetune',
      usage: { inputTokens: 200, outputTokens: 20, costUsd: 0, costUnknown: true },
    });
    const graph = runGraphOf(foldEvents('run-1', [...events, unpriced]), 'running', ['coder', 'tester'], scrub);
    const byId = new Map(graph.tasks.map((t) => [t.id, t]));
    assert.equal(byId.get('b')?.costUnknown, true);
    assert.equal(byId.get('a')?.costUnknown, undefined, 'a priced task stays priced');
  });

  it('scrubs secrets from model text and keeps the graph valid under the protocol', () => {
    const { state } = sampleRun();
    const graph = runGraphOf(state, 'running', [], scrub);
    assert.equal(graph.goal, 'Ship it with key [redacted]');
    const failure = graph.tasks.find((t) => t.id === 'b')?.attempts[0]?.failure;
    assert.equal(failure, 'tests failed: ![x](http://127.0.0.1:9/leak) [redacted]');
    const approvals = approvalViewsOf(state, scrub);
    assert.equal(approvals.length, 1);
    const parsed = parseHostMessage({ type: 'snapshot', graph, approvals, logs: [] });
    assert.equal(parsed.ok, true, parsed.ok ? '' : parsed.reason);
  });

  it('marks a dependent ready once its dependencies succeeded', () => {
    const b = new EventBuilder('run-2');
    const state = foldEvents('run-2', [
      b.created(),
      b.planReady([
        { id: 'a', title: 'A' },
        { id: 'b', title: 'B', dependencies: ['a'] },
      ]),
      b.taskStarted('a'),
      b.taskSucceeded('a'),
    ]);
    const graph = runGraphOf(state, 'running', [], scrub);
    assert.equal(graph.tasks.find((t) => t.id === 'b')?.status, 'ready');
  });

  it('makes control characters of a command visible', () => {
    assert.equal(visibleEscapes('echo a\nrm -rf /\u001b[2K'), 'echo a\\nrm -rf /\\x1b[2K');
  });

  it('turns events into scrubbed log lines with their task', () => {
    const b = new EventBuilder('run-3');
    const line = panelLogLine(b.attemptFailed('t1', 'coder', 1, 'key sk-secret-123456 leaked'), scrub);
    assert.ok(line);
    assert.equal(line.taskId, 't1');
    assert.equal(line.agentId, 'coder');
    assert.doesNotMatch(line.text, /sk-secret/);
  });
});

describe('checklist 14: the panel acts on a parsed message once', () => {
  function router(pending: Set<string>) {
    const calls: string[] = [];
    const actions: PanelActions = {
      shownRunId: () => 'run-1',
      knowsRun: (id) => id === 'run-1',
      hasTask: (_run, task) => task === 'a',
      isPending: (id) => pending.has(id),
      sendSnapshot: async () => void calls.push('snapshot'),
      showRun: async (id) => void calls.push(`show ${id}`),
      decide: async (id, decision) => {
        calls.push(`${decision} ${id}`);
        pending.delete(id);
      },
      openDiff: async (id) => void calls.push(`diff ${id}`),
      taskAction: async (m) => void calls.push(`${m.action} ${m.taskId}`),
      editPath: (run, task, index) => (run === 'run-1' && task === 'a' && index === 0 ? 'src/a.ts' : undefined),
      openEdit: async (run, task, path) => void calls.push(`edit ${run} ${task} ${path}`),
      planReview: async (m) => void calls.push(`${m.type} ${m.runId}`),
      review: async (m) => void calls.push(`${m.type} ${m.runId}`),
      hasAgentFile: (id) => id === 'my-agent',
      openAgentFile: async (id) => void calls.push(`open ${id}`),
      log: (message) => void calls.push(`log: ${message}`),
    };
    return { router: new PanelMessageRouter(actions), calls };
  }

  it('applies a decision exactly once per approval id, even when it is still pending', async () => {
    const pending = new Set(['ap-1']);
    const { router: r, calls } = router(pending);
    const decision: WebviewMessage = { type: 'approvalDecision', approvalId: 'ap-1', decision: 'accept' };
    await r.handle(decision);
    pending.add('ap-1'); // even if the host were still waiting, a replay is not acted on
    await r.handle(decision);
    await r.handle({ type: 'approvalDecision', approvalId: 'ap-1', decision: 'reject' });
    assert.deepEqual(calls.slice(0, 1), ['accept ap-1']);
    assert.equal(calls.filter((c) => c.startsWith('accept') || c.startsWith('reject')).length, 1);
    assert.match(calls[1] ?? '', /second decision on ap-1 was ignored/);
  });

  it('ignores decisions and diffs for approvals that are not waiting, and tasks of other runs', async () => {
    const { router: r, calls } = router(new Set());
    await r.handle({ type: 'approvalDecision', approvalId: 'ghost', decision: 'accept' });
    await r.handle({ type: 'openDiff', approvalId: 'ghost' });
    await r.handle({ type: 'taskAction', runId: 'run-9', taskId: 'a', action: 'cancel' });
    await r.handle({ type: 'taskAction', runId: 'run-1', taskId: 'zz', action: 'cancel' });
    await r.handle({ type: 'selectRun', runId: 'run-9' });
    await r.handle({ type: 'openEdit', runId: 'run-1', taskId: 'a', index: 1 });
    await r.handle({ type: 'openEdit', runId: 'run-9', taskId: 'a', index: 0 });
    assert.equal(calls.length, 7);
    assert.ok(
      calls.every((c) => c.startsWith('log: ')),
      calls.join('\n'),
    );
  });

  it('routes ready, selectRun, openDiff, task actions and edits (by index, the path from the run state)', async () => {
    const { router: r, calls } = router(new Set(['ap-2']));
    await r.handle({ type: 'ready' });
    await r.handle({ type: 'selectRun', runId: 'run-1' });
    await r.handle({ type: 'openDiff', approvalId: 'ap-2' });
    await r.handle({ type: 'taskAction', runId: 'run-1', taskId: 'a', action: 'retry', note: 'again' });
    await r.handle({ type: 'openEdit', runId: 'run-1', taskId: 'a', index: 0 });
    assert.deepEqual(calls, ['snapshot', 'show run-1', 'diff ap-2', 'retry a', 'edit run-1 a src/a.ts']);
  });

  it('opens the file the host knows for an agent, and only for an agent that has one', async () => {
    const { router: r, calls } = router(new Set());
    await r.handle({ type: 'openAgentFile', agentId: 'my-agent' });
    await r.handle({ type: 'openAgentFile', agentId: 'coder' });
    assert.deepEqual(calls, ['open my-agent', 'log: Run panel: agent coder has no file to open.']);
  });
});
