// The run's log: a virtualised list (only the visible rows are in the DOM) with filters by level,
// task, agent and text, follow-tail, and Copy of the lines shown.
import { h, type ComponentChild } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogLine } from '../../src/protocol/logs.js';
import { Button } from '../toolkit.js';
import {
  filterLogLines,
  LOG_LEVELS,
  logLineText,
  logSources,
  NO_LOG_FILTER,
  type LogFilter,
  type LogLevel,
} from './logFilter.js';

/** Height of one row in pixels; the CSS uses the same. */
export const ROW_HEIGHT = 20;
/** Rows rendered above and below the visible ones. */
const OVERSCAN = 10;

/** The log with its filters. */
export function LogView({ lines }: { lines: readonly LogLine[] }): ComponentChild {
  const [filter, setFilter] = useState<LogFilter>(NO_LOG_FILTER);
  const [follow, setFollow] = useState(true);
  const [copied, setCopied] = useState('');
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const scroller = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => filterLogLines(lines, filter), [lines, filter]);
  const sources = useMemo(() => logSources(lines), [lines]);
  const change = (patch: Partial<LogFilter>): void => setFilter((f) => ({ ...f, ...patch }));

  // Following: every render with new lines ends scrolled to the last one.
  useEffect(() => {
    const el = scroller.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [follow, shown]);

  // A filter that shortens the list leaves the last scroll position past its end until the next
  // scroll event: draw the rows the browser will show there (the end), not an empty window.
  const top = Math.min(scrollTop, Math.max(0, shown.length * ROW_HEIGHT - height));
  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
  const copy = async (): Promise<void> => {
    const text = shown.map(logLineText).join('\n');
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${shown.length} lines.`);
    } catch {
      setCopied('Copying was refused; select the lines and press Ctrl+C instead.');
    }
  };

  return h(
    'section',
    { class: 'logs' },
    h(
      'div',
      { class: 'log-filters', role: 'toolbar', 'aria-label': 'Log filters' },
      choice('Level', 'log-level', filter.minLevel, [...LOG_LEVELS], (v) => change({ minLevel: v as LogLevel }), {
        all: 'trace',
        format: (v) => (v === 'trace' ? 'All levels' : `${v} and above`),
      }),
      choice('Task', 'log-task', filter.taskId, sources.taskIds, (v) => change({ taskId: v }), { all: '' }),
      choice('Agent', 'log-agent', filter.agentId, sources.agentIds, (v) => change({ agentId: v }), { all: '' }),
      h('input', {
        class: 'filter',
        placeholder: 'Filter the log',
        'aria-label': 'Filter the log by text',
        'data-testid': 'log-filter',
        value: filter.text,
        onInput: (e: Event) => change({ text: (e.currentTarget as HTMLInputElement).value }),
      }),
      h(
        'label',
        { class: 'follow' },
        h('input', {
          type: 'checkbox',
          checked: follow,
          'data-testid': 'log-follow',
          onChange: (e: Event) => setFollow((e.currentTarget as HTMLInputElement).checked),
        }),
        ' Follow',
      ),
      h(Button, {
        onClick: () => void copy(),
        secondary: true,
        testId: 'log-copy',
        title: 'Copy the lines shown',
        children: 'Copy',
      }),
      h(
        'span',
        { class: 'muted', 'data-testid': 'log-count', 'aria-live': 'polite' },
        `${shown.length} of ${lines.length} lines`,
      ),
      copied ? h('span', { class: 'muted', 'data-testid': 'log-copied' }, copied) : null,
    ),
    h(
      'div',
      {
        class: 'log-scroll',
        'data-testid': 'log-scroll',
        tabindex: 0,
        role: 'log',
        'aria-label': 'Run log',
        ref: (el: HTMLDivElement | null) => {
          scroller.current = el;
          if (el && el.clientHeight > 0 && el.clientHeight !== height) setHeight(el.clientHeight);
        },
        onScroll: (e: Event) => {
          const el = e.currentTarget as HTMLDivElement;
          setScrollTop(el.scrollTop);
          // Scrolling up stops following; scrolling back to the end follows again.
          const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
          if (atEnd !== follow) setFollow(atEnd);
        },
        onKeyDown: (e: KeyboardEvent) => {
          if (e.key === 'End') setFollow(true);
        },
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
            logLineText(line),
          ),
        ),
      ),
    ),
  );
}

/** A labelled select with an "any" entry first. */
function choice(
  label: string,
  testId: string,
  value: string,
  options: readonly string[],
  onChange: (value: string) => void,
  opts: { all: string; format?: (v: string) => string },
): ComponentChild {
  const values = opts.all === '' ? ['', ...options] : options;
  return h(
    'label',
    { class: 'log-choice' },
    `${label} `,
    h(
      'select',
      {
        'data-testid': testId,
        value,
        onChange: (e: Event) => onChange((e.currentTarget as HTMLSelectElement).value),
      },
      values.map((v) => h('option', { key: v, value: v }, opts.format ? opts.format(v) : v === '' ? 'Any' : v)),
    ),
  );
}
