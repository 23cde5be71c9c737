import { realpath } from 'node:fs/promises';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/common/errors';
import { assembleEngine, providerKeyEnvNames, type Engine } from '../../core/engine/assembleEngine';
import { ModelSetupError } from '../../core/engine/engineModels';
import type { EngineServices } from '../../core/engine/engineServices';
import { BUILTIN_PROVIDERS } from '../../core/llm/builtinProviders';
import type { ApprovalPort } from '../../core/tools/approvalPort';
import { DemoModelServer } from '../../demo/demoModelServer';
import { DEMO_PROVIDER_ID, demoProvider } from '../../demo/demoProvider';
import type { ApiKeyStore } from '../secrets/apiKeys';
import type { McpInputSecrets } from '../secrets/mcpInputSecrets';
import { engineSettingsOf } from '../settings/engineSettingsOf';
import { workspaceSettingsApply } from '../settings/hostSettings';
import type { HostSettings } from '../settings/hostSettingsSchema';
import { HOST_ENGINE_ACTIONS, HostEngineError } from './hostEngineError';
import { hostMcpServers } from './hostMcpServers';
import { vscodeAgentFileWatcher } from './vscodeAgentFileWatcher';
import { VscodeVerificationRunner } from './vscodeVerificationRunner';
import { VscodeWorkspace } from './vscodeWorkspace';
import { vscodeLmApi } from '../lm/vscodeLmApi';
import { hostProviders } from '../lm/vscodeLmProvider';

/** What the host container hands to {@link createHostEngine}; the services are shared by every engine of the window. */
export interface HostEngineDeps {
  folder: vscode.WorkspaceFolder;
  settings: HostSettings;
  keys: ApiKeyStore;
  /** Asks the user before a key goes to an unconfirmed base URL host (`KeyHostConfirmation.confirm`). */
  confirmKeyHost(baseUrl: string, provider: string): Promise<boolean>;
  approvals: ApprovalPort;
  services: EngineServices;
  log: vscode.LogOutputChannel;
  /** Values of MCP config inputs (`${input:ID}`): asked once, kept in SecretStorage. */
  mcpInputs?: McpInputSecrets;
}

/** An engine for one workspace folder. */
export interface HostEngine extends Engine {
  /** For the status bar and messages: `openai/gpt-4o-mini`, or `offline demo model`. */
  providerLabel: string;
  /** True when the answers come from the scripted offline demo model. */
  isDemo: boolean;
}

/**
 * The host's adapters around the core's one engine assembly: the workspace through
 * `vscode.workspace.fs` and ripgrep, verification through tasks, keys from SecretStorage, host
 * confirmations as modals, and the offline demo model as an extra provider while it is chosen.
 * Workspace trust is checked by the caller, at the command boundary. Provider problems (no key, a
 * refused base URL host) are {@link HostEngineError}s with the actions to offer.
 */
export async function createHostEngine(deps: HostEngineDeps): Promise<HostEngine> {
  const { folder, log, settings } = deps;
  let root: string;
  try {
    root = await realpath(folder.uri.fsPath);
  } catch (err) {
    throw new HostEngineError(
      `The workspace folder ${folder.uri.fsPath} cannot be opened (${errorMessage(err)}); agents need a folder on disk.`,
    );
  }
  const warn = (message: string): void => log.warn(message);
  const demo = settings.provider === DEMO_PROVIDER_ID ? await DemoModelServer.start() : undefined;
  let demoStopped = false;
  const stopDemo = (): void => {
    if (demoStopped) return;
    demoStopped = true;
    demo
      ?.close()
      .catch((err: unknown) => log.warn(`The offline demo model did not stop cleanly: ${errorMessage(err)}`));
  };
  let engine: Engine;
  try {
    const gitBinary = gitPath();
    const engineSettings = engineSettingsOf(settings);
    const environment = engineSettings.verification.environment;
    engine = await assembleEngine({
      root,
      workspace: new VscodeWorkspace(folder, { log }),
      approvals: deps.approvals,
      keys: {
        get: (provider) => (provider === DEMO_PROVIDER_ID ? Promise.resolve(demo?.token) : deps.keys.get(provider)),
      },
      keyHint: (p) => `set one with "Orchestrator: Set API Key" (kept in the OS keychain) or ${p.keyEnvVar}.`,
      confirmKeyHost: (baseUrl, provider) => deps.confirmKeyHost(baseUrl, provider),
      settings: engineSettings,
      runner: new VscodeVerificationRunner(folder, {
        ...(environment === undefined ? {} : { passEnv: environment }),
        secretEnvNames: providerKeyEnvNames(BUILTIN_PROVIDERS),
      }),
      services: deps.services,
      // The models VS Code offers (Copilot and other vscode.lm providers) need no key.
      providers: demo ? hostProviders(vscodeLmApi()).with(demoProvider(demo)) : hostProviders(vscodeLmApi()),
      ...(gitBinary === undefined ? {} : { gitBinary }),
      // A changed agent file applies to the next task started, without a reload of the window.
      agentFileWatcher: vscodeAgentFileWatcher(folder),
      ...(await hostMcpServers(root, settings, workspaceSettingsApply(), warn, deps.mcpInputs)),
      warn,
      onVerification: (o, phase) =>
        log.info(
          `${phase === 'baseline' ? 'Baseline before the first task' : 'Verification'} "${o.step}": ${o.verdict}, exit code ${o.exitCode}, ${o.findings.length} finding(s), ${o.durationMs} ms.`,
        ),
    });
  } catch (err) {
    stopDemo();
    if (err instanceof ModelSetupError) throw hostEngineErrorOf(err);
    throw err;
  }
  log.info(
    `Engine ready for ${folder.name}: ${engine.models.scripted ? 'the offline demo model (scripted answers, not a real model)' : engine.models.label}.`,
  );
  return {
    ...engine,
    providerLabel: engine.models.label,
    isDemo: engine.models.scripted,
    dispose: () => {
      engine.dispose();
      stopDemo();
    },
  };
}

/** The core's model problem, with the buttons that fix it. */
function hostEngineErrorOf(err: ModelSetupError): HostEngineError {
  switch (err.problem) {
    case 'no-key':
      return new HostEngineError(
        `${err.message} Or use the models VS Code offers (e.g. through GitHub Copilot): no key needed.`,
        [HOST_ENGINE_ACTIONS.setApiKey, HOST_ENGINE_ACTIONS.useVscodeModels, HOST_ENGINE_ACTIONS.useDemo],
      );
    case 'key-refused':
    case 'unknown-provider':
      return new HostEngineError(err.message, [HOST_ENGINE_ACTIONS.openSettings]);
  }
}

/** The git that VS Code's built-in git extension found, when it is active; otherwise `git` on PATH is used. */
export function gitPath(): string | undefined {
  const git = vscode.extensions.getExtension<{ getAPI?(version: 1): { git?: { path?: unknown } } }>('vscode.git');
  if (!git?.isActive) return undefined;
  try {
    const found = git.exports.getAPI?.(1).git?.path;
    return typeof found === 'string' && found !== '' ? found : undefined;
  } catch {
    return undefined;
  }
}
