import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';
import type { AgentOrchestratorApi } from '../api/agentOrchestratorApi';
import { RUN_PANEL_VIEW_TYPE } from '../panel/runPanelHtml';
import { CurrentHeadroom, type HeadroomSource } from '../statusBar/currentHeadroom';
import { QuotaStatusBar } from '../statusBar/quotaStatusBar';
import { RunContextKeys } from '../views/runContextKeys';
import { RunsModel } from '../views/runsModel';
import type { RunTreeNode } from '../views/runTreeNodes';
import { RunTreeProvider, RUNS_VIEW_ID } from '../views/runTreeProvider';
import { CommandTable } from './commandTable';
import { engineBackedApi } from './engineBackedApi';
import type { EngineHandle, FirstScreenParts } from './engineContract';
import { LazyEngine } from './lazyEngine';
import { LmToolRegistration } from './lmToolRegistration';
import { contributedNames } from './manifestNames';
import { hasRunFolders } from './runFolders';

/** How long after activation the run list is read when no view asked for it yet. */
const LIST_DELAY_MS = 1500;

/** Headroom before the engine (and its rate-limit scheduler) exists: nothing reserved anywhere. */
const NO_HEADROOM: HeadroomSource = { headroom: () => [], onDidChange: () => toDisposable(() => undefined) };

/**
 * What activation builds: only what the first screen shows or VS Code needs registered during
 * activation — the log channel, the Runs view and its model, the run context keys, the quota
 * status-bar item, every contributed command, the run panel's serializer, the language-model
 * tools and the API object. The engine (planner, executor, providers, tools, policies, store
 * writes, approvals, the webview host) is a second bundle, loaded right after activation
 * (`loadSoon`) or by the first command, view read or API call that comes before that; each of
 * those waits for it and then goes on.
 */
export class FirstScreen extends Disposable {
  /** What `activate()` returns to other extensions; each call goes to the engine's API. */
  readonly api: AgentOrchestratorApi;
  private readonly engine: LazyEngine<EngineHandle>;

  constructor(context: vscode.ExtensionContext, startEngine: (screen: FirstScreenParts) => EngineHandle) {
    super();
    const log = this._register(vscode.window.createOutputChannel('Agent Orchestrator', { log: true }));
    // Made first (the parts below ask it whether the engine is there), registered last (below).
    this.engine = new LazyEngine(
      () => startEngine(screen),
      (error) => log.error(error.message),
    );
    const engine = (): EngineHandle => this.engine.get();
    const storeRoot = context.globalStorageUri.fsPath;
    const model = this._register(
      new RunsModel({
        // No run folder yet: an empty list needs no engine. Otherwise the engine's store reads the runs.
        list: async () => (this.engine.loaded || (await hasRunFolders(storeRoot)) ? engine().runs.list() : []),
        load: async (runId) => engine().runs.load(runId),
      }),
    );
    const tree = this._register(new RunTreeProvider(model));
    const view = this._register(
      vscode.window.createTreeView<RunTreeNode>(RUNS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true }),
    );
    this._register(new RunContextKeys(model));
    const headroom = this._register(new CurrentHeadroom(() => this.engine.loaded?.headroom() ?? NO_HEADROOM));
    const quota = this._register(new QuotaStatusBar(model, headroom));
    const names = contributedNames(context.extension?.packageJSON);
    const commands = this._register(
      new CommandTable(names.commands, engine, (id, err) => {
        log.error(`${id} failed: ${errorMessage(err)}`);
        void vscode.window.showErrorMessage(errorMessage(err));
      }),
    );
    this._register(
      vscode.window.registerWebviewPanelSerializer(RUN_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => engine().restorePanel(panel, state),
      }),
    );
    this._register(new LmToolRegistration(names.tools, (name) => engine().tool(name), log));
    this.api = engineBackedApi(() => engine().api);
    this.wireView(model, view);
    // The context keys (Resume Run in the palette, say) need the run list even when the view is
    // closed; it is read once, shortly after activation, never during it.
    const listSoon = setTimeout(() => void model.ensureLoaded(), LIST_DELAY_MS);
    this._register(toDisposable(() => clearTimeout(listSoon)));

    const screen: FirstScreenParts = { log, model, tree, view, quota, registerCommand: commands.register };
    // Registered last, so it is disposed first: the engine goes before the parts it uses.
    this._register(this.engine);
    this.engine.loadSoon();
  }

  /** The view's message mirrors a failed listing; showing the view again re-reads the store (other windows and the CLI add runs). */
  private wireView(model: RunsModel, view: vscode.TreeView<RunTreeNode>): void {
    let shownError: string | undefined;
    this._register(
      model.onDidChange(() => {
        if (model.error === shownError) return;
        shownError = model.error;
        view.message = shownError ? vscode.l10n.t('Could not read runs: {0}', shownError) : undefined;
      }),
    );
    this._register(
      view.onDidChangeVisibility((e) => {
        if (e.visible && model.loaded) void model.refresh();
      }),
    );
  }
}
