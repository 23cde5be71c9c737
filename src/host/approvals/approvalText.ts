// What the approval UI says (diff titles, CodeLens titles, review list rows, messages), free of
// `vscode` so it can be unit-tested. Strings go through the `Localize` function the host passes in.
// Every text an agent chose (paths, agent ids, task labels, changed lines) goes through
// `visibleText` first, so control, bidi and zero-width characters show as escapes (checklist 30).
import { neutralisedMarker, neutraliseText, visibleText } from '../../core/common/visibleText';
import type { EditProposal } from '../../core/tools/approvalPort';
import type { HunkStats, LineHunk } from './hunks';
import type { HunkState } from './pendingEdits';

/** `vscode.l10n.t` in the host, {@link formatText} in tests (same shape as the run tree's). */
export type Localize = (message: string, ...args: Array<string | number | boolean>) => string;

/** Fills `{0}`, `{1}`, … like `vscode.l10n.t` does, without translating. */
export const formatText: Localize = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });

/** The title of the box that asks why an edit is rejected: the file and the task, so it is clear which. */
export function rejectTitle(t: Localize, path: string, taskLabel: string): string {
  return t('Reject the edit of {0} for task {1}', visibleText(path), visibleText(taskLabel));
}

/** What an approval command is about to do, for the "which edit?" question. */
export type EditAction = 'accept' | 'reject' | 'open';

/** The title of the question a command asks when it was not invoked from a proposal. */
export function whichEditTitle(t: Localize, action: EditAction): string {
  return action === 'accept'
    ? t('Accept which edit?')
    : action === 'reject'
      ? t('Reject which edit?')
      : t('Open which edit?');
}

/** One answer to "which edit?": the file, then the task and agent, and whether the active editor shows it. */
export function whichEditItem(
  t: Localize,
  proposal: EditProposal,
  taskLabel: string,
  inActiveEditor: boolean,
): { label: string; description: string; detail: string } {
  const task = t('task {0}', visibleText(taskLabel));
  return {
    label: `${proposal.protected ? '$(warning)' : '$(diff)'} ${visibleText(proposal.path)}`,
    description: inActiveEditor ? t('{0} · in the active editor', task) : task,
    detail: t('proposed by {0} · run {1}', visibleText(proposal.agentId), visibleText(proposal.runId)),
  };
}

/** Says that a proposal opened behind the diff being read, naming its file and task. */
export function waitingBehindMessage(t: Localize, proposal: EditProposal, taskLabel: string): string {
  return t(
    'Another edit waits for your review: {0} for task {1}. It opened in a background tab; the diff you are reading stays in front.',
    visibleText(proposal.path),
    visibleText(taskLabel),
  );
}

/** The title and command of one CodeLens above a hunk. */
export interface HunkLens {
  title: string;
  /** What clicking does; undefined for a plain label. */
  action: 'accept' | 'reject' | undefined;
}

/** The diff editor's title: "src/a.ts (Proposed by coder for Add login)". */
export function diffTitle(t: Localize, proposal: EditProposal, taskLabel: string): string {
  if (proposal.after === undefined) {
    return proposal.protected
      ? t(
          '{0} (Protected — deletion proposed by {1} for {2})',
          visibleText(proposal.path),
          visibleText(proposal.agentId),
          visibleText(taskLabel),
        )
      : t(
          '{0} (Deletion proposed by {1} for {2})',
          visibleText(proposal.path),
          visibleText(proposal.agentId),
          visibleText(taskLabel),
        );
  }
  return proposal.protected
    ? t(
        '{0} (Protected — proposed by {1} for {2})',
        visibleText(proposal.path),
        visibleText(proposal.agentId),
        visibleText(taskLabel),
      )
    : t(
        '{0} (Proposed by {1} for {2})',
        visibleText(proposal.path),
        visibleText(proposal.agentId),
        visibleText(taskLabel),
      );
}

/** The CodeLenses above one hunk: Accept/Reject while undecided, the decision and an Undo after. */
export function hunkLenses(t: Localize, state: HunkState, eolOnly: boolean): HunkLens[] {
  const lenses: HunkLens[] =
    state === 'accepted'
      ? [{ title: t('✓ Accepted — Undo'), action: 'accept' }]
      : state === 'rejected'
        ? [{ title: t('✗ Rejected — Undo'), action: 'reject' }]
        : [
            { title: t('Accept change'), action: 'accept' },
            { title: t('Reject change'), action: 'reject' },
          ];
  if (eolOnly) lenses.push({ title: t('(line endings only)'), action: undefined });
  return lenses;
}

/** The warning shown when a protected path asks, whatever the approval mode. */
export function protectedWarning(t: Localize, proposal: EditProposal, autoApprove: boolean): string {
  return autoApprove
    ? t(
        '{0} is a protected path: needs your approval even with auto-approve. Proposed by {1}.',
        visibleText(proposal.path),
        visibleText(proposal.agentId),
      )
    : t(
        '{0} is a protected path: review this edit by {1} with care.',
        visibleText(proposal.path),
        visibleText(proposal.agentId),
      );
}

/** Shown at accept time when the file on disk is no longer what the agent saw. */
export function staleMessage(t: Localize, path: string): string {
  return t('{0} changed since the agent proposed this edit; the agent will re-propose.', visibleText(path));
}

/** Shown when accepting would overwrite unsaved changes in an open editor. */
export function dirtyMessage(t: Localize, path: string): string {
  return t('{0} has unsaved changes. Save or revert them, then accept the edit again.', visibleText(path));
}

/** "+12 −3", plus a mark when the user changed the proposal. */
export function statsText(t: Localize, stats: HunkStats, edited: boolean): string {
  const counts = `+${stats.added} −${stats.removed}`;
  return edited ? t('{0} · edited by you', counts) : counts;
}

/** The review list's second line for one edit: task, agent, and protection. */
export function reviewDetail(t: Localize, proposal: EditProposal, taskLabel: string): string {
  const what = proposal.after === undefined ? t('delete') : proposal.before === undefined ? t('create') : t('edit');
  return proposal.protected
    ? t('{0} · task {1} · agent {2} · protected path', what, visibleText(taskLabel), visibleText(proposal.agentId))
    : t('{0} · task {1} · agent {2}', what, visibleText(taskLabel), visibleText(proposal.agentId));
}

/** A hunk in the "Choose Changes…" list: where it is in the proposal, its size, and its first changed line. */
export function hunkChoiceText(t: Localize, hunk: LineHunk): { label: string; detail: string } {
  const first = hunk.afterStart + 1;
  const last = hunk.afterStart + hunk.afterLines.length;
  const where =
    hunk.afterLines.length > 0
      ? first === last
        ? t('Line {0}', first)
        : t('Lines {0}–{1}', first, last)
      : hunk.afterStart === 0
        ? t('Deleted at the start')
        : t('Deleted after line {0}', hunk.afterStart);
  const raw = (hunk.afterLines[0] ?? hunk.beforeLines[0] ?? '').replace(/\r?\n$/, '').trim();
  const { text: sample, neutralised } = neutraliseText(raw);
  const cut = sample.length > 80 ? `${sample.slice(0, 79)}…` : sample;
  const shown = neutralised > 0 ? `${cut} [${neutralisedMarker(neutralised)}]` : cut;
  const sign = hunk.afterLines.length === 0 ? '−' : '+';
  return {
    label: `${where}: +${hunk.afterLines.length} −${hunk.beforeLines.length}${hunk.eolOnly ? ` ${t('(line endings only)')}` : ''}`,
    detail: shown === '' ? t('(blank line)') : `${sign} ${shown}`,
  };
}
