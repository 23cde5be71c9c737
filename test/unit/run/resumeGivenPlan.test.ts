import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunHandle } from '../../../src/core/run/orchestrator';
import { RunStore } from '../../../src/core/store/runStore';
import type { Agent } from '../../../src/core/task/agent';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

describe('a run of an edited plan, paused and resumed', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-given-plan-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes the stored plan, keeps its origin and never asks the planner', async () => {
    let plannerCalls = 0;
    /** An orchestrator of its own (as after a restart) on the store in `dir`, with a planner that must not be asked. */
    const orchestratorOn = (agents: Agent[]) =>
      makeHarness({
        agents,
        store: new RunStore({ root: join(dir, 'store') }),
        planner: {
          plan: async () => {
            plannerCalls++;
            return plan([task('planner-task')]);
          },
        },
      });
    const ran: string[] = [];
    const run: { handle?: RunHandle } = {};
    const coder = (pauseAfter?: string): Agent =>
      testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
        ran.push(ctx.task.title);
        if (ctx.task.id === pauseAfter) run.handle?.pause('paused after the first task');
        return { summary: ctx.task.title };
      });
    const edited = plan(
      [task('first', { title: 'First, as edited' }), task('second', { title: 'Second', dependencies: ['first'] })],
      'Edited goal',
    );
    const origin = { source: 'editor' as const, fromRun: 'run-dry', edited: true };

    const first = orchestratorOn([coder('first')]);
    run.handle = first.orchestrator.start({ goal: 'Edited goal', plan: edited, planOrigin: origin });
    const paused = await run.handle.done;
    assert.equal(paused.status, 'paused');
    assert.deepEqual(ran, ['First, as edited']);

    const second = orchestratorOn([coder()]);
    const resumed = await (await second.orchestrator.resume(paused.runId)).done;
    assert.equal(resumed.status, 'succeeded');
    assert.deepEqual(ran, ['First, as edited', 'Second'], 'only the task not done yet ran, from the stored plan');
    assert.equal(plannerCalls, 0, 'neither the start nor the resume asked the planner');
    assert.deepEqual(
      resumed.state.plan?.tasks.map((t) => t.title),
      ['First, as edited', 'Second'],
    );
    assert.deepEqual(resumed.state.planOrigin, origin);
    const stored = await new RunStore({ root: join(dir, 'store') }).load(paused.runId);
    assert.deepEqual(stored.state.planOrigin, origin, 'the origin is in the run log, for any later reader');
  });
});
