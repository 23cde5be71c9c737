// The Timeline tab: an SVG Gantt of attempts and their waits, one lane per agent slot, with a time
// axis, a now-line while something runs, a legend, and keyboard focus on the segments.
import { h, type ComponentChild } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TaskView } from '../../src/protocol/graph.js';
import type { TimelineSegment, TimelineView } from '../../src/protocol/timeline.js';
import { formatDuration } from '../graph/statusStyle.js';
import { ATTEMPT_STYLE, segmentStyle, tickLabel, tickStep, WAIT_STYLE, type SegmentStyle } from './segmentStyle.js';
import './timeline.css';

const LABEL_WIDTH = 160;
const LANE_HEIGHT = 24;
const AXIS_HEIGHT = 20;
const BAR_HEIGHT = 16;
const WAIT_HEIGHT = 8;
const RIGHT_PAD = 32;
/** How often a running segment grows. */
const TICK_MS = 1000;

/** Props of the tab. */
export interface TimelinePanelProps {
  timeline: TimelineView | undefined;
  /** For titles in the tooltip. */
  tasks: readonly TaskView[];
  selected: string | undefined;
  /** Click or Enter on a segment: show the task's details. */
  onOpen: (taskId: string) => void;
}

interface Scale {
  t0: number;
  spanMs: number;
  width: number;
  x(t: number): number;
}

/** The Gantt with its legend and the line that describes the hovered or focused segment. */
export function TimelinePanel({ timeline, tasks, selected, onOpen }: TimelinePanelProps): ComponentChild {
  const segments = timeline?.segments ?? [];
  const lanes = timeline?.lanes ?? [];
  const running = useMemo(() => segments.some((s) => s.end === undefined), [timeline]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!running) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [running]);
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    const measure = (): void => setWidth(Math.max(400, el.clientWidth));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keyboard order: by start, then lane.
  const order = useMemo(
    () => segments.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start || a.s.lane - b.s.lane),
    [timeline],
  );
  const titles = useMemo(() => new Map(tasks.map((t) => [t.id, t.title])), [tasks]);
  const [focus, setFocus] = useState(0);
  const [hover, setHover] = useState<number | undefined>(undefined);
  const [active, setActive] = useState(false);
  const svg = useRef<SVGSVGElement>(null);
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    svg.current?.querySelector<SVGGElement>(`[data-order="${focus}"]`)?.focus();
  }, [focus]);

  const lastEnd = segments.reduce((m, s) => Math.max(m, s.end ?? (running ? now : s.start)), 0);
  const t0 = segments.reduce((m, s) => Math.min(m, s.start), Number.POSITIVE_INFINITY);
  const raw = Math.max(1000, lastEnd - t0);
  const step = tickStep(raw);
  // Rounded up to a whole tick, so the axis keeps still while a running segment grows.
  const spanMs = Math.ceil(raw / step) * step;
  const scale = useMemo<Scale>(
    () => ({
      t0,
      spanMs,
      width,
      x: (t) => LABEL_WIDTH + ((t - t0) / spanMs) * (width - LABEL_WIDTH - RIGHT_PAD),
    }),
    [t0, spanMs, width],
  );
  const height = AXIS_HEIGHT + lanes.length * LANE_HEIGHT + 4;

  const describe = (k: number | undefined): string => {
    const entry = k === undefined ? undefined : order[k];
    if (!entry) return 'Hover or focus a segment for its task and duration; Enter or a click opens the task.';
    const s = entry.s;
    const ms = (s.end ?? now) - s.start;
    const lane = lanes[s.lane]?.label ?? s.agentId;
    const detail = s.detail !== undefined ? ` (${s.detail})` : '';
    return `${titles.get(s.taskId) ?? s.taskId} · attempt ${s.attempt} · ${segmentStyle(s).label}${detail} · ${formatDuration(ms)} · ${lane}`;
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (order.length === 0) return;
    if (e.key === 'Enter' || e.key === ' ') {
      const entry = order[focus];
      if (entry) onOpen(entry.s.taskId);
      e.preventDefault();
      return;
    }
    const next = keyTarget(e.key, focus, order);
    if (next === undefined) return;
    e.preventDefault();
    moved.current = true;
    setFocus(next);
  };

  // Finished segments change only with the timeline or the scale; running ones grow every tick.
  const bar = (k: number, s: TimelineSegment): ComponentChild =>
    segmentBar(k, s, scale, now, k === focus, s.taskId === selected, describe(k), {
      onOpen,
      onFocus: () => (setFocus(k), setActive(true)),
      onBlur: () => setActive(false),
      onHover: (over) => setHover(over ? k : undefined),
    });
  const finished = useMemo(
    () => order.map(({ s }, k) => (s.end === undefined ? null : bar(k, s))),
    [order, scale, focus, selected, titles],
  );
  const live = order.map(({ s }, k) => (s.end === undefined ? bar(k, s) : null));

  return h(
    'section',
    { class: 'timeline', 'data-testid': 'timeline' },
    h(HatchPatterns, null),
    h(Legend, null),
    h(
      'p',
      { class: 'timeline-info muted', 'aria-live': 'polite', 'data-testid': 'timeline-info' },
      describe(hover ?? (active ? focus : undefined)),
    ),
    h(
      'div',
      { class: 'timeline-scroll', ref: scroller },
      segments.length === 0
        ? h('p', { class: 'muted' }, 'No attempt has started yet.')
        : h(
            'svg',
            {
              ref: svg,
              class: 'timeline-canvas',
              width,
              height,
              role: 'group',
              'aria-label': `Timeline: ${segments.length} segments on ${lanes.length} lanes`,
              'data-testid': 'timeline-canvas',
              onKeyDown,
            },
            axis(scale, height),
            lanes.map((lane) =>
              h(
                'g',
                { key: `lane-${lane.index}`, 'data-lane': lane.label },
                h('line', {
                  class: 'lane-rule',
                  x1: 0,
                  x2: width,
                  y1: laneTop(lane.index) + LANE_HEIGHT,
                  y2: laneTop(lane.index) + LANE_HEIGHT,
                }),
                h(
                  'text',
                  { class: `lane-label ${lane.kind}`, x: 4, y: laneTop(lane.index) + LANE_HEIGHT / 2 + 4 },
                  lane.label,
                ),
              ),
            ),
            finished,
            live,
            running
              ? h('line', {
                  class: 'now-line',
                  'data-testid': 'now-line',
                  x1: scale.x(now),
                  x2: scale.x(now),
                  y1: AXIS_HEIGHT - 4,
                  y2: height,
                })
              : null,
          ),
    ),
  );
}

function laneTop(index: number): number {
  return AXIS_HEIGHT + index * LANE_HEIGHT;
}

function segmentBar(
  k: number,
  s: TimelineSegment,
  scale: Scale,
  now: number,
  focused: boolean,
  selected: boolean,
  label: string,
  on: {
    onOpen: (taskId: string) => void;
    onFocus: () => void;
    onBlur: () => void;
    onHover: (over: boolean) => void;
  },
): ComponentChild {
  const style: SegmentStyle = segmentStyle(s);
  const x = scale.x(s.start);
  const w = Math.max(2, scale.x(s.end ?? now) - x);
  const isWait = s.kind !== 'attempt';
  const barHeight = isWait && s.kind !== 'lock' && s.kind !== 'budget' ? WAIT_HEIGHT : BAR_HEIGHT;
  const y = laneTop(s.lane) + (LANE_HEIGHT - barHeight) / 2;
  return h(
    'g',
    {
      key: `${s.kind}:${s.taskId}#${s.attempt}@${s.start}`,
      class: `segment${selected ? ' selected' : ''}`,
      tabindex: focused ? 0 : -1,
      role: 'button',
      'aria-label': label,
      'data-order': k,
      'data-task-id': s.taskId,
      'data-kind': s.kind,
      'data-testid': 'segment',
      onClick: () => on.onOpen(s.taskId),
      onFocus: on.onFocus,
      onBlur: on.onBlur,
      onMouseEnter: () => on.onHover(true),
      onMouseLeave: () => on.onHover(false),
    },
    h('title', null, label),
    h('rect', { class: style.className, x, y, width: w, height: barHeight, rx: 2 }),
  );
}

function axis(scale: Scale, height: number): ComponentChild {
  const step = tickStep(scale.spanMs);
  const ticks: ComponentChild[] = [];
  for (let t = 0; t <= scale.spanMs; t += step) {
    const x = scale.x(scale.t0 + t);
    ticks.push(
      h(
        'g',
        { key: t },
        h('line', { class: 'tick', x1: x, x2: x, y1: AXIS_HEIGHT - 4, y2: height }),
        h('text', { class: 'tick-label', x: x + 2, y: AXIS_HEIGHT - 8 }, tickLabel(t)),
      ),
    );
  }
  return h('g', { class: 'axis', 'aria-hidden': 'true' }, ticks);
}

/** The segment a key moves the focus to: along time (left, right, Home, End) or to the lane above or below. */
function keyTarget(key: string, focus: number, order: readonly { s: TimelineSegment }[]): number | undefined {
  switch (key) {
    case 'ArrowRight':
      return Math.min(order.length - 1, focus + 1);
    case 'ArrowLeft':
      return Math.max(0, focus - 1);
    case 'Home':
      return 0;
    case 'End':
      return order.length - 1;
    case 'ArrowDown':
      return nearestInLane(order, focus, 1);
    case 'ArrowUp':
      return nearestInLane(order, focus, -1);
    default:
      return undefined;
  }
}

/** The next segment up or down: the lane above or below whose segment starts nearest in time. */
function nearestInLane(order: readonly { s: TimelineSegment }[], from: number, direction: 1 | -1): number {
  const current = order[from];
  if (!current) return from;
  let best = from;
  let bestScore = Number.POSITIVE_INFINITY;
  order.forEach(({ s }, k) => {
    const lanes = (s.lane - current.s.lane) * direction;
    if (lanes <= 0) return;
    const score = lanes * 1e15 + Math.abs(s.start - current.s.start);
    if (score < bestScore) [best, bestScore] = [k, score];
  });
  return best;
}

/** The hatch of each kind of wait, referenced by the CSS of the bars and the legend. */
function HatchPatterns(): ComponentChild {
  const pattern = (id: string, rotate: number, cross = false): ComponentChild =>
    h(
      'pattern',
      { id: `hatch-${id}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: `rotate(${rotate})` },
      h('rect', { class: 'hatch-bg', width: 6, height: 6 }),
      h('line', { class: `hatch-${id}`, x1: 1, y1: 0, x2: 1, y2: 6, 'stroke-width': 2.5 }),
      cross ? h('line', { class: `hatch-${id}`, x1: 0, y1: 3, x2: 6, y2: 3, 'stroke-width': 1.5 }) : null,
    );
  return h(
    'svg',
    { width: 0, height: 0, 'aria-hidden': 'true', style: { position: 'absolute' } },
    h(
      'defs',
      null,
      pattern('lock', 45),
      pattern('rateLimit', -45),
      pattern('approval', 0),
      pattern('budget', 45, true),
    ),
  );
}

function Legend(): ComponentChild {
  const swatch = (style: SegmentStyle): ComponentChild =>
    h(
      'span',
      { key: style.className },
      h(
        'svg',
        { width: 22, height: 12, 'aria-hidden': 'true' },
        h('rect', { class: style.className, width: 22, height: 12 }),
      ),
      style.label,
    );
  return h(
    'div',
    { class: 'timeline-legend', 'data-testid': 'timeline-legend' },
    Object.values(ATTEMPT_STYLE).map(swatch),
    Object.values(WAIT_STYLE).map(swatch),
  );
}
