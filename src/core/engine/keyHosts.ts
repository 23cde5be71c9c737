import type { ProviderEntry } from '../llm/providerTable';

/** Whether a key may go to a base URL's host without asking, and why. */
export type KeyHostVerdict =
  | { ask: false; host: string; reason: 'default-endpoint' | 'loopback' }
  | { ask: true; host: string; /** The URL is plain http: the key would travel unencrypted. */ plainHttp: boolean };

/** The host a base URL points at, lower-case, IPv6 without brackets; throws a clear error for a bad URL. */
export function keyHostOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`The base URL ${JSON.stringify(baseUrl)} is not a valid URL; give an http:// or https:// URL.`);
  }
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** True for this machine: `localhost`, 127.0.0.0/8 and `::1`. Other names that may resolve here (`*.localhost`) are asked about. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** True for a valid URL on this machine. */
export function isLoopbackUrl(value: string): boolean {
  try {
    return isLoopbackHost(keyHostOf(value));
  } catch {
    return false;
  }
}

/**
 * Whether the user must agree before `provider`'s key is sent to `baseUrl`: not for the
 * provider's own endpoints or loopback hosts; every other host is asked about (the host
 * remembers the answer per provider; on the command line the `--base-url` flag is the consent).
 */
export function keyHostVerdict(baseUrl: string, provider: Pick<ProviderEntry, 'ownHosts'>): KeyHostVerdict {
  const host = keyHostOf(baseUrl);
  if (provider.ownHosts.includes(host)) return { ask: false, host, reason: 'default-endpoint' };
  if (isLoopbackHost(host)) return { ask: false, host, reason: 'loopback' };
  return { ask: true, host, plainHttp: new URL(baseUrl).protocol === 'http:' };
}

/** A warning when a key and code would travel unencrypted to another machine, else undefined. */
export function plainHttpWarning(baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined || isLoopbackUrl(baseUrl) || new URL(baseUrl).protocol !== 'http:') return undefined;
  return `The base URL ${baseUrl} is plain http on another machine: the API key and your code travel unencrypted. Use https:// if the server offers it.`;
}
