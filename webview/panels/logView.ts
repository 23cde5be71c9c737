// The run's log: a virtualised list (only the visible rows are in the DOM) with a text filter.
import { h, type ComponentChild } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { LogLine } from '../../src/protocol/logs.js';

/** Height of one row in pixels; the CSS uses the same. */
export const ROW_HEIGHT = 20;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 10;

/** The log with its filter. */
export function LogView({ lines }: { lines: readonly LogLine[] }): ComponentChild {
  const [filter, setFilter] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? lines.filter((l) => l.text.toLowerCase().includes(needle)) : lines;
  }, [lines, filter]);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return h(
    'section',
    { class: 'logs' },
    h('input', {
      class: 'filter',
      placeholder: 'Filter the log',
      'aria-label': 'Filter the log',
      'data-testid': 'log-filter',
      value: filter,
      onInput: (e: Event) => setFilter((e.currentTarget as HTMLInputElement).value),
    }),
    h('span', { class: 'muted', 'data-testid': 'log-count' }, `${shown.length} of ${lines.length} lines`),
    h(
      'div',
      {
        class: 'log-scroll',
        'data-testid': 'log-scroll',
        ref: (el: HTMLDivElement | null) => {
          if (el && el.clientHeight > 0 && el.clientHeight !== height) setHeight(el.clientHeight);
        },
        onScroll: (e: Event) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop),
      },
      h(
        'div',
        { style: { height: `${shown.length * ROW_HEIGHT}px`, position: 'relative' } },
        shown.slice(first, last).map((line, i) =>
          h(
            'div',
            {
              key: line.seq,
              class: `log-row level-${line.level}`,
              'data-testid': 'log-row',
              style: { top: `${(first + i) * ROW_HEIGHT}px` },
            },
            `${new Date(line.at).toISOString().slice(11, 19)} ${line.level.padEnd(5)} ${line.text}`,
          ),
        ),
      ),
    ),
  );
}
