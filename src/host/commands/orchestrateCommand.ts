import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../../core/common/disposable';
import type { PlanOrigin } from '../../core/model/runEvents';
import type { RunBudgetLimits } from '../../core/run/orchestratorPorts';
import type { RunResult } from '../../core/run/runSession';
import type { LaunchedRun } from '../runs/runLauncher';
import { readHostSettings } from '../settings/hostSettings';
import { Commands, pickFolder, showError, trustedCommand, type HostServices } from './commandSupport';
import { followRun, type FollowOptions } from './followRun';
import { recentGoalsFrom, rememberGoal } from './runActionLogic';

/** workspaceState key of the recent goals (the goal texts only). */
const RECENT_GOALS_KEY = 'agentOrchestrator.recentGoals';

/** How a goal is run. */
export interface OrchestrateOptions {
  dryRun?: boolean;
  /** Overrides the budget settings for this run. */
  budget?: RunBudgetLimits;
  /** Runs this plan (already checked with `orchestrator.validate`) instead of asking the planner. */
  plan?: { input: unknown; origin: PlanOrigin };
}

/** **Orchestrate Goal**: goal (with recent goals), Run or Dry Run, then the run in a progress notification. */
export class OrchestrateCommand extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(trustedCommand(services, Commands.orchestrate, () => askAndOrchestrate(services)));
  }
}

/** Asks for the goal, the mode and the folder, then orchestrates; any answer left out stops quietly. */
async function askAndOrchestrate(services: HostServices): Promise<void> {
  const goal = await askGoal(services.workspaceState, vscode.l10n.t('Orchestrate Goal'));
  if (goal === undefined) return;
  const dryRun = await askMode();
  if (dryRun === undefined) return;
  const folder = await pickFolder(vscode.l10n.t('Which folder should the agents work in?'));
  if (!folder) return;
  await orchestrateGoal(services, folder, goal, { dryRun });
}

/** Starts a run of `goal` in `folder` and follows it to its end, showing any error. */
export async function orchestrateGoal(
  services: HostServices,
  folder: vscode.WorkspaceFolder,
  goal: string,
  options: OrchestrateOptions,
  follow: FollowOptions = {},
): Promise<RunResult | undefined> {
  let launched: LaunchedRun;
  try {
    launched = await launchGoal(services, folder, goal, options);
  } catch (err) {
    await showError(services, err);
    return undefined;
  }
  const title = options.dryRun
    ? vscode.l10n.t('Planning (dry run)')
    : options.plan
      ? vscode.l10n.t('Running the plan')
      : vscode.l10n.t('Orchestrating');
  return followRun(services, launched, title, goal, follow);
}

/**
 * Starts a run of `goal` in `folder` with the budget settings (or `options.budget`); used by the
 * command and by the extension API (both check Workspace Trust first). Throws the engine's errors.
 */
export async function launchGoal(
  services: HostServices,
  folder: vscode.WorkspaceFolder,
  goal: string,
  options: OrchestrateOptions = {},
): Promise<LaunchedRun> {
  // Remembered first: after fixing what stopped the run (a missing key, say) the goal is one pick away.
  await remember(services.workspaceState, goal);
  const budget = options.budget ?? readHostSettings(folder).settings.budget;
  const launched = await services.launcher.start(folder, {
    goal: goal.trim(),
    dryRun: options.dryRun ?? false,
    budget,
    ...(options.plan ? { plan: options.plan.input, planOrigin: options.plan.origin } : {}),
  });
  services.log.info(
    `Run ${launched.handle.runId} started in ${folder.name}${options.dryRun ? ' (dry run)' : ''}${options.plan ? ` from a plan (${describeOrigin(options.plan.origin)})` : ''} with ${launched.engine.providerLabel}${launched.engine.isDemo ? ' (offline demo model)' : ''}.`,
  );
  return launched;
}

/** `editor, from run-…, edited` for the log. */
function describeOrigin(origin: PlanOrigin): string {
  const edited = origin.edited === undefined ? '' : origin.edited ? ', edited' : ', not edited';
  return `${origin.source}${origin.fromRun ? `, from ${origin.fromRun}` : ''}${edited}`;
}

/** A quick pick titled `title` that takes free text and offers the last ten goals of this workspace. */
export async function askGoal(state: vscode.Memento, title: string): Promise<string | undefined> {
  const recent = recentGoalsFrom(state.get<unknown>(RECENT_GOALS_KEY));
  const picking = new DisposableStore();
  const pick = picking.add(vscode.window.createQuickPick<vscode.QuickPickItem>());
  pick.title = title;
  pick.placeholder = vscode.l10n.t(
    'Describe what the agents should achieve, e.g. Add JWT auth to the API and tests for it',
  );
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = false;
  const recentItems: vscode.QuickPickItem[] = recent.map((goal) => ({
    label: goal,
    description: vscode.l10n.t('recent'),
  }));
  const typedItem = (value: string): vscode.QuickPickItem => ({
    label: value,
    description: vscode.l10n.t('new goal'),
    alwaysShow: true,
  });
  const render = (): void => {
    const value = pick.value.trim();
    const matching = recentItems.filter((i) => i.label !== value);
    pick.items = value ? [typedItem(value), ...matching] : recentItems;
  };
  render();
  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (goal: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(goal);
      picking.dispose();
    };
    picking.add(pick.onDidChangeValue(render));
    picking.add(
      pick.onDidAccept(() => {
        const chosen = (pick.selectedItems[0]?.label ?? pick.value).trim();
        // An empty goal is not accepted; the box stays open.
        if (chosen) finish(chosen);
      }),
    );
    picking.add(pick.onDidHide(() => finish(undefined)));
    pick.show();
  });
}

/** Run, or Dry Run (plan only); undefined when cancelled. */
async function askMode(): Promise<boolean | undefined> {
  const run: vscode.QuickPickItem = {
    label: `$(play) ${vscode.l10n.t('Run')}`,
    detail: vscode.l10n.t('Plan the goal, then execute the tasks with agents.'),
  };
  const dry: vscode.QuickPickItem = {
    label: `$(checklist) ${vscode.l10n.t('Dry Run (plan only)')}`,
    detail: vscode.l10n.t('Plan and validate the goal; no task runs and no file changes.'),
  };
  const picked = await vscode.window.showQuickPick([run, dry], {
    title: vscode.l10n.t('Orchestrate Goal'),
    placeHolder: vscode.l10n.t('Run the goal, or only plan it?'),
    ignoreFocusOut: true,
  });
  return picked === undefined ? undefined : picked === dry;
}

async function remember(state: vscode.Memento, goal: string): Promise<void> {
  await state.update(RECENT_GOALS_KEY, rememberGoal(recentGoalsFrom(state.get<unknown>(RECENT_GOALS_KEY)), goal));
}
