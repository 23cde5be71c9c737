import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { RunEvent } from '../../src/core/model/runEvents';
import { applyRunEvent, emptyRunState } from '../../src/core/model/runState';
import { RunStore } from '../../src/core/store/runStore';
import { EventBuilder } from '../support/eventBuilders';
import type { BenchOptions, BenchSection, Figure } from './benchTypes';
import { atLeast, atMost, round } from './benchTypes';

const COMMAND = 'npm run bench -- --only store';
const BATCH = 1000;

/** A run of exactly `count` events (count ≥ 5): a plan of tasks, then per task a start, journal steps, usage and success. */
export function storeWorkload(runId: string, count: number): RunEvent[] {
  const tasks = Math.max(1, Math.round(count / 100));
  const steps = Math.max(0, count - 2 - 3 * tasks);
  const b = new EventBuilder(runId, { stepMs: 1 });
  const ids = Array.from({ length: tasks }, (_, i) => `t${i}`);
  const events: RunEvent[] = [
    b.created('store benchmark'),
    b.planReady(ids.map((id) => ({ id, title: `Task ${id}`, requiredCapabilities: ['code'] }))),
  ];
  ids.forEach((id, i) => {
    events.push(b.taskStarted(id));
    const stepsOfTask = Math.floor(steps / tasks) + (i < steps % tasks ? 1 : 0);
    for (let s = 0; s < stepsOfTask; s++) events.push(b.stepCompleted(id, `step-${s}`, { ok: true, n: s }));
    events.push(b.usage(id, 1200, 300, 0.0042));
    events.push(b.taskSucceeded(id));
  });
  return events;
}

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
      const events = storeWorkload(runId, count);
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
      const perSecond = (events.length / writeMs) * 1000;
      const floorPerSecond = (events.length / floorMs) * 1000;
      options.log(`store: ${perSecond.toFixed(0)} events/s durably, fs floor ${floorPerSecond.toFixed(0)} events/s`);

      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      let peakHeap = heapBefore;
      const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 2);
      const loadStarted = performance.now();
      const recovered = await new RunStore({ root: join(dir, 'store') }).load(runId);
      const loadMs = performance.now() - loadStarted;
      clearInterval(sampler);
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      if (recovered.state.lastSeq !== events.length)
        throw new Error(`recovery stopped at seq ${recovered.state.lastSeq} of ${events.length}`);
      const heapMiB = (peakHeap - heapBefore) / 2 ** 20;
      options.log(
        `store: recovery of ${events.length} events ${loadMs.toFixed(0)} ms, heap +${heapMiB.toFixed(1)} MiB`,
      );
      const n = events.length.toLocaleString('en-US');
      return [
        {
          benchmark: 'Store',
          measure: `${n} events appended durably (RunStore defaults: a snapshot after ≥ 5,000 events once the log outgrew the last one)`,
          value: round(perSecond),
          unit: 'events/s',
          anchor: { name: 'fs floor (same lines, fsync per 1,000)', value: round(floorPerSecond) },
          ratio: round(perSecond / floorPerSecond),
          target: atLeast(perSecond, 200_000, ' events/s'),
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
