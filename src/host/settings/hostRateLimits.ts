import type { ModelKey, RateLimits } from '../../core/quota/rateLimitScheduler';
import type { HostSettings } from './hostSettingsSchema';

/**
 * The `limitsFor` of the window's one `RateLimitScheduler`, from `agentOrchestrator.rateLimits`:
 * the entry for `provider/model`, else the provider's `provider/*` entry, else no limit. The
 * scheduler asks once per model, the first time the model is used.
 */
export function hostRateLimits(
  settings: () => Pick<HostSettings, 'rateLimits'>,
): (key: ModelKey) => RateLimits | undefined {
  return (key) => {
    const limits = settings().rateLimits;
    return limits[`${key.provider}/${key.model}`] ?? limits[`${key.provider}/*`];
  };
}
