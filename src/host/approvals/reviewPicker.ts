import * as vscode from 'vscode';
import { DisposableStore } from '../../core/common/disposable';
import { visibleText } from '../../core/common/visibleText';
import type { EditProposal } from '../../core/tools/approvalPort';
import { reviewDetail, statsText } from './approvalText';
import type { Localize } from './approvalText';
import type { HunkStats } from './hunks';

/** One pending edit as the review list shows it. */
export interface ReviewRow {
  proposal: EditProposal;
  stats: HunkStats;
  /** The user changed the proposal ("Edit Proposal…"). */
  edited: boolean;
  /** The task's title, or its id. */
  taskLabel: string;
}

/** What the review can do to pending edits; implemented by DiffApprovals. */
export interface ReviewActions {
  rows(runId: string | undefined): ReviewRow[];
  openDiff(approvalId: string): Promise<void>;
  accept(approvalId: string): Promise<unknown>;
  reject(approvalId: string): Promise<unknown>;
  editProposal(approvalId: string): Promise<void>;
  restoreProposal(approvalId: string): void;
  acceptAll(approvalIds: string[]): Promise<void>;
  rejectAll(approvalIds: string[]): Promise<void>;
  /** The edit's hunks, for choosing without CodeLenses. */
  hunkChoices(approvalId: string): HunkChoice[];
  /** Accepts exactly the hunks in `accepted` and rejects the others (the edit stays pending). */
  chooseHunks(approvalId: string, accepted: ReadonlySet<number>): void;
}

/** One hunk in the "Choose Changes…" list. */
export interface HunkChoice {
  index: number;
  label: string;
  detail: string;
  /** Not rejected so far. */
  accepted: boolean;
}

type Action = 'open' | 'accept' | 'reject' | 'edit' | 'restore' | 'choose';

type Choice = { kind: 'edit'; approvalId: string; action?: Action } | { kind: 'all'; accept: boolean };

interface EditItem extends vscode.QuickPickItem {
  choice?: Choice;
}

interface ActionButton extends vscode.QuickInputButton {
  action: Action;
}

/**
 * The run-wide review: a list of every pending edit (path, +/− lines, task, agent), then the
 * actions for the chosen one. Fully usable from the keyboard (Enter on an edit lists its actions);
 * the row buttons are a shortcut for the mouse. After Accept or Reject the list comes back until
 * nothing is pending or the user presses Escape.
 */
export async function reviewPendingEdits(actions: ReviewActions, t: Localize, runId?: string): Promise<void> {
  for (let first = true; ; first = false) {
    const rows = actions.rows(runId);
    if (rows.length === 0) {
      if (first) await vscode.window.showInformationMessage(t('No edits are waiting for your approval.'));
      return;
    }
    const choice = await pickEdit(rows, t);
    if (choice === undefined) return;
    if (choice.kind === 'all') {
      const ids = rows.map((r) => r.proposal.approvalId);
      await (choice.accept ? actions.acceptAll(ids) : actions.rejectAll(ids));
      continue;
    }
    let row = rows.find((r) => r.proposal.approvalId === choice.approvalId);
    let action = choice.action;
    // "Choose Changes…" comes back to this edit's actions, so Accept is one step away.
    while (
      row !== undefined &&
      (action ??= await pickAction(row, actions.hunkChoices(row.proposal.approvalId).length, t)) === 'choose'
    ) {
      await chooseHunks(actions, row, t);
      const id = row.proposal.approvalId;
      row = actions.rows(runId).find((r) => r.proposal.approvalId === id);
      action = undefined;
    }
    if (row === undefined || action === undefined) continue;
    const id = row.proposal.approvalId;
    if (action === 'open') return actions.openDiff(id);
    if (action === 'edit') return actions.editProposal(id);
    if (action === 'accept') await actions.accept(id);
    else if (action === 'reject') await actions.reject(id);
    else actions.restoreProposal(id);
  }
}

/** A multi-select list of the edit's hunks: checked ones are accepted, unchecked ones rejected. */
async function chooseHunks(actions: ReviewActions, row: ReviewRow, t: Localize): Promise<void> {
  const id = row.proposal.approvalId;
  const items = actions
    .hunkChoices(id)
    .map((h) => ({ label: h.label, detail: h.detail, picked: h.accepted, index: h.index }));
  const picked = await vscode.window.showQuickPick(items, {
    title: t('Choose the changes to accept in {0}', visibleText(row.proposal.path)),
    placeHolder: t('Checked changes are accepted, unchecked ones rejected'),
    canPickMany: true,
    matchOnDetail: true,
  });
  if (picked !== undefined) actions.chooseHunks(id, new Set(picked.map((p) => p.index)));
}

function pickEdit(rows: ReviewRow[], t: Localize): Promise<Choice | undefined> {
  const buttons: ActionButton[] = [
    { iconPath: new vscode.ThemeIcon('diff'), tooltip: t('Open Diff'), action: 'open' },
    { iconPath: new vscode.ThemeIcon('check'), tooltip: t('Accept'), action: 'accept' },
    { iconPath: new vscode.ThemeIcon('close'), tooltip: t('Reject…'), action: 'reject' },
  ];
  const items: EditItem[] = [];
  if (rows.length > 1) {
    items.push(
      { label: `$(check-all) ${t('Accept All ({0})', rows.length)}`, choice: { kind: 'all', accept: true } },
      { label: `$(close-all) ${t('Reject All ({0})…', rows.length)}`, choice: { kind: 'all', accept: false } },
    );
  }
  const runs = new Set(rows.map((r) => r.proposal.runId));
  let lastRun: string | undefined;
  for (const row of [...rows].sort((a, b) => a.proposal.runId.localeCompare(b.proposal.runId))) {
    const p = row.proposal;
    if (runs.size > 1 && p.runId !== lastRun)
      items.push({ label: t('Run {0}', visibleText(p.runId)), kind: vscode.QuickPickItemKind.Separator });
    lastRun = p.runId;
    items.push({
      label: `${p.protected ? '$(warning)' : '$(diff)'} ${visibleText(p.path)}`,
      description: statsText(t, row.stats, row.edited),
      detail: reviewDetail(t, p, row.taskLabel),
      buttons,
      choice: { kind: 'edit', approvalId: p.approvalId },
    });
  }
  return new Promise((resolve) => {
    const picking = new DisposableStore();
    const pick = picking.add(vscode.window.createQuickPick<EditItem>());
    pick.title = t('Review Pending Edits');
    pick.placeholder = t('Choose an edit and press Enter for its actions');
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    pick.items = items;
    let done = false;
    const finish = (choice: Choice | undefined): void => {
      if (done) return;
      done = true;
      resolve(choice);
      picking.dispose();
    };
    picking.add(pick.onDidAccept(() => finish(pick.selectedItems[0]?.choice)));
    picking.add(
      pick.onDidTriggerItemButton((event) => {
        const choice = event.item.choice;
        if (choice?.kind === 'edit') finish({ ...choice, action: (event.button as ActionButton).action });
      }),
    );
    picking.add(pick.onDidHide(() => finish(undefined)));
    pick.show();
  });
}

async function pickAction(row: ReviewRow, hunkCount: number, t: Localize): Promise<Action | undefined> {
  const items: Array<vscode.QuickPickItem & { action: Action }> = [
    { label: `$(diff) ${t('Open Diff')}`, action: 'open' },
    { label: `$(check) ${t('Accept')}`, description: t('apply the changes you have not rejected'), action: 'accept' },
    { label: `$(close) ${t('Reject…')}`, description: t('tell the agent why (optional)'), action: 'reject' },
    { label: `$(edit) ${t('Edit Proposal…')}`, description: t('change the text before accepting it'), action: 'edit' },
  ];
  if (hunkCount > 1)
    items.splice(2, 0, {
      label: `$(list-selection) ${t('Choose Changes…')}`,
      description: t('accept some changes, reject others'),
      action: 'choose',
    });
  if (row.edited) items.push({ label: `$(discard) ${t("Restore the Agent's Proposal")}`, action: 'restore' });
  const picked = await vscode.window.showQuickPick(items, {
    title: visibleText(row.proposal.path),
    placeHolder: t('What should happen to this edit?'),
  });
  return picked?.action;
}
