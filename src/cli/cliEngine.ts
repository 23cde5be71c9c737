import { mergeMcpConfigs, readMcpConfigFile, type McpServerConfig } from '../core/tools/mcpConfig';
import { mcpInputEnvName, resolveMcpVariables } from '../core/tools/mcpVariables';
import { DEFAULT_COMMAND_SETTINGS, type CommandSettings } from '../core/tools/commandService';
import type { CommandLimits } from './cliRunOptions';
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { systemClock, type Clock } from '../core/common/clock';
import { errorMessage } from '../core/common/errors';
import { assembleEngine, type Engine } from '../core/engine/assembleEngine';
import { ModelSetupError } from '../core/engine/engineModels';
import { createEngineServices } from '../core/engine/engineServices';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../core/engine/engineSettings';
import type { ProviderTable } from '../core/llm/providerTable';
import type { RateLimits } from '../core/quota/rateLimitScheduler';
import type { RunStore } from '../core/store/runStore';
import type { ApprovalPort } from '../core/tools/approvalPort';
import { GateThresholdsError, parseGateThresholds, type GateThresholdsInput } from '../core/verify/gateThresholds';
import type { VerificationOutcome } from '../core/verify/verificationStep';
import { NodeWorkspace } from './nodeWorkspace';
import type { CliTuning } from './tuningEnv';
import { UsageError } from './usageError';

/** What the CLI's engine is built from: the command line, the environment and the terminal. */
export interface CliEngineOptions {
  /** An existing folder; its real path becomes the workspace root. */
  workspace: string;
  /** Runs and agent statistics live here; created when missing. */
  stateDir: string;
  providers: ProviderTable;
  /** Provider, model and base URL from the flags (or the run's saved settings). */
  models: EngineSettings['models'];
  concurrency: number;
  /** `--verify` commands, in order. */
  verify: readonly string[];
  /** `--pass-env` names: what commands may see besides the safe base set (never a key unless named exactly). */
  passEnv?: readonly string[];
  /** Their limits at the gates (`--max-*`, `--threshold`); the defaults when absent. */
  thresholds?: GateThresholdsInput;
  /** `--repair-attempts`; the default when absent. */
  repairAttempts?: number;
  /** run_command's limits from the flags; the defaults when absent. */
  commandLimits?: CommandLimits;
  /** `--price` / `--prices`: USD per million tokens over the built-in list prices. */
  prices?: EngineSettings['prices'];
  /** False with `--no-response-cache`. */
  responseCache?: boolean;
  /** `--policy FILE` and the rule flags: added to the default rules. */
  policyRules?: EngineSettings['policyRules'];
  /** `--max-attempts`, `--backoff-base-ms`, `--backoff-max-ms`; the defaults when absent. */
  retry?: EngineSettings['retry'];
  /** `--log-level` / `--verbose`; `info` when absent. */
  logLevel?: EngineSettings['logLevel'];
  approvals: ApprovalPort;
  env: Readonly<Record<string, string | undefined>>;
  /** Per-model limits for every provider key; undefined means none. */
  rateLimits: RateLimits | undefined;
  /**
   * `--mcp-config` files. The CLI reads no MCP config on its own (not even the workspace's
   * `.mcp.json`): a server is a program, and only the person at the terminal names which run.
   */
  mcpConfigFiles?: readonly string[];
  /** Warnings for stderr (custom agent errors, checkpoint notes, …). */
  warn(message: string): void;
  /** Told about each baseline and end-of-run verification as it finishes. */
  onVerification?(outcome: VerificationOutcome, phase: 'baseline' | 'gate'): void;
  /** The clock of rate limits, retries and timeouts; the system clock unless a test speeds time up. */
  clock?: Clock;
  /** The rate meters' window in that clock's time (a test on a fast clock keeps one real second of margin). */
  rateWindowMs?: number;
  /** The per-user lock folder; only an in-process test changes it (the CLI must share the editor's). */
  workspaceLocksDir?: string;
  /** From the environment (`tuningFromEnv`): request timeout, snapshot frequency. */
  tuning?: CliTuning;
}

/** The engine, wired for one workspace, and the store its runs live in. */
export interface CliEngine extends Engine {
  store: RunStore;
}

/**
 * The CLI's adapters around the core's one engine assembly: node:fs for the workspace, child
 * processes for verification, keys from the environment only, the flags as settings. A model
 * setup problem (no key, unknown provider) is a `UsageError`: nothing was started.
 */
export async function createCliEngine(options: CliEngineOptions): Promise<CliEngine> {
  const { providers, warn } = options;
  const tuning = options.tuning ?? {};
  let root: string;
  try {
    root = await realpath(options.workspace);
  } catch (err) {
    throw new UsageError(`The workspace folder ${options.workspace} cannot be opened (${errorMessage(err)}).`);
  }
  // Before anything is created: a server whose variables cannot be filled refuses the command.
  const mcp = await mcpOf(options.mcpConfigFiles, root, options.env, warn);
  await checkStateDir(options.stateDir);
  const services = createEngineServices({
    storeDir: options.stateDir,
    clock: options.clock ?? systemClock,
    rateLimits: () => options.rateLimits,
    ...(options.rateWindowMs === undefined ? {} : { rateWindowMs: options.rateWindowMs }),
    ...(options.workspaceLocksDir === undefined ? {} : { workspaceLocksDir: options.workspaceLocksDir }),
    ...(tuning.snapshotEvery === undefined ? {} : { snapshotEvery: tuning.snapshotEvery }),
    warn,
  });
  try {
    const engine = await assembleEngine({
      root,
      workspace: new NodeWorkspace(root),
      approvals: options.approvals,
      keys: { get: async (id) => options.env[providers.get(id)?.keyEnvVar ?? '']?.trim() || undefined },
      keyHint: (p) => `export ${p.keyEnvVar} (keys are read from the environment only), or pick another --provider.`,
      // A --base-url on the command line is the user's own choice of where the key goes.
      confirmKeyHost: async () => true,
      // The planner is asked as soon as the engine is built.
      preloadPlannerModel: true,
      settings: {
        ...DEFAULT_ENGINE_SETTINGS,
        models: {
          ...options.models,
          ...(tuning.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: tuning.requestTimeoutMs }),
        },
        maxConcurrency: options.concurrency,
        ...(options.prices === undefined ? {} : { prices: options.prices }),
        ...(options.responseCache === undefined ? {} : { responseCache: options.responseCache }),
        ...(options.policyRules === undefined ? {} : { policyRules: options.policyRules }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
        verification: {
          tasks: [],
          commands: [...options.verify],
          ...(options.passEnv === undefined || options.passEnv.length === 0
            ? {}
            : { environment: [...options.passEnv] }),
          thresholds: thresholdsOf(options.thresholds),
          ...(options.repairAttempts === undefined ? {} : { repairAttempts: options.repairAttempts }),
        },
        commands: commandSettingsOf(options.commandLimits),
      },
      services,
      providers,
      ...mcp,
      warn,
      ...(options.onVerification ? { onVerification: options.onVerification } : {}),
    });
    return { ...engine, store: services.store };
  } catch (err) {
    if (err instanceof ModelSetupError) throw new UsageError(err.message);
    // A bad price (from --price or --prices) is named by the price table.
    if (err instanceof TypeError && /^Invalid price override/.test(err.message)) throw new UsageError(err.message);
    throw err;
  }
}

/** run_command's limits in the engine's units; a default timeout above the maximum is held to it. */
function commandSettingsOf(limits: CommandLimits | undefined): Partial<CommandSettings> {
  const max = limits?.maxTimeoutSeconds ?? DEFAULT_COMMAND_SETTINGS.maxTimeoutMs / 1000;
  const timeout = limits?.timeoutSeconds ?? DEFAULT_COMMAND_SETTINGS.defaultTimeoutMs / 1000;
  return {
    defaultTimeoutMs: Math.min(timeout, max) * 1000,
    maxTimeoutMs: max * 1000,
    ...(limits?.maxOutputKiB === undefined ? {} : { maxOutputBytes: limits.maxOutputKiB * 1024 }),
  };
}

/** The limits of the flags (or a run's saved settings), validated; a bad value is a `UsageError`. */
function thresholdsOf(input: GateThresholdsInput | undefined): ReturnType<typeof parseGateThresholds> {
  try {
    return parseGateThresholds(input);
  } catch (err) {
    if (err instanceof GateThresholdsError) throw new UsageError(err.message);
    throw err;
  }
}

/** Rate limits from `AGENT_ORCHESTRATOR_RPM` / `AGENT_ORCHESTRATOR_TPM`, applied to every model; a bad value is a `UsageError`. */
export function rateLimitsFromEnv(env: Readonly<Record<string, string | undefined>>): RateLimits | undefined {
  const limits: RateLimits = {};
  for (const [name, field] of [
    ['AGENT_ORCHESTRATOR_RPM', 'requestsPerMinute'],
    ['AGENT_ORCHESTRATOR_TPM', 'tokensPerMinute'],
  ] as const) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') continue;
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1)
      throw new UsageError(`${name} must be a whole number of at least 1 (or unset for no limit); got "${raw}".`);
    limits[field] = n;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/**
 * Refuses a state folder that cannot be written, without creating it: the store creates it with
 * the first run it writes, so a command refused later (a bad plan, no key) leaves nothing behind.
 */
async function checkStateDir(dir: string): Promise<void> {
  let existing = path.resolve(dir);
  for (;;) {
    const info = await stat(existing).catch(() => undefined);
    if (info !== undefined) {
      if (!info.isDirectory())
        throw new UsageError(
          `The state folder ${dir} cannot be created: ${existing} is a file; pass a folder with --state-dir.`,
        );
      break;
    }
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  await access(existing, constants.W_OK).catch((err: unknown) => {
    throw new UsageError(
      `The state folder ${dir} cannot be created (${errorMessage(err)}); pass a writable folder with --state-dir.`,
    );
  });
}

/** The servers of the `--mcp-config` files; a bad server or file is a warning, and the rest load. */
async function mcpOf(
  files: readonly string[] | undefined,
  root: string,
  env: Readonly<Record<string, string | undefined>>,
  warn: (message: string) => void,
): Promise<{ mcp?: { servers: McpServerConfig[]; trusted: boolean } }> {
  if (files === undefined || files.length === 0) return {};
  const config = mergeMcpConfigs(await Promise.all(files.map((f) => readMcpConfigFile(f, f, true))));
  for (const error of config.errors) warn(`MCP config ${error}`);
  // `${input:ID}` comes from AO_MCP_INPUT_<ID>: the terminal has no secret store to prompt into.
  const resolved = await resolveMcpVariables(config.servers, {
    workspaceFolder: root,
    env,
    input: async (_server, input) => env[mcpInputEnvName(input.id)],
    howToSupply: (input) => `set ${mcpInputEnvName(input.id)} in the environment`,
  });
  if (resolved.errors.length > 0) throw new UsageError(resolved.errors.map((e) => `MCP config ${e}`).join('\n'));
  return { mcp: { servers: resolved.servers, trusted: true } };
}
