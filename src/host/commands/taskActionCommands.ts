import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { AgentDefinitionInput } from '../../core/model/agentDefinition';
import type { RunState } from '../../core/model/runState';
import { MAX_ACTION_TEXT, type TaskAction } from '../../core/run/taskActions';
import { agentDefinitionsOf } from '../api/externalAgents';
import { Commands, folderForRun, showError, taskArg, trustedCommand, type HostServices } from './commandSupport';
import { canActOnEndedRun, resumeAndFollow, taskTitle } from './runControlCommands';
import { canRetryTask, capableAgents } from './runActionLogic';

/**
 * Retry, Reassign, Cancel and Skip Task: on a live run they act at once while the rest of the run
 * goes on; on an ended run (retry, reassign, skip) they resume it with the action. The engine
 * checks every action and records it as a run event before it takes effect.
 */
export class TaskActionCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(trustedCommand(services, Commands.retryTask, (arg) => retryTask(services, arg)));
    this._register(trustedCommand(services, Commands.reassignTask, (arg) => reassignTask(services, arg)));
    this._register(trustedCommand(services, Commands.cancelTask, (arg) => cancelTask(services, arg)));
    this._register(trustedCommand(services, Commands.skipTask, (arg) => skipTask(services, arg)));
  }
}

type Target = { runId: string; taskId: string };

/** What a caller already chose (the run panel sends the note or agent with the action), so the command does not ask again. */
interface Preset {
  note?: string;
  agentId?: string;
}

function presetOf(arg: unknown): Preset {
  if (typeof arg !== 'object' || arg === null) return {};
  const { note, agentId } = arg as { note?: unknown; agentId?: unknown };
  return {
    ...(typeof note === 'string' ? { note } : {}),
    ...(typeof agentId === 'string' ? { agentId } : {}),
  };
}

/** The task a command was given, or a hint to pick one in the Runs view. */
function targetOf(arg: unknown, hint: string): Target | undefined {
  const target = taskArg(arg);
  if (!target) void vscode.window.showInformationMessage(hint);
  return target;
}

/** The run's state: live in this window, or as stored. */
async function stateOf(services: HostServices, runId: string): Promise<Readonly<RunState> | undefined> {
  return services.launcher.get(runId)?.handle.state ?? (await services.model.loadDetails(runId));
}

/** Runs a failed, skipped or cancelled task again, with an optional note for its next brief. */
async function retryTask(services: HostServices, arg: unknown): Promise<void> {
  const target = targetOf(arg, vscode.l10n.t('Pick a failed, skipped or cancelled task in the Runs view to retry it.'));
  if (!target) return;
  const state = await stateOf(services, target.runId);
  const status = state?.tasks[target.taskId]?.status;
  if (!status || !canRetryTask(status)) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Only a failed, skipped or cancelled task can be retried; this one is {0}.',
        status ?? vscode.l10n.t('unknown'),
      ),
    );
    return;
  }
  const preset = presetOf(arg).note;
  if (preset !== undefined && preset.trim().length > MAX_ACTION_TEXT) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('The retry note has {0} characters; keep it under {1}.', preset.trim().length, MAX_ACTION_TEXT),
    );
    return;
  }
  const note =
    preset ??
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Retry "{0}"', taskTitle(state, target.taskId)),
      prompt: vscode.l10n.t("Optional: a note added to the task's next brief. Leave empty for none."),
      placeHolder: vscode.l10n.t('e.g. Use the v2 endpoint; the v1 one is deprecated.'),
      ignoreFocusOut: true,
      validateInput: (text) =>
        text.trim().length > MAX_ACTION_TEXT
          ? vscode.l10n.t('Keep the note under {0} characters.', MAX_ACTION_TEXT)
          : undefined,
    }));
  if (note === undefined) return;
  const action: TaskAction = { kind: 'retry', taskId: target.taskId, ...(note.trim() ? { note: note.trim() } : {}) };
  await act(services, target, action, vscode.l10n.t('Retrying {0}', taskTitle(state, target.taskId)));
}

/** Runs a task's next attempt on an agent the user picks among those whose capabilities cover it. */
async function reassignTask(services: HostServices, arg: unknown): Promise<void> {
  const target = targetOf(arg, vscode.l10n.t('Pick a task in the Runs view to reassign it.'));
  if (!target) return;
  const state = await stateOf(services, target.runId);
  const spec = state?.plan?.tasks.find((t) => t.id === target.taskId);
  const task = state?.tasks[target.taskId];
  if (!state || !spec || !task) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Task {0} of run {1} could not be read.', target.taskId, target.runId),
    );
    return;
  }
  const folder = await folderForRun(services, target.runId);
  if (!folder) return;
  let definitions: AgentDefinitionInput[];
  try {
    definitions = agentDefinitionsOf(await services.engines.get(folder), services.agents);
  } catch (err) {
    await showError(services, err);
    return;
  }
  const choices = capableAgents(spec, definitions, task);
  if (choices.length === 0) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'No registered agent has every capability task "{0}" needs ({1}).',
        spec.title,
        spec.requiredCapabilities.join(', '),
      ),
    );
    return;
  }
  const presetAgent = presetOf(arg).agentId;
  if (presetAgent !== undefined) {
    if (!choices.some((c) => c.id === presetAgent)) {
      void vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Agent "{0}" cannot run task "{1}": it is not registered or lacks a capability the task needs ({2}). Pick one of: {3}.',
          presetAgent,
          spec.title,
          spec.requiredCapabilities.join(', '),
          choices.map((c) => c.id).join(', '),
        ),
      );
      return;
    }
    const action: TaskAction = { kind: 'reassign', taskId: target.taskId, agentId: presetAgent };
    await act(services, target, action, vscode.l10n.t('Running {0} on {1}', spec.title, presetAgent));
    return;
  }
  const picked = await vscode.window.showQuickPick(
    choices.map((c) => ({
      label: c.id,
      description: c.current ? vscode.l10n.t('ran it last') : c.excluded ? vscode.l10n.t('failed it before') : '',
      detail: c.description,
    })),
    {
      title: vscode.l10n.t('Reassign "{0}"', spec.title),
      placeHolder:
        task.status === 'running'
          ? vscode.l10n.t('Which agent should run the task? Its running attempt stops and starts again there.')
          : vscode.l10n.t('Which agent should run the task?'),
    },
  );
  if (!picked) return;
  const action: TaskAction = { kind: 'reassign', taskId: target.taskId, agentId: picked.label };
  await act(services, target, action, vscode.l10n.t('Running {0} on {1}', spec.title, picked.label));
}

/** Stops a running or pending task of a live run; its dependents are skipped, the rest goes on. */
async function cancelTask(services: HostServices, arg: unknown): Promise<void> {
  const target = targetOf(arg, vscode.l10n.t('Pick a pending or running task in the Runs view to cancel it.'));
  if (!target) return;
  if (!services.launcher.get(target.runId)) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('That run is not running in this window, so none of its tasks is running to cancel.'),
    );
    return;
  }
  await act(services, target, { kind: 'cancel', taskId: target.taskId }, '');
}

/** Skips a pending or failed task; its dependents treat it as done. */
async function skipTask(services: HostServices, arg: unknown): Promise<void> {
  const target = targetOf(arg, vscode.l10n.t('Pick a pending or failed task in the Runs view to skip it.'));
  if (!target) return;
  const state = await stateOf(services, target.runId);
  const title = taskTitle(state, target.taskId);
  const skip = vscode.l10n.t('Skip');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Skip "{0}"? The tasks that depend on it run as if it had succeeded.', title),
    { modal: true },
    skip,
  );
  if (choice !== skip) return;
  await act(services, target, { kind: 'skip', taskId: target.taskId }, vscode.l10n.t('Skipping {0}', title));
}

/** Acts on the live run in this window, or resumes an ended run with the action and follows it. */
async function act(services: HostServices, target: Target, action: TaskAction, resumeTitle: string): Promise<void> {
  const live = services.launcher.get(target.runId);
  if (live) {
    try {
      await live.handle.act(action);
      services.log.info(`Run ${target.runId}: ${action.kind} ${target.taskId} done by the user.`);
    } catch (err) {
      await showError(services, err);
    }
    return;
  }
  if (!canActOnEndedRun(services, target.runId)) return;
  await resumeAndFollow(services, target.runId, { actions: [action] }, resumeTitle);
}
