import assert from 'node:assert/strict';
import { AgentRegistry } from '../../../src/core/agents/agentRegistry';
import type { Agent } from '../../../src/core/task/agent';
import { flushMicrotasks } from '../../support/manualClock';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** An agent whose attempts wait until the test lets them finish. */
function gatedAgent(id: string, maxLoad: number): { agent: Agent; release: () => void; started: string[] } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => (open = r));
  const started: string[] = [];
  const agent = testAgent({ id, capabilities: ['code'], maxLoad }, async (ctx) => {
    started.push(`${ctx.runId}/${ctx.task.id}`);
    await gate;
    return {};
  });
  return { agent, release: () => open(), started };
}

/**
 * Agents "can come and go while runs execute" (custom agents are reloaded from workspace files).
 * A load lease must stay bound to the registration it came from, so a release from an attempt of
 * the old registration cannot take load away from the new one; and the executor does not
 * listen to registry.onDidChange, so a run waiting ('busy') for an agent never wakes up when the
 * agent is re-registered and the old holder's release fires nothing.
 */
describe('regression: an agent re-registered while its attempts run', () => {
  it('keeps maxLoad: a release by an attempt of the old registration does not free the new one', () => {
    const registry = new AgentRegistry();
    const def = { id: 'coder', capabilities: ['code'], maxLoad: 1 };
    const body: Agent = { definition: def, run: async () => ({}) };
    registry.register(body);
    const t1 = registry.tryAcquireLoad('coder'); // t1 runs on the old registration
    assert.ok(t1);
    registry.unregister('coder');
    registry.register(body); // reloaded from its file
    assert.ok(registry.tryAcquireLoad('coder')); // t2 runs on the new one
    t1.release(); // t1 ends
    assert.equal(
      registry.tryAcquireLoad('coder'),
      undefined,
      'a third task got an agent whose maxLoad of 1 is already used by t2',
    );
  });

  it('a run waiting for the agent (busy, held by another run) starts once the agent is back with room', async () => {
    const holder = gatedAgent('coder', 1);
    const { orchestrator, registry } = makeHarness({ agents: [holder.agent] });
    const runB = orchestrator.start({ goal: 'b', plan: plan([task('b1')]) });
    await new Promise<void>((resolve) => runB.onEvent((e) => e.type === 'task.started' && resolve()));
    const runA = orchestrator.start({ goal: 'a', plan: plan([task('a1')]) });
    // Run A enters its execute phase and finds coder busy in that same pass; one macrotask hop lets the pass end.
    await new Promise<void>((resolve) =>
      runA.onEvent((e) => e.type === 'run.phase' && e.phase === 'execute' && resolve()),
    );
    await flushMicrotasks();
    assert.equal(holder.started.length, 1, 'a1 waits: coder is at maxLoad with b1');
    // The coder definition file changes: the agent is reloaded.
    registry.unregister('coder');
    registry.register(holder.agent);
    holder.release();
    assert.equal((await runB.done).status, 'succeeded');
    // A run that never wakes never ends: mocha's timeout fails the test.
    assert.equal((await runA.done).status, 'succeeded');
  });
});
