// How each segment of the timeline looks: a theme colour, a fill (waits are hatched), and a word
// (never colour alone). Also the time axis: "nice" tick steps and their labels.
import type { SegmentKind, TimelineSegment } from '../../src/protocol/timeline.js';

/** The look of one kind of segment. */
export interface SegmentStyle {
  /** Matches a class in timeline.css. */
  className: string;
  /** The word for the legend and the tooltip. */
  label: string;
}

/** Attempts, by how they ended (running while they have no end). */
export const ATTEMPT_STYLE: Record<'running' | NonNullable<TimelineSegment['outcome']>, SegmentStyle> = {
  running: { className: 'seg-running', label: 'running' },
  succeeded: { className: 'seg-succeeded', label: 'succeeded' },
  failed: { className: 'seg-failed', label: 'failed' },
  cancelled: { className: 'seg-cancelled', label: 'cancelled' },
};

/** Waits, each with its own hatch pattern and colour. */
export const WAIT_STYLE: Record<Exclude<SegmentKind, 'attempt'>, SegmentStyle> = {
  lock: { className: 'wait-lock', label: 'waiting for a file lock' },
  rateLimit: { className: 'wait-rateLimit', label: 'waiting for the rate limit' },
  approval: { className: 'wait-approval', label: 'waiting for approval' },
  budget: { className: 'wait-budget', label: 'waiting for budget' },
};

/** The style of a segment. */
export function segmentStyle(s: TimelineSegment): SegmentStyle {
  if (s.kind !== 'attempt') return WAIT_STYLE[s.kind];
  return ATTEMPT_STYLE[s.end === undefined ? 'running' : (s.outcome ?? 'succeeded')];
}

const STEPS_MS = [
  100, 250, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

/** A tick step that puts about `count` ticks over `spanMs`. */
export function tickStep(spanMs: number, count = 8): number {
  const wanted = spanMs / count;
  return STEPS_MS.find((s) => s >= wanted) ?? STEPS_MS[STEPS_MS.length - 1]!;
}

/** A tick's label: time since the first start, "0s", "1m 30s", "2h 05m". */
export function tickLabel(ms: number): string {
  if (ms < 1_000 && ms > 0) return `${(ms / 1000).toFixed(2).replace(/0+$/, '')}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? ` ${String(s % 60).padStart(2, '0')}s` : ''}`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
