// What activation (dist/extension.js) and the engine bundle (dist/engine.js) hand each other.
// Types only: activation never imports the engine's modules, it requires the bundle on first use.
import type * as vscode from 'vscode';
import type { DisposableLike } from '../../core/common/disposable';
import type { AgentOrchestratorApi } from '../api/agentOrchestratorApi';
import type { HeadroomSource } from '../statusBar/currentHeadroom';
import type { QuotaStatusBar } from '../statusBar/quotaStatusBar';
import type { LmTool } from '../tools/orchestrateTool';
import type { RunsModel, RunsSource } from '../views/runsModel';
import type { RunTreeNode } from '../views/runTreeNodes';
import type { RunTreeProvider } from '../views/runTreeProvider';
import type { CommandRegistrar } from './commandTable';

/** What activation built for the first screen; the engine uses these rather than making its own. */
export interface FirstScreenParts {
  readonly log: vscode.LogOutputChannel;
  /** Its store reads wait for the engine (they go to the engine's `runs`). */
  readonly model: RunsModel;
  readonly tree: RunTreeProvider;
  readonly view: vscode.TreeView<RunTreeNode>;
  readonly quota: QuotaStatusBar;
  /** Gives each contributed command its handler. */
  readonly registerCommand: CommandRegistrar;
}

/** The loaded engine: everything activation forwards to it. Disposing it disposes all it made. */
export interface EngineHandle extends DisposableLike {
  /** The run store, as the Runs view reads it. */
  readonly runs: RunsSource;
  /** The rate-limit scheduler the engines share now (it is replaced when the settings change). */
  headroom(): HeadroomSource;
  /** The API other extensions get. */
  readonly api: AgentOrchestratorApi;
  /** Takes over a run panel VS Code restores after a reload. */
  restorePanel(panel: vscode.WebviewPanel, state: unknown): void;
  /** The language-model tool of this name (package.json `languageModelTools`). */
  tool(name: string): LmTool;
}

/** The exports of dist/engine.js (src/host/engineMain.ts). */
export interface EngineModule {
  startEngine(context: vscode.ExtensionContext, screen: FirstScreenParts): EngineHandle;
}
