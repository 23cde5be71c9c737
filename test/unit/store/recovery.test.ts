import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverRunState } from '../../../src/core/store/recovery';
import { writeSnapshot } from '../../../src/core/store/snapshot';
import { EventBuilder, foldEvents, sampleRunEvents, toJsonLines } from '../../support/eventBuilders';
import { useTempDir } from './storeTestUtils';

describe('store/recovery', () => {
  const tempDir = useTempDir();
  const logPath = (): string => join(tempDir(), 'events.jsonl');
  const snapshotPath = (): string => join(tempDir(), 'snapshot.json');

  it('rebuilds the state from the log alone when there is no snapshot', async () => {
    const events = sampleRunEvents('r1', 4);
    await writeFile(logPath(), toJsonLines(events));
    const { state, warnings } = await recoverRunState(tempDir(), 'r1');
    assert.deepEqual(state, foldEvents('r1', events));
    assert.deepEqual(warnings, []);
  });

  it('folds the log after the snapshot on top of it', async () => {
    const events = sampleRunEvents('r1', 4);
    const head = events.slice(0, 7);
    await writeFile(logPath(), toJsonLines(events));
    await writeSnapshot(snapshotPath(), foldEvents('r1', head), Buffer.byteLength(toJsonLines(head)));
    const { state, warnings } = await recoverRunState(tempDir(), 'r1');
    assert.deepEqual(state, foldEvents('r1', events));
    assert.deepEqual(warnings, []);
  });

  it('quarantines a corrupt snapshot, says so, and rebuilds the same state from the log', async () => {
    const events = sampleRunEvents('r1', 4);
    await writeFile(logPath(), toJsonLines(events));
    await writeFile(snapshotPath(), '{"formatVersion":1,"state":{"runId":"r1",');
    const { state, warnings } = await recoverRunState(tempDir(), 'r1');

    assert.deepEqual(state, foldEvents('r1', events));
    assert.equal(existsSync(snapshotPath()), false);
    const quarantined = await readdir(join(tempDir(), 'quarantine'));
    assert.equal(quarantined.length, 1);
    assert.match(quarantined[0]!, /^snapshot-\d{4}-\d\d-\d\dT.*\.json$/);
    assert.equal(
      await readFile(join(tempDir(), 'quarantine', quarantined[0]!), 'utf8'),
      '{"formatVersion":1,"state":{"runId":"r1",',
    );
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /snapshot of run "r1" was unusable \(it is not JSON.*moved it to .*quarantine.*rebuilt the run from its event log/,
    );
  });

  it('only warns about a corrupt snapshot when quarantine is off (read-only callers)', async () => {
    await writeFile(logPath(), toJsonLines(sampleRunEvents('r1', 1)));
    await writeFile(snapshotPath(), 'garbage');
    const { warnings } = await recoverRunState(tempDir(), 'r1', { quarantine: false });
    assert.equal(existsSync(snapshotPath()), true);
    assert.equal(existsSync(join(tempDir(), 'quarantine')), false);
    assert.match(warnings[0] ?? '', /unusable.*will be moved to quarantine\/ when the run is next opened/);
  });

  it('warns when the log has a gap', async () => {
    const b = new EventBuilder('r1');
    const events = [b.created(), b.log('2'), b.log('3'), b.log('4'), b.log('5'), b.log('6')];
    await writeFile(logPath(), toJsonLines([events[0]!, events[1]!, events[2]!, events[5]!]));
    const { state, warnings } = await recoverRunState(tempDir(), 'r1');
    assert.equal(state.lastSeq, 6);
    assert.match(warnings.join('\n'), /events 4 to 5 are missing/);
  });

  it('warns when the log ends before the snapshot', async () => {
    const events = sampleRunEvents('r1', 3);
    await writeSnapshot(snapshotPath(), foldEvents('r1', events));
    await writeFile(logPath(), toJsonLines(events.slice(0, 4)));
    const { state, warnings } = await recoverRunState(tempDir(), 'r1');
    assert.deepEqual(state, foldEvents('r1', events));
    assert.match(
      warnings.join('\n'),
      new RegExp(`ends at event 4, but the snapshot holds events up to ${events.length}`),
    );
  });

  it('reads the whole log when the snapshot offset no longer fits it', async () => {
    const events = sampleRunEvents('r1', 3);
    await writeFile(logPath(), toJsonLines(events));
    await writeSnapshot(snapshotPath(), foldEvents('r1', events.slice(0, 3)), 7);
    const { state, warnings } = await recoverRunState(tempDir(), 'r1');
    assert.deepEqual(state, foldEvents('r1', events));
    assert.match(warnings.join('\n'), /no longer ends a line at byte 7/);
  });

  it('skips events of another run that ended up in the log', async () => {
    const mine = sampleRunEvents('r1', 1);
    const theirs = new EventBuilder('r2', { startSeq: mine.length + 1 }).log('wrong folder');
    await writeFile(logPath(), toJsonLines([...mine, theirs]));
    const { state, warnings } = await recoverRunState(tempDir(), 'r1');
    assert.deepEqual(state, foldEvents('r1', mine));
    assert.match(warnings.join('\n'), /skipped 1 events that belong to another run/);
  });
});
