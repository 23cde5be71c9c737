// Task actions asked for from a node of the run panel, carried out through the same commands as
// the Runs view's (behind the trust gate; the engine records each as a run event).
import * as vscode from 'vscode';
import type { TaskActionMessage } from '../../protocol/taskActions';
import { Commands } from './commandSupport';

/** The command of each action; each takes `{ runId, taskId }` and asks the user what it still needs. */
const COMMAND_OF = {
  cancel: Commands.cancelTask,
  skip: Commands.skipTask,
  retry: Commands.retryTask,
  reassign: Commands.reassignTask,
} as const;

/**
 * Runs the Runs view's command for a panel action. A retry from the panel carries its note (none
 * when empty) and a reassignment its agent, so neither command asks again; skip still confirms.
 */
export async function panelTaskAction(message: TaskActionMessage, log: vscode.LogOutputChannel): Promise<void> {
  log.info(`Run panel: ${message.action} of ${message.taskId} in run ${message.runId}.`);
  const preset =
    message.action === 'retry'
      ? { note: message.note ?? '' }
      : message.action === 'reassign' && message.agentId !== undefined
        ? { agentId: message.agentId }
        : {};
  await vscode.commands.executeCommand(COMMAND_OF[message.action], {
    runId: message.runId,
    taskId: message.taskId,
    ...preset,
  });
}
