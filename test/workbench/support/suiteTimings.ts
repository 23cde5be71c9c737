import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARTIFACTS_ROOT } from './artifacts';

/** Where one workbench test spent its time: named phases (server start, browser, workbench load, teardown) and the rest. */
interface TestTiming {
  title: string;
  file: string;
  /** Which test process ran it (mocha's worker id; `main` when the suite runs serially). */
  worker: string;
  startedAt: number;
  totalMs: number;
  phases: Record<string, number>;
}

/**
 * One JSON line per finished test. A file, not memory: with `--parallel` each worker process
 * appends its tests, and the main process reports them once the suite is over.
 */
export const TIMINGS_FILE = join(ARTIFACTS_ROOT, 'timings.jsonl');

let current: Omit<TestTiming, 'totalMs'> | undefined;

/** Forgets the timings of an earlier run (the suite's global setup calls it). */
export function resetTimings(): void {
  rmSync(TIMINGS_FILE, { force: true });
}

/** Marks the start of a test; phases timed until {@link endTest} belong to it. */
export function startTest(title: string, file: string): void {
  current = { title, file, worker: process.env.MOCHA_WORKER_ID ?? 'main', startedAt: Date.now(), phases: {} };
}

/** Marks the end of the current test (after its afterEach hooks, which close the session) and records it. */
export function endTest(): void {
  if (!current) return;
  const timing: TestTiming = { ...current, totalMs: Date.now() - current.startedAt };
  current = undefined;
  mkdirSync(dirname(TIMINGS_FILE), { recursive: true });
  appendFileSync(TIMINGS_FILE, `${JSON.stringify(timing)}\n`);
}

/** Runs `work` and adds its wall time to phase `name` of the current test. */
export async function timePhase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const test = current;
  const started = Date.now();
  try {
    return await work();
  } finally {
    if (test) test.phases[name] = (test.phases[name] ?? 0) + Date.now() - started;
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** The recorded timings, oldest first; empty when no test finished. */
function readTimings(): TestTiming[] {
  let text: string;
  try {
    text = readFileSync(TIMINGS_FILE, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TestTiming)
    .sort((a, b) => a.startedAt - b.startedAt);
}

/**
 * One line per test (total, then each phase, then what is left: the test body) and the suite's
 * sums per phase, so a slow setup or teardown shows up in the CI log; empty when no test finished.
 */
export function timingReport(): string {
  const timings = readTimings();
  if (timings.length === 0) return '';
  const sums = new Map<string, number>();
  const lines = timings.map((test) => {
    const phases = Object.entries(test.phases);
    const body = test.totalMs - phases.reduce((sum, [, ms]) => sum + ms, 0);
    for (const [name, ms] of [...phases, ['test body', body] as const]) sums.set(name, (sums.get(name) ?? 0) + ms);
    const parts = [...phases.map(([name, ms]) => `${name} ${seconds(ms)}`), `body ${seconds(body)}`].join(', ');
    return `  ${seconds(test.totalMs).padStart(7)}  [${test.worker}] ${test.file}: ${test.title.slice(0, 60)}  (${parts})`;
  });
  const inTests = timings.reduce((sum, test) => sum + test.totalMs, 0);
  const wall = Math.max(...timings.map((t) => t.startedAt + t.totalMs)) - Math.min(...timings.map((t) => t.startedAt));
  const sumLine = [...sums].map(([name, ms]) => `${name} ${seconds(ms)}`).join(', ');
  return [
    `workbench timings: ${timings.length} tests, ${seconds(inTests)} in tests, ${seconds(wall)} from the first start to the last end`,
    ...lines,
    `  sums: ${sumLine}`,
  ].join('\n');
}
