import { z } from 'zod';
import { keyHostVerdict } from '../../core/engine/keyHosts';
import { BUILTIN_PROVIDERS } from '../../core/llm/builtinProviders';
import { lazySchema } from '../../core/common/lazySchema';

/** Whether a key may go to a base URL's host without asking, and why. */
export type KeyHostDecision =
  | { ask: false; host: string; reason: 'default-endpoint' | 'loopback' | 'confirmed' }
  | { ask: true; host: string; /** The URL is plain http: the key would travel unencrypted. */ plainHttp: boolean };

/** Confirmed hosts per provider, as kept in globalState: host names only, never keys. */
export type ConfirmedKeyHosts = Readonly<Record<string, readonly string[]>>;

const ConfirmedKeyHostsSchema = lazySchema(() => z.record(z.string(), z.array(z.string())));

/**
 * Whether the user must be asked before `provider`'s key is sent to `baseUrl`: not for the
 * provider's own endpoints, loopback hosts, or hosts the user already confirmed for this provider.
 */
export function decideKeyHost(baseUrl: string, provider: string, confirmed: ConfirmedKeyHosts): KeyHostDecision {
  const verdict = keyHostVerdict(baseUrl, { ownHosts: BUILTIN_PROVIDERS.get(provider)?.ownHosts ?? [] });
  if (!verdict.ask) return verdict;
  if ((confirmed[provider] ?? []).includes(verdict.host))
    return { ask: false, host: verdict.host, reason: 'confirmed' };
  return verdict;
}

/** Confirmed hosts read back from globalState; anything malformed counts as none confirmed. */
export function parseConfirmedKeyHosts(stored: unknown): ConfirmedKeyHosts {
  const parsed = ConfirmedKeyHostsSchema.safeParse(stored);
  return parsed.success ? parsed.data : {};
}

/** `confirmed` with `host` added for `provider` (a new object; the input is not changed). */
export function withConfirmedKeyHost(confirmed: ConfirmedKeyHosts, provider: string, host: string): ConfirmedKeyHosts {
  const hosts = confirmed[provider] ?? [];
  return hosts.includes(host) ? confirmed : { ...confirmed, [provider]: [...hosts, host] };
}

/** The question and its detail, naming the provider and the host. */
export function keyHostQuestion(
  providerName: string,
  host: string,
  plainHttp: boolean,
): { message: string; detail: string } {
  return {
    message: `Send your ${providerName} API key to ${host}?`,
    detail:
      `agentOrchestrator.baseUrl points at ${host}, which is not ${providerName}'s own endpoint. Whoever runs that server receives your key ` +
      `and your code. Allow only a server you trust; you are asked once per host.` +
      (plainHttp ? ' The URL is plain http, so the key would also travel unencrypted.' : ''),
  };
}
