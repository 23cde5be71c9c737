import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSnapshot, serializeSnapshot, writeSnapshot } from '../../../src/core/store/snapshot';
import { foldEvents, sampleRunEvents } from '../../support/eventBuilders';
import { useTempDir } from './storeTestUtils';

describe('store/snapshot', () => {
  const tempDir = useTempDir();
  const path = (): string => join(tempDir(), 'snapshot.json');
  const state = () => foldEvents('r1', sampleRunEvents('r1', 3));

  it('round-trips a run state with its log offset', async () => {
    const original = state();
    await writeSnapshot(path(), original, 1234);
    const read = await readSnapshot(path(), 'r1');
    assert.equal(read.status, 'ok');
    if (read.status !== 'ok') return;
    assert.deepEqual(read.snapshot.state, original);
    assert.equal(read.snapshot.logOffset, 1234);
    assert.equal(read.snapshot.formatVersion, 3);
  });

  it('reports a missing snapshot as missing, not as invalid', async () => {
    assert.deepEqual(await readSnapshot(path(), 'r1'), { status: 'missing' });
  });

  it('keeps state fields it does not know about, so newer fields survive a round trip', async () => {
    const original = { ...state(), futureField: { kept: true } };
    await writeSnapshot(path(), original);
    const read = await readSnapshot(path(), 'r1');
    assert.equal(
      read.status === 'ok' && (read.snapshot.state as unknown as { futureField: unknown }).futureField !== undefined,
      true,
    );
  });

  // A snapshot without a checksum (format 1, or written by hand) is validated field by field.
  const invalid: Array<
    [string, (envelope: Record<string, unknown> & { state: Record<string, unknown> }) => unknown, RegExp]
  > = [
    ['not JSON', () => '{"formatVersion":1,"state":', /not JSON/],
    ['not an object', () => 42, /expected object/],
    ['another format version', (e) => ({ ...e, formatVersion: 4 }), /formatVersion: it has format version 4/],
    ['another run', (e) => ({ ...e, state: { ...e.state, runId: 'r2' } }), /belongs to run "r2"/],
    ['lastSeq not a number', (e) => ({ ...e, state: { ...e.state, lastSeq: 'many' } }), /state\.lastSeq/],
    ['tasks not an object', (e) => ({ ...e, state: { ...e.state, tasks: [] } }), /state\.tasks/],
    [
      'a task with a bad status',
      (e) => ({ ...e, state: { ...e.state, tasks: { t1: { id: 't1', status: 'exploded' } } } }),
      /state\.tasks\.t1/,
    ],
  ];
  for (const [name, mutate, reason] of invalid) {
    it(`rejects a snapshot that is ${name}`, async () => {
      const { crc, ...envelope } = JSON.parse(serializeSnapshot(state())) as Record<string, unknown> & {
        state: Record<string, unknown>;
      };
      assert.match(String(crc), /^[0-9a-f]{8}$/);
      const bad = mutate({ ...envelope, formatVersion: 1 });
      await writeFile(path(), typeof bad === 'string' ? bad : JSON.stringify(bad));
      const read = await readSnapshot(path(), 'r1');
      assert.equal(read.status, 'invalid');
      assert.match(read.status === 'invalid' ? read.reason : '', reason);
    });
  }

  it('writes atomically: the file is always a whole snapshot', async () => {
    await writeSnapshot(path(), state());
    const envelope = JSON.parse(await readFile(path(), 'utf8')) as { formatVersion: number };
    assert.equal(envelope.formatVersion, 3);
  });
});
