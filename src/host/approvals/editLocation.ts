import * as vscode from 'vscode';
import type { EditProposal } from '../../core/tools/approvalPort';
import type { AppliedEditRef } from './commandArgs';
import { proposalPath } from './proposalQuery';

/**
 * The file an edit's workspace-relative path names: through `resolveUri` when the host gives one,
 * else under the first workspace folder; undefined for a path that leaves the workspace or no folder.
 */
export function fileUriOf(path: string, resolveUri?: (path: string) => vscode.Uri | undefined): vscode.Uri | undefined {
  if (resolveUri !== undefined) return resolveUri(path);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const clean = proposalPath(path);
  return folder === undefined || clean === undefined ? undefined : vscode.Uri.joinPath(folder.uri, clean);
}

/** True when a pending proposal is the edit an applied-edit reference names (same path, run and task). */
export function sameEdit(proposal: EditProposal, ref: AppliedEditRef): boolean {
  return proposal.path === ref.path && proposal.runId === ref.runId && proposal.taskId === ref.taskId;
}
