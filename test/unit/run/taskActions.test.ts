import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatedTeam } from '../../support/gatedAgents';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { TaskActionError } from '../../../src/core/run/taskActions';
import { RunStore } from '../../../src/core/store/runStore';
import type { RunEvent } from '../../../src/core/model/runEvents';
import type { RunHandle } from '../../../src/core/run/orchestrator';

/** Resolves with the first event of the run that matches. */
function nextEvent(handle: RunHandle, match: (e: RunEvent) => boolean): Promise<RunEvent> {
  return new Promise((resolve) => {
    const sub = handle.onEvent((e) => {
      if (match(e)) {
        sub.dispose();
        resolve(e);
      }
    });
  });
}

describe('task actions on a live run', function () {
  this.timeout(20_000);
  let team: GatedTeam;
  let dir: string;
  beforeEach(async () => {
    team = new GatedTeam();
    dir = await mkdtemp(join(tmpdir(), 'ao-actions-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function harness() {
    return makeHarness({
      store: new RunStore({ root: dir }),
      agents: [
        team.agent({ id: 'coder', capabilities: ['code'], maxLoad: 4 }),
        team.agent({ id: 'second', capabilities: ['code'], maxLoad: 4 }),
        team.agent({ id: 'writer', capabilities: ['docs'], maxLoad: 4 }),
      ],
    });
  }

  it('cancels one task of three running in parallel; the other two finish and its dependent is skipped', async () => {
    const { orchestrator } = harness();
    const handle = orchestrator.start({
      goal: 'three',
      plan: plan([task('a'), task('b'), task('c'), task('after-b', { dependencies: ['b'] })]),
    });
    await team.startedAttempts(3);
    await handle.act({ kind: 'cancel', taskId: 'b', reason: 'not needed' });
    team.release('a');
    team.release('c');
    const result = await handle.done;
    assert.equal(result.state.tasks.a?.status, 'succeeded');
    assert.equal(result.state.tasks.c?.status, 'succeeded');
    assert.equal(result.state.tasks.b?.status, 'cancelled');
    assert.equal(result.state.tasks.b?.attempts[0]?.outcome, 'cancelled');
    assert.equal(result.state.tasks['after-b']?.status, 'skipped');
    assert.equal(result.status, 'failed', 'a run with a cancelled task did not do all its work');
    assert.deepEqual(
      team.seen.map((s) => s.taskId).sort(),
      ['a', 'b', 'c'],
      'the cancelled task never ran again and its dependent never started',
    );
  });

  it('skips a pending task: its dependents run, and the run succeeds', async () => {
    const { orchestrator } = harness();
    const handle = orchestrator.start({
      goal: 'skip',
      plan: plan([
        task('slow'),
        task('blocked', { dependencies: ['slow'] }),
        task('last', { dependencies: ['blocked'] }),
      ]),
    });
    await team.startedAttempts(1);
    await assert.rejects(handle.act({ kind: 'skip', taskId: 'slow' }), /running; only a pending or failed task/);
    await handle.act({ kind: 'skip', taskId: 'blocked', reason: 'done by hand' });
    await team.startedAttempts(2);
    assert.equal(team.seen[1]?.taskId, 'last', 'the dependent of the skipped task started while "slow" still ran');
    team.release('last');
    team.release('slow');
    const result = await handle.done;
    assert.equal(result.state.tasks.blocked?.status, 'skipped');
    assert.equal(result.state.tasks.blocked?.attempts.length, 0);
    assert.equal(result.state.tasks.last?.status, 'succeeded');
    assert.equal(result.status, 'succeeded');
  });

  it('skips a failed task: the dependents it blocked run', async () => {
    const { orchestrator } = harness();
    const handle = orchestrator.start({
      goal: 'skip failed',
      plan: plan([task('broken'), task('other'), task('needs-broken', { dependencies: ['broken'] })]),
    });
    team.fail('broken');
    await nextEvent(handle, (e) => e.type === 'task.skipped' && e.taskId === 'needs-broken');
    await handle.act({ kind: 'skip', taskId: 'broken' });
    team.release('needs-broken');
    team.release('other');
    const result = await handle.done;
    assert.equal(result.state.tasks['needs-broken']?.status, 'succeeded');
    assert.equal(result.status, 'succeeded');
  });

  it('retries a failed task with a note: the next attempt has the note in its brief', async () => {
    const { orchestrator } = harness();
    const handle = orchestrator.start({
      goal: 'retry',
      plan: plan([task('flaky'), task('keep-going'), task('after', { dependencies: ['flaky'] })]),
    });
    team.fail('flaky');
    await nextEvent(handle, (e) => e.type === 'task.skipped' && e.taskId === 'after');
    await handle.act({ kind: 'retry', taskId: 'flaky', note: 'Use the v2 endpoint, not v1.' });
    team.release('flaky');
    team.release('after');
    team.release('keep-going');
    const result = await handle.done;
    const flaky = team.seen.filter((s) => s.taskId === 'flaky');
    assert.equal(flaky.length, 2);
    assert.doesNotMatch(flaky[0]!.brief, /v2 endpoint/);
    assert.match(flaky[1]!.brief, /A person retried this task with a note for you:\n\s+Use the v2 endpoint, not v1\./);
    assert.equal(result.state.tasks.after?.status, 'succeeded');
    assert.equal(result.status, 'succeeded');
  });

  it('reassigns a running task: its attempt stops and the next runs on the named agent', async () => {
    const { orchestrator } = harness();
    const handle = orchestrator.start({ goal: 'reassign', plan: plan([task('t', { agent: 'coder' })]) });
    await team.startedAttempts(1);
    await assert.rejects(handle.act({ kind: 'reassign', taskId: 't', agentId: 'writer' }), /lacks code.*coder, second/);
    await assert.rejects(handle.act({ kind: 'reassign', taskId: 't', agentId: 'ghost' }), /No agent "ghost"/);
    await assert.rejects(handle.act({ kind: 'reassign', taskId: 't', agentId: 'coder' }), /running on "coder" already/);
    await handle.act({ kind: 'reassign', taskId: 't', agentId: 'second' });
    await team.startedAttempts(2);
    team.release('t');
    const result = await handle.done;
    assert.deepEqual(
      team.seen.map((s) => s.agentId),
      ['coder', 'second'],
    );
    assert.equal(result.state.tasks.t?.status, 'succeeded');
    assert.equal(result.state.tasks.t?.attempts[0]?.outcome, 'cancelled');
  });

  it('refuses invalid actions with a clear error and records nothing', async () => {
    const { orchestrator, events } = harness();
    const handle = orchestrator.start({ goal: 'refuse', plan: plan([task('done'), task('waits')]) });
    team.release('done');
    await nextEvent(handle, (e) => e.type === 'task.succeeded' && e.taskId === 'done');
    const before = events.length;
    const refused = async (action: unknown, pattern: RegExp): Promise<void> => {
      await assert.rejects(
        handle.act(action as never),
        (err: unknown) => err instanceof TaskActionError && pattern.test(err.message),
      );
    };
    await refused({ kind: 'retry', taskId: 'nope' }, /has no task "nope"; its tasks are: done, waits/);
    await refused({ kind: 'cancel', taskId: 'done' }, /already succeeded/);
    await refused({ kind: 'retry', taskId: 'waits' }, /only a failed, cancelled or skipped task can be retried/);
    await refused({ kind: 'explode', taskId: 'waits' }, /A task action is/);
    await refused({ kind: 'retry', taskId: 'waits', note: '' }, /1 to 4000 characters/);
    assert.equal(events.filter((e, i) => i >= before && e.type === 'task.action').length, 0);
    team.release('waits');
    assert.equal((await handle.done).status, 'succeeded');
  });
});
