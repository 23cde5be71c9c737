import type { CommandLimits } from './cliRunOptions';
import type { ModelPrice } from '../core/llm/priceTable';
import type { TaskAction } from '../core/run/taskActions';
import type { RetrySettings } from '../core/execute/retryPolicy';
import type { LogLevel } from '../core/model/runEvents';
import type { PolicyRule } from '../core/policy/policyRules';
// The command line as the rest of the CLI sees it, once parsed and validated (see cliArgs.ts).
import type { GateThresholdsInput } from '../core/verify/gateThresholds';

/** The commands of the CLI. */
export const COMMANDS = ['run', 'plan', 'resume', 'list', 'show', 'mcp'] as const;
/** One of the commands. */
export type CommandName = (typeof COMMANDS)[number];
/** How edits are approved: see the help text. */
export const APPROVE_MODES = ['auto', 'never', 'prompt'] as const;
/** One of the approval modes. */
export type ApproveMode = (typeof APPROVE_MODES)[number];

/** Token and money limits given on the command line. */
export interface BudgetArgs {
  maxTokens?: number;
  maxCostUsd?: number;
}

/** `plan` without `--out`: the plan goes to stdout. */
export const PLAN_TO_STDOUT = '-';

/** `run "<goal>"`, validated. */
export interface RunArgs {
  kind: 'run';
  goal: string;
  /** Absolute path of an existing folder. */
  workspace: string;
  /** A provider id of the provider table. */
  provider?: string;
  model?: string;
  baseUrl?: string;
  concurrency?: number;
  budget: BudgetArgs;
  /** `--prices FILE` and `--price MODEL=IN/OUT`: USD per million tokens by `model` or `provider:model`. */
  prices?: Record<string, ModelPrice>;
  /** False with `--no-response-cache`: every request is sent, also identical deterministic ones. */
  responseCache?: boolean;
  approve?: ApproveMode;
  verify: string[];
  /** `--pass-env`: variable names (or `*` patterns) commands may see besides the safe base set. */
  passEnv: string[];
  /** `--mcp-config FILE`: MCP server configs (absolute paths); agents that list their tools may use them. */
  mcpConfig?: string[];
  /** `--max-errors`, `--max-warnings`, `--max-failing-tests` and `--threshold`, as the settings write them (null: no limit). */
  thresholds?: GateThresholdsInput;
  /** `--repair-attempts`. */
  repairAttempts?: number;
  /** `--command-timeout`, `--command-max-timeout`, `--command-output-kib`: run_command's limits. */
  commandLimits?: CommandLimits;
  /** `--policy FILE` and the `--allow-command`/`--ask-command`/`--deny-command`/`--ask-path`/`--deny-path` rules. */
  policyRules?: PolicyRule[];
  /** `--max-attempts`, `--backoff-base-ms`, `--backoff-max-ms`. */
  retry?: RetrySettings;
  /** `--log-level` (`--verbose`: debug). */
  logLevel?: LogLevel;
  /** Plan only (`plan`, or `run --dry-run`). */
  dryRun: boolean;
  /** `run --plan FILE`: absolute path of a plan to run instead of asking the planner. */
  planFile?: string;
  /** `plan --out FILE`: absolute path to write the validated plan to. */
  out?: string;
  json: boolean;
  /** Absolute; undefined means the per-user default. */
  stateDir?: string;
  /** `--otlp-endpoint URL`: export the run's spans to this OTLP/HTTP collector. */
  otlpEndpoint?: string;
}

/** `resume <runId>`, validated. */
export interface ResumeArgs {
  kind: 'resume';
  runId: string;
  /** Absolute path of an existing folder; undefined means the folder the run was started in. */
  workspace?: string;
  stateDir?: string;
  approve?: ApproveMode;
  budget: BudgetArgs;
  /** `--skip` and `--retry [--note]`: a person's actions on tasks, recorded when the run resumes. */
  actions?: TaskAction[];
  /** `--log-level` (`--verbose`: debug); the run's own level when absent. */
  logLevel?: LogLevel;
  json: boolean;
  /** `--mcp-config FILE`: MCP server configs (absolute paths); not saved with the run. */
  mcpConfig?: string[];
  /** `--otlp-endpoint URL`: export the run's spans to this OTLP/HTTP collector. */
  otlpEndpoint?: string;
}

/** `list`, validated. */
export interface ListArgs {
  kind: 'list';
  stateDir?: string;
  json: boolean;
}

/** `show <runId>`, validated. */
export interface ShowArgs {
  kind: 'show';
  runId: string;
  stateDir?: string;
  /** `spans`: the run's span tree (model calls, tool calls) from its events. */
  format: 'human' | 'json' | 'markdown' | 'spans';
}

/** `mcp`, validated: the run settings of `run` (no goal) that every run the server starts uses. */
export interface McpArgs extends Omit<RunArgs, 'kind' | 'goal' | 'dryRun' | 'planFile' | 'out' | 'json' | 'approve'> {
  kind: 'mcp';
  /** `never` unless `--approve auto` was given: an MCP client cannot answer a terminal prompt. */
  approve: 'auto' | 'never';
}

/** What the command line asks for. */
export type CliCommand =
  RunArgs | ResumeArgs | ListArgs | ShowArgs | McpArgs | { kind: 'help'; topic?: CommandName } | { kind: 'version' };
