import * as vscode from 'vscode';
import type { AgentFileWatcher } from '../../core/agents/agentFileWatcher';
import { AGENT_FILE_GLOBS } from '../../core/agents/workspaceAgentFiles';

/**
 * The host's {@link AgentFileWatcher}: one FileSystemWatcher per agent-file glob of the folder
 * (ours, `.github/agents`, `.claude/agents`). It exists only with an engine, and engines are only
 * built in a trusted workspace, so an untrusted workspace's agent files are never read.
 */
export function vscodeAgentFileWatcher(folder: vscode.WorkspaceFolder): AgentFileWatcher {
  return {
    watch(onChange) {
      const disposables: vscode.Disposable[] = [];
      for (const glob of AGENT_FILE_GLOBS) {
        const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, glob));
        disposables.push(
          watcher,
          watcher.onDidCreate(onChange),
          watcher.onDidChange(onChange),
          watcher.onDidDelete(onChange),
        );
      }
      return { dispose: () => disposables.forEach((d) => d.dispose()) };
    },
  };
}
