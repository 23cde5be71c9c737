import { z } from 'zod';
import { DEFAULT_ENGINE_SETTINGS, MAX_CONCURRENCY, MAX_REPAIR_ATTEMPTS } from '../../core/engine/engineSettings';
import { DEFAULT_REPAIR_ATTEMPTS } from '../../core/run/repairTask';
import { DEFAULT_GATE_THRESHOLDS, type GateThresholds } from '../../core/verify/gateThresholds';
import { BUILTIN_PROVIDERS } from '../../core/llm/builtinProviders';
import { modelPriceSchema } from '../../core/llm/priceTable';
import { parseModelRef } from '../../core/route/modelRef';
import { DEMO_PROVIDER_ID } from '../../demo/demoProvider';
import { HOST_PROVIDER_TABLE } from '../lm/vscodeLmProvider';
import { DEFAULT_COMMAND_SETTINGS } from '../../core/tools/commandService';
import { isPassableName } from '../../core/verify/childEnvironment';
import { lazySchema } from '../../core/common/lazySchema';
import { entries, globProblem, limit, list, quotedChoice, show, thresholdsSetting } from './settingValues';
import { DEFAULT_RETRY_SETTINGS, logLevelSetting, policyRulesSetting, retrySetting } from './userPolicySettings';
import type { PolicyRule } from '../../core/policy/policyRules';
import type { RetrySettings } from '../../core/execute/retryPolicy';
import type { LogLevel } from '../../core/model/runEvents';
import { HOST_SETTINGS_SECTION, type HostSettingKey } from './hostSettingKeys';

export {
  HOST_SETTINGS_SECTION,
  HOST_SETTING_KEYS,
  USER_ONLY_SETTING_KEYS,
  type HostSettingKey,
} from './hostSettingKeys';

/**
 * Settings a workspace may only tighten (`window` scope, read by `policyRulesSetting`): the user's
 * value counts in full; a trusted workspace may add to it, and what would loosen it is dropped.
 */
export const TIGHTEN_ONLY_SETTING_KEYS: ReadonlySet<HostSettingKey> = new Set<HostSettingKey>(['policy.rules']);

/** Providers an agent model (`provider/model`) may name: the provider table's; the offline demo is chosen with `provider` only. */
export const MODEL_PROVIDERS: readonly string[] = HOST_PROVIDER_TABLE.ids();

/** The values of `agentOrchestrator.provider`: `auto`, every provider of the table, and the offline demo. */
export const PROVIDER_SETTING_VALUES: readonly string[] = ['auto', ...MODEL_PROVIDERS, DEMO_PROVIDER_ID];

const AGENT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A `provider/model` reference to a provider of the host's table. */
const ModelRefSchema = lazySchema(() =>
  z
    .string()
    .trim()
    .refine((ref) => {
      const parsed = parseModelRef(ref);
      return parsed !== undefined && MODEL_PROVIDERS.includes(parsed.provider);
    }),
);

/** `provider/model` (or `provider/*` for every model of a provider) as a rate-limit key. */
const RateKeySchema = lazySchema(() => z.string().refine((key) => parseModelRef(key) !== undefined));

/** Requests and tokens per minute of one model. */
const RateLimitsSchema = lazySchema(() =>
  z.strictObject({
    requestsPerMinute: z.number().int().min(1).optional(),
    tokensPerMinute: z.number().int().min(1).optional(),
  }),
);

/** An http(s) URL without credentials, or empty for the provider's own endpoint. */
const BaseUrlSchema = lazySchema(() =>
  z
    .string()
    .trim()
    .refine((value) => {
      if (value === '') return true;
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
      } catch {
        return false;
      }
    }),
);

/** The whole validated configuration of the host. */
export const HostSettingsSchema = lazySchema(() =>
  z.strictObject({
    /** Which provider runs planner and agents; `auto` picks by the keys that are set. */
    provider: z.string().refine((value) => PROVIDER_SETTING_VALUES.includes(value)),
    /** The run's model; empty means the provider's default. */
    model: z.string().trim().regex(/^\S*$/),
    /** An OpenAI-compatible endpoint; empty means the provider's own. */
    baseUrl: BaseUrlSchema,
    /** Agent id → `provider/model`. */
    agentModels: z.record(z.string().regex(AGENT_ID), ModelRefSchema),
    maxConcurrency: z.number().int().min(1).max(MAX_CONCURRENCY),
    maxTasksPerPlan: z.number().int().min(1).max(10_000),
    taskTimeoutSeconds: z.number().int().min(1).max(86_400),
    /** Hard limits per run; an absent field (the setting is `null`) means no limit. */
    budget: z.strictObject({
      maxTokens: z.number().int().min(1).optional(),
      maxCostUsd: z.number().min(0).optional(),
    }),
    /** `model` or `provider:model` → USD per million tokens, over the built-in list prices. */
    prices: z.record(z.string().min(1), modelPriceSchema),
    /** Answer identical deterministic requests of one run from its response cache. */
    responseCache: z.boolean(),
    /** MCP servers by name, as in `.vscode/mcp.json`'s `servers`; checked when the engine reads them. */
    mcp: z.strictObject({ servers: z.record(z.string(), z.unknown()) }),
    /** `provider/model` (or `provider/*`) → per-minute limits shared by every agent of the window. */
    rateLimits: z.record(RateKeySchema, RateLimitsSchema),
    approvalMode: z.enum(['ask', 'autoApprove']),
    /** Extra globs whose edits always ask, on top of the built-in protected paths. */
    protectedPaths: z.array(z.string().min(1)),
    /**
     * Labels of `tasks.json` tasks and shell commands that verify each editing task and the run, the
     * new problems each may show at a gate, and the repair tasks after a failed end-of-run gate.
     */
    verification: z.strictObject({
      tasks: z.array(z.string().min(1)),
      commands: z.array(z.string().min(1)),
      thresholds: z.custom<GateThresholds>(),
      repairAttempts: z.number().int().min(0).max(MAX_REPAIR_ATTEMPTS),
      /** Environment variables commands may see beyond the safe base set (application scope). */
      environment: z.array(z.string().min(1)),
    }),
    /** run_command: the default and longest timeout of one command, and the output an agent reads (and the log gets). */
    commands: z.strictObject({
      timeoutSeconds: z.number().int().min(1).max(3600),
      maxTimeoutSeconds: z.number().int().min(1).max(3600),
      maxOutputKiB: z.number().int().min(1).max(4096),
    }),
    /** Where a run's spans are exported (OTLP/HTTP); empty: nowhere. */
    telemetry: z.strictObject({ otlpEndpoint: BaseUrlSchema }),
    /** The user's policy rules (deny → ask → allow), plus a trusted workspace's deny and ask rules. */
    policy: z.strictObject({ rules: z.custom<PolicyRule[]>() }),
    /** Attempts per task and backoff; an absent field keeps the engine's default. */
    retry: z.custom<Required<RetrySettings>>(),
    /** Run log entries below this level are dropped from the run log and the Output channel. */
    logLevel: z.custom<LogLevel>(),
  }),
);

/** The validated settings the host runs with. */
export type HostSettings = z.output<typeof HostSettingsSchema>;

/** The provider setting's values. */
export type ProviderSetting = HostSettings['provider'];

/** The values `package.json` declares as defaults. */
export const DEFAULT_HOST_SETTINGS: Readonly<HostSettings> = Object.freeze({
  provider: 'auto',
  model: '',
  baseUrl: '',
  agentModels: {},
  maxConcurrency: DEFAULT_ENGINE_SETTINGS.maxConcurrency,
  maxTasksPerPlan: DEFAULT_ENGINE_SETTINGS.maxTasksPerPlan,
  taskTimeoutSeconds: DEFAULT_ENGINE_SETTINGS.taskTimeoutMs / 1000,
  budget: {},
  prices: {},
  responseCache: true,
  mcp: { servers: {} },
  rateLimits: {},
  approvalMode: 'ask',
  protectedPaths: [],
  verification: {
    tasks: [],
    commands: [],
    thresholds: DEFAULT_GATE_THRESHOLDS,
    repairAttempts: DEFAULT_REPAIR_ATTEMPTS,
    environment: [],
  },
  commands: {
    timeoutSeconds: DEFAULT_COMMAND_SETTINGS.defaultTimeoutMs / 1000,
    maxTimeoutSeconds: DEFAULT_COMMAND_SETTINGS.maxTimeoutMs / 1000,
    maxOutputKiB: DEFAULT_COMMAND_SETTINGS.maxOutputBytes / 1024,
  },
  telemetry: { otlpEndpoint: '' },
  policy: { rules: [] },
  retry: DEFAULT_RETRY_SETTINGS,
  logLevel: 'info',
});

/** Settings plus one sentence per value that was bad and replaced by its default. */
export interface ParsedHostSettings {
  settings: HostSettings;
  /** E.g. "agentOrchestrator.maxConcurrency must be a whole number from 1 to 64 (got 0); using 4." */
  problems: string[];
}

/**
 * Reads every setting through `raw` (keys relative to the section, e.g. `budget.maxTokens`) and
 * validates each on its own: a bad value becomes a problem naming the setting and what is wrong,
 * and that setting (or, for lists and maps, that entry) falls back to its default. One bad
 * setting never blocks the others. `raw('policy.rules')` is the user's list; `workspacePolicyRules`
 * are a trusted workspace's and folder's lists, of which only deny and ask rules are kept.
 */
export function parseHostSettings(
  raw: (key: HostSettingKey) => unknown,
  workspacePolicyRules: readonly unknown[] = [],
): ParsedHostSettings {
  const problems: string[] = [];
  const d = DEFAULT_HOST_SETTINGS;
  const one = <T>(
    key: HostSettingKey,
    schema: z.ZodType<T>,
    fallback: T,
    what: string,
    fallbackText = show(fallback),
  ): T => {
    const value = raw(key);
    if (value === undefined) return fallback;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push(`${full(key)} must be ${what} (got ${show(value)}); using ${fallbackText}.`);
    return fallback;
  };
  const s = HostSettingsSchema.shape;
  const settings: HostSettings = {
    provider: one('provider', s.provider, d.provider, `one of ${quotedChoice(PROVIDER_SETTING_VALUES)}`),
    model: one(
      'model',
      s.model,
      d.model,
      'a model name without spaces (e.g. "gpt-4o-mini"), or empty for the provider\'s default',
      "the provider's default",
    ),
    baseUrl: one(
      'baseUrl',
      s.baseUrl,
      d.baseUrl,
      'an http:// or https:// URL without a user name or password (e.g. "http://localhost:11434/v1"), or empty',
      "the provider's own endpoint",
    ),
    agentModels: entries(full('agentModels'), raw('agentModels'), problems, (id, value) => {
      if (!AGENT_ID.test(id)) return 'is not an agent id (letters, digits, ".", "_" or "-")';
      const ref = ModelRefSchema.safeParse(value);
      return ref.success
        ? { value: ref.data }
        : `must be "provider/model" with provider ${quotedChoice(MODEL_PROVIDERS)}, e.g. "${MODEL_PROVIDERS[0]}/${BUILTIN_PROVIDERS.list()[0]?.defaultModel}" (got ${show(value)})`;
    }),
    maxConcurrency: one('maxConcurrency', s.maxConcurrency, d.maxConcurrency, 'a whole number from 1 to 64'),
    maxTasksPerPlan: one('maxTasksPerPlan', s.maxTasksPerPlan, d.maxTasksPerPlan, 'a whole number from 1 to 10000'),
    taskTimeoutSeconds: one(
      'taskTimeoutSeconds',
      s.taskTimeoutSeconds,
      d.taskTimeoutSeconds,
      'a whole number of seconds from 1 to 86400',
    ),
    budget: {
      ...limit(
        'maxTokens',
        one(
          'budget.maxTokens',
          s.budget.shape.maxTokens.nullable(),
          undefined,
          'a whole number of at least 1, or null for no token budget',
          'no token budget',
        ),
      ),
      ...limit(
        'maxCostUsd',
        one(
          'budget.maxCostUsd',
          s.budget.shape.maxCostUsd.nullable(),
          undefined,
          'a number of US dollars of at least 0, or null for no cost budget',
          'no cost budget',
        ),
      ),
    },
    prices: entries(full('prices'), raw('prices'), problems, (model, value) => {
      const price = modelPriceSchema.safeParse(value);
      return price.success
        ? { value: price.data }
        : `must be {"input": N, "output": N} in USD per million tokens, each >= 0 (optional "cacheRead", "cacheWrite"; got ${show(value)})`;
    }),
    responseCache: one('responseCache', s.responseCache, d.responseCache, 'true or false'),
    mcp: { servers: entries(full('mcp.servers'), raw('mcp.servers'), problems, (_name, value) => ({ value })) },
    rateLimits: entries(full('rateLimits'), raw('rateLimits'), problems, (key, value) => {
      if (!RateKeySchema.safeParse(key).success)
        return 'is not "provider/model" (or "provider/*" for every model of a provider)';
      const limits = RateLimitsSchema.safeParse(value);
      return limits.success
        ? { value: limits.data }
        : `must be an object with "requestsPerMinute" and/or "tokensPerMinute", each a whole number of at least 1 (got ${show(value)})`;
    }),
    approvalMode: one('approvalMode', s.approvalMode, d.approvalMode, '"ask" or "autoApprove"'),
    protectedPaths: list(
      full('protectedPaths'),
      raw('protectedPaths'),
      problems,
      'a glob such as "secrets/**"',
      globProblem,
    ),
    verification: {
      tasks: list(
        full('verification.tasks'),
        raw('verification.tasks'),
        problems,
        'the label of a task in tasks.json, e.g. "npm: test"',
      ),
      commands: list(
        full('verification.commands'),
        raw('verification.commands'),
        problems,
        'a shell command, e.g. "npm test"',
      ),
      thresholds: thresholdsSetting(full('verification.thresholds'), raw('verification.thresholds'), problems),
      repairAttempts: one(
        'verification.repairAttempts',
        s.verification.shape.repairAttempts,
        d.verification.repairAttempts,
        `a whole number from 0 to ${MAX_REPAIR_ATTEMPTS}`,
      ),
      environment: list(
        full('verification.environment'),
        raw('verification.environment'),
        problems,
        'an environment variable name such as "MY_TOOL_HOME" or a pattern such as "MY_APP_*"',
        (name) =>
          isPassableName(name)
            ? undefined
            : `is not a variable name or pattern such as "MY_TOOL_HOME" or "MY_APP_*" (got ${show(name)})`,
      ),
    },
    commands: {
      timeoutSeconds: one(
        'commands.timeoutSeconds',
        s.commands.shape.timeoutSeconds,
        d.commands.timeoutSeconds,
        'a whole number of seconds from 1 to 3600',
      ),
      maxTimeoutSeconds: one(
        'commands.maxTimeoutSeconds',
        s.commands.shape.maxTimeoutSeconds,
        d.commands.maxTimeoutSeconds,
        'a whole number of seconds from 1 to 3600',
      ),
      maxOutputKiB: one(
        'commands.maxOutputKiB',
        s.commands.shape.maxOutputKiB,
        d.commands.maxOutputKiB,
        'a whole number of KiB from 1 to 4096',
      ),
    },
    telemetry: {
      otlpEndpoint: one(
        'telemetry.otlpEndpoint',
        s.telemetry.shape.otlpEndpoint,
        d.telemetry.otlpEndpoint,
        'an http:// or https:// URL without a user name or password (e.g. "http://localhost:4318"), or empty',
        'no export',
      ),
    },
    policy: { rules: policyRulesSetting(full('policy.rules'), raw('policy.rules'), workspacePolicyRules, problems) },
    retry: retrySetting(
      {
        maxAttempts: full('retry.maxAttempts'),
        baseDelayMs: full('retry.baseDelayMs'),
        maxDelayMs: full('retry.maxDelayMs'),
      },
      {
        maxAttempts: raw('retry.maxAttempts'),
        baseDelayMs: raw('retry.baseDelayMs'),
        maxDelayMs: raw('retry.maxDelayMs'),
      },
      problems,
    ),
    logLevel: logLevelSetting(full('logLevel'), raw('logLevel'), problems),
  };
  return { settings, problems };
}

/** The fully qualified name of a setting, as users see it in the Settings editor. */
export function full(key: HostSettingKey): string {
  return `${HOST_SETTINGS_SECTION}.${key}`;
}
