import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { RunStore } from '../../../src/core/store/runStore';
import { DurabilityProbe } from '../../support/durabilityProbe';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';
import type { Agent } from '../../../src/core/task/agent';

/** A chain with a fan-out and a fan-in: dependents start on successes that are only appended. */
const PLAN = plan([
  task('a'),
  task('b', { dependencies: ['a'] }),
  task('c', { dependencies: ['b'] }),
  task('d', { dependencies: ['a'] }),
  task('e', { dependencies: ['c', 'd'] }),
  task('f', { dependencies: ['e'] }),
]);

/** One journaled side effect per task, reported to `onEffect` when it really runs. */
function effectAgent(onEffect: (taskId: string) => void): Agent {
  return testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 4 }, async (ctx) => {
    await ctx.step('effect', async () => {
      onEffect(ctx.task.id);
      return true;
    });
    return { output: ctx.task.id };
  });
}

describe('checklist 18: a crash that loses an un-synced success never repeats a finished side effect', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ao-unsynced-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('at every point the log could end after a crash, resume finds each effect that could have happened, and repeats none that finished', async () => {
    // The run whose crash is simulated: each effect notes how much of the log a commit had made durable then.
    const probe = new DurabilityProbe(join(dir, 'first'));
    const { orchestrator } = makeHarness({
      agents: [effectAgent((id) => probe.effect(id, 'effect'))],
      store: probe.store,
      settings: { maxConcurrency: 4 },
    });
    const handle = orchestrator.start({ goal: 'crash points', plan: PLAN });
    const runId = handle.runId;
    assert.equal((await handle.done).status, 'succeeded');
    const log = await readFile(join(dir, 'first', 'runs', runId, 'events.jsonl'), 'utf8');
    const lines = log.split('\n').filter((l) => l !== '');
    const events = lines.map((l) => JSON.parse(l.slice(l.indexOf('{'))) as RunEvent);
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'line n of the log holds seq n',
    );
    // A dependent did start before its dependency's success was durable: the case under test occurred.
    const seqOf = (type: string, id: string): number =>
      events.find((e) => e.type === type && 'taskId' in e && e.taskId === id)!.seq;
    const startedEarly = PLAN.tasks.some((t) =>
      (t.dependencies ?? []).some(
        (dep) => probe.durableWhenAppended.get(seqOf('task.started', t.id))! < seqOf('task.succeeded', dep),
      ),
    );
    assert.ok(startedEarly);

    let resumes = 0;
    for (let kept = 1; kept < lines.length; kept++) {
      // The world after a crash that left `kept` events durable: an effect may have run only if a commit had reached no further.
      const happened = probe.effects.filter((m) => m.durableSeq <= kept).map((m) => m.taskId);
      const prefix = events.slice(0, kept);
      const has = (type: string, taskId: string): boolean =>
        prefix.some((e) => e.type === type && 'taskId' in e && e.taskId === taskId);
      for (const id of happened) {
        assert.ok(
          has('task.step.started', id),
          `cut ${kept}: ${id}'s effect may have run, but the log lacks its start`,
        );
        for (const dep of PLAN.tasks.find((t) => t.id === id)!.dependencies ?? [])
          assert.ok(
            has('task.succeeded', dep),
            `cut ${kept}: ${id}'s effect may have run on ${dep}, whose success is lost`,
          );
      }
      if (!prefix.some((e) => e.type === 'plan.ready')) continue;

      // Resume from exactly that log (a torn half line after it on odd cuts), with the real recovery.
      const root = join(dir, `cut-${kept}`);
      await mkdir(join(root, 'runs', runId), { recursive: true });
      const torn = kept % 2 === 1 ? lines[kept]!.slice(0, lines[kept]!.length >> 1) : '';
      await writeFile(join(root, 'runs', runId, 'events.jsonl'), lines.slice(0, kept).join('\n') + '\n' + torn);
      const repeated: string[] = [];
      const again = makeHarness({
        agents: [effectAgent((id) => repeated.push(id))],
        store: new RunStore({ root, flushIntervalMs: 1 }),
        settings: { maxConcurrency: 4 },
      });
      const resumed = await (await again.orchestrator.resume(runId)).done;
      resumes++;
      assert.equal(resumed.status, 'succeeded', `cut ${kept}`);
      for (const id of repeated)
        assert.ok(!has('task.step.completed', id), `cut ${kept}: ${id}'s finished effect ran again`);
      // Every effect ran at least once in all: none was lost.
      for (const t of PLAN.tasks)
        assert.ok(
          happened.includes(t.id) || repeated.includes(t.id) || has('task.step.completed', t.id),
          `cut ${kept}: ${t.id}`,
        );
    }
    assert.ok(resumes > 20, `only ${resumes} crash points were resumed`);
  });
});
