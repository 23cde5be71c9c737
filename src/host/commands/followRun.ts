import * as vscode from 'vscode';
import { DisposableStore } from '../../core/common/disposable';
import type { RunEvent } from '../../core/model/runEvents';
import type { RunResult } from '../../core/run/runSession';
import type { LaunchedRun } from '../runs/runLauncher';
import { Commands, revealRun, showError, type HostServices } from './commandSupport';
import { outcomeMessage, progressMessage, progressPercent, shorten } from './runProgress';

/** Events that move the progress notification. */
const PROGRESS_EVENTS: ReadonlySet<RunEvent['type']> = new Set([
  'run.phase',
  'plan.ready',
  'task.started',
  'task.succeeded',
  'task.failed',
  'task.skipped',
  'task.cancelled',
  'task.reset',
  'task.action',
  'run.paused',
  'approval.requested',
  'approval.decided',
]);

/** How a followed run's end is told. */
export interface FollowOptions {
  /** False when the caller tells the end of a dry run itself (Plan Goal opens the plan instead). */
  announcePlanned?: boolean;
}

/**
 * Follows a live run in a cancellable progress notification (phase and `n/m tasks`; Cancel
 * cancels the run), then tells how it ended, with the next step as a button. Never modal.
 * Resolves with the result once the run ends.
 */
export async function followRun(
  services: HostServices,
  launched: LaunchedRun,
  title: string,
  goal?: string,
  options: FollowOptions = {},
): Promise<RunResult | undefined> {
  const { handle } = launched;
  // A new run's state is empty until its first event; the caller knows the goal.
  const shown = shorten(goal ?? handle.state.goal, 60);
  let result: RunResult | undefined;
  try {
    result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        // Notifications render `[label](command:…)` as a link: the panel is one click from the progress.
        title: `${shown ? `${title}: ${shown}` : title} · ${openPanelLink(handle.runId)}`,
        cancellable: true,
      },
      async (progress, token) => {
        let percent = 0;
        const report = (): void => {
          const next = progressPercent(handle.state);
          progress.report({
            message: progressMessage(handle.state, services.approvals.pending(handle.runId).length, vscode.l10n.t),
            increment: Math.max(0, next - percent),
          });
          percent = Math.max(percent, next);
        };
        const subscriptions = new DisposableStore();
        subscriptions.add(
          token.onCancellationRequested(() => {
            services.log.info(`Run ${handle.runId}: cancel requested from the progress notification.`);
            handle.cancel();
          }),
        );
        subscriptions.add(
          handle.onEvent((e) => {
            if (PROGRESS_EVENTS.has(e.type)) report();
          }),
        );
        subscriptions.add(services.approvals.onDidChangePending(report));
        report();
        try {
          return await handle.done;
        } finally {
          subscriptions.dispose();
        }
      },
    );
  } catch (err) {
    await showError(services, err);
    return undefined;
  }
  if (result.status !== 'planned' || options.announcePlanned !== false) void announceOutcome(services, result);
  return result;
}

/** A notification link that opens the run panel on the run. */
export function openPanelLink(runId: string): string {
  const args = encodeURIComponent(JSON.stringify([runId]));
  return `[${vscode.l10n.t('Open Run Panel')}](command:${Commands.openGraph}?${args})`;
}

/** The message at the end of a run, with buttons for what to do next. */
async function announceOutcome(services: HostServices, result: RunResult): Promise<void> {
  const { severity, text } = outcomeMessage(result.status, result.state, vscode.l10n.t);
  const showRun = vscode.l10n.t('Show Run');
  const openPanel = vscode.l10n.t('Open Run Panel');
  const showLogs = vscode.l10n.t('Show Logs');
  const resume = vscode.l10n.t('Resume');
  const exportSummary = vscode.l10n.t('Export Summary');
  let choice: string | undefined;
  switch (result.status) {
    case 'succeeded':
      choice = await vscode.window.showInformationMessage(text, openPanel, showRun, exportSummary);
      break;
    case 'planned':
      choice = await vscode.window.showInformationMessage(text, showRun);
      break;
    case 'paused':
      choice = await vscode.window.showWarningMessage(text, resume, showRun);
      break;
    case 'cancelled':
      choice = await vscode.window.showInformationMessage(text, showRun);
      break;
    default:
      choice =
        severity === 'error'
          ? await vscode.window.showErrorMessage(text, openPanel, showLogs, showRun)
          : await vscode.window.showWarningMessage(text, openPanel, showLogs, showRun);
  }
  if (choice === openPanel) await services.panels.open(result.runId);
  else if (choice === showRun) await revealRun(services, result.runId);
  else if (choice === showLogs) services.log.show(true);
  else if (choice === resume) await vscode.commands.executeCommand(Commands.resumeRun, result.runId);
  else if (choice === exportSummary) await vscode.commands.executeCommand(Commands.exportRunSummary, result.runId);
}
