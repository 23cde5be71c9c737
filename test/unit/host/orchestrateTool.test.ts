import assert from 'node:assert/strict';
import type { RunResult } from '../../../src/core/run/runSession';
import {
  invokeOrchestrate,
  orchestrateConfirmation,
  parseOrchestrateInput,
  type OrchestrateToolPorts,
  type ToolCancellation,
} from '../../../src/host/tools/orchestrateToolLogic';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

/** A cancellation token a test cancels by hand. */
class TestToken implements ToolCancellation {
  isCancellationRequested = false;
  private listeners: Array<() => void> = [];
  onCancellationRequested(listener: () => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }
  cancel(): void {
    this.isCancellationRequested = true;
    for (const l of [...this.listeners]) l();
  }
}

/** A finished run: two tasks, one edit each, usage; built from real events and the real fold. */
function finishedRun(runId: string, status: RunResult['status']): RunResult {
  const b = new EventBuilder(runId);
  const events = [
    b.created('Add a parser'),
    b.planReady([
      { id: 'lex', title: 'Write the lexer' },
      { id: 'parse', title: 'Write the parser' },
    ]),
    b.taskStarted('lex'),
    b.editApplied('lex', 'src/lexer.ts'),
    b.usage('lex', 1200, 300, 0.004),
    b.taskSucceeded('lex'),
    b.taskStarted('parse'),
    b.editApplied('parse', 'src/parser.ts'),
    b.usage('parse', 800, 200, 0.002),
    b.taskSucceeded('parse'),
    b.completed(status, { succeeded: 2 }),
  ];
  return { runId, status, state: foldEvents(runId, events) };
}

/** Ports over a stubbed host launch path that records what was asked. */
function stubPorts(options: { trusted?: boolean; folder?: string | undefined; result?: RunResult | undefined } = {}) {
  const calls: Array<{ folder: string; goal: string; dryRun: boolean }> = [];
  let cancelled = 0;
  let finish: (result: RunResult | undefined) => void = () => undefined;
  const ports: OrchestrateToolPorts<string> = {
    assertTrusted: () => {
      if (options.trusted === false)
        throw new Error('Agent Orchestrator does not run agents in an untrusted workspace');
    },
    pickFolder: async () => ('folder' in options ? options.folder : 'ws'),
    start: async (folder, goal, dryRun) => {
      calls.push({ folder, goal, dryRun });
      const done =
        'result' in options
          ? Promise.resolve(options.result)
          : new Promise<RunResult | undefined>((resolve) => (finish = resolve));
      return {
        runId: 'run-tool-1',
        cancel: () => {
          cancelled++;
          finish(finishedRun('run-tool-1', 'cancelled'));
        },
        done,
      };
    },
  };
  return { ports, calls, cancelledCount: () => cancelled };
}

describe('orchestrate language-model tool: invocation logic over the host launch path', () => {
  it('runs the goal through the launch path and answers with status, tasks, files, usage and the run id', async () => {
    const { ports, calls } = stubPorts({ result: finishedRun('run-tool-1', 'succeeded') });
    const text = await invokeOrchestrate({ goal: '  Add a parser  ' }, ports, new TestToken());
    assert.deepEqual(calls, [{ folder: 'ws', goal: 'Add a parser', dryRun: false }]);
    assert.match(text, /^Run run-tool-1: succeeded\./);
    assert.match(text, /- lex \[succeeded\] Write the lexer/);
    assert.match(text, /- parse \[succeeded\] Write the parser/);
    assert.match(text, /Files changed \(2\): src\/lexer\.ts, src\/parser\.ts/);
    assert.match(text, /Usage: 2000 input \+ 500 output tokens, cost \$0\.01/);
  });

  it('passes dryRun to the launch path and says so in the confirmation', async () => {
    const { ports, calls } = stubPorts({ result: finishedRun('run-tool-1', 'planned') });
    await invokeOrchestrate({ goal: 'Add a parser', dryRun: true }, ports, new TestToken());
    assert.deepEqual(calls, [{ folder: 'ws', goal: 'Add a parser', dryRun: true }]);
    assert.match(
      orchestrateConfirmation(parseOrchestrateInput({ goal: 'Add a parser', dryRun: true })).message,
      /dry run, no file changes\): Add a parser/,
    );
    const run = orchestrateConfirmation(parseOrchestrateInput({ goal: 'Add a parser' }));
    assert.match(run.message, /may edit files.*: Add a parser$/);
  });

  it('cancelling the token cancels the run, and the answer says it was cancelled', async () => {
    const { ports, cancelledCount } = stubPorts();
    const token = new TestToken();
    const answer = invokeOrchestrate({ goal: 'Add a parser' }, ports, token);
    await new Promise((resolve) => setImmediate(resolve));
    token.cancel();
    assert.match(await answer, /^Run run-tool-1: cancelled\./);
    assert.equal(cancelledCount(), 1);
  });

  it('refuses bad input with a message that says what to send, and starts nothing', async () => {
    const { ports, calls } = stubPorts({ result: finishedRun('run-tool-1', 'succeeded') });
    for (const [input, message] of [
      [{}, /Send \{"goal"/],
      [{ goal: '   ' }, /goal is empty/],
      [{ goal: 'x', dryRun: 'yes' }, /"dryRun" is true \(plan only\) or false/],
      [{ goal: 'x', command: 'rm -rf /' }, /Invalid orchestrate input/],
    ] as const) {
      await assert.rejects(invokeOrchestrate(input, ports, new TestToken()), message);
    }
    assert.deepEqual(calls, []);
  });

  it('checklist 7: in an untrusted workspace nothing starts', async () => {
    const { ports, calls } = stubPorts({ trusted: false, result: finishedRun('run-tool-1', 'succeeded') });
    await assert.rejects(invokeOrchestrate({ goal: 'Add a parser' }, ports, new TestToken()), /untrusted workspace/);
    assert.deepEqual(calls, []);
  });

  it('without a folder nothing starts and the answer says what to do', async () => {
    const { ports, calls } = stubPorts({ folder: undefined });
    assert.match(await invokeOrchestrate({ goal: 'Add a parser' }, ports, new TestToken()), /No workspace folder/);
    assert.deepEqual(calls, []);
  });
});
