// The names of the extension's settings, and which of them only the user's own settings decide.

/** The configuration section every setting of the extension lives under. */
export const HOST_SETTINGS_SECTION = 'agentOrchestrator';

/** Every `agentOrchestrator.*` key, relative to the section, as `package.json` contributes them. */
export const HOST_SETTING_KEYS = [
  'provider',
  'model',
  'baseUrl',
  'agentModels',
  'maxConcurrency',
  'maxTasksPerPlan',
  'taskTimeoutSeconds',
  'budget.maxTokens',
  'budget.maxCostUsd',
  'prices',
  'responseCache',
  'mcp.servers',
  'rateLimits',
  'approvalMode',
  'protectedPaths',
  'verification.tasks',
  'verification.commands',
  'verification.thresholds',
  'verification.repairAttempts',
  'verification.environment',
  'commands.timeoutSeconds',
  'commands.maxTimeoutSeconds',
  'commands.maxOutputKiB',
  'telemetry.otlpEndpoint',
  'policy.rules',
  'retry.maxAttempts',
  'retry.baseDelayMs',
  'retry.maxDelayMs',
  'logLevel',
] as const;

/** One setting key, relative to {@link HOST_SETTINGS_SECTION}. */
export type HostSettingKey = (typeof HOST_SETTING_KEYS)[number];

/**
 * Settings only the user's own settings decide, even in a trusted workspace (`application` scope in
 * package.json): they say what runs without asking, and a workspace's `.vscode/settings.json` is a
 * file an agent's command can write, so it must not loosen them (checklist 6).
 */
export const USER_ONLY_SETTING_KEYS: ReadonlySet<HostSettingKey> = new Set<HostSettingKey>([
  'approvalMode',
  'protectedPaths',
  'verification.environment',
  // A workspace pricing a model at $0 would let a money budget pass anything.
  'prices',
  // A server is a program; the workspace names its own in .vscode/mcp.json, read only when trusted.
  'mcp.servers',
  // A workspace must not be able to send run data to a collector of its choosing.
  'telemetry.otlpEndpoint',
  // More attempts spend more of the user's money.
  'retry.maxAttempts',
  'retry.baseDelayMs',
  'retry.maxDelayMs',
]);
