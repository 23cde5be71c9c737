import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEventLog } from '../../../src/core/store/eventLogReader';
import { RunLockedError } from '../../../src/core/store/runLock';
import { RunStore } from '../../../src/core/store/runStore';
import { emptyRunState } from '../../../src/core/model/runState';
import { EventBuilder, foldEvents, sampleRunEvents } from '../../support/eventBuilders';
import { createRun, openRun, spawnChild, useTempDir, waitForExit, waitForLine } from './storeTestUtils';

describe('checklist 20: the run store suite: round-trips, idempotent writes across a restart, isolation between runs', () => {
  const tempDir = useTempDir();
  const store = (ownerId = 'window-A', snapshotEvery?: number): RunStore =>
    new RunStore({ root: tempDir(), ownerId, flushIntervalMs: 1, ...(snapshotEvery ? { snapshotEvery } : {}) });
  const runDir = (runId: string): string => join(tempDir(), 'runs', runId);

  async function writeRun(s: RunStore, runId: string, taskCount = 3, startAt?: number): Promise<void> {
    const run = await createRun(s, runId);
    for (const e of sampleRunEvents(runId, taskCount, startAt === undefined ? {} : { startAt })) run.record(e);
    await run.writer.close();
  }

  it('round-trips: what was appended is what comes back after close', async () => {
    const events = sampleRunEvents('run-1', 5);
    const { writer, record } = await createRun(store(), 'run-1');
    for (const e of events) record(e);
    assert.deepEqual(writer.state, foldEvents('run-1', events));
    await writer.close();
    const loaded = await store('window-B').load('run-1');
    assert.deepEqual(loaded.state, foldEvents('run-1', events));
    assert.deepEqual(loaded.warnings, []);
    assert.equal(existsSync(join(runDir('run-1'), 'owner.lock')), false, 'close releases the lock');
  });

  it('refuses unsafe run ids without creating anything', async () => {
    for (const bad of [
      '../escape',
      'a/b',
      'a\\b',
      '',
      '.hidden',
      'a..b',
      'CON',
      'nul.txt',
      'trailing.',
      'x'.repeat(129),
      'spa ce',
    ]) {
      await assert.rejects(store().create(bad, emptyRunState(bad)), /Invalid run id/, bad);
    }
    assert.equal(existsSync(join(tempDir(), 'runs')) ? (await readdir(join(tempDir(), 'runs'))).length : 0, 0);
  });

  it('refuses to create a run that exists', async () => {
    await writeRun(store(), 'dup');
    await assert.rejects(store().create('dup', emptyRunState('dup')), /Run "dup" already exists/);
  });

  it('resumes across a restart: seq continues and replayed events are not duplicated', async () => {
    const b = new EventBuilder('resume');
    const firstSession = [b.created(), b.log('2'), b.log('3')];
    const first = await createRun(store(), 'resume');
    for (const e of firstSession) first.record(e);
    await first.writer.close();

    const opened = await openRun(store('window-B'), 'resume');
    assert.equal(opened.state.lastSeq, 3);
    assert.equal(opened.writer.nextSeq, 4);
    // A resumed orchestrator replays what it already recorded, then continues.
    for (const e of firstSession) opened.record(e);
    const secondSession = [b.log('4'), b.log('5')];
    for (const e of secondSession) opened.record(e);
    assert.equal(opened.writer.duplicatesIgnored, 3);
    assert.throws(() => opened.writer.append(new EventBuilder('resume', { startSeq: 9 }).log('gap')), /expects seq 6/);
    await opened.writer.close();

    const again = await store('window-C').open('resume');
    assert.equal(again.state.lastSeq, 5);
    await again.writer.close();
    const log = await readEventLog(join(runDir('resume'), 'events.jsonl'));
    assert.deepEqual(
      log.events.map((e) => e.seq),
      [1, 2, 3, 4, 5],
    );
    assert.deepEqual(log.warnings, []);
  });

  it('refuses a second writer while the first one holds the run, and allows it after close', async () => {
    const writer = await store().create('busy', emptyRunState('busy'));
    await assert.rejects(store('window-B').open('busy'), RunLockedError);
    await writer.close();
    const opened = await store('window-B').open('busy');
    await opened.writer.close();
  });

  it('keeps two runs in one root apart', async () => {
    const s = store();
    const a = await createRun(s, 'alpha');
    const b = await createRun(s, 'beta');
    const ea = sampleRunEvents('alpha', 2);
    const eb = sampleRunEvents('beta', 3);
    for (let i = 0; i < Math.max(ea.length, eb.length); i++) {
      if (ea[i]) a.record(ea[i]!);
      if (eb[i]) b.record(eb[i]!);
    }
    assert.throws(() => a.writer.append(eb[ea.length]!), /belongs to run "beta"/);
    await a.writer.close();
    assert.equal(existsSync(join(runDir('beta'), 'owner.lock')), true, "closing alpha must not release beta's lock");
    await b.writer.close();

    for (const [runId, events] of [
      ['alpha', ea],
      ['beta', eb],
    ] as const) {
      const log = await readEventLog(join(runDir(runId), 'events.jsonl'));
      assert.deepEqual(log.events, events);
      assert.deepEqual((await readdir(runDir(runId))).sort(), ['events.jsonl', 'snapshot.json']);
      assert.deepEqual((await s.load(runId)).state, foldEvents(runId, events));
    }
  });

  it('snapshots every N events, never ahead of the durable log', async () => {
    // A long group-commit delay: only the snapshot itself can push the log to disk here.
    const { writer, record } = await createRun(
      new RunStore({
        root: tempDir(),
        ownerId: 'window-A',
        snapshotEvery: 5,
        snapshotAfterLogBytes: 0,
        flushIntervalMs: 60_000,
      }),
      'snap',
    );
    const b = new EventBuilder('snap');
    record(b.created());
    for (let i = 0; i < 11; i++) record(b.log(`event ${i}`));
    const snapshotPath = join(runDir('snap'), 'snapshot.json');
    for (let waited = 0; !existsSync(snapshotPath) && waited < 5000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const lastSeq = (JSON.parse(await readFile(snapshotPath, 'utf8')) as { state: { lastSeq: number } }).state.lastSeq;
    const lines = (await readFile(join(runDir('snap'), 'events.jsonl'), 'utf8')).split('\n').length - 1;
    assert.ok(lastSeq >= 5, `expected a periodic snapshot, got seq ${lastSeq}`);
    assert.ok(lastSeq <= lines, `snapshot at seq ${lastSeq} but only ${lines} events are in the log`);
    await writer.close();
    const final = JSON.parse(await readFile(snapshotPath, 'utf8')) as { state: { lastSeq: number } };
    assert.equal(final.state.lastSeq, 12, 'close writes the final snapshot');
  });

  it('survives a crashed window: the stale lock is taken over and flushed events are all there', async function () {
    this.timeout(30_000);
    const child = spawnChild('crashingRun.ts', [tempDir(), 'crashed', '200']);
    const exited = waitForExit(child);
    await waitForLine(child, 'flushed');
    child.kill('SIGKILL');
    await exited;

    const opened = await openRun(store('window-B'), 'crashed');
    assert.ok(opened.state.lastSeq >= 200, `only ${opened.state.lastSeq} events recovered`);
    assert.equal(opened.state.goal, 'survive a crash');
    const next = new EventBuilder('crashed', { startSeq: opened.writer.nextSeq }).log('resumed');
    opened.record(next);
    await opened.writer.close();
    const log = await readEventLog(join(runDir('crashed'), 'events.jsonl'));
    assert.deepEqual(log.warnings, []);
    assert.equal(log.events.at(-1)?.seq, next.seq);
  });

  it('cuts a torn tail on open, so the next append is readable', async () => {
    await writeRun(store(), 'torn', 1);
    await appendFile(join(runDir('torn'), 'events.jsonl'), '{"seq":99,"at":');
    const opened = await openRun(store(), 'torn');
    assert.match(opened.warnings.join('\n'), /torn last line/);
    const event = new EventBuilder('torn', { startSeq: opened.writer.nextSeq }).log('after the tear');
    opened.record(event);
    await opened.writer.close();
    const log = await readEventLog(join(runDir('torn'), 'events.jsonl'));
    assert.deepEqual(log.warnings, []);
    assert.deepEqual(log.events.at(-1), event);
  });

  it('quarantines a corrupt snapshot on open and resumes from the log with the same state', async () => {
    const events = sampleRunEvents('corrupt', 3);
    const { writer, record } = await createRun(store(), 'corrupt');
    for (const e of events) record(e);
    await writer.close();
    await writeFile(join(runDir('corrupt'), 'snapshot.json'), '{"formatVersion":1,"sta');

    const loaded = await store().load('corrupt');
    assert.equal(existsSync(join(runDir('corrupt'), 'quarantine')), false, 'load() never moves files');
    assert.deepEqual(loaded.state, foldEvents('corrupt', events));

    const opened = await store().open('corrupt');
    assert.deepEqual(opened.state, foldEvents('corrupt', events));
    assert.match(opened.warnings.join('\n'), /moved it to .*quarantine/);
    assert.equal((await readdir(join(runDir('corrupt'), 'quarantine'))).length, 1);
    await opened.writer.close();
    assert.deepEqual((await store().load('corrupt')).warnings, [], 'close wrote a fresh snapshot');
  });

  it('lists runs newest first, including a broken one with a warning', async () => {
    const s = store();
    await writeRun(s, 'old', 1, Date.UTC(2024, 0, 1));
    await writeRun(s, 'new', 2, Date.UTC(2025, 6, 1));
    await writeRun(s, 'broken', 1, Date.UTC(2024, 6, 1));
    await writeFile(join(runDir('broken'), 'snapshot.json'), 'not json');
    await appendFile(join(runDir('broken'), 'events.jsonl'), 'garbage line\n');
    const live = await createRun(s, 'live');
    live.record(new EventBuilder('live', { startAt: Date.UTC(2023, 0, 1) }).created('still running'));

    const runs = await store('window-B').list();
    assert.deepEqual(
      runs.map((r) => r.runId),
      ['new', 'broken', 'old', 'live'],
    );
    const [newest, broken, , running] = runs;
    assert.equal(newest?.taskCounts.succeeded, 2);
    assert.equal(newest?.usage.inputTokens, 200);
    assert.equal(newest?.locked, false);
    assert.equal(newest?.warning, undefined);
    assert.match(broken?.warning ?? '', /snapshot of run "broken" is unusable/);
    assert.equal(broken?.status, 'succeeded', 'a broken run is rebuilt from its log as far as it goes');
    assert.equal(running?.locked, true);
    await live.writer.close();
  });

  it('lists a run whose files cannot be read as failed, with the reason', async () => {
    await writeRun(store(), 'unreadable', 1);
    await rm(join(runDir('unreadable'), 'snapshot.json'));
    await mkdir(join(runDir('unreadable'), 'snapshot.json'));
    const [run] = await store().list();
    assert.equal(run?.runId, 'unreadable');
    assert.equal(run?.status, 'failed');
    assert.match(run?.warning ?? '', /Could not read .*snapshot\.json of run "unreadable"/);
  });

  it('lists nothing for an empty root', async () => {
    assert.deepEqual(await store().list(), []);
  });

  it('exports a Markdown summary with goal, task rows and findings', async () => {
    await writeRun(store(), 'md', 2);
    const md = await store().exportMarkdown('md');
    assert.match(md, /^# Run summary: Add JWT auth to the API and tests for it$/m);
    assert.match(md, /^\| t1 \| Implement part t1 \| succeeded \| coder \| 1 \|/m);
    assert.match(md, /^\| t2 \| Implement part t2 \| succeeded \| coder \| 1 \|/m);
    assert.match(md, /### Minor \(1\)\n\n- \*\*test:\*\* unused import/);
  });

  it('refuses to delete a run owned by a live writer, and deletes it once closed', async () => {
    const s = store();
    const writer = await s.create('doomed', emptyRunState('doomed'));
    await assert.rejects(store('window-B').delete('doomed'), RunLockedError);
    await writer.close();
    await store('window-B').delete('doomed');
    assert.equal(existsSync(runDir('doomed')), false);
    assert.deepEqual(await readdir(join(tempDir(), 'runs')), []);
    await assert.rejects(s.load('doomed'), /There is no run "doomed"/);
  });
});
