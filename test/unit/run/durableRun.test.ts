import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testAgent } from '../../support/testAgents';
import { durableOrchestrator, effectAgent } from '../../support/durableWorkload';
import { layeredDag } from '../../support/planBuilders';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { FileAgentStatsStore } from '../../../src/core/store/agentStatsFile';
import { RunStore } from '../../../src/core/store/runStore';

const repoRoot = join(__dirname, '..', '..', '..');

describe('durable runs', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ao-durable-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a 10,000-task DAG to completion with the durable store on', async () => {
    const agent = testAgent({ id: 'zero', capabilities: ['code'], maxLoad: 64 }, async () => ({}));
    const { orchestrator, store } = durableOrchestrator(join(dir, 'store'), agent, 16);
    const started = performance.now();
    const result = await orchestrator.start({ goal: '10k', plan: layeredDag(10_000, 100, 3) }).done;
    const ms = performance.now() - started;
    assert.equal(result.status, 'succeeded');
    assert.equal(Object.values(result.state.tasks).filter((t) => t.status === 'succeeded').length, 10_000);
    const { state } = await store.load(result.runId);
    assert.equal(state.lastSeq, result.state.lastSeq, 'the store holds every event');
    assert.equal(Object.values(state.tasks).filter((t) => t.status === 'succeeded').length, 10_000);
    console.log(`      10,000 tasks, durable store: ${Math.round(ms)} ms`);
  });

  it('persists agent statistics across runs and keeps a run exportable', async () => {
    const root = join(dir, 'store');
    const agent = testAgent({ id: 'zero', capabilities: ['code'], maxLoad: 4 }, async () => ({ summary: 'done' }));
    for (let i = 0; i < 2; i++) {
      const { orchestrator } = durableOrchestrator(root, agent, 4);
      assert.equal(
        (await orchestrator.start({ goal: `run ${i}`, plan: layeredDag(10, 5, 1) }).done).status,
        'succeeded',
      );
      await new Promise((r) => setTimeout(r, 5));
    }
    const stats = await new FileAgentStatsStore({ root }).load();
    assert.equal(stats.zero?.attempts, 20);
    assert.equal(stats.zero?.successes, 20);
    const store = new RunStore({ root });
    const runs = await store.list();
    assert.deepEqual(
      runs.map((r) => r.goal),
      ['run 1', 'run 0'],
    );
    assert.match(await store.exportMarkdown(runs[0]!.runId), /run 1/);
  });

  it('after a SIGKILL mid-run, resume re-runs no completed task and loses none', async () => {
    const storeRoot = join(dir, 'store');
    const effects = join(dir, 'effects.log');
    const runId = 'run-crash';
    const taskCount = 300;
    const child = spawn(
      process.execPath,
      [
        '--require',
        'tsx/cjs',
        join(repoRoot, 'test/support/crashChild.ts'),
        storeRoot,
        runId,
        effects,
        String(taskCount),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let done = 0;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.stdout.on('data', (d: Buffer) => {
      done += d
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('done ')).length;
      if (done >= 100 && !child.killed) child.kill('SIGKILL');
    });
    assert.equal(await exited, 'SIGKILL', `the child was killed mid-run (stderr: ${stderr})`);
    assert.ok(done < taskCount, 'the kill landed before the run finished');

    const { orchestrator, store } = durableOrchestrator(storeRoot, effectAgent(effects, 0), 8);
    const before = (await store.load(runId)).state;
    const completedBefore = new Set(
      Object.values(before.tasks)
        .filter((t) => t.status === 'succeeded')
        .map((t) => t.id),
    );
    const stepsInDoubt = new Set(
      Object.values(before.tasks)
        .filter((t) => t.status !== 'succeeded' && !('effect' in t.steps))
        .map((t) => t.id),
    );
    assert.ok(completedBefore.size >= 90, `the log kept the tasks that finished (${completedBefore.size})`);

    const resumedEvents: RunEvent[] = [];
    const handle = await orchestrator.resume(runId);
    handle.onEvent((e) => resumedEvents.push(e));
    const result = await handle.done;
    assert.equal(result.status, 'succeeded');
    assert.equal(
      Object.values(result.state.tasks).filter((t) => t.status === 'succeeded').length,
      taskCount,
      'no task was lost',
    );
    const restarted = resumedEvents
      .filter((e) => e.type === 'task.started')
      .map((e) => (e as { taskId: string }).taskId);
    assert.deepEqual(
      restarted.filter((id) => completedBefore.has(id)),
      [],
      'no completed task ran again',
    );
    assert.equal(restarted.length, taskCount - completedBefore.size);

    const lines = (await readFile(effects, 'utf8')).trim().split('\n');
    const perTask = new Map<string, number>();
    for (const line of lines) perTask.set(line.split(' ')[0]!, (perTask.get(line.split(' ')[0]!) ?? 0) + 1);
    assert.equal(perTask.size, taskCount, 'every task did its side effect');
    for (const [id, n] of perTask) {
      if (!stepsInDoubt.has(id)) assert.equal(n, 1, `the side effect of ${id} ran once`);
    }
  });
});
