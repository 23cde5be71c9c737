import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';
import { showQuotaDetails } from '../statusBar/quotaStatusBar';
import { parseFindingLocation } from '../views/runTreeFormat';
import { isRunTreeNode } from '../views/runTreeNodes';
import { command, Commands, resolveRunId, type HostServices } from './commandSupport';

/** Open Run Panel, Show Logs, Export Run Summary, Refresh Runs, Show Quota and Cost, Open Finding. */
export class ViewCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(command(services, Commands.openGraph, (arg) => openGraph(services, arg)));
    this._register(command(services, Commands.showLogs, () => services.log.show(true)));
    this._register(command(services, Commands.exportRunSummary, (arg) => exportRunSummary(services, arg)));
    this._register(command(services, Commands.refreshRuns, () => services.model.refresh()));
    this._register(command(services, Commands.showQuota, () => showQuotaDetails(services.quota)));
    this._register(command(services, Commands.openFinding, (arg) => openFinding(services, arg)));
  }
}

/** Opens the run panel on a run: the one named, or the user's pick. */
async function openGraph(services: HostServices, arg: unknown): Promise<void> {
  const runId = await resolveRunId(
    arg,
    () => services.model.runs(),
    vscode.l10n.t('Which run?'),
    vscode.l10n.t('No runs yet.'),
  );
  if (runId) await services.panels.open(runId);
}

/** Opens the Markdown summary of a run in an untitled editor. */
async function exportRunSummary(services: HostServices, arg: unknown): Promise<void> {
  const runId = await resolveRunId(
    arg,
    () => services.model.runs(),
    vscode.l10n.t('Which run should be exported?'),
    vscode.l10n.t('No runs yet.'),
  );
  if (!runId) return;
  let content: string;
  try {
    content = services.scrubber.scrub(await services.store.exportMarkdown(runId));
  } catch (err) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t('Could not export the summary of run {0}: {1}', runId, errorMessage(err)),
    );
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: false });
}

/** Opens a finding's `file:line` with the line selected. */
async function openFinding(services: HostServices, arg: unknown): Promise<void> {
  if (!isRunTreeNode(arg) || arg.kind !== 'finding') return;
  const state = await services.model.loadDetails(arg.runId);
  const location = parseFindingLocation(state?.findings[arg.index]?.location);
  if (!location) {
    void vscode.window.showInformationMessage(vscode.l10n.t('This finding has no location.'));
    return;
  }
  const uri = await findingUri(services, arg.runId, location.path);
  if (!uri) {
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} was not found in this workspace.', location.path));
    return;
  }
  const line = Math.max(0, (location.line ?? 1) - 1);
  const column = Math.max(0, (location.column ?? 1) - 1);
  const selection = new vscode.Range(line, column, line, column);
  await vscode.commands.executeCommand('vscode.open', uri, {
    selection,
    preview: true,
  } satisfies vscode.TextDocumentShowOptions);
}

/** A finding path as a file: absolute paths inside a workspace folder, or relative to the run's folder (else each folder). */
async function findingUri(services: HostServices, runId: string, path: string): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const isAbsolute = /^([A-Za-z]:[\\/]|\/|\\\\)/.test(path);
  if (isAbsolute) {
    const uri = vscode.Uri.file(path);
    return vscode.workspace.getWorkspaceFolder(uri) ? uri : undefined;
  }
  const clean = path.replace(/\\/g, '/').replace(/^\.\//, '');
  if (clean.split('/').includes('..')) return undefined;
  const runFolder = services.launcher.get(runId)?.folder ?? services.launcher.folders.folderOf(runId);
  for (const folder of runFolder ? [runFolder] : folders) {
    const uri = vscode.Uri.joinPath(folder.uri, clean);
    try {
      await vscode.workspace.fs.stat(uri);
      return uri;
    } catch {
      // Not in this folder; try the next.
    }
  }
  return undefined;
}
