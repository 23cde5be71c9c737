import * as vscode from 'vscode';
import { Disposable } from '../core/common/disposable';
import type { RunState } from '../core/model/runState';
import { launchGoal } from './commands/orchestrateCommand';
import { followRun } from './commands/followRun';
import { assertTrustedWorkspace, showError, type HostServices } from './commands/commandSupport';
import { HostEngineError } from './engine/hostEngineError';
import type {
  AgentOrchestratorApi,
  ApiOrchestrateOptions,
  ApiOrchestrateResult,
  ApiRunChange,
  ApiRunState,
} from './api/agentOrchestratorApi';

/** Run changes are batched this long per run before `onDidChangeRun` fires. */
const CHANGE_DEBOUNCE_MS = 100;

/** A run state as the API hands it out: the engine's type, checked here to fit the API's. */
function toApiState(state: Readonly<RunState>): ApiRunState {
  const copy: RunState = structuredClone(state) as RunState;
  return copy;
}

/**
 * The object `activate()` returns to other extensions (types in `agentOrchestratorApi.ts`). It goes
 * through the same launcher as the commands, so the same workspace-trust and engine checks apply.
 */
export class ExtensionApi extends Disposable implements AgentOrchestratorApi {
  readonly version = 1 as const;
  private readonly changed = this._register(new vscode.EventEmitter<ApiRunChange>());
  private pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Fires (batched) when a run of this window changes. */
  readonly onDidChangeRun = this.changed.event;

  constructor(private readonly services: HostServices) {
    super();
    this._register(
      services.model.onDidChange((change) => {
        for (const runId of change.runIds) this.pending.add(runId);
        this.timer ??= setTimeout(() => this.flush(), CHANGE_DEBOUNCE_MS);
      }),
    );
  }

  async orchestrate(goal: string, options: ApiOrchestrateOptions = {}): Promise<ApiOrchestrateResult> {
    if (typeof goal !== 'string' || goal.trim() === '')
      throw new TypeError('orchestrate needs a goal: describe in one sentence what the agents should achieve.');
    assertTrustedWorkspace();
    const folder = await this.folderFor(options.folder);
    let launched;
    try {
      launched = await launchGoal(this.services, folder, goal, {
        ...(options.dryRun !== undefined ? { dryRun: options.dryRun } : {}),
        ...(options.budget !== undefined ? { budget: { ...options.budget } } : {}),
      });
    } catch (err) {
      // The user has to act on a setup problem (a key, the provider), so it is shown as well.
      if (err instanceof HostEngineError) void showError(this.services, err);
      throw err;
    }
    const result = await followRun(
      this.services,
      launched,
      options.dryRun ? vscode.l10n.t('Planning (dry run)') : vscode.l10n.t('Orchestrating'),
      goal,
    );
    if (!result) throw new Error(`Run ${launched.handle.runId} stopped with an error; see the Agent Orchestrator log.`);
    return { runId: result.runId, status: result.status };
  }

  registerAgent(agent: Parameters<AgentOrchestratorApi['registerAgent']>[0]): vscode.Disposable {
    const registration = this.services.agents.register(agent);
    return new vscode.Disposable(() => registration.dispose());
  }

  getRun(runId: string): ApiRunState | undefined {
    const details = this.services.model.get(runId)?.details;
    return details && toApiState(details);
  }

  /** Cancels a pending batch (its timer is re-armed per batch, so it is not `_register`ed). */
  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }

  private flush(): void {
    this.timer = undefined;
    const ids = this.pending;
    this.pending = new Set();
    for (const runId of ids) {
      const details = this.services.model.get(runId)?.details;
      if (details) this.changed.fire({ runId, state: toApiState(details) });
    }
  }

  /** The named folder, the only folder, or the user's pick. */
  private async folderFor(uri: string | undefined): Promise<vscode.WorkspaceFolder> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (uri !== undefined) {
      const folder = folders.find((f) => f.uri.toString() === uri);
      if (!folder) throw new Error(`${uri} is not a folder of this workspace.`);
      return folder;
    }
    if (folders.length === 0) throw new Error('Open a folder first: agents work on the files of a workspace folder.');
    if (folders.length === 1) return folders[0]!;
    const picked = await vscode.window.showWorkspaceFolderPick({
      placeHolder: vscode.l10n.t(
        'Another extension asks to orchestrate a goal: which folder should the agents work in?',
      ),
    });
    if (!picked) throw new Error('No folder was chosen, so nothing runs.');
    return picked;
  }
}
