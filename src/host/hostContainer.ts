import { join } from 'node:path';
import * as vscode from 'vscode';
import { systemClock } from '../core/common/clock';
import { Disposable, toDisposable, type DisposableLike } from '../core/common/disposable';
import { createEngineServices, type EngineServices } from '../core/engine/engineServices';
import type { RunStore } from '../core/store/runStore';
import { ExtensionApi } from './extensionApi';
import { ExternalAgents } from './api/externalAgents';
import { CommandApprovals } from './approvals/commandApprovals';
import { DiffApprovals } from './approvals/diffApprovals';
import { proposalPath } from './approvals/proposalQuery';
import { assertTrustedWorkspace, folderForRun, type HostServices } from './commands/commandSupport';
import { HostCommands } from './commands/hostCommands';
import { orchestrateTool, type LmTool } from './tools/orchestrateTool';
import { ORCHESTRATE_TOOL } from './tools/orchestrateToolLogic';
import type { EngineHandle, FirstScreenParts } from './activation/engineContract';
import type { HeadroomSource } from './statusBar/currentHeadroom';
import { panelTaskAction } from './commands/panelTaskActions';
import { planReviewHost } from './commands/planReviewCommands';
import { createHostEngine, type HostEngine } from './engine/hostEngine';
import { openFolderCheckpoints, PanelReviews } from './panel/runReviewHost';
import { PanelAgents } from './panel/panelAgents';
import { PlanDraftFiles } from './panel/planDraftFiles';
import { RunPanels } from './panel/runPanels';
import { HostEngines } from './runs/hostEngines';
import { RunFolders, RunLauncher } from './runs/runLauncher';
import { ApiKeyStore } from './secrets/apiKeys';
import { KeyHostConfirmation } from './secrets/keyHostConfirmation';
import { McpInputSecrets } from './secrets/mcpInputSecrets';
import { hostRateLimits } from './settings/hostRateLimits';
import { onDidChangeHostSettings, readHostSettings } from './settings/hostSettings';
import { RunSpanExport } from './runs/runSpanExport';
import { RunLogSink } from './views/runLogSink';
import { SecretScrubber } from './views/runLogFormat';
import type { RunsModel } from './views/runsModel';
import type { RunTreeNode } from './views/runTreeNodes';
/** Plans under review, beside the runs in global storage (never in the workspace). */
const PLAN_REVIEWS_DIR = 'plan-reviews';

/**
 * The engine side of the window (dist/engine.js), built once activation's first screen
 * (activation/firstScreen.ts: log, Runs view and model, status bar, command table) exists. It owns
 * one of each shared service (run store, agent statistics, rate-limit scheduler, path locks,
 * approvals, keys), the command handlers, the run panel and the API, and builds an engine per
 * workspace folder only when a run needs one. Construction reads no files and calls no model;
 * every registration is `_register`ed as it is made, and the first screen owns the container.
 */
export class HostContainer extends Disposable implements EngineHandle {
  /** What other extensions call (through the first screen's forwarding API). */
  readonly api: ExtensionApi;
  /** The run store, which the first screen's RunsModel lists and loads. */
  readonly runs: RunStore;

  private readonly log: vscode.LogOutputChannel;
  private readonly scrubber = new SecretScrubber();
  /** Run store, agent statistics, the one rate-limit scheduler and the path locks, shared by every engine. */
  private readonly services: EngineServices;
  private readonly store: RunStore;
  private rateLimitsStale = false;
  private readonly keys: ApiKeyStore;
  private readonly mcpInputs: McpInputSecrets;
  private readonly keyHosts: KeyHostConfirmation;
  private readonly model: RunsModel;
  private readonly logSink: RunLogSink;
  private readonly approvals: DiffApprovals;
  private readonly commandApprovals: CommandApprovals;
  private readonly engines: HostEngines;
  private readonly launcher: RunLauncher;
  private readonly panels: RunPanels;
  private readonly tools: ReadonlyMap<string, LmTool>;
  private readonly shownProblems = new Set<string>();
  private readonly spanExport = new RunSpanExport(
    () => readHostSettings().settings.telemetry.otlpEndpoint,
    (message) => this.log.warn(message),
  );

  constructor(context: vscode.ExtensionContext, screen: FirstScreenParts) {
    super();
    const root = context.globalStorageUri.fsPath;
    this.log = screen.log;
    this.services = createEngineServices({
      storeDir: root,
      clock: systemClock,
      rateLimits: hostRateLimits(() => readHostSettings().settings),
      warn: (message) => this.log.warn(message),
    });
    this.store = this.services.store;
    this.runs = this.store;
    this.keys = this._register(new ApiKeyStore(context.secrets));
    this.mcpInputs = new McpInputSecrets(
      context.secrets,
      (options) => vscode.window.showInputBox(options),
      (value) => this.scrubber.add(value),
    );
    this.keyHosts = new KeyHostConfirmation(context.globalState);
    this.model = screen.model;
    this.logSink = new RunLogSink(this.log, this.scrubber);
    const folders = new RunFolders(context.workspaceState);
    this.approvals = this._register(
      new DiffApprovals({
        approvalMode: () => readHostSettings().settings.approvalMode,
        log: this.log,
        registerCommand: screen.registerCommand,
        resolveUri: (path) => this.proposalUri(path),
        taskLabel: (runId, taskId) => this.model.get(runId)?.details?.plan?.tasks.find((t) => t.id === taskId)?.title,
      }),
    );
    this.commandApprovals = this._register(new CommandApprovals(this.log));
    this.engines = this._register(new HostEngines((folder) => this.buildEngine(folder), this.log));
    this.launcher = this._register(new RunLauncher(this.engines, this.model, folders, this.log));
    const agents = this._register(new ExternalAgents(this.log));
    this._register(this.engines.onEngine((engine) => agents.attach(engine)));
    this._register(this.engines.onEngineDisposed((engine) => agents.detach(engine)));
    const panelAgents = new PanelAgents(
      () => this.services.stats(),
      (text) => this.scrubber.scrub(text),
    );
    this._register(this.engines.onEngine((engine) => panelAgents.attach(engine)));
    this._register(this.engines.onEngineDisposed((engine) => panelAgents.detach(engine)));
    this.panels = this._register(
      new RunPanels({
        extensionUri: context.extensionUri,
        model: this.model,
        approvals: this.approvals,
        commandApprovals: this.commandApprovals,
        log: this.log,
        scrub: (text) => this.scrubber.scrub(text),
        agentIds: () => panelAgents.ids(),
        agentViews: () => panelAgents.views(),
        agentFile: (agentId) => panelAgents.file(agentId),
        onAgentsChanged: (listener) => panelAgents.onDidChange(listener),
        taskAction: (message) => panelTaskAction(message, this.log),
        readEvents: (runId) => this.store.readEvents(runId),
        planDrafts: new PlanDraftFiles(join(root, PLAN_REVIEWS_DIR), (message) => this.log.warn(message)),
        openEdit: (edit) => this.approvals.openEditDiffCommand(edit),
        planReviewHost: planReviewHost(() => services),
        reviews: this._register(
          new PanelReviews({
            folderOf: (runId) => folderForRun({ launcher: this.launcher, model: this.model }, runId),
            checkpointsOf: openFolderCheckpoints,
            store: this.store,
            isRunning: (runId) =>
              this.launcher.get(runId) !== undefined ||
              ['running', 'elsewhere'].includes(this.model.get(runId)?.status ?? ''),
            assertTrusted: assertTrustedWorkspace,
            recorded: () => void this.model.refresh(),
            log: this.log,
          }),
        ),
      }),
    );
    this.wireEvents();

    const { tree, view, quota } = screen;
    const services: HostServices = {
      model: this.model,
      launcher: this.launcher,
      engines: this.engines,
      store: this.store,
      keys: this.keys,
      mcpInputs: this.mcpInputs,
      approvals: this.approvals,
      panels: this.panels,
      log: this.log,
      scrubber: this.scrubber,
      quota,
      tree,
      view,
      agents,
      workspaceState: context.workspaceState,
      plansFolder: vscode.Uri.joinPath(context.globalStorageUri, 'plans'),
      registerCommand: screen.registerCommand,
    };
    this._register(new HostCommands(services));
    this.tools = new Map([[ORCHESTRATE_TOOL, orchestrateTool(services)]]);
    this.api = this._register(new ExtensionApi(services));

    this.wireBadge(view);
    this.wireInvalidation();
  }

  /** The rate-limit scheduler every engine shares now. */
  headroom(): HeadroomSource {
    return this.services.rateLimits;
  }

  /** Takes over a run panel VS Code restores after a reload. */
  restorePanel(panel: vscode.WebviewPanel, state: unknown): void {
    this.panels.restore(panel, state);
  }

  /** The language-model tool of this name; package.json contributes only `orchestrate`. */
  tool(name: string): LmTool {
    const tool = this.tools.get(name);
    if (!tool)
      throw new Error(`The language-model tool ${name} is not provided by this version of Agent Orchestrator.`);
    return tool;
  }

  /** Builds the engine of one folder with the window's shared services; the settings are read now. */
  private async buildEngine(folder: vscode.WorkspaceFolder): Promise<HostEngine> {
    const { settings, problems } = readHostSettings(folder);
    this.reportSettingsProblems(problems);
    if (this.rateLimitsStale && this.engines.leases === 0) {
      // No run shares the old scheduler any more: engines built on it go, so one scheduler serves every run.
      this.services.replaceRateLimits(hostRateLimits(() => readHostSettings().settings));
      this.rateLimitsStale = false;
      this.engines.invalidate('rate limits changed');
    }
    for (const provider of this.keys.keyedProviders()) {
      this.scrubber.add(await this.keys.get(provider.id).catch(() => undefined));
    }
    return createHostEngine({
      folder,
      settings,
      keys: this.keys,
      confirmKeyHost: (baseUrl: string, provider: string) => this.keyHosts.confirm(baseUrl, provider),
      // Edits wait in diff editors; commands in a notification and the run panel.
      approvals: {
        decideEdit: (proposal, signal) => this.approvals.decideEdit(proposal, signal),
        decideCommand: (proposal, signal) => this.commandApprovals.decideCommand(proposal, signal),
      },
      services: this.services,
      log: this.log,
      mcpInputs: this.mcpInputs,
    });
  }

  /** The run tree's model and the log channel listen to every event of every engine's runs. */
  private wireEvents(): void {
    const subscriptions = new Map<HostEngine, DisposableLike>();
    this._register(
      toDisposable(() => {
        for (const s of subscriptions.values()) s.dispose();
        subscriptions.clear();
      }),
    );
    this._register(
      this.engines.onEngine((engine) => {
        subscriptions.set(
          engine,
          engine.orchestrator.onEvent((event) => {
            this.model.append(event);
            this.logSink.append(event);
            this.panels.append(event);
            this.spanExport.append(event);
          }),
        );
      }),
    );
    this._register(
      this.engines.onEngineDisposed((engine) => {
        subscriptions.get(engine)?.dispose();
        subscriptions.delete(engine);
      }),
    );
  }

  /**
   * Where a proposed edit's path lives: the folder of the one run of this window that is live, else
   * the first folder. (Approvals name paths relative to a run's folder; see docs/architecture.md.)
   */
  private proposalUri(path: string): vscode.Uri | undefined {
    const clean = proposalPath(path);
    const live = new Set(this.launcher.all().map((r) => r.folder));
    const folder = live.size === 1 ? [...live][0] : vscode.workspace.workspaceFolders?.[0];
    return folder === undefined || clean === undefined ? undefined : vscode.Uri.joinPath(folder.uri, clean);
  }

  private reportSettingsProblems(problems: readonly string[]): void {
    const fresh = problems.filter((p) => !this.shownProblems.has(p));
    if (fresh.length === 0) return;
    for (const p of fresh) {
      this.shownProblems.add(p);
      this.log.warn(`Setting ignored: ${p}`);
    }
    const open = vscode.l10n.t('Open Settings');
    void vscode.window
      .showWarningMessage(
        fresh.length === 1
          ? fresh[0]!
          : vscode.l10n.t(
              '{0} Agent Orchestrator settings have invalid values and use their defaults; see the log.',
              fresh.length,
            ),
        open,
      )
      .then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'agentOrchestrator');
      });
  }

  /** The Runs view's badge counts the edits waiting for review. */
  private wireBadge(view: vscode.TreeView<RunTreeNode>): void {
    this._register(
      this.approvals.onDidChangePending(() => {
        const count = this.approvals.pending().length;
        view.badge =
          count > 0 ? { value: count, tooltip: vscode.l10n.t('{0} edits wait for your review', count) } : undefined;
      }),
    );
  }

  /** Settings, keys, trust and folders decide how engines are built: a change rebuilds them on next use. */
  private wireInvalidation(): void {
    let rateLimitsText = JSON.stringify(readHostSettings().settings.rateLimits);
    this._register(this.keys.onDidChange((provider) => this.engines.invalidate(`the ${provider} API key changed`)));
    this._register(
      onDidChangeHostSettings((parsed) => {
        this.engines.invalidate('settings changed');
        const text = JSON.stringify(parsed.settings.rateLimits);
        if (text !== rateLimitsText) {
          rateLimitsText = text;
          // The scheduler reads a model's limits once; a new one takes over when no run shares the old one.
          if (this.engines.leases === 0) {
            this.services.replaceRateLimits(hostRateLimits(() => readHostSettings().settings));
          } else this.rateLimitsStale = true;
        }
      }),
    );
    this._register(vscode.workspace.onDidChangeWorkspaceFolders((e) => this.engines.forgetFolders(e.removed)));
  }
}
