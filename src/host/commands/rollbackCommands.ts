import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { CheckpointPort, RollbackResult } from '../../core/checkpoint/checkpointPort';
import {
  Commands,
  folderForRun,
  resolveRunId,
  showError,
  taskArg,
  trustedCommand,
  type HostServices,
} from './commandSupport';

/** Roll Back Task and Roll Back Run, through the engine's git checkpoints. */
export class RollbackCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(trustedCommand(services, Commands.rollbackTask, (arg) => rollbackTask(services, arg)));
    this._register(trustedCommand(services, Commands.rollbackRun, (arg) => rollbackRun(services, arg)));
  }
}

/** Rolls the workspace back to before the task given as a Runs view element. */
async function rollbackTask(services: HostServices, arg: unknown): Promise<void> {
  const target = taskArg(arg);
  if (!target) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Pick a task in the Runs view to roll it back.'));
    return;
  }
  const state = await services.model.loadDetails(target.runId);
  const title = state?.plan?.tasks.find((t) => t.id === target.taskId)?.title ?? target.taskId;
  await rollback(
    services,
    target.runId,
    vscode.l10n.t('Roll back the workspace to before task "{0}"?', title),
    (port) => port.rollbackTask(target.runId, target.taskId),
  );
}

/** Rolls the workspace back to before an ended run, given or picked. */
async function rollbackRun(services: HostServices, arg: unknown): Promise<void> {
  const runId = await resolveRunId(
    arg,
    () => services.model.runs().filter((r) => !r.live && r.status !== 'elsewhere' && r.status !== 'running'),
    vscode.l10n.t('Which run should be rolled back?'),
    vscode.l10n.t('No ended run to roll back.'),
  );
  if (!runId) return;
  const goal = services.model.get(runId)?.summary.goal ?? runId;
  await rollback(services, runId, vscode.l10n.t('Roll back the workspace to before run "{0}"?', goal), (port) =>
    port.rollbackRun(runId),
  );
}

/** Confirms (modal: files change), rolls back, and reports what was restored and removed. */
async function rollback(
  services: HostServices,
  runId: string,
  question: string,
  act: (port: CheckpointPort) => Promise<RollbackResult>,
): Promise<void> {
  const entry = services.model.get(runId);
  if (services.launcher.get(runId) || entry?.status === 'running' || entry?.status === 'elsewhere') {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The run is still running. Pause or cancel it, wait for it to end, then roll back.'),
    );
    return;
  }
  const folder = await folderForRun(services, runId);
  if (!folder) return;
  let engine;
  try {
    engine = await services.engines.get(folder);
  } catch (err) {
    await showError(services, err);
    return;
  }
  const port = engine.checkpoints;
  if (!port.enabled) {
    void vscode.window.showWarningMessage(
      port.note ?? vscode.l10n.t('No checkpoints are taken in this workspace, so nothing can be rolled back.'),
    );
    return;
  }
  const confirm = vscode.l10n.t('Roll Back');
  const choice = await vscode.window.showWarningMessage(
    question,
    {
      modal: true,
      detail: vscode.l10n.t(
        'The files of "{0}" go back to the checkpoint. The whole workspace goes back: changes made since then, by other tasks or by you, are undone too. A snapshot of the current files is kept so the rollback itself can be undone.',
        folder.name,
      ),
    },
    confirm,
  );
  if (choice !== confirm) return;
  let result: RollbackResult;
  try {
    result = await act(port);
  } catch (err) {
    await showError(services, err);
    return;
  }
  report(services, runId, result);
}

function report(services: HostServices, runId: string, result: RollbackResult): void {
  if (!result.checkpoint) {
    void vscode.window.showWarningMessage(
      result.note ?? vscode.l10n.t('No checkpoint was found for that, so nothing was rolled back.'),
    );
    return;
  }
  services.log.info(
    `Run ${runId}: rolled back to checkpoint ${result.checkpoint.id.slice(0, 12)} (${result.checkpoint.label}).`,
  );
  for (const path of result.restored) services.log.info(`  restored ${path}`);
  for (const path of result.removed) services.log.info(`  removed ${path}`);
  if (result.undo) services.log.info(`  undo snapshot: ${result.undo.ref} (${result.undo.id.slice(0, 12)})`);
  const details = vscode.l10n.t('Show Details');
  const text =
    result.restored.length + result.removed.length === 0
      ? vscode.l10n.t('Rolled back: the files already matched the checkpoint.')
      : vscode.l10n.t(
          'Rolled back: {0} files restored, {1} files removed.',
          result.restored.length,
          result.removed.length,
        );
  void vscode.window.showInformationMessage(result.note ? `${text} ${result.note}` : text, details).then((choice) => {
    if (choice === details) services.log.show(true);
  });
}
