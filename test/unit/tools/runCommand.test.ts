import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { JsonValue } from '../../../src/core/model/runEvents';
import { ToolBus } from '../../../src/core/tools/toolBus';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { becomesGone, COMMAND_SCRIPTS, isRunning, loggedTask, readWhenThere, SCRIPT_RULES } from './commandTestKit';
import { createToolHarness } from './toolHarness';
import type { ToolHarness } from './toolHarness';

describe('run_command', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({ files: { ...COMMAND_SCRIPTS, 'src/a.ts': 'a\n' }, rules: SCRIPT_RULES });
  });
  afterEach(() => h.cleanup());

  const markerRuns = async (): Promise<number> =>
    ((await h.read('marker.txt')) ?? '').split('\n').filter(Boolean).length;

  it('runs an allowed command without asking, and streams its output to the task log', async () => {
    const task = loggedTask();
    const result = await h.call(task, 'run_command', { command: 'node lines.js' });
    assert.equal(result.isError, true, 'a non-zero exit code is an error result');
    assert.equal(result.data?.exitCode, 3);
    assert.match(result.content, /line 1\nline 2\nline 3/);
    assert.match(result.content, /to stderr/);
    assert.equal(h.approvals.commandProposals.length, 0);
    const logged = task.logs.map((l) => l.message);
    assert.ok(logged.includes('$ node lines.js'), logged.join('\n'));
    for (const line of ['line 1', 'line 2', 'line 3', 'to stderr']) assert.ok(logged.includes(line), line);
    assert.ok(logged.some((m) => /exit code 3/.test(m)));
    assert.ok(task.logs.every((l) => l.taskId === undefined || l.taskId === 't1'));

    const listed = await h.call(loggedTask(), 'run_command', { command: 'ls src' });
    assert.equal(listed.isError, undefined);
    assert.match(listed.content, /a\.ts/);
  });

  it('bounds enormous output: the result and the log say how many bytes are not shown', async () => {
    const task = loggedTask();
    const small = await createToolHarness({
      files: COMMAND_SCRIPTS,
      rules: SCRIPT_RULES,
      commands: { maxOutputBytes: 4096 },
    });
    try {
      const result = await small.call(task, 'run_command', { command: 'node big.js' });
      assert.equal(result.data?.exitCode, 0);
      const hidden = result.data?.hiddenBytes as number;
      // 300,000 x's, a newline and the end marker line, less the 4,096 bytes kept.
      assert.equal(hidden, 300000 + 1 + 'END-OF-OUTPUT\n'.length - 4096);
      assert.match(result.content, new RegExp(`${hidden} bytes not shown`));
      assert.match(result.content, /END-OF-OUTPUT/, 'the tail is kept');
      assert.ok(result.content.length < 6000, `result of ${result.content.length} chars`);
      const loggedChars = task.logs.reduce((n, l) => n + l.message.length, 0);
      assert.ok(loggedChars < 4096 + 2000, `logged ${loggedChars} chars`);
      assert.ok(task.logs.some((l) => /bytes of output not logged/.test(l.message)));
    } finally {
      await small.cleanup();
    }
  });

  it('a command the policy denies never starts', async () => {
    const denied = await createToolHarness({
      files: COMMAND_SCRIPTS,
      rules: [{ effect: 'deny', command: 'node marker.js', reason: 'denied by the test' }],
    });
    try {
      const result = await denied.call(loggedTask(), 'run_command', { command: 'node marker.js' });
      assert.equal(result.isError, true);
      assert.match(result.content, /refused: .*denied by the test/);
      const curl = await denied.call(loggedTask(), 'run_command', { command: 'curl https://example.com' });
      assert.match(curl.content, /refused/);
      assert.equal(await denied.read('marker.txt'), undefined);
      assert.equal(denied.approvals.commandProposals.length, 0);
    } finally {
      await denied.cleanup();
    }
  });

  it('asks for a command no rule allows: rejected it does not run, approved it runs once', async () => {
    const asking = await createToolHarness({ files: COMMAND_SCRIPTS });
    try {
      asking.approvals.decideCommandWith = () => ({ decision: 'rejected', by: 'user', reason: 'not now' });
      const task = loggedTask();
      const rejected = await asking.call(task, 'run_command', { command: 'node marker.js' });
      assert.equal(rejected.isError, true);
      assert.match(rejected.content, /not approved \(rejected by the user, who wrote: "not now"\); it did not run/);
      assert.equal(await asking.read('marker.txt'), undefined);
      const [proposal] = asking.approvals.commandProposals;
      assert.deepEqual(proposal?.argv, ['node', 'marker.js']);
      assert.equal(proposal?.cwd, '.');
      assert.deepEqual(
        task.events.map((e) => [
          e.type,
          e.type === 'approval.requested' ? e.kind : e.type === 'approval.decided' ? e.decision : '',
        ]),
        [
          ['approval.requested', 'command'],
          ['approval.decided', 'rejected'],
        ],
      );

      asking.approvals.decideCommandWith = () => ({ decision: 'accepted', by: 'user' });
      const approved = await asking.call(task, 'run_command', { command: 'node marker.js' });
      assert.equal(approved.data?.exitCode, 0, approved.content);
      assert.equal(((await asking.read('marker.txt')) ?? '').split('\n').filter(Boolean).length, 1);
      assert.equal(asking.approvals.commandProposals.length, 2);
    } finally {
      await asking.cleanup();
    }
  });

  it('after a crash between approval and start it runs without asking again; a completed command is not run again', async () => {
    const asking = await createToolHarness({ files: COMMAND_SCRIPTS });
    try {
      const first = loggedTask();
      await asking.call(first, 'run_command', { command: 'node marker.js' });
      assert.equal(asking.approvals.commandProposals.length, 1);
      assert.equal(((await asking.read('marker.txt')) ?? '').split('\n').length - 1, 1);

      // The journal as a crash after the approval, before the command began, leaves it.
      const cut = new Map<string, JsonValue>(
        [...first.journal].filter(([key]) => !key.startsWith('command:') && !key.startsWith('command-begun:')),
      );
      const interrupted = { attempt: 1, agentId: 'coder', message: 'interrupted', findings: [], changedPaths: [] };
      const resumed = { ...loggedTask({ journal: cut, attempt: 2 }), previousAttempt: interrupted };
      const bus = new ToolBus<ToolContext>(builtinTools()); // a new process
      const ctx = (task: ToolContext['task']): ToolContext => {
        const { workspace, policy, approvals, verification, checkpoints, commands } = asking;
        return { task, workspace, policy, approvals, verification, checkpoints, commands };
      };
      const again = await bus.call('run_command', { command: 'node marker.js' }, ctx(resumed));
      assert.equal(again.data?.replayed, false, 'a command that had not begun is run');
      assert.equal(asking.approvals.commandProposals.length, 1, 'the recorded approval is not asked again');
      assert.equal(((await asking.read('marker.txt')) ?? '').split('\n').length - 1, 2);

      // A crash after it completed: the resumed attempt replays it.
      const later = {
        ...loggedTask({ journal: resumed.journal, attempt: 3 }),
        previousAttempt: { ...interrupted, attempt: 2 },
      };
      const replayed = await new ToolBus<ToolContext>(builtinTools()).call(
        'run_command',
        { command: 'node marker.js' },
        ctx(later),
      );
      assert.equal(replayed.data?.replayed, true);
      assert.match(replayed.content, /was not run again/);
      assert.equal(asking.approvals.commandProposals.length, 1);
      assert.equal(((await asking.read('marker.txt')) ?? '').split('\n').length - 1, 2);

      // A retry after a failure is a fresh start: it asks and runs again.
      const failed = { ...interrupted, attempt: 3, failureClass: 'retryable' as const };
      const retry = { ...loggedTask({ journal: later.journal, attempt: 4 }), previousAttempt: failed };
      const rerun = await new ToolBus<ToolContext>(builtinTools()).call(
        'run_command',
        { command: 'node marker.js' },
        ctx(retry),
      );
      assert.equal(rerun.data?.replayed, false);
      assert.equal(asking.approvals.commandProposals.length, 2);
      assert.equal(((await asking.read('marker.txt')) ?? '').split('\n').length - 1, 3);
    } finally {
      await asking.cleanup();
    }
  });

  it('kills the command and its grandchild at the timeout', async () => {
    const result = await h.call(loggedTask(), 'run_command', { command: 'node tree.js', timeoutSeconds: 1 });
    assert.equal(result.data?.timedOut, true);
    assert.equal(result.data?.exitCode, 124);
    assert.match(result.content, /killed after 1 s \(timeout\)/);
    const pids = JSON.parse(await readWhenThere(path.join(h.root, 'pids.json'))) as {
      child: number;
      grandchild: number;
    };
    assert.equal(await becomesGone(pids.child), true, 'the child is gone');
    assert.equal(await becomesGone(pids.grandchild), true, 'the grandchild is gone');
  });

  it('refuses a timeout above the configured maximum, and runs nothing', async () => {
    const result = await h.call(loggedTask(), 'run_command', { command: 'node marker.js', timeoutSeconds: 100000 });
    assert.match(result.content, /timeoutSeconds may be at most 600/);
    assert.equal(await markerRuns(), 0);
  });

  it('Cancel kills the whole process tree, grandchild included', async () => {
    const controller = new AbortController();
    const task = loggedTask({ signal: controller.signal });
    const call = h.call(task, 'run_command', { command: 'node tree.js' });
    const pids = JSON.parse(await readWhenThere(path.join(h.root, 'pids.json'))) as {
      child: number;
      grandchild: number;
    };
    assert.equal(await isRunning(pids.grandchild), true, 'the grandchild ran');
    controller.abort();
    await assert.rejects(call, (err: Error) => err.name === 'AbortError');
    assert.equal(await becomesGone(pids.child), true, 'the child is gone');
    assert.equal(await becomesGone(pids.grandchild), true, 'the grandchild is gone');
    assert.equal(
      task.journal.size > 0 && [...task.journal.keys()].some((k) => k.startsWith('command:')),
      false,
      'a cancelled command is not recorded as completed',
    );
  });
});
