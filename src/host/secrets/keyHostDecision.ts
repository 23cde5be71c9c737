import { z } from 'zod';

/** The provider's own endpoints: a key may always go there. */
export const DEFAULT_KEY_HOSTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  openai: Object.freeze(['api.openai.com']),
  anthropic: Object.freeze(['api.anthropic.com']),
});

/** Whether a key may go to a base URL's host without asking, and why. */
export type KeyHostDecision =
  | { ask: false; host: string; reason: 'default-endpoint' | 'loopback' | 'confirmed' }
  | { ask: true; host: string; /** The URL is plain http: the key would travel unencrypted. */ plainHttp: boolean };

/** Confirmed hosts per provider, as kept in globalState: host names only, never keys. */
export type ConfirmedKeyHosts = Readonly<Record<string, readonly string[]>>;

const ConfirmedKeyHostsSchema = z.record(z.string(), z.array(z.string()));

/** The host a base URL points at, lower-case, IPv6 without brackets; throws a clear error for a bad URL. */
export function keyHostOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`The base URL ${JSON.stringify(baseUrl)} is not a valid URL; fix agentOrchestrator.baseUrl.`);
  }
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** True for this machine: `localhost`, 127.0.0.0/8 and `::1`. Other names that may resolve here are asked about. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Whether the user must be asked before `provider`'s key is sent to `baseUrl`: not for the
 * provider's own endpoints, loopback hosts, or hosts the user already confirmed for this provider.
 */
export function decideKeyHost(baseUrl: string, provider: string, confirmed: ConfirmedKeyHosts): KeyHostDecision {
  const host = keyHostOf(baseUrl);
  if ((DEFAULT_KEY_HOSTS[provider] ?? []).includes(host)) return { ask: false, host, reason: 'default-endpoint' };
  if (isLoopbackHost(host)) return { ask: false, host, reason: 'loopback' };
  if ((confirmed[provider] ?? []).includes(host)) return { ask: false, host, reason: 'confirmed' };
  return { ask: true, host, plainHttp: new URL(baseUrl).protocol === 'http:' };
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
