// The "Review" tab: every file the run changed, each expandable to its hunks as a unified diff,
// with Accept / Revert per hunk, Revert file and Open Diff. Buttons name files and hunks by the ids
// the host sent; the host resolves them and answers with the review as it is afterwards.
import { h, type ComponentChild } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ReviewFile, ReviewHunk, ReviewMessage } from '../../src/protocol/review.js';
import { Button } from '../toolkit.js';

/** Props of the review tab. */
export interface ReviewViewProps {
  runId: string;
  /** The last review the host sent (it may be of another run). */
  review: ReviewMessage | undefined;
  onRequest: () => void;
  onDecide: (fileId: string, hunkId: string, decision: 'accept' | 'revert') => void;
  onRevertFile: (fileId: string) => void;
  onOpenDiff: (fileId: string) => void;
}

/** Files shown expanded when the review opens, if there are no more than this many. */
const EXPAND_UP_TO = 8;

const STATUS_LETTER: Record<ReviewFile['status'], string> = { added: 'A', modified: 'M', deleted: 'D' };

/** The review of the shown run; asks the host for it when shown and when the run changes. */
export function ReviewView(props: ReviewViewProps): ComponentChild {
  const { runId, review, onRequest } = props;
  const [expanded, setExpanded] = useState<ReadonlySet<string> | undefined>(undefined);
  const [decided, setDecided] = useState<ReadonlyMap<string, 'accept' | 'revert'>>(new Map());
  useEffect(() => onRequest(), [runId]);
  // A new review from the host replaces what the page assumed after a click.
  useEffect(() => setDecided(new Map()), [review]);
  if (!review || review.runId !== runId) return h('p', { class: 'muted', role: 'status' }, 'Computing the review…');
  const open = expanded ?? new Set(review.files.length <= EXPAND_UP_TO ? review.files.map((f) => f.fileId) : []);
  const toggle = (fileId: string): void => {
    const next = new Set(open);
    if (!next.delete(fileId)) next.add(fileId);
    setExpanded(next);
  };
  const decide = (fileId: string, hunkId: string, decision: 'accept' | 'revert'): void => {
    setDecided(new Map(decided).set(hunkId, decision));
    props.onDecide(fileId, hunkId, decision);
  };
  const added = review.files.reduce((n, f) => n + f.added, 0);
  const removed = review.files.reduce((n, f) => n + f.removed, 0);
  return h(
    'section',
    { class: 'review', 'data-testid': 'review', 'aria-label': 'Review of the run’s changes' },
    h(
      'div',
      { class: 'toolbar' },
      review.status === 'ready'
        ? h(
            'strong',
            { 'data-testid': 'review-summary' },
            `${count(review.files.length + review.moreFiles, 'file')} changed, +${added} −${removed}`,
          )
        : null,
      h(Button, { onClick: onRequest, secondary: true, testId: 'review-refresh', children: 'Refresh' }),
      review.readOnly ? h('span', { class: 'muted' }, 'Read-only while the run runs.') : null,
    ),
    h('p', { class: 'review-note', role: 'status', 'aria-live': 'polite', 'data-testid': 'review-note' }, review.note),
    h(
      'ul',
      { class: 'review-files' },
      review.files.map((file) =>
        h(FileEntry, {
          key: file.fileId,
          file,
          open: open.has(file.fileId),
          readOnly: review.readOnly,
          decided,
          onToggle: () => toggle(file.fileId),
          onDecide: (hunkId, decision) => decide(file.fileId, hunkId, decision),
          onRevertFile: () => props.onRevertFile(file.fileId),
          onOpenDiff: () => props.onOpenDiff(file.fileId),
        }),
      ),
    ),
    review.moreFiles > 0 ? h('p', { class: 'muted' }, `${count(review.moreFiles, 'more file')} not shown.`) : null,
  );
}

function FileEntry(props: {
  file: ReviewFile;
  open: boolean;
  readOnly: boolean;
  decided: ReadonlyMap<string, 'accept' | 'revert'>;
  onToggle: () => void;
  onDecide: (hunkId: string, decision: 'accept' | 'revert') => void;
  onRevertFile: () => void;
  onOpenDiff: () => void;
}): ComponentChild {
  const { file } = props;
  const hunksId = `hunks-${file.fileId}`;
  return h(
    'li',
    { class: 'review-file', 'data-file-id': file.fileId },
    h(
      'div',
      { class: 'review-file-head' },
      h(
        'button',
        {
          class: 'review-toggle',
          'aria-expanded': props.open ? 'true' : 'false',
          'aria-controls': hunksId,
          'data-testid': 'file-toggle',
          onClick: props.onToggle,
        },
        h('span', { class: `review-status review-${file.status}`, title: file.status }, STATUS_LETTER[file.status]),
        ` ${file.path} `,
        h('span', { class: 'review-added' }, `+${file.added}`),
        ' ',
        h('span', { class: 'review-removed' }, `−${file.removed}`),
      ),
      file.tasks.length > 0 ? h('span', { class: 'muted' }, ` tasks ${file.tasks.join(', ')}`) : null,
      h(
        'span',
        { class: 'actions' },
        h(Button, { onClick: props.onOpenDiff, secondary: true, testId: 'review-open-diff', children: 'Open Diff' }),
        h(Button, {
          onClick: props.onRevertFile,
          secondary: true,
          disabled: props.readOnly,
          testId: 'revert-file',
          title: file.status === 'added' ? 'Delete the file the run created' : 'Put the whole file back as it was',
          children: 'Revert File',
        }),
      ),
    ),
    props.open
      ? h(
          'div',
          { id: hunksId },
          file.note !== undefined ? h('p', { class: 'muted' }, file.note) : null,
          file.hunks.map((hunk) =>
            h(HunkEntry, {
              key: hunk.hunkId,
              hunk,
              readOnly: props.readOnly,
              decided: props.decided.get(hunk.hunkId),
              onDecide: (decision) => props.onDecide(hunk.hunkId, decision),
            }),
          ),
          file.moreHunks > 0
            ? h('p', { class: 'muted' }, `${count(file.moreHunks, 'more hunk')}: open the diff.`)
            : null,
        )
      : null,
  );
}

function HunkEntry(props: {
  hunk: ReviewHunk;
  readOnly: boolean;
  decided: 'accept' | 'revert' | undefined;
  onDecide: (decision: 'accept' | 'revert') => void;
}): ComponentChild {
  const { hunk, decided } = props;
  const kept = hunk.accepted || decided === 'accept';
  const busy = decided === 'revert';
  const range = `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`;
  return h(
    'div',
    {
      class: `review-hunk${kept ? ' review-kept' : ''}`,
      'data-hunk-id': hunk.hunkId,
      'data-accepted': kept ? 'true' : 'false',
      role: 'group',
      'aria-label': `Change ${range}${kept ? ', kept' : ''}`,
    },
    h(
      'div',
      { class: 'review-hunk-head' },
      h('code', { class: 'muted' }, range),
      kept ? h('span', { class: 'review-badge', 'data-testid': 'kept' }, 'Kept') : null,
      busy ? h('span', { class: 'muted' }, 'Reverting…') : null,
      h(
        'span',
        { class: 'actions' },
        h(Button, {
          onClick: () => props.onDecide('accept'),
          disabled: props.readOnly || kept || busy,
          testId: 'hunk-accept',
          children: 'Accept',
        }),
        h(Button, {
          onClick: () => props.onDecide('revert'),
          secondary: true,
          disabled: props.readOnly || busy,
          testId: 'hunk-revert',
          children: 'Revert',
        }),
      ),
    ),
    h(
      'pre',
      { class: 'review-lines' },
      hunk.lines.map((line, n) =>
        h(
          'div',
          { key: n, class: `review-line review-line-${line.kind}` },
          line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '- ' : '  ',
          line.text,
        ),
      ),
      hunk.moreLines > 0 ? h('div', { class: 'muted' }, `… ${count(hunk.moreLines, 'more line')}`) : null,
    ),
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Statuses a run ends in. */
const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/** "Review changes": offered once when the shown run goes from running to ended. */
export function ReviewPrompt(props: { runId: string; status: string; onOpen: () => void }): ComponentChild {
  const last = useRef<{ runId: string; status: string } | undefined>(undefined);
  const [offered, setOffered] = useState<string | undefined>(undefined);
  useEffect(() => {
    const before = last.current;
    last.current = { runId: props.runId, status: props.status };
    if (before?.runId === props.runId && !ENDED.has(before.status) && ENDED.has(props.status)) setOffered(props.runId);
  }, [props.runId, props.status]);
  if (offered !== props.runId) return null;
  return h(
    'span',
    { class: 'review-prompt', role: 'status', 'data-testid': 'review-prompt' },
    'The run has ended. ',
    h(Button, {
      onClick: () => {
        setOffered(undefined);
        props.onOpen();
      },
      testId: 'review-changes',
      children: 'Review changes',
    }),
  );
}
