import type { ModelPrice } from '../llm/priceTable';
import type { RetrySettings } from '../execute/retryPolicy';
import type { LogLevel } from '../model/runEvents';
import type { PolicyRule } from '../policy/policyRules';
import type { CommandSettings } from '../tools/commandService';
import type { GateThresholds } from '../verify/gateThresholds';
import type { ModelChoice } from './engineModels';

/** What an engine is configured with: the host reads it from settings, the CLI from flags and the environment. */
export interface EngineSettings {
  /** Provider, model, base URL and per-agent models. */
  models: ModelChoice;
  /** Tasks of one run executing at once. */
  maxConcurrency: number;
  /** Larger plans are refused at validation. */
  maxTasksPerPlan: number;
  /** An attempt at a task is stopped after this long. */
  taskTimeoutMs: number;
  /** Run log entries below this level are dropped; `debug` adds each policy decision. */
  logLevel: LogLevel;
  /**
   * The user's own policy rules (`agentOrchestrator.policy.rules`, `--allow-command`, `--policy FILE`…),
   * added to the defaults: deny beats ask beats allow, and no allow opens a protected path, a secrets
   * file or inline code (checklist 27).
   */
  policyRules?: readonly PolicyRule[];
  /** Attempts per task and backoff; the defaults (`DEFAULT_RETRY_POLICY`) when absent. */
  retry?: RetrySettings;
  /**
   * Prices in USD per million tokens by `model` or `provider:model`, over the built-in list prices
   * (the host reads `agentOrchestrator.prices`, the CLI `--price` and `--prices FILE`).
   */
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Answer identical deterministic requests (temperature 0) of one run from its response cache; default true. */
  responseCache?: boolean;
  /** Globs whose edits always ask, on top of the built-in protected paths. */
  protectedPaths: readonly string[];
  /** VS Code task labels (host only) and shell commands that gate each editing task and the run. */
  verification: {
    tasks: readonly string[];
    commands: readonly string[];
    /** New errors, warnings and failing tests each check may show at a gate; the defaults when absent. */
    thresholds?: GateThresholds;
    /** Repair tasks after failed end-of-run gates (default 1; 0: none). */
    repairAttempts?: number;
    /**
     * Environment variables commands may see beyond the safe base set: exact names, or patterns
     * with `*` (which never bring back a secret-looking name). See `verify/childEnvironment.ts`.
     * The host feeds it from `agentOrchestrator.verification.environment`, the CLI from `--pass-env NAME`.
     */
    environment?: readonly string[];
  };
  /** run_command's default and longest timeout and its output cap; the defaults when absent. */
  commands?: Partial<CommandSettings>;
}

/** The defaults every front end starts from (the extension's settings declare the same values). */
export const DEFAULT_ENGINE_SETTINGS: Readonly<EngineSettings> = Object.freeze({
  models: Object.freeze({ provider: 'auto' }),
  maxConcurrency: 4,
  maxTasksPerPlan: 200,
  taskTimeoutMs: 600_000,
  logLevel: 'info',
  protectedPaths: Object.freeze([]),
  verification: Object.freeze({ tasks: Object.freeze([]), commands: Object.freeze([]) }),
});

/** Most tasks one run may execute at once, in the settings and on the command line. */
export const MAX_CONCURRENCY = 64;

/** Most repair rounds a run may be given, in the settings and on the command line. */
export const MAX_REPAIR_ATTEMPTS = 5;
