import type { ProviderTable } from '../../core/llm/providerTable';
import { DEMO_PROVIDER_ID } from '../../demo/demoProvider';
import { HOST_PROVIDER_TABLE } from '../lm/vscodeLmProvider';

/** The `enum` and `enumDescriptions` of `agentOrchestrator.provider` in package.json. */
export interface ProviderSettingManifest {
  enum: string[];
  enumDescriptions: string[];
}

/**
 * What package.json must declare for the provider setting, from the provider table:
 * `npm run sync-manifest` writes it, and a unit test fails when the manifest falls behind.
 */
export function providerSettingManifest(providers: ProviderTable = HOST_PROVIDER_TABLE): ProviderSettingManifest {
  const real = providers.list().filter((p) => !p.scripted);
  const keyed = real.filter((p) => !p.keyless);
  return {
    enum: ['auto', ...real.map((p) => p.id), DEMO_PROVIDER_ID],
    enumDescriptions: [
      `Use the provider whose API key is set (${keyed.map((p) => p.displayName).join(' first, then ')}); without any key, offer the offline demo model.`,
      ...real.map((p) =>
        p.detail === undefined ? `${p.displayName}.` : `${p.displayName}. ${p.detail.replace(/\.?$/, '.')}`,
      ),
      'The offline demo model: a scripted local server that shows a whole run without an API key. Never a real model.',
    ],
  };
}
