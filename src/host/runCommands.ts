import * as vscode from 'vscode';
import type { RunSummary } from '../core/store/runStore';
import type { RunTreeProvider } from './runTreeProvider';

/** Command ids, as contributed in package.json. */
export const Commands = {
  orchestrate: 'agentOrchestrator.orchestrate',
  refreshRuns: 'agentOrchestrator.refreshRuns',
  exportRunSummary: 'agentOrchestrator.exportRunSummary',
} as const;

/** What the export command needs from the store. */
export interface RunExporter {
  exportMarkdown(runId: string): Promise<string>;
}

/** Registers the run commands; every registration is returned for the caller to own. */
export function registerRunCommands(
  tree: RunTreeProvider,
  view: vscode.TreeView<RunSummary>,
  exporter: RunExporter,
): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.orchestrate, orchestrate),
    vscode.commands.registerCommand(Commands.refreshRuns, () => tree.refresh()),
    vscode.commands.registerCommand(Commands.exportRunSummary, (run?: RunSummary) =>
      exportRunSummary(exporter, run ?? view.selection[0]),
    ),
  ];
}

/** Asks for a goal; until model providers exist it says so instead of pretending to run. */
async function orchestrate(): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    const manage = vscode.l10n.t('Manage Workspace Trust');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Agent Orchestrator does not run agents in an untrusted workspace.'),
      manage,
    );
    if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
    return;
  }
  const goal = await vscode.window.showInputBox({
    title: vscode.l10n.t('Orchestrate Goal'),
    prompt: vscode.l10n.t('Describe what the agents should achieve in this workspace.'),
    placeHolder: vscode.l10n.t('e.g. Add JWT auth to the API and tests for it'),
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : vscode.l10n.t('Enter a goal.')),
  });
  if (goal === undefined) return;
  await vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Model providers are not configured in this version of Agent Orchestrator, so nothing was planned or run. Planning and LLM agents arrive in a later release.',
    ),
  );
}

/** Opens the Markdown summary of a run in an untitled editor. */
async function exportRunSummary(exporter: RunExporter, run: RunSummary | undefined): Promise<void> {
  if (!run) {
    await vscode.window.showInformationMessage(vscode.l10n.t('Select a run in the Runs view to export its summary.'));
    return;
  }
  try {
    const content = await exporter.exportMarkdown(run.runId);
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(document, { preview: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await vscode.window.showErrorMessage(vscode.l10n.t('Could not export the summary of run {0}: {1}', run.runId, reason));
  }
}
