import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../../../src/core/model/runEvents';
import { TaskSpecSchema } from '../../../src/core/model/planSchema';
import { RunStore } from '../../../src/core/store/runStore';
import { readSnapshot, serializeSnapshot } from '../../../src/core/store/snapshot';
import { PLAN_RECORD_MIN_BYTES, SnapshotSerializer } from '../../../src/core/store/snapshotSerializer';
import { EventBuilder, foldEvents, sampleRunEvents } from '../../support/eventBuilders';
import { createRun, openRun, useTempDir } from './storeTestUtils';

/** A plan large enough (over PLAN_RECORD_MIN_BYTES) that holding it in every snapshot would be most of the file. */
const TASKS = 500;

describe('checklist 20: a snapshot leaves the plan to its plan.ready record in the log (format 3) and still reads formats 1 and 2', () => {
  const tempDir = useTempDir();
  const store = (): RunStore => new RunStore({ root: tempDir(), ownerId: 'window-A', flushIntervalMs: 1 });
  const runDir = (runId: string): string => join(tempDir(), 'runs', runId);
  const snapshotText = (runId: string): Promise<string> => readFile(join(runDir(runId), 'snapshot.json'), 'utf8');

  async function writeRun(runId: string, events: readonly RunEvent[]): Promise<void> {
    const run = await createRun(store(), runId);
    for (const e of events) run.record(e);
    await run.writer.close();
  }

  it('refers to the plan.ready record instead of copying the plan, and recovery puts the same plan back', async () => {
    const events = sampleRunEvents('ref', TASKS);
    await writeRun('ref', events);
    const text = await snapshotText('ref');
    assert.doesNotMatch(text, /"plan":/, 'the plan is not copied into the snapshot');
    const ref = (JSON.parse(text) as { planRecord: { offset: number; bytes: number } }).planRecord;
    const log = await readFile(join(runDir('ref'), 'events.jsonl'));
    const line = log.subarray(ref.offset, ref.offset + ref.bytes).toString('utf8');
    assert.match(line, /^\{"type":"plan.ready",.*\}\n$/s, 'the reference is exactly the plan.ready line');
    assert.ok(ref.bytes >= PLAN_RECORD_MIN_BYTES);
    assert.ok(text.length < Buffer.byteLength(serializeSnapshot(foldEvents('ref', events))) * 0.75);

    const loaded = await store().load('ref');
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.state, foldEvents('ref', events));
  });

  it('a resumed run keeps referring to the same record; a plan changed by plan.task.added is held in full', async () => {
    const events = sampleRunEvents('resume', TASKS);
    await writeRun('resume', events);
    const before = (JSON.parse(await snapshotText('resume')) as { planRecord: unknown }).planRecord;
    assert.ok(before, 'the first snapshot refers to the record');

    const opened = await openRun(store(), 'resume');
    const b = new EventBuilder('resume', { startSeq: opened.writer.nextSeq });
    opened.record(b.log('resumed'));
    await opened.writer.close();
    assert.deepEqual((JSON.parse(await snapshotText('resume')) as { planRecord: unknown }).planRecord, before);

    const again = await openRun(store(), 'resume');
    const c = new EventBuilder('resume', { startSeq: again.writer.nextSeq });
    const added = c.next({
      type: 'plan.task.added',
      task: TaskSpecSchema.parse({ id: 'repair-1', title: 'Repair the gate', requiredCapabilities: ['code'] }),
      kind: 'repair',
      reason: 'the end-of-run gate failed',
    });
    again.record(added);
    await again.writer.close();
    const text = await snapshotText('resume');
    assert.doesNotMatch(text, /"planRecord"/);
    assert.match(text, /"plan":\{.*"repair-1"/s);
    const loaded = await store().load('resume');
    assert.deepEqual(loaded.warnings, []);
    assert.deepEqual(loaded.state.plan?.tasks.map((t) => t.id).slice(-2), [`t${TASKS}`, 'repair-1']);
    assert.equal(loaded.state.lastSeq, added.seq);
  });

  it('a damaged plan.ready record makes the snapshot unusable: it is quarantined with the reason, never read without a plan', async () => {
    const events = sampleRunEvents('flip', TASKS);
    await writeRun('flip', events);
    const logPath = join(runDir('flip'), 'events.jsonl');
    const log = await readFile(logPath, 'utf8');
    await writeFile(logPath, log.replace('Implement part t7"', 'Implement part t8"'));

    const opened = await openRun(store(), 'flip');
    const warnings = opened.warnings.join('\n');
    assert.match(warnings, /snapshot .* was unusable \(the plan it leaves to the event log .* is missing or damaged\)/);
    assert.match(warnings, /damaged record/);
    assert.equal(existsSync(join(runDir('flip'), 'snapshot.json')), false, 'moved to quarantine/');
    assert.equal(opened.state.lastSeq, events.length, 'every other event is folded from the log');
    await opened.writer.close();
  });

  it('keeps a small plan in the snapshot, so the snapshot alone gives back a run whose log was lost', async () => {
    const events = sampleRunEvents('small', 3);
    await writeRun('small', events);
    const text = await snapshotText('small');
    assert.doesNotMatch(text, /"planRecord"/);
    assert.match(text, /^\{"formatVersion":3,.*"plan":\{/s);
    await rm(join(runDir('small'), 'events.jsonl'));
    const loaded = await store().load('small');
    assert.deepEqual(loaded.state, foldEvents('small', events));
    assert.match(loaded.warnings.join('\n'), /event log .* is missing/);
  });

  it('a plan record said to reach past the end of the log is missing: the snapshot is refused, nothing is allocated for it', async () => {
    const state = foldEvents('past', sampleRunEvents('past', 3));
    const huge = Number.MAX_SAFE_INTEGER - 1;
    const bytes = new SnapshotSerializer().serialize(state, 0, 0, { offset: 0, bytes: huge, plan: state.plan! });
    assert.match(bytes.toString('utf8'), /"planRecord":\{"offset":0,"bytes":9007199254740990\}/);
    const path = join(tempDir(), 'snapshot.json');
    const logPath = join(tempDir(), 'events.jsonl');
    await writeFile(path, bytes);
    await writeFile(logPath, '{"type":"run.created"}\n');
    const read = await readSnapshot(path, 'past', logPath);
    assert.equal(read.status, 'invalid');
    if (read.status !== 'invalid') return;
    assert.match(
      read.reason,
      /the plan it leaves to the event log \(9007199254740990 bytes at byte 0\) is missing or damaged/,
    );
  });

  it('reads a format-2 snapshot, which holds its plan in full', async () => {
    const state = foldEvents('two', sampleRunEvents('two', 3));
    const text = serializeSnapshot(state, 0).replace(/^\{"formatVersion":3,/, '{"formatVersion":2,');
    const path = join(tempDir(), 'snapshot.json');
    await writeFile(path, text);
    const read = await readSnapshot(path, 'two');
    assert.equal(read.status, 'ok');
    if (read.status !== 'ok') return;
    assert.equal(read.snapshot.formatVersion, 2);
    assert.deepEqual(read.snapshot.state, state);
  });
});
