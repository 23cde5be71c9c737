import type { RunEventBody } from '../model/runEvents';

/** A number that only goes up. */
export interface Counter {
  /** Adds `n` (default 1, never negative). */
  add(n?: number): void;
}

/** A distribution summarised as count, sum, min and max. */
export interface Histogram {
  /** Records one observation. */
  record(value: number): void;
}

/** Summary of one histogram. */
export interface HistogramStats {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Totals since the metrics were created. */
export interface MetricsSnapshot {
  counters: Record<string, number>;
  histograms: Record<string, HistogramStats>;
}

/** Counters and histograms of a run; `flush` writes them as one `metrics` run event. */
export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, HistogramStats>();
  private dirty = false;
  /** Instruments handed out, by name: asking again on a hot path allocates nothing. */
  private readonly counterHandles = new Map<string, Counter>();
  private readonly histogramHandles = new Map<string, Histogram>();

  constructor(private readonly emit: (body: RunEventBody) => void) {}

  /** The counter called `name` (created at 0 on first use). */
  counter(name: string): Counter {
    const known = this.counterHandles.get(name);
    if (known) return known;
    requireName(name);
    const counter: Counter = {
      add: (n = 1) => {
        if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
          throw new RangeError(
            `Counter "${name}" can only grow by a finite number >= 0, got ${String(n)}; use a histogram for values that go down.`,
          );
        }
        this.counters.set(name, (this.counters.get(name) ?? 0) + n);
        if (n > 0) this.dirty = true;
      },
    };
    this.counterHandles.set(name, counter);
    return counter;
  }

  /** The histogram called `name`. */
  histogram(name: string): Histogram {
    const known = this.histogramHandles.get(name);
    if (known) return known;
    requireName(name);
    const histogram: Histogram = {
      record: (value) => {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new RangeError(`Histogram "${name}" needs a finite number, got ${String(value)}.`);
        }
        const h = this.histograms.get(name);
        if (h) {
          h.count++;
          h.sum += value;
          h.min = Math.min(h.min, value);
          h.max = Math.max(h.max, value);
        } else {
          this.histograms.set(name, { count: 1, sum: value, min: value, max: value });
        }
        this.dirty = true;
      },
    };
    this.histogramHandles.set(name, histogram);
    return histogram;
  }

  /** Current totals (copies). */
  snapshot(): MetricsSnapshot {
    const histograms: Record<string, HistogramStats> = {};
    for (const [name, h] of this.histograms) histograms[name] = { ...h };
    return { counters: Object.fromEntries(this.counters), histograms };
  }

  /** Emits one `metrics` event with every total if anything changed since the last flush; returns whether it did. */
  flush(): boolean {
    if (!this.dirty) return false;
    this.dirty = false;
    this.emit({ type: 'metrics', ...this.snapshot() });
    return true;
  }
}

function requireName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError(`A metric needs a non-empty name, got ${JSON.stringify(name)}.`);
}
