import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverRunState, UnreadableRunError } from '../../../src/core/store/recovery';
import { acquireRunLock } from '../../../src/core/store/runLock';
import { RunStore } from '../../../src/core/store/runStore';
import { RunsModel } from '../../../src/host/views/runsModel';
import { cliEnv, jsonLines, runCli, useCliBundle } from '../../support/cliProcess';
import { durableOrchestrator } from '../../support/durableWorkload';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';
import { useTempDir } from './storeTestUtils';

const BAD_SNAPSHOT = '{"formatVersion":1,"state":{"runId":';
const BAD_LOG = 'not an event\n{"type":"run.created"\n';

/** Two finished runs in `root`: the first one's snapshot and log are then both made corrupt. */
async function twoRunsOneCorrupt(root: string): Promise<{ broken: string; good: string; brokenDir: string }> {
  const agent = testAgent({ id: 'worker', capabilities: ['code'], maxLoad: 2 }, async (ctx) => ({
    output: ctx.task.id,
    summary: `did ${ctx.task.id}`,
  }));
  const { orchestrator } = durableOrchestrator(root, agent, 2);
  const broken = (await orchestrator.start({ goal: 'Break me', plan: plan([task('a')]) }).done).runId;
  const good = (await orchestrator.start({ goal: 'Keep me', plan: plan([task('b')]) }).done).runId;
  const brokenDir = join(root, 'runs', broken);
  await writeFile(join(brokenDir, 'snapshot.json'), BAD_SNAPSHOT);
  await writeFile(join(brokenDir, 'events.jsonl'), BAD_LOG);
  return { broken, good, brokenDir };
}

async function quarantined(runDir: string): Promise<Record<string, string>> {
  const dir = join(runDir, 'quarantine');
  const out: Record<string, string> = {};
  for (const name of existsSync(dir) ? await readdir(dir) : []) out[name] = await readFile(join(dir, name), 'utf8');
  return out;
}

describe('checklist 16: when both the snapshot and the event log of a run are corrupt, both are quarantined with a visible, accurate error', function () {
  this.timeout(60_000);
  const tempDir = useTempDir();

  it('recovery moves both files to quarantine/ and says which file, what is wrong, where the copies are and what to do', async () => {
    const { broken, brokenDir } = await twoRunsOneCorrupt(tempDir());
    const err = await recoverRunState(brokenDir, broken).then(
      () => assert.fail('a run with nothing readable must not recover as an empty run'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof UnreadableRunError);
    const message = err.message;
    assert.match(
      message,
      new RegExp(`^Run "${broken}" cannot be read: its snapshot .*snapshot\\.json is unusable \\(it is not JSON`),
    );
    assert.match(
      message,
      /its event log .*events\.jsonl holds no readable event of the run \(2 lines; first problem: .*not JSON/,
    );
    assert.match(
      message,
      /Moved the damaged files to .*quarantine\/snapshot-.*\.json and .*quarantine\/events-.*\.jsonl/,
    );
    assert.match(message, /start its goal again as a new run/);
    assert.equal(err.quarantined.length, 2);
    for (const file of err.quarantined) assert.ok(message.includes(file), file);

    const kept = await quarantined(brokenDir);
    assert.deepEqual(Object.values(kept).sort(), [BAD_LOG, BAD_SNAPSHOT].sort(), 'the bytes are kept as they were');
    assert.equal(existsSync(join(brokenDir, 'snapshot.json')), false);
    assert.equal(existsSync(join(brokenDir, 'events.jsonl')), false);

    // Read again later, the run is still reported as lost (never as an empty, blank run).
    const again = await recoverRunState(brokenDir, broken).catch((e: unknown) => e);
    assert.ok(again instanceof UnreadableRunError);
    assert.match(
      again.message,
      /are missing, and the damaged files found earlier are in .*quarantine\/events-.*\.jsonl/,
    );
  });

  it('a reader that may not move the files (another process owns the run) reports the same problem and moves nothing', async () => {
    const { broken, brokenDir } = await twoRunsOneCorrupt(tempDir());
    const lock = await acquireRunLock(brokenDir, { ownerId: 'another-window' });
    try {
      const store = new RunStore({ root: tempDir() });
      const err = await store.load(broken).catch((e: unknown) => e);
      assert.ok(err instanceof UnreadableRunError);
      assert.match(err.message, /snapshot .* is unusable.*event log .* holds no readable event/);
      assert.match(
        err.message,
        /They will be moved to .*quarantine the next time the run is opened \(resume or show\) while no other process owns it/,
      );
      assert.deepEqual(await quarantined(brokenDir), {});
      assert.equal(await readFile(join(brokenDir, 'events.jsonl'), 'utf8'), BAD_LOG);
    } finally {
      await lock.release();
    }
  });

  it('the store lists every other run intact, shows the broken one as failed with the error, and quarantines it on load', async () => {
    const { broken, good, brokenDir } = await twoRunsOneCorrupt(tempDir());
    const store = new RunStore({ root: tempDir() });
    const listed = await store.list();
    assert.deepEqual(listed.map((r) => r.runId).sort(), [broken, good].sort());
    const ok = listed.find((r) => r.runId === good)!;
    assert.equal(ok.status, 'succeeded');
    assert.equal(ok.warning, undefined);
    const bad = listed.find((r) => r.runId === broken)!;
    assert.equal(bad.status, 'failed');
    assert.match(bad.warning ?? '', /cannot be read: its snapshot .* and its event log .* They will be moved to/);

    await assert.rejects(store.load(broken), /Moved the damaged files to .*quarantine/);
    assert.equal(Object.keys(await quarantined(brokenDir)).length, 2);
    assert.equal((await store.load(good)).state.status, 'succeeded');
    assert.match(
      (await store.list()).find((r) => r.runId === broken)?.warning ?? '',
      /damaged files found earlier are in .*quarantine/,
    );
  });

  it("the host's run tree keeps every other run and shows the broken one's error", async () => {
    const { broken, good } = await twoRunsOneCorrupt(tempDir());
    const model = new RunsModel(new RunStore({ root: tempDir() }));
    await model.ensureLoaded();
    assert.equal(model.error, undefined);
    assert.deepEqual(
      model
        .runs()
        .map((r) => r.runId)
        .sort(),
      [broken, good].sort(),
    );
    assert.equal((await model.loadDetails(good))?.status, 'succeeded');
    await model.loadDetails(broken);
    const entry = model.get(broken)!;
    assert.equal(entry.summary.status, 'failed');
    assert.match(entry.detailWarnings.join('\n'), /cannot be read: .*Moved the damaged files to .*quarantine/);
    model.dispose();
  });

  describe('the CLI (real child processes)', () => {
    useCliBundle();

    it('list keeps working, show and resume give the error and exit non-zero, nothing is started', async () => {
      const root = tempDir();
      const state = join(root, 'state');
      const { broken, good, brokenDir } = await twoRunsOneCorrupt(state);
      const env = cliEnv(root);

      const list = await runCli(['list', '--state-dir', state, '--json'], env);
      assert.equal(list.code, 0, list.stderr);
      const runs = jsonLines(list.stdout);
      assert.deepEqual(runs.map((r) => r.runId).sort(), [broken, good].sort());
      assert.equal(runs.find((r) => r.runId === good)?.status, 'succeeded');
      assert.match(String(runs.find((r) => r.runId === broken)?.warning), /cannot be read/);

      const show = await runCli(['show', broken, '--state-dir', state], env);
      assert.equal(show.code, 1);
      assert.equal(show.stdout, '');
      assert.match(show.stderr, /cannot be read: its snapshot .*is unusable .*Moved the damaged files to .*quarantine/);

      const resume = await runCli(['resume', broken, '--state-dir', state, '--approve', 'never'], env);
      assert.equal(resume.code, 2, resume.stderr);
      assert.match(
        resume.stderr,
        /cannot be read: its snapshot and event log are missing, and the damaged files found earlier are in .*quarantine/,
      );
      assert.equal(Object.keys(await quarantined(brokenDir)).length, 2);

      const showGood = await runCli(['show', good, '--state-dir', state], env);
      assert.equal(showGood.code, 0, showGood.stderr);
      assert.match(showGood.stdout, /Goal: +Keep me/);
    });
  });
});
