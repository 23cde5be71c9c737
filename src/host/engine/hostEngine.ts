import { realpath } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { AgentDefinitionInput } from '../../core/model/agentDefinition';
import type { AgentRegistry } from '../../core/agents/agentRegistry';
import type { AgentStatsBook, AgentStatsStore } from '../../core/agents/agentStats';
import type { CheckpointPort } from '../../core/checkpoint/checkpointPort';
import { GitCheckpoints } from '../../core/checkpoint/gitCheckpoints';
import { errorMessage } from '../../core/common/errors';
import type { Agent } from '../../core/task/agent';
import type { RateLimitScheduler } from '../../core/quota/rateLimitScheduler';
import type { Orchestrator } from '../../core/run/orchestrator';
import type { RunEventSink } from '../../core/model/runEventSink';
import type { PathLockTable } from '../../core/schedule/pathLocks';
import type { RunStore } from '../../core/store/runStore';
import type { ApprovalPort } from '../../core/tools/approvalPort';
import { DemoModelServer } from '../../demo/demoModelServer';
import type { ApiKeyStore } from '../secrets/apiKeys';
import type { HostSettings } from '../settings/hostSettingsSchema';
import { assembleHostEngine } from './assembleHostEngine';
import { HOST_ENGINE_ACTIONS, HostEngineError } from './hostEngineError';
import { resolveHostModels } from './hostModels';
import { VscodeVerificationRunner } from './vscodeVerificationRunner';
import { VscodeWorkspace } from './vscodeWorkspace';

/** What the host container hands to {@link createHostEngine}; the stores and schedulers are shared by every engine of the window. */
export interface HostEngineDeps {
  folder: vscode.WorkspaceFolder;
  settings: HostSettings;
  keys: ApiKeyStore;
  /** Asks the user before a key goes to an unconfirmed base URL host (`KeyHostConfirmation.confirm`). */
  confirmKeyHost(baseUrl: string, provider: string): Promise<boolean>;
  approvals: ApprovalPort;
  store: RunStore;
  statsStore: AgentStatsStore;
  stats: AgentStatsBook;
  rateLimits: RateLimitScheduler;
  locks: PathLockTable;
  log: vscode.LogOutputChannel;
  sinks?: RunEventSink[];
}

/** An engine for one workspace folder. */
export interface HostEngine {
  orchestrator: Orchestrator;
  /** For the status bar and messages: `openai/gpt-4o-mini`, or `offline demo model`. */
  providerLabel: string;
  /** True when the answers come from the scripted offline demo model. */
  isDemo: boolean;
  checkpoints: CheckpointPort;
  /** Real path of the workspace folder. */
  workspaceRoot: string;
  /** The engine's agents: built-in, custom (`.orchestrator/agents`), and any added later (e.g. by other extensions). */
  registry: AgentRegistry;
  /** An LLM agent wired like the built-in ones (tools, models, policy, gate), for the registry; not registered by this call. */
  createPromptAgent(definition: AgentDefinitionInput, systemPrompt: string): Agent;
  /** Releases the agents, the breaker and the demo server; runs in flight should be stopped first. */
  dispose(): void;
}

/**
 * The host's composition root: builds the engine for one workspace folder with VS Code adapters
 * (workspace through `vscode.workspace.fs` / ripgrep, verification through tasks), the way
 * `createCliEngine` does with Node ones. In an untrusted workspace it refuses before anything else
 * (no key is read, no model is called, nothing runs). Provider problems (no key, a refused base URL
 * host) are {@link HostEngineError}s with the actions to offer.
 */
export async function createHostEngine(deps: HostEngineDeps): Promise<HostEngine> {
  if (!vscode.workspace.isTrusted) {
    throw new HostEngineError(
      'This workspace is not trusted, so Agent Orchestrator does not call a model or run agents, tasks or commands in it. Trust the workspace to orchestrate here.',
      [HOST_ENGINE_ACTIONS.manageTrust],
    );
  }
  const { folder, log } = deps;
  let root: string;
  try {
    root = await realpath(folder.uri.fsPath);
  } catch (err) {
    throw new HostEngineError(
      `The workspace folder ${folder.uri.fsPath} cannot be opened (${errorMessage(err)}); agents need a folder on disk.`,
    );
  }
  const warn = (message: string): void => log.warn(message);
  const models = await resolveHostModels({
    settings: deps.settings,
    keys: deps.keys,
    confirmKeyHost: (baseUrl, provider) => deps.confirmKeyHost(baseUrl, provider),
    startDemo: () => DemoModelServer.start(),
    warn,
  });
  try {
    const gitBinary = gitPath();
    const engine = await assembleHostEngine({
      root,
      workspace: new VscodeWorkspace(folder, { log: deps.log }),
      runner: new VscodeVerificationRunner(folder),
      models,
      settings: deps.settings,
      approvals: deps.approvals,
      store: deps.store,
      statsStore: deps.statsStore,
      stats: deps.stats,
      rateLimits: deps.rateLimits,
      locks: deps.locks,
      ...(deps.sinks === undefined ? {} : { sinks: deps.sinks }),
      warn,
      onVerification: (o) =>
        log.info(
          `Verification "${o.step}": ${o.verdict}, exit code ${o.exitCode}, ${o.findings.length} finding(s), ${o.durationMs} ms.`,
        ),
      openCheckpoints: (r) => GitCheckpoints.open(r, gitBinary === undefined ? {} : { gitBinary }),
    });
    log.info(
      `Engine ready for ${folder.name}: ${models.isDemo ? 'the offline demo model (scripted answers, not a real model)' : models.label}.`,
    );
    let disposed = false;
    return {
      orchestrator: engine.orchestrator,
      providerLabel: models.label,
      isDemo: models.isDemo,
      checkpoints: engine.checkpoints,
      workspaceRoot: root,
      registry: engine.registry,
      createPromptAgent: engine.createPromptAgent,
      dispose: () => {
        if (disposed) return;
        disposed = true;
        engine.dispose();
        models
          .dispose()
          .catch((err: unknown) => log.warn(`The offline demo model did not stop cleanly: ${errorMessage(err)}`));
      },
    };
  } catch (err) {
    await models.dispose();
    throw err;
  }
}

/** The git that VS Code's built-in git extension found, when it is active; otherwise `git` on PATH is used. */
function gitPath(): string | undefined {
  const git = vscode.extensions.getExtension<{ getAPI?(version: 1): { git?: { path?: unknown } } }>('vscode.git');
  if (!git?.isActive) return undefined;
  try {
    const found = git.exports.getAPI?.(1).git?.path;
    return typeof found === 'string' && found !== '' ? found : undefined;
  } catch {
    return undefined;
  }
}
