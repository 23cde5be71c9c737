import { mkdir } from 'node:fs/promises';
import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { PLAN_FILE_SUFFIX, planFileText } from '../../core/plan/planFile';
import { writeFileAtomic } from '../../core/store/atomicFile';
import { Commands, pickFolder, trustedCommand, type HostServices } from './commandSupport';
import { followRun } from './followRun';
import { askGoal, orchestrateGoal } from './orchestrateCommand';
import { parsePlanDocument, planProblemsLog, planProblemsMessage, type BrokenPlanDocument } from './planDocument';
import { launchReviewedPlan, reviewAgentIds } from './planReviewCommands';
import { shorten } from './runProgress';

/**
 * **Plan Goal…** (a dry run whose plan opens for review in the Run panel, and is written as a JSON
 * document checked against `media/plan.schema.json`) and **Run This Plan** (runs the document,
 * saved or not, as it stands).
 */
export class PlanCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(trustedCommand(services, Commands.planGoal, () => planGoal(services)));
    this._register(trustedCommand(services, Commands.runPlan, (arg) => runPlan(services, arg)));
  }
}

/** Asks the goal and the folder, plans it (dry run, with progress) and opens the plan for review in the Run panel. */
async function planGoal(services: HostServices): Promise<void> {
  const goal = await askGoal(services.workspaceState, vscode.l10n.t('Plan Goal'));
  if (goal === undefined) return;
  const folder = await pickFolder(vscode.l10n.t('Which folder should the agents work in?'));
  if (!folder) return;
  const result = await orchestrateGoal(services, folder, goal, { dryRun: true }, { announcePlanned: false });
  const plan = result?.status === 'planned' ? result.state.plan : undefined;
  if (!result || !plan) return;
  // Under globalStorage, not the workspace: a plan is run data, and the agents should not see it as a file of the project.
  const uri = vscode.Uri.joinPath(services.plansFolder, `${result.runId}${PLAN_FILE_SUFFIX}`);
  await mkdir(services.plansFolder.fsPath, { recursive: true });
  await writeFileAtomic(uri.fsPath, planFileText(result.runId, plan));
  services.log.info(`Run ${result.runId}: plan written to ${uri.fsPath} for review.`);
  await services.panels.openPlanReview(result.runId, plan, await reviewAgentIds(services, folder));
  const openJson = vscode.l10n.t('Open as JSON');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Plan ready: {0} tasks for "{1}". Review or edit it in the Run panel, then press Run there (or open it as JSON and use "Run This Plan").',
      plan.tasks.length,
      shorten(goal, 60),
    ),
    openJson,
  );
  if (choice === openJson) await vscode.window.showTextDocument(uri, { preview: false });
}

/**
 * Runs the plan document (the editor title's resource, else the active editor): parses it, checks it
 * with the folder's engine — every problem shown, nothing started — then starts it with its origin
 * (`editor`, the dry run it came from, whether it was edited) and follows it like Orchestrate Goal.
 */
async function runPlan(services: HostServices, arg: unknown): Promise<void> {
  const document =
    arg instanceof vscode.Uri ? await vscode.workspace.openTextDocument(arg) : vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Open a plan first: a file ending in {0}. "Orchestrator: Plan Goal…" makes one.', PLAN_FILE_SUFFIX),
    );
    return;
  }
  const parsed = parsePlanDocument(document.getText(), vscode.l10n.t);
  if (!parsed.ok) {
    await showBrokenDocument(document, parsed);
    return;
  }
  const launch = await launchReviewedPlan(services, parsed);
  if (launch.kind === 'refused') await showProblems(services, document, launch.problems);
  if (launch.kind === 'started')
    await followRun(services, launch.launched, vscode.l10n.t('Running the plan'), parsed.goal);
}

/** A document that is not JSON: the error with its line and column, and a button that goes there. */
async function showBrokenDocument(document: vscode.TextDocument, broken: BrokenPlanDocument): Promise<void> {
  const goTo = vscode.l10n.t('Go to Error');
  const choice = await vscode.window.showErrorMessage(broken.message, goTo);
  if (choice !== goTo) return;
  const position = document.positionAt(broken.offset);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position) });
}

/** Every problem of a plan that cannot run: the first ones in the message, all of them in the log. */
async function showProblems(services: HostServices, document: vscode.TextDocument, problems: string[]): Promise<void> {
  services.log.error(planProblemsLog(document.uri.fsPath || document.uri.toString(), problems));
  const show = vscode.l10n.t('Show Problems');
  const choice = await vscode.window.showErrorMessage(planProblemsMessage(problems, vscode.l10n.t), show);
  if (choice === show) services.log.show(true);
}
