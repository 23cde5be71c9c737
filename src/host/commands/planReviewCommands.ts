// What the Run panel's plan review does in the host: check a plan with the dry run's engine, run
// it through the same path as "Run This Plan", open it as JSON. The panel reaches these only
// through `PlanReviewHost`, so it imports nothing from the commands.
import * as vscode from 'vscode';
import type { PlanIssue } from '../../core/model/runEvents';
import { PLAN_FILE_SUFFIX, planFileText, type PlanFile } from '../../core/plan/planFile';
import { planOriginOf } from '../../core/plan/planOrigin';
import { writeFileAtomic } from '../../core/store/atomicFile';
import { AgentIdSchema } from '../../protocol/ids';
import { agentDefinitionsOf } from '../api/externalAgents';
import type { PlanReviewHost } from '../panel/planReviews';
import type { LaunchedRun } from '../runs/runLauncher';
import { assertTrustedWorkspace, pickFolder, showError, type HostServices } from './commandSupport';
import { followRun } from './followRun';
import { launchGoal } from './orchestrateCommand';
import { planDocumentProblems, type ParsedPlanDocument } from './planDocument';

/** How a plan handed in by a person went: no folder chosen, refused by validation (nothing ran), or started. */
export type PlanLaunch =
  | { kind: 'no-folder' }
  | { kind: 'refused'; issues: PlanIssue[]; problems: string[] }
  | { kind: 'started'; launched: LaunchedRun };

/**
 * The one path of a plan a person reviewed (the document of Run This Plan, the Run panel's Run):
 * the dry run's folder (else the user's pick), the folder's engine checks the plan with
 * `orchestrator.validate` — nothing starts when it finds a problem — and the run starts with
 * exactly this plan and its origin (`editor`, the dry run, whether it was edited). Throws the
 * engine's errors (no key, say).
 */
export async function launchReviewedPlan(services: HostServices, parsed: ParsedPlanDocument): Promise<PlanLaunch> {
  // The folder the dry run was made for; a plan from elsewhere runs where the user says.
  const folder =
    (parsed.fromRun === undefined ? undefined : services.launcher.folders.folderOf(parsed.fromRun)) ??
    (await pickFolder(vscode.l10n.t('Which folder should this plan run in?')));
  if (!folder) return { kind: 'no-folder' };
  const engine = await services.engines.get(folder);
  const validation = engine.orchestrator.validate(parsed.input);
  const problems = planDocumentProblems(parsed, validation, vscode.l10n.t);
  if (!validation.ok || problems.length > 0) {
    return { kind: 'refused', issues: validation.ok ? [] : validation.issues, problems };
  }
  const loadPlan = async (runId: string) => (await services.store.load(runId)).state.plan;
  const origin = await planOriginOf('editor', parsed.input, validation.plan, loadPlan);
  const launched = await launchGoal(services, folder, parsed.goal, { plan: { input: parsed.input, origin } });
  return { kind: 'started', launched };
}

/** The registered agents of the folder's engine a task may be assigned to (ids the protocol can carry). */
export async function reviewAgentIds(services: HostServices, folder: vscode.WorkspaceFolder): Promise<string[]> {
  const engine = await services.engines.get(folder);
  return agentDefinitionsOf(engine, services.agents)
    .map((a) => a.id)
    .filter((id) => AgentIdSchema.safeParse(id).success);
}

/**
 * The panel's plan reviews, carried out by the host. Run checks Workspace Trust first, like the
 * extension API: a webview message is a boundary as a command is. `servicesOf` is read at each
 * call, since the panel is built before the services that hold it.
 */
export function planReviewHost(servicesOf: () => HostServices): PlanReviewHost {
  return {
    validate: async (runId, plan) => {
      const services = servicesOf();
      const folder = services.launcher.folders.folderOf(runId);
      return folder ? (await services.engines.get(folder)).orchestrator.validate(plan) : undefined;
    },
    run: async (_runId, plan) => {
      const services = servicesOf();
      try {
        assertTrustedWorkspace();
        const launch = await launchReviewedPlan(services, documentOf(plan));
        if (launch.kind === 'no-folder') return { kind: 'not-started' };
        if (launch.kind === 'refused') return { kind: 'refused', issues: launch.issues };
        const { launched } = launch;
        void followRun(services, launched, vscode.l10n.t('Running the plan'), plan.goal).catch((err: unknown) =>
          services.log.error(`Run ${launched.handle.runId}: following it failed: ${String(err)}`),
        );
        return { kind: 'started', runId: launched.handle.runId };
      } catch (err) {
        await showError(services, err);
        return { kind: 'not-started' };
      }
    },
    openJson: async (runId, plan) => {
      const services = servicesOf();
      const uri = vscode.Uri.joinPath(services.plansFolder, `${runId}${PLAN_FILE_SUFFIX}`);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      // The panel's edits go into the file, unless the file is open with edits of its own: those are not overwritten.
      if (open?.isDirty) {
        services.log.info(`Plan ${runId}: ${uri.fsPath} has unsaved edits; shown as it is, without the panel's edits.`);
      } else {
        await vscode.workspace.fs.createDirectory(services.plansFolder);
        await writeFileAtomic(uri.fsPath, planFileText(runId, plan));
      }
      await vscode.window.showTextDocument(uri, { preview: false });
    },
  };
}

/** A reviewed plan as "Run This Plan" reads a document. */
function documentOf(plan: PlanFile): ParsedPlanDocument {
  return {
    ok: true,
    input: plan,
    goal: plan.goal.trim(),
    ...(plan.fromRun !== undefined ? { fromRun: plan.fromRun } : {}),
  };
}
