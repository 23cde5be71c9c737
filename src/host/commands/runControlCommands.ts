import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { ResumeOptions } from '../../core/run/orchestrator';
import { retryableTaskIds, type RunState } from '../../core/model/runState';
import {
  command,
  Commands,
  folderForRun,
  resolveRunId,
  showError,
  trustedCommand,
  type HostServices,
} from './commandSupport';
import { followRun } from './followRun';
import { budgetPauseOf, parseBudgetValue, type BudgetPause } from './runActionLogic';

/** Pause, Resume and Cancel Run (the per-task actions are in `TaskActionCommands`). */
export class RunControlCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(command(services, Commands.pauseRun, (arg) => pauseRun(services, arg)));
    this._register(trustedCommand(services, Commands.resumeRun, (arg) => resumeRun(services, arg)));
    this._register(trustedCommand(services, Commands.cancelRun, (arg) => cancelRun(services, arg)));
  }
}

/** Stops starting tasks; the run ends paused once the running ones finish. */
async function pauseRun(services: HostServices, arg: unknown): Promise<void> {
  const runId = await resolveRunId(
    arg,
    () => services.model.activeRuns(),
    vscode.l10n.t('Which run should pause?'),
    vscode.l10n.t('No run is active in this window.'),
  );
  if (!runId) return;
  const live = services.launcher.get(runId);
  if (!live) {
    void vscode.window.showInformationMessage(notLiveHere(services, runId));
    return;
  }
  live.handle.pause('Paused by the user.');
  services.log.info(`Run ${runId}: pause requested; running tasks finish first.`);
  void vscode.window.setStatusBarMessage(vscode.l10n.t('$(debug-pause) Pausing: running tasks finish first'), 5_000);
}

/** Continues a paused, interrupted, failed or cancelled run; a budget pause first asks for a higher budget. */
async function resumeRun(services: HostServices, arg: unknown): Promise<void> {
  const runId = await resolveRunId(
    arg,
    () => services.model.resumableRuns(),
    vscode.l10n.t('Which run should resume?'),
    vscode.l10n.t('No run can be resumed.'),
  );
  if (!runId) return;
  if (services.launcher.get(runId)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('That run is still running in this window.'));
    return;
  }
  const state = await services.model.loadDetails(runId);
  if (!state) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Run {0} could not be read, so it cannot be resumed.', runId));
    return;
  }
  const options: ResumeOptions = {};
  const pause = budgetPauseOf(state);
  if (pause) {
    const raised = await askBudget(pause);
    if (raised === undefined) return;
    if (raised !== 'keep')
      options.budget = {
        ...state.budget,
        ...(pause.limit === 'tokens' ? { maxTokens: raised } : { maxCostUsd: raised }),
      };
  }
  if (state.status === 'failed' || state.status === 'cancelled') {
    const retry = retryableTaskIds(state);
    if (retry.length > 0) options.retryTasks = retry;
  }
  await resumeAndFollow(services, runId, options, vscode.l10n.t('Resuming'));
}

/** Cancels a live run; a paused or interrupted run is resumed just to record the cancel (no task starts). */
async function cancelRun(services: HostServices, arg: unknown): Promise<void> {
  const runId = await resolveRunId(
    arg,
    () =>
      services.model
        .runs()
        .filter(
          (r) =>
            (r.live && r.status === 'running') || (!r.live && (r.status === 'paused' || r.status === 'interrupted')),
        ),
    vscode.l10n.t('Which run should be cancelled?'),
    vscode.l10n.t('No run is active or paused.'),
  );
  if (!runId) return;
  const live = services.launcher.get(runId);
  if (live) {
    live.handle.cancel();
    services.log.info(`Run ${runId}: cancel requested.`);
    return;
  }
  const status = services.model.get(runId)?.status;
  if (status !== 'paused' && status !== 'interrupted') {
    void vscode.window.showInformationMessage(notLiveHere(services, runId));
    return;
  }
  const folder = await folderForRun(services, runId);
  if (!folder) return;
  try {
    const launched = await services.launcher.resume(runId, folder);
    launched.handle.cancel();
    await launched.handle.done;
    services.log.info(`Run ${runId} cancelled.`);
  } catch (err) {
    await showError(services, err);
  }
}

/** Resumes a run on its folder's engine and follows it in a progress notification. */
export async function resumeAndFollow(
  services: HostServices,
  runId: string,
  options: ResumeOptions,
  title: string,
  knownFolder?: vscode.WorkspaceFolder,
): Promise<void> {
  const folder = knownFolder ?? (await folderForRun(services, runId));
  if (!folder) return;
  let launched;
  try {
    launched = await services.launcher.resume(runId, folder, options);
  } catch (err) {
    await showError(services, err);
    return;
  }
  services.log.info(
    `Run ${runId} resumed in ${folder.name}${options.retryTasks ? `, retrying ${options.retryTasks.join(', ')}` : ''}${
      options.assign
        ? `, assigning ${Object.entries(options.assign)
            .map(([t, a]) => `${t} → ${a}`)
            .join(', ')}`
        : ''
    }${options.actions ? `, ${options.actions.map((a) => `${a.kind} ${a.taskId}`).join(', ')}` : ''}${
      options.budget ? ' with a new budget' : ''
    }.`,
  );
  await followRun(services, launched, title);
}

/** Whether a run that is not live here can be resumed from here to act on it (not running in another window). */
export function canActOnEndedRun(services: HostServices, runId: string): boolean {
  const entry = services.model.get(runId);
  if (services.launcher.get(runId) || entry?.status === 'running') {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The run is still running, but not in this window; act on its tasks where it runs.'),
    );
    return false;
  }
  if (entry?.status === 'elsewhere') {
    void vscode.window.showInformationMessage(notLiveHere(services, runId));
    return false;
  }
  return true;
}

export function notLiveHere(services: HostServices, runId: string): string {
  return services.model.get(runId)?.status === 'elsewhere'
    ? vscode.l10n.t('That run is running in another window or process; control it there.')
    : vscode.l10n.t('That run is not running in this window.');
}

export function taskTitle(state: Readonly<RunState> | undefined, taskId: string): string {
  return state?.plan?.tasks.find((t) => t.id === taskId)?.title ?? taskId;
}

/** A higher budget for a run paused at its budget: a number, 'keep' to resume unchanged, or undefined (cancelled). */
async function askBudget(pause: BudgetPause): Promise<number | 'keep' | undefined> {
  const raise: vscode.QuickPickItem = {
    label:
      pause.limit === 'tokens'
        ? vscode.l10n.t('$(arrow-up) Raise the token budget…')
        : vscode.l10n.t('$(arrow-up) Raise the cost budget…'),
    detail:
      pause.limit === 'tokens'
        ? vscode.l10n.t(
            'The run stopped at its token budget of {0}; {1} are used.',
            String(pause.max ?? '—'),
            pause.used,
          )
        : vscode.l10n.t(
            'The run stopped at its cost budget of ${0}; ${1} is spent.',
            (pause.max ?? 0).toFixed(2),
            pause.used.toFixed(2),
          ),
  };
  const keep: vscode.QuickPickItem = {
    label: vscode.l10n.t('Resume with the same budget'),
    detail: vscode.l10n.t('The next request that would cross the budget pauses the run again.'),
  };
  const picked = await vscode.window.showQuickPick([raise, keep], {
    title: vscode.l10n.t('Resume Run'),
    placeHolder: vscode.l10n.t('The run paused at its budget.'),
  });
  if (!picked) return undefined;
  if (picked === keep) return 'keep';
  const problems = {
    format:
      pause.limit === 'tokens'
        ? vscode.l10n.t('Enter a whole number of tokens, e.g. 200000.')
        : vscode.l10n.t('Enter an amount in US dollars, e.g. 2.50.'),
    notWhole: vscode.l10n.t('Enter a whole number of tokens, e.g. 200000.'),
    notAbove: vscode.l10n.t('Enter more than what the run has used already.'),
  };
  const value = await vscode.window.showInputBox({
    title: pause.limit === 'tokens' ? vscode.l10n.t('New token budget') : vscode.l10n.t('New cost budget (US dollars)'),
    value:
      pause.max !== undefined
        ? String(pause.limit === 'tokens' ? pause.max * 2 : Number((pause.max * 2).toFixed(2)))
        : '',
    prompt: vscode.l10n.t(
      'Used so far: {0}',
      pause.limit === 'tokens' ? String(pause.used) : `$${pause.used.toFixed(2)}`,
    ),
    ignoreFocusOut: true,
    validateInput: (text) => {
      const parsed = parseBudgetValue(text, pause);
      return 'problem' in parsed ? problems[parsed.problem] : undefined;
    },
  });
  if (value === undefined) return undefined;
  const parsed = parseBudgetValue(value, pause);
  return 'value' in parsed ? parsed.value : undefined;
}
