import * as vscode from 'vscode';
import { errorMessage } from '../../core/common/errors';
import { ResumeError } from '../../core/run/runErrors';
import { TaskActionError } from '../../core/run/taskActions';
import type { RunStore } from '../../core/store/runStore';
import type { DiffApprovals } from '../approvals/diffApprovals';
import { HostEngineError, type HostEngineAction } from '../engine/hostEngineError';
import type { RunPanels } from '../panel/runPanels';
import type { HostEngines } from '../runs/hostEngines';
import { UntrustedWorkspaceError, type RunLauncher } from '../runs/runLauncher';
import type { ApiKeyStore } from '../secrets/apiKeys';
import type { QuotaStatusBar } from '../statusBar/quotaStatusBar';
import type { SecretScrubber } from '../views/runLogFormat';
import type { RunEntry } from '../views/runEntry';
import type { RunsModel } from '../views/runsModel';
import type { RunTreeProvider } from '../views/runTreeProvider';
import { isRunTreeNode, type RunTreeNode } from '../views/runTreeNodes';
import type { ExternalAgents } from '../api/externalAgents';
import { VSCODE_LM_PROVIDER_ID } from '../lm/vscodeLmChatModel';
import type { CommandRegistrar } from '../activation/commandTable';
import type { McpInputSecrets } from '../secrets/mcpInputSecrets';
import type { DisposableLike } from '../../core/common/disposable';

/** Command ids, as contributed in package.json (the approval commands belong to DiffApprovals). */
export const Commands = {
  orchestrate: 'agentOrchestrator.orchestrate',
  planGoal: 'agentOrchestrator.planGoal',
  runPlan: 'agentOrchestrator.runPlan',
  pauseRun: 'agentOrchestrator.pauseRun',
  resumeRun: 'agentOrchestrator.resumeRun',
  cancelRun: 'agentOrchestrator.cancelRun',
  retryTask: 'agentOrchestrator.retryTask',
  reassignTask: 'agentOrchestrator.reassignTask',
  cancelTask: 'agentOrchestrator.cancelTask',
  skipTask: 'agentOrchestrator.skipTask',
  openGraph: 'agentOrchestrator.openGraph',
  showLogs: 'agentOrchestrator.showLogs',
  setApiKey: 'agentOrchestrator.setApiKey',
  forgetMcpInputs: 'agentOrchestrator.forgetMcpInputs',
  selectModel: 'agentOrchestrator.selectModel',
  exportRunSummary: 'agentOrchestrator.exportRunSummary',
  rollbackTask: 'agentOrchestrator.rollbackTask',
  rollbackRun: 'agentOrchestrator.rollbackRun',
  refreshRuns: 'agentOrchestrator.refreshRuns',
  showQuota: 'agentOrchestrator.showQuota',
  openFinding: 'agentOrchestrator.openFinding',
} as const;

/** Everything the commands use; the HostContainer provides it. */
export interface HostServices {
  readonly model: RunsModel;
  readonly launcher: RunLauncher;
  readonly engines: HostEngines;
  readonly store: Pick<RunStore, 'exportMarkdown' | 'load'>;
  readonly keys: ApiKeyStore;
  /** MCP input values (`${input:ID}`) kept in SecretStorage. */
  readonly mcpInputs: Pick<McpInputSecrets, 'forgetAll'>;
  readonly approvals: DiffApprovals;
  /** The run panel (webview). */
  readonly panels: RunPanels;
  readonly log: vscode.LogOutputChannel;
  readonly scrubber: SecretScrubber;
  readonly quota: QuotaStatusBar;
  readonly tree: RunTreeProvider;
  readonly view: vscode.TreeView<RunTreeNode>;
  readonly agents: ExternalAgents;
  /** Recent goals live here (goals only). */
  readonly workspaceState: vscode.Memento;
  /** Where Plan Goal writes plan documents: `<globalStorage>/plans`. */
  readonly plansFolder: vscode.Uri;
  /** Gives a contributed command its handler (activation registered every command with VS Code already). */
  readonly registerCommand: CommandRegistrar;
}

/** What a run command may be given: a tree element, a run id (from the API or a test), or nothing (palette). */
export type RunArg = RunTreeNode | string | undefined;

/** Wraps a command so an unexpected error is logged and shown, never swallowed. */
export function command(
  services: Pick<HostServices, 'log' | 'registerCommand'>,
  id: string,
  run: (...args: unknown[]) => Promise<unknown> | unknown,
): DisposableLike {
  return register(services, id, run, false);
}

/**
 * A command that can start, resume or change a run, or touch the workspace's files: in an
 * untrusted workspace it explains why nothing runs and stops. This wrapper (and
 * `assertTrustedWorkspace` for the extension API) is where Workspace Trust is checked; nothing
 * behind it (launcher, engines, the engine assembly) checks again.
 */
export function trustedCommand(
  services: Pick<HostServices, 'log' | 'registerCommand'>,
  id: string,
  run: (...args: unknown[]) => Promise<unknown> | unknown,
): DisposableLike {
  return register(services, id, run, true);
}

/** The extension API's trust check: throws `UntrustedWorkspaceError` in an untrusted workspace. */
export function assertTrustedWorkspace(): void {
  if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError();
}

function register(
  services: Pick<HostServices, 'log' | 'registerCommand'>,
  id: string,
  run: (...args: unknown[]) => Promise<unknown> | unknown,
  needsTrust: boolean,
): DisposableLike {
  return services.registerCommand(id, async (...args: unknown[]) => {
    try {
      if (needsTrust) assertTrustedWorkspace();
      return await run(...args);
    } catch (err) {
      await showError(services, err);
      return undefined;
    }
  });
}

/**
 * Shows an error the way the host shows every error: a `HostEngineError` with its actions as
 * buttons, an untrusted workspace with "Manage Workspace Trust", anything else as its message.
 */
export async function showError(services: Pick<HostServices, 'log'>, err: unknown): Promise<void> {
  if (err instanceof UntrustedWorkspaceError) {
    await explainUntrusted();
    return;
  }
  const message = errorMessage(err);
  if (!(err instanceof HostEngineError) && !(err instanceof ResumeError) && !(err instanceof TaskActionError))
    services.log.error(message);
  const actions: readonly HostEngineAction[] = err instanceof HostEngineError ? err.actions : [];
  const labels = actions.map((a) => vscode.l10n.t(a.label));
  const choice = await vscode.window.showErrorMessage(message, ...labels);
  const action = actions[labels.indexOf(choice ?? '')];
  if (action) await runEngineAction(action);
}

/** Carries out what a `HostEngineError` offered. */
async function runEngineAction(action: HostEngineAction): Promise<void> {
  switch (action.id) {
    case 'setApiKey':
      await vscode.commands.executeCommand(Commands.setApiKey);
      return;
    case 'useVscodeModels': {
      const config = vscode.workspace.getConfiguration('agentOrchestrator');
      await config.update('provider', VSCODE_LM_PROVIDER_ID, vscode.ConfigurationTarget.Global);
      await config.update('model', '', vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Agent Orchestrator now uses the first model VS Code offers ("Select Provider and Model" picks another). Run "Orchestrate Goal" again; the first time, VS Code asks you to allow it.',
        ),
      );
      return;
    }
    case 'useDemo':
      await vscode.workspace
        .getConfiguration('agentOrchestrator')
        .update('provider', 'demo', vscode.ConfigurationTarget.Global);
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          'Agent Orchestrator now uses the offline demo model: a scripted local server, not a real model. Run "Orchestrate Goal" again to watch a run.',
        ),
      );
      return;
    case 'manageTrust':
      await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', 'agentOrchestrator');
      return;
  }
}

async function explainUntrusted(): Promise<void> {
  const manage = vscode.l10n.t('Manage Workspace Trust');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'Agent Orchestrator does not run agents in an untrusted workspace: no model is called and no task, edit or command runs. Trust this workspace to orchestrate goals.',
    ),
    manage,
  );
  if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}

/** The folder to work in: the only one, or the user's pick in a multi-root workspace. */
export async function pickFolder(placeHolder: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Open a folder first: agents work on the files of a workspace folder.'),
    );
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder, ignoreFocusOut: true });
}

/**
 * The folder a run belongs to. A run started from this workspace has it on record; for any other
 * run (started in another workspace, or before the record existed) the user confirms the folder,
 * since the store under globalStorage holds the runs of every workspace on this machine.
 */
export async function folderForRun(
  services: Pick<HostServices, 'launcher' | 'model'>,
  runId: string,
): Promise<vscode.WorkspaceFolder | undefined> {
  const live = services.launcher.get(runId)?.folder;
  if (live) return live;
  const known = services.launcher.folders.folderOf(runId);
  if (known) return known;
  const goal = services.model.get(runId)?.summary.goal ?? runId;
  if (services.launcher.folders.knows(runId)) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Run "{0}" belongs to a folder that is no longer open in this workspace. Add that folder back to act on the run.',
        goal,
      ),
    );
    return undefined;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return undefined;
  if (folders.length === 1) {
    const folder = folders[0]!;
    const use = vscode.l10n.t('Use {0}', folder.name);
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Run "{0}" was not started from this workspace, so its folder is not known. Act on it in folder "{1}"? Its tasks read and change files there.',
        goal,
        folder.name,
      ),
      use,
    );
    return choice === use ? folder : undefined;
  }
  return vscode.window.showWorkspaceFolderPick({
    placeHolder: vscode.l10n.t('Run "{0}" was not started from this workspace: which folder does it belong to?', goal),
    ignoreFocusOut: true,
  });
}

/** The run id a command argument names, or the user's pick among `candidates` (undefined when there is none or the pick is cancelled). */
export async function resolveRunId(
  arg: unknown,
  candidates: () => RunEntry[],
  placeHolder: string,
  none: string,
): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (isRunTreeNode(arg)) return arg.runId;
  const runs = candidates();
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(none);
    return undefined;
  }
  if (runs.length === 1) return runs[0]!.runId;
  const picked = await vscode.window.showQuickPick(
    runs.map((r) => ({ label: r.summary.goal || r.runId, description: r.status, detail: r.runId, runId: r.runId })),
    { placeHolder, matchOnDetail: true },
  );
  return picked?.runId;
}

/** The run and task a task command names (a task element, or `{ runId, taskId }` from a caller). */
export function taskArg(arg: unknown): { runId: string; taskId: string } | undefined {
  if (isRunTreeNode(arg) && arg.kind === 'task') return { runId: arg.runId, taskId: arg.taskId };
  if (typeof arg === 'object' && arg !== null) {
    const { runId, taskId } = arg as { runId?: unknown; taskId?: unknown };
    if (typeof runId === 'string' && typeof taskId === 'string') return { runId, taskId };
  }
  return undefined;
}

/** Focuses the Runs view on a run. */
export async function revealRun(services: Pick<HostServices, 'tree' | 'view'>, runId: string): Promise<void> {
  const node = services.tree.runNode(runId);
  if (node) await services.view.reveal(node, { select: true, focus: true, expand: true });
  else await vscode.commands.executeCommand('agentOrchestrator.runs.focus');
}
