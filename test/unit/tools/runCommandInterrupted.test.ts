import * as assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { ToolBus } from '../../../src/core/tools/toolBus';
import { ToolBus as Bus } from '../../../src/core/tools/toolBus';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { becomesGone, COMMAND_SCRIPTS, loggedTask, readWhenThere } from './commandTestKit';
import { createToolHarness, type ToolHarness } from './toolHarness';

/** Appends a line, then holds until killed: a command cut short mid-way. */
const SLOW =
  "require('fs').appendFileSync('slow.txt', 'began\\n');\nrequire('fs').writeFileSync('slow.pid', String(process.pid));\nsetInterval(() => {}, 1000);\n";

describe('checklist 18: a command a crash cut short is not run again on resume; the model is told and may call it again', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({ files: { ...COMMAND_SCRIPTS, 'slow.js': SLOW } });
  });
  afterEach(() => h.cleanup());

  const began = async (): Promise<number> => ((await h.read('slow.txt')) ?? '').split('\n').filter(Boolean).length;
  const ctx = (task: ToolContext['task']): ToolContext => {
    const { workspace, policy, approvals, verification, checkpoints, commands } = h;
    return { task, workspace, policy, approvals, verification, checkpoints, commands };
  };
  const call = (bus: ToolBus<ToolContext>, task: ToolContext['task']) =>
    bus.call('run_command', { command: 'node slow.js' }, ctx(task));

  it('a real child killed mid-command: the resumed attempt does not start it, and says so; a new call is asked and runs', async () => {
    // The first attempt: approved, the child starts and is killed mid-way; the journal keeps what a crash leaves.
    const stop = new AbortController();
    const first = loggedTask({ signal: stop.signal });
    const running = call(new Bus<ToolContext>(builtinTools()), first);
    const pid = Number(await readWhenThere(path.join(h.root, 'slow.pid')));
    stop.abort();
    await assert.rejects(running, (err: Error) => err.name === 'AbortError');
    assert.equal(await becomesGone(pid), true, 'the child is gone');
    assert.equal(await began(), 1);
    assert.equal(h.approvals.commandProposals.length, 1);
    const keys = [...first.journal.keys()];
    assert.ok(
      keys.some((k) => k.startsWith('command-begun:')),
      keys.join(),
    );
    assert.ok(!keys.some((k) => k.startsWith('command:')), 'no result was recorded');

    // Resumed in a new process (a new bus), continuing the interrupted attempt's journal.
    const interrupted = { attempt: 1, agentId: 'coder', message: 'interrupted', findings: [], changedPaths: [] };
    const stop2 = new AbortController();
    const resumed = {
      ...loggedTask({ journal: first.journal, attempt: 2, signal: stop2.signal }),
      previousAttempt: interrupted,
    };
    const bus = new Bus<ToolContext>(builtinTools());
    const told = await call(bus, resumed);
    assert.equal(told.isError, true);
    assert.match(
      told.content,
      /^`node slow\.js` was interrupted by a crash \(or a stop of the run\) before it finished;/,
    );
    assert.match(told.content, /did not run again when the run was resumed/);
    assert.match(told.content, /call run_command again: that is a new call/);
    assert.deepEqual(told.data, { interrupted: true, replayed: true });
    assert.equal(await began(), 1, 'not started again');
    assert.equal(h.approvals.commandProposals.length, 1, 'the recorded approval is not asked again');

    // A crash after that: the interruption is recorded, and read again rather than run.
    const later = {
      ...loggedTask({ journal: resumed.journal, attempt: 3 }),
      previousAttempt: { ...interrupted, attempt: 2 },
    };
    const again = await call(new Bus<ToolContext>(builtinTools()), later);
    assert.equal(again.data?.interrupted, true);
    assert.equal(await began(), 1);

    // The agent decides to call it again: a new call, which the policy asks about, and which runs.
    await rm(path.join(h.root, 'slow.pid'));
    const rerun = call(bus, resumed);
    const pid2 = Number(await readWhenThere(path.join(h.root, 'slow.pid')));
    assert.equal(h.approvals.commandProposals.length, 2, 'asked again');
    assert.equal(await began(), 2, 'it ran');
    stop2.abort();
    await assert.rejects(rerun, (err: Error) => err.name === 'AbortError');
    assert.equal(await becomesGone(pid2), true);
  });

  it('a finished command is still replayed, never run again', async () => {
    const first = loggedTask();
    const ran = await h.call(first, 'run_command', { command: 'node marker.js' });
    assert.equal(ran.data?.replayed, false);
    const interrupted = { attempt: 1, agentId: 'coder', message: 'interrupted', findings: [], changedPaths: [] };
    const resumed = { ...loggedTask({ journal: first.journal, attempt: 2 }), previousAttempt: interrupted };
    const replayed = await new Bus<ToolContext>(builtinTools()).call(
      'run_command',
      { command: 'node marker.js' },
      ctx(resumed),
    );
    assert.equal(replayed.data?.replayed, true);
    assert.equal(replayed.data?.interrupted, undefined);
    assert.match(replayed.content, /had already completed before the run was resumed; it was not run again/);
    assert.equal(((await h.read('marker.txt')) ?? '').split('\n').filter(Boolean).length, 1);
  });
});
