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

/** The title of the box that asks why an edit is rejected. */
export function rejectTitle(t: Localize, path: string): string {
  return t('Reject the edit of {0}', visibleText(path));
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
