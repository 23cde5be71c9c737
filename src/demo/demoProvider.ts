import { fixedEndpointProvider } from '../core/llm/builtinProviders';
import type { ProviderEntry } from '../core/llm/providerTable';

/** The provider id the offline demo model runs under (rate limits, events, the provider setting). */
export const DEMO_PROVIDER_ID = 'demo';

/** A running offline demo model; `DemoModelServer` implements it. */
export interface DemoEndpoint {
  readonly baseUrl: string;
  readonly token: string;
  readonly model: string;
}

/**
 * The offline demo model as a provider-table entry, bound to a running server: its "key" is the
 * server's random token, its endpoint is fixed, and it is marked scripted so every label says it
 * is not a real model. Added to the table only while the user chose the demo.
 */
export function demoProvider(endpoint: DemoEndpoint): ProviderEntry {
  return fixedEndpointProvider({
    id: DEMO_PROVIDER_ID,
    displayName: 'offline demo model',
    detail: 'A scripted local server that shows a whole run without a key. Not a real model.',
    baseUrl: endpoint.baseUrl,
    token: endpoint.token,
    model: endpoint.model,
    scripted: true,
  });
}
