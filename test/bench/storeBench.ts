import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { RunEvent } from '../../src/core/model/runEvents';
import { applyRunEvent, emptyRunState } from '../../src/core/model/runState';
import { RunStore } from '../../src/core/store/runStore';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { atLeast, atMost, round } from './benchTypes';
import { recordedRunWorkload, storeWorkload } from './storeWorkloads';

export { storeWorkload } from './storeWorkloads';

const COMMAND = 'npm run bench -- --only store';
const BATCH = 1000;

/** The fs floor: the same JSON lines appended in batches of 1,000, each batch fsynced. */
async function fsFloorMs(file: string, events: readonly RunEvent[]): Promise<number> {
  const started = performance.now();
  const handle = await open(file, 'a');
  try {
    for (let i = 0; i < events.length; i += BATCH) {
      const chunk = events
        .slice(i, i + BATCH)
        .map((e) => `${JSON.stringify(e)}\n`)
        .join('');
      await handle.appendFile(chunk);
      await handle.sync();
    }
  } finally {
    await handle.close();
  }
  return performance.now() - started;
}

/**
 * Folds and appends `events` through a `RunStore` under `dir` the way a run session does, until they
 * are durable (fdatasynced), yielding to the event loop every 1,000 events so batches overlap the
 * folding; the fs floor writes the same lines in the same folder first.
 */
async function measureDurableWrite(
  dir: string,
  runId: string,
  events: readonly RunEvent[],
): Promise<{ perSecond: number; floorPerSecond: number; writeMs: number }> {
  await mkdir(dir, { recursive: true });
  const floorMs = await fsFloorMs(join(dir, 'floor.jsonl'), events);
  const store = new RunStore({ root: join(dir, 'store') });
  const state = emptyRunState(runId);
  const writer = await store.create(runId, state);
  const started = performance.now();
  for (let i = 0; i < events.length; i++) {
    applyRunEvent(state, events[i]!);
    writer.append(events[i]!);
    if (i % BATCH === BATCH - 1) await yieldToLoop();
  }
  await writer.flush();
  const writeMs = performance.now() - started;
  await writer.close();
  return { perSecond: (events.length / writeMs) * 1000, floorPerSecond: (events.length / floorMs) * 1000, writeMs };
}

/** Rounds of each durable-write figure in a full bench: one round varies by a third with the disk. */
const FULL_ROUNDS = 3;

/**
 * `measureDurableWrite` in `rounds` fresh folders under `dir` (round n in `dir/n`), the median round
 * by events per second, with every round's figure for the table.
 */
async function medianDurableWrite(
  dir: string,
  runId: string,
  events: readonly RunEvent[],
  rounds: number,
): Promise<{ perSecond: number; floorPerSecond: number; writeMs: number; spread: string; lastDir: string }> {
  const results = [];
  for (let i = 1; i <= rounds; i++) results.push(await measureDurableWrite(join(dir, String(i)), runId, events));
  const spread = results.map((r) => Math.round(r.perSecond / 1000)).join('k, ');
  const median = [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rounds / 2)]!;
  return { ...median, spread: `${spread}k`, lastDir: join(dir, String(rounds)) };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Durable events per second (against the fs floor), recovery time of the run, and the heap it takes. */
export const storeSection: BenchSection = {
  name: 'store',
  async run(options: BenchOptions): Promise<Figure[]> {
    const count = options.quick ? 5_000 : 100_000;
    const dir = await mkdtemp(join(tmpdir(), 'ao-bench-store-'));
    try {
      const runId = 'run-bench';
      const rounds = options.quick ? 1 : FULL_ROUNDS;
      const events = storeWorkload(runId, count);
      const steps = await medianDurableWrite(join(dir, 'steps'), runId, events, rounds);
      const { perSecond, floorPerSecond, writeMs } = steps;
      options.log(
        `store: ${perSecond.toFixed(0)} events/s durably (rounds: ${steps.spread}), fs floor ${floorPerSecond.toFixed(0)} events/s`,
      );

      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      let peakHeap = heapBefore;
      const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 2);
      const loadStarted = performance.now();
      const recovered = await new RunStore({ root: join(steps.lastDir, 'store') }).load(runId);
      const loadMs = performance.now() - loadStarted;
      clearInterval(sampler);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      if (recovered.state.lastSeq !== events.length)
        throw new Error(`recovery stopped at seq ${recovered.state.lastSeq} of ${events.length}`);
      const heapMiB = (peakHeap - heapBefore) / 2 ** 20;
      options.log(
        `store: recovery of ${events.length} events ${loadMs.toFixed(0)} ms, heap +${heapMiB.toFixed(1)} MiB`,
      );
      // After recovery, so the recovery figure is taken in the same conditions as before this row existed.
      const mix = await medianDurableWrite(join(dir, 'mix'), 'run-mix', recordedRunWorkload('run-mix', count), rounds);
      options.log(
        `store: ${mix.perSecond.toFixed(0)} events/s durably in a recorded run's mix (rounds: ${mix.spread}), fs floor ${mix.floorPerSecond.toFixed(0)} events/s`,
      );
      const ofRounds = (spread: string): string => (rounds > 1 ? `, median of ${rounds} rounds (${spread})` : '');
      const n = events.length.toLocaleString('en-US');
      return [
        {
          benchmark: 'Store',
          measure: `${n} events appended durably (RunStore defaults: a snapshot after ≥ 5,000 events once the log outgrew the last one and 8 MiB)${ofRounds(steps.spread)}`,
          value: round(perSecond),
          unit: 'events/s',
          anchor: { name: 'fs floor (same lines, fsync per 1,000)', value: round(floorPerSecond) },
          ratio: round(perSecond / floorPerSecond),
          target: atLeast(perSecond, 200_000, ' events/s'),
          command: COMMAND,
        },
        {
          benchmark: 'Store',
          measure: `${n} events in the mix of a recorded CLI run (half spans; steps, approvals, edits, usage) appended durably${ofRounds(mix.spread)}`,
          value: round(mix.perSecond),
          unit: 'events/s',
          anchor: { name: 'fs floor (same lines, fsync per 1,000)', value: round(mix.floorPerSecond) },
          ratio: round(mix.perSecond / mix.floorPerSecond),
          target: atLeast(mix.perSecond, 200_000, ' events/s'),
          command: COMMAND,
        },
        {
          benchmark: 'Store',
          measure: `recovery of ${n} events (RunStore.load)`,
          value: round(loadMs),
          unit: 'ms',
          anchor: { name: 'time to write them durably', value: round(writeMs) },
          ratio: round(loadMs / writeMs),
          target: atMost(loadMs / 1000, 0.5, ' s'),
          command: COMMAND,
        },
        {
          benchmark: 'Store',
          measure: `peak heap growth during recovery of ${n} events (sampled every 2 ms, after gc)`,
          value: round(heapMiB),
          unit: 'MiB',
          command: COMMAND,
        },
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
