import type * as vscode from 'vscode';
import type { AgentOrchestratorApi } from './api/agentOrchestratorApi';
import { HostContainer } from './hostContainer';

/**
 * Builds the container: views, status bar and commands are registered, nothing heavy runs. The
 * run store is listed when the Runs view first asks, and an engine is built when a run needs one.
 * Activation comes from the contributed commands and views only.
 */
export function activate(context: vscode.ExtensionContext): AgentOrchestratorApi {
  const container = new HostContainer(context);
  context.subscriptions.push(container);
  return container.api;
}

/** The container owns everything and is owned by `context.subscriptions`, which VS Code disposes. */
export function deactivate(): void {}
