import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatedTeam } from '../../support/gatedAgents';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { RunStore } from '../../../src/core/store/runStore';
import type { RunHandle } from '../../../src/core/run/orchestrator';
import { ResumeError } from '../../../src/core/run/runErrors';
import type { TaskAction } from '../../../src/core/run/taskActions';
import { retryableTaskIds } from '../../../src/core/model/runState';

describe('task actions survive a resume (durable store, a new orchestrator each time)', function () {
  this.timeout(20_000);
  let team: GatedTeam;
  let dir: string;
  beforeEach(async () => {
    team = new GatedTeam();
    dir = await mkdtemp(join(tmpdir(), 'ao-actions-resume-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** A fresh orchestrator on the same store, as after a restart. */
  function fresh() {
    return makeHarness({
      store: new RunStore({ root: dir }),
      settings: { maxConcurrency: 1 },
      agents: [
        team.agent({ id: 'coder', capabilities: ['code'], maxLoad: 4 }),
        team.agent({ id: 'second', capabilities: ['code'], maxLoad: 4 }),
      ],
    });
  }

  /** hold → target → dep; acts on `target` while `hold` runs, then pauses: the run ends before `target` starts. */
  async function actThenPause(action: TaskAction): Promise<RunHandle> {
    const handle = fresh().orchestrator.start({
      goal: 'act then pause',
      plan: plan([
        task('hold', { agent: 'coder' }),
        task('target', { agent: 'coder', dependencies: ['hold'] }),
        task('dep', { agent: 'coder', dependencies: ['target'] }),
      ]),
    });
    await team.startedAttempts(1);
    await handle.act(action);
    handle.pause('to resume later');
    team.release('hold');
    assert.equal((await handle.done).status, 'paused');
    return handle;
  }

  it('a skipped task stays skipped after a resume, and its dependent runs', async () => {
    const { runId } = await actThenPause({ kind: 'skip', taskId: 'target' });
    team.release('dep');
    const result = await (await fresh().orchestrator.resume(runId)).done;
    assert.equal(result.state.tasks.target?.status, 'skipped');
    assert.equal(result.state.tasks.dep?.status, 'succeeded');
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(
      team.seen.map((s) => s.taskId),
      ['hold', 'dep'],
    );
  });

  it('a cancelled task stays cancelled after a resume (its dependent skipped), also on a resume that retries failures', async () => {
    const { runId } = await actThenPause({ kind: 'cancel', taskId: 'target' });
    const retryTasks = retryableTaskIds((await new RunStore({ root: dir }).load(runId)).state);
    assert.deepEqual(retryTasks, ['dep'], 'what the CLI and the host retry on resume leaves out a cancel by a person');
    const result = await (await fresh().orchestrator.resume(runId, { retryTasks })).done;
    assert.equal(result.state.tasks.target?.status, 'cancelled');
    assert.equal(result.state.tasks.dep?.status, 'skipped');
    assert.equal(result.status, 'failed');
    assert.deepEqual(
      team.seen.map((s) => s.taskId),
      ['hold'],
    );
    team.release('target');
    team.release('dep');
    const retried = await (await fresh().orchestrator.act(runId, { kind: 'retry', taskId: 'target' }))!.done;
    assert.equal(retried.status, 'succeeded', 'a person retry brings it and its dependent back');
  });

  it('a reassignment survives a resume: the next attempt runs on the named agent', async () => {
    const { runId } = await actThenPause({ kind: 'reassign', taskId: 'target', agentId: 'second' });
    team.release('target');
    team.release('dep');
    const result = await (await fresh().orchestrator.resume(runId)).done;
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(
      team.seen.map((s) => `${s.taskId}@${s.agentId}`),
      ['hold@coder', 'target@second', 'dep@coder'],
    );
  });

  it('a retry note stays in the brief of later attempts after a resume; retrying an ended run resumes it', async () => {
    const { orchestrator } = fresh();
    const handle = orchestrator.start({ goal: 'note', plan: plan([task('bad', { agent: 'coder' })]) });
    team.fail('bad');
    assert.equal((await handle.done).status, 'failed');
    await assert.rejects(
      fresh().orchestrator.act(handle.runId, { kind: 'skip', taskId: 'ghost' }),
      (err: unknown) => err instanceof ResumeError && /has no task "ghost"/.test(err.message),
    );
    team.fail('bad', 'still broken');
    const again = await fresh().orchestrator.act(handle.runId, { kind: 'retry', taskId: 'bad', note: 'Try v2.' });
    assert.equal((await again!.done).status, 'failed');
    team.release('bad');
    const last = await (await fresh().orchestrator.resume(handle.runId, { retryTasks: ['bad'] })).done;
    assert.equal(last.status, 'succeeded');
    const briefs = team.seen.map((s) => /Try v2\./.test(s.brief));
    assert.deepEqual(briefs, [false, true, true], 'the note reached the retry and the attempt after a resume');
  });
});
