// Task actions asked for from a node of the run panel, carried out through the same commands as
// the Runs view's (which check Workspace Trust).
import * as vscode from 'vscode';
import type { TaskActionMessage } from '../../protocol/taskActions';
import { Commands } from './commandSupport';

/** Retry and reassign go through their commands; cancel and skip of one task await the engine's per-task actions. */
export async function panelTaskAction(message: TaskActionMessage, log: vscode.LogOutputChannel): Promise<void> {
  const target = { runId: message.runId, taskId: message.taskId };
  switch (message.action) {
    case 'retry':
      if (message.note) log.info(`Run panel: the retry note for ${message.taskId} is not passed on yet.`);
      await vscode.commands.executeCommand(Commands.retryTask, target);
      return;
    case 'reassign':
      await vscode.commands.executeCommand(Commands.reassignTask, target);
      return;
    case 'cancel':
    case 'skip':
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Cancelling or skipping a single task is not available in this version. Cancel Run stops the whole run; Retry Task runs a failed task again.',
        ),
      );
      return;
  }
}
