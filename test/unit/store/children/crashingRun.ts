// Child process: creates a run, makes `count` events durable, reports "flushed", then keeps
// appending without flushing until the parent kills it: a window that crashes mid-run.
import { RunStore } from '../../../../src/core/store/runStore';
import { EventBuilder } from '../../../support/eventBuilders';
import { createRun } from '../storeTestUtils';

const [root, runId, countText] = process.argv.slice(2);
if (!root || !runId || !countText) throw new Error('usage: crashingRun <root> <runId> <count>');

void (async () => {
  const run = await createRun(new RunStore({ root, ownerId: 'crashing-window', flushIntervalMs: 1 }), runId);
  const b = new EventBuilder(runId);
  run.record(b.created('survive a crash'));
  for (let i = 1; i < Number(countText); i++) run.record(b.log(`event ${i}`));
  await run.writer.flush();
  process.stdout.write('flushed\n');
  setInterval(() => run.record(b.log('after the flush')), 1);
})();
