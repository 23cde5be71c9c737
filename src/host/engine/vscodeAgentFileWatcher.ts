import * as vscode from 'vscode';
import type { AgentFileWatcher } from '../../core/agents/agentFileWatcher';
import { AGENT_FILE_GLOBS } from '../../core/agents/workspaceAgentFiles';
import { Disposable } from '../../core/common/disposable';

/**
 * The host's {@link AgentFileWatcher}: one FileSystemWatcher per agent-file glob of the folder
 * (ours, `.github/agents`, `.claude/agents`). It exists only with an engine, and engines are only
 * built in a trusted workspace, so an untrusted workspace's agent files are never read.
 */
export function vscodeAgentFileWatcher(folder: vscode.WorkspaceFolder): AgentFileWatcher {
  return { watch: (onChange) => new AgentFileWatchers(folder, onChange) };
}

/** The watchers of one `watch` call and their subscriptions, disposed together. */
class AgentFileWatchers extends Disposable {
  constructor(folder: vscode.WorkspaceFolder, onChange: () => void) {
    super();
    for (const glob of AGENT_FILE_GLOBS) {
      const watcher = this._register(
        vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob)),
      );
      this._register(watcher.onDidCreate(onChange));
      this._register(watcher.onDidChange(onChange));
      this._register(watcher.onDidDelete(onChange));
    }
  }
}
