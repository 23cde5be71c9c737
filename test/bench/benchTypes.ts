/** One measured figure of a benchmark, with the anchor it is compared against in the same run. */
export interface Figure {
  /** The benchmark this figure belongs to, e.g. `Makespan`. */
  benchmark: string;
  /** What was measured, e.g. `200 tasks, unlimited, ours in memory`. */
  measure: string;
  value: number;
  unit: string;
  /** The reference measured in the same run (a lower bound, LangGraph, raw git, the fs floor). */
  anchor?: { name: string; value: number };
  /** value / anchor (or the figure's own ratio where the value is already one). */
  ratio?: number;
  /** The target, as text (`≤ 1.2×`) and as a check of the figure. */
  target?: { text: string; met: boolean };
  /** How to reproduce this figure alone. */
  command: string;
  /** A note shown under the table (a scaled latency, a skipped part and why). */
  note?: string;
}

/** A point of the makespan plot: one DAG size, one engine. */
export interface MakespanPoint {
  engine: string;
  tasks: number;
  criticalPathMs: number;
  makespanMs: number;
}

/** What every section gets: quick mode shrinks sizes and repeats. */
export interface BenchOptions {
  quick: boolean;
  /** Prints progress lines. */
  log: (line: string) => void;
  /** Collects makespan points for the plot. */
  plot: MakespanPoint[];
}

/** One section of `npm run bench`; adding a section to the runner is one line. */
export interface BenchSection {
  name: string;
  run(options: BenchOptions): Promise<Figure[]>;
}

/** A figure's target as `≤ limit`. */
export function atMost(value: number, limit: number, unit = ''): { text: string; met: boolean } {
  return { text: `≤ ${limit.toLocaleString('en-US')}${unit}`, met: value <= limit };
}

/** A figure's target as `≥ limit`. */
export function atLeast(value: number, limit: number, unit = ''): { text: string; met: boolean } {
  return { text: `≥ ${limit.toLocaleString('en-US')}${unit}`, met: value >= limit };
}

/** Rounds for display and for the report: 3 significant decimals below 10, fewer above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  return Number(value.toFixed(digits));
}

/** A figure as the stand-alone benches print it (checkpointBench.ts): a target is a ratio to stay under. */
export interface PlainFigure {
  name: string;
  value: number;
  unit: string;
  anchor?: { name: string; value: number; unit?: string };
  ratio?: number;
  target?: number;
  command: string;
}

/** A section from a stand-alone bench that resolves with plain figures; `quick` picks its small size. */
export function plainSection(
  name: string,
  benchmark: string,
  run: (quick: boolean) => Promise<readonly PlainFigure[]>,
): BenchSection {
  return {
    name,
    async run(options) {
      return (await run(options.quick)).map((f) => ({
        benchmark,
        measure: f.name,
        value: round(f.value),
        unit: f.unit,
        ...(f.anchor ? { anchor: { name: f.anchor.name, value: round(f.anchor.value) } } : {}),
        ...(f.ratio !== undefined ? { ratio: round(f.ratio) } : {}),
        ...(f.target !== undefined && f.ratio !== undefined ? { target: atMost(f.ratio, f.target, '×') } : {}),
        command: f.command,
      }));
    },
  };
}
