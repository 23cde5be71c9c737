import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskFailure } from '../../../src/core/model/failure';
import { RunStore } from '../../../src/core/store/runStore';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import { DEFAULT_GATE_THRESHOLDS } from '../../../src/core/verify/gateThresholds';
import { StepsVerifier } from '../../../src/core/verify/stepsVerifier';
import type { VerificationOutcome, VerificationRunner } from '../../../src/core/verify/verificationStep';
import { DEFAULT_THRESHOLDS } from '../../../src/core/verify/verificationThresholds';
import { eventsOfType, makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';

/** Passes until `a.txt` says "bad"; its output is plain text no parser knows. */
const CHECK = `
const fs = require('fs');
const text = fs.existsSync('a.txt') ? fs.readFileSync('a.txt', 'utf8') : '';
if (text.includes('bad')) { console.log('a.txt contains bad'); process.exit(1); }
console.log('all good');
`;

describe('the run baseline and the repair phase', function () {
  this.timeout(30_000);
  let ws: string;
  let outcomes: Array<{ phase: string; outcome: VerificationOutcome }>;
  let runner: VerificationRunner;
  beforeEach(async () => {
    ws = await mkdtemp(join(tmpdir(), 'ao-gate-'));
    await writeFile(join(ws, 'check.js'), CHECK);
    outcomes = [];
    runner = new ChildProcessRunner({ defaultTimeoutMs: 20_000 });
  });
  afterEach(() => rm(ws, { recursive: true, force: true }));

  const verifier = () =>
    new StepsVerifier(
      [{ name: 'node check.js', command: 'node check.js' }],
      runner,
      DEFAULT_THRESHOLDS,
      DEFAULT_GATE_THRESHOLDS,
      ws,
      (outcome, phase) => outcomes.push({ phase, outcome }),
    );
  const write = (text: string) => writeFile(join(ws, 'a.txt'), text);

  it('records the baseline once, before the first task, durable: a resume in a new orchestrator does not run it again', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ao-gate-store-'));
    try {
      let needHuman = true;
      const agent = () =>
        testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
          if (needHuman) throw new TaskFailure('approval needed', 'needs-human');
          await write(`written by ${ctx.task.id}\n`);
          return {};
        });
      const first = makeHarness({ agents: [agent()], store: new RunStore({ root }), verifier: verifier() });
      const paused = await first.orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
      assert.equal(paused.status, 'paused');
      const baselineAt = first.events.findIndex((e) => e.type === 'verification.baseline');
      const startedAt = first.events.findIndex((e) => e.type === 'task.started');
      assert.ok(baselineAt !== -1 && baselineAt < startedAt, 'the baseline comes before the first task');
      assert.deepEqual(
        outcomes.map((o) => o.phase),
        ['baseline'],
      );

      needHuman = false;
      const second = makeHarness({ agents: [agent()], store: new RunStore({ root }), verifier: verifier() });
      const resumed = await (await second.orchestrator.resume(paused.runId)).done;
      assert.equal(resumed.status, 'succeeded');
      assert.deepEqual(
        outcomes.map((o) => o.phase),
        ['baseline', 'gate'],
        'resumed: the gate ran, the baseline did not run again',
      );
      assert.equal(eventsOfType(second.events, 'verification.baseline').length, 0);
      assert.equal(resumed.state.baseline?.[0]?.name, 'node check.js', 'the baseline came back from the store');
      assert.equal(resumed.state.baseline?.[0]?.passed, true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('adds one repair task for the coder after a failed gate, with the failing output and the diff; the run then succeeds', async () => {
    const briefs: string[] = [];
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      if (ctx.task.id === 'a') await write('bad\n');
      else {
        briefs.push(ctx.task.description);
        await write('good\n');
      }
      return {};
    });
    const { orchestrator, events } = makeHarness({
      agents: [agent],
      verifier: verifier(),
      runDiff: async () => ({
        paths: ['a.txt'],
        patch: '--- a/a.txt\n+++ b/a.txt\n@@ -0,0 +1 @@\n+bad\n',
        truncated: false,
      }),
    });
    const result = await orchestrator.start({ goal: 'write a.txt', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'succeeded', JSON.stringify(result.state.findings));
    const added = eventsOfType(events, 'plan.task.added');
    assert.equal(added.length, 1);
    assert.equal(added[0]?.task.id, 'repair-1');
    assert.equal(added[0]?.task.agent, 'coder');
    assert.deepEqual(result.state.repairTasks, ['repair-1']);
    assert.equal(result.state.tasks['repair-1']?.status, 'succeeded');
    assert.ok(eventsOfType(events, 'task.started').some((e) => e.taskId === 'repair-1' && e.agentId === 'coder'));
    assert.deepEqual(
      eventsOfType(events, 'run.gate').map((e) => [e.round, e.passed]),
      [
        [1, false],
        [2, true],
      ],
    );
    assert.equal(briefs.length, 1);
    assert.match(briefs[0]!, /`node check\.js` passed before the run and fails now|a\.txt contains bad/);
    assert.match(briefs[0]!, /Files the run changed \(1\): a\.txt/);
    assert.match(briefs[0]!, /```diff\n--- a\/a\.txt[\s\S]*\+bad\n```/);
    assert.equal(await readFile(join(ws, 'a.txt'), 'utf8'), 'good\n');
    assert.deepEqual(
      eventsOfType(events, 'run.phase').map((e) => e.phase),
      ['plan', 'validate', 'execute', 'monitor', 'execute', 'monitor', 'complete'],
    );
  });

  it('ends failed with the gate’s findings when the repair does not fix it, after exactly the allowed rounds', async () => {
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async (ctx) => {
      if (ctx.task.id === 'a') await write('bad\n');
      return {};
    });
    const { orchestrator, events } = makeHarness({ agents: [agent], verifier: verifier() });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(result.status, 'failed');
    assert.equal(eventsOfType(events, 'plan.task.added').length, 1, 'one repair by default');
    assert.equal(eventsOfType(events, 'run.gate').length, 2);
    const last = eventsOfType(events, 'run.gate').at(-1);
    assert.equal(last?.passed, false);
    assert.ok(
      result.state.findings.some(
        (f) => f.severity === 'major' && /a\.txt contains bad/.test(f.message) && !f.preExisting,
      ),
    );

    await rm(join(ws, 'a.txt'));
    const none = makeHarness({ agents: [agent], verifier: verifier(), settings: { repairAttempts: 0 } });
    const noRepair = await none.orchestrator.start({ goal: 'g', plan: plan([task('a')]) }).done;
    assert.equal(noRepair.status, 'failed');
    assert.equal(eventsOfType(none.events, 'plan.task.added').length, 0);
  });

  it('reports a failure that was there before the run as pre-existing and succeeds', async () => {
    await write('bad\n');
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async () => ({}));
    const { orchestrator, events } = makeHarness({ agents: [agent], verifier: verifier() });
    const result = await orchestrator.start({ goal: 'g', plan: plan([task('b')]) }).done;
    assert.equal(result.status, 'succeeded');
    const gate = eventsOfType(events, 'run.gate')[0];
    assert.deepEqual(
      gate?.checks.map((c) => [c.verdict, c.new, c.preExisting]),
      [['pass', 0, 1]],
    );
    assert.ok(result.state.findings.some((f) => f.preExisting === true && /a\.txt contains bad/.test(f.message)));
    assert.equal(eventsOfType(events, 'plan.task.added').length, 0);
  });

  it('a cancel while the end-of-run gate runs ends the run cancelled, without a finding about it', async () => {
    const agent = testAgent({ id: 'coder', capabilities: ['code'] }, async () => ({}));
    let cancel: () => void = () => undefined;
    const { orchestrator } = makeHarness({
      agents: [agent],
      verifier: {
        verify: (_state, signal) =>
          new Promise((_, reject) => {
            signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
            cancel();
          }),
      },
    });
    const handle = orchestrator.start({ goal: 'g', plan: plan([task('a')]) });
    cancel = () => handle.cancel();
    const result = await handle.done;
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(result.state.findings, []);
  });
});
