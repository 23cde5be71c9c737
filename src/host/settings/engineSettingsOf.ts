import type { EngineSettings } from '../../core/engine/engineSettings';
import type { HostSettings } from './hostSettingsSchema';

/** The engine's settings from the validated `agentOrchestrator.*` settings. */
export function engineSettingsOf(settings: HostSettings): EngineSettings {
  return {
    models: {
      provider: settings.provider,
      model: settings.model,
      baseUrl: settings.baseUrl,
      agentModels: settings.agentModels,
    },
    maxConcurrency: settings.maxConcurrency,
    maxTasksPerPlan: settings.maxTasksPerPlan,
    taskTimeoutMs: settings.taskTimeoutSeconds * 1000,
    logLevel: settings.logLevel,
    policyRules: settings.policy.rules,
    retry: settings.retry,
    protectedPaths: settings.protectedPaths,
    prices: settings.prices,
    responseCache: settings.responseCache,
    verification: settings.verification,
    // A default above the maximum is held to the maximum: the longer limit is the deliberate one.
    commands: {
      defaultTimeoutMs: Math.min(settings.commands.timeoutSeconds, settings.commands.maxTimeoutSeconds) * 1000,
      maxTimeoutMs: settings.commands.maxTimeoutSeconds * 1000,
      maxOutputBytes: settings.commands.maxOutputKiB * 1024,
    },
  };
}
