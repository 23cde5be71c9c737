import type * as vscode from 'vscode';
import type { Disposable } from '../../core/common/disposable';
import { Emitter, type Event } from '../../core/common/emitter';

/** Providers whose API keys the extension keeps. */
export const API_KEY_PROVIDERS = ['openai', 'anthropic'] as const;

/** A provider with an API key. */
export type ApiKeyProvider = (typeof API_KEY_PROVIDERS)[number];

/** The environment variable read when SecretStorage holds no key. */
export const API_KEY_ENV_VARS: Readonly<Record<ApiKeyProvider, string>> = Object.freeze({
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
});

/** The provider's name as users know it. */
export const PROVIDER_DISPLAY_NAMES: Readonly<Record<ApiKeyProvider, string>> = Object.freeze({
  openai: 'OpenAI',
  anthropic: 'Anthropic',
});

/** A key and where it was found (never logged: only `source` may be shown). */
export interface ApiKeyLookup {
  key: string;
  source: 'secretStorage' | 'environment';
}

const SECRET_PREFIX = 'agentOrchestrator.apiKey.';
const MAX_KEY_LENGTH = 4096;

/** Why `value` cannot be an API key, or undefined when it can (surrounding whitespace is ignored). */
export function validateApiKey(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return 'Enter the API key; it must not be empty.';
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks; check that only the key was pasted.';
  if (key.length > MAX_KEY_LENGTH)
    return `That is ${key.length} characters, too long for an API key; check that only the key was pasted.`;
  return undefined;
}

/** Narrows a string to a provider with a key, or throws a clear error. */
export function toApiKeyProvider(provider: string): ApiKeyProvider {
  if ((API_KEY_PROVIDERS as readonly string[]).includes(provider)) return provider as ApiKeyProvider;
  throw new Error(`Unknown provider "${provider}": API keys are kept for ${API_KEY_PROVIDERS.join(' and ')} only.`);
}

/**
 * API keys, kept only in VS Code's SecretStorage (the OS keychain): never in globalState, files,
 * logs or run events. `get` falls back to `OPENAI_API_KEY` / `ANTHROPIC_API_KEY` from the
 * environment. `onDidChange` fires when a key is stored or deleted, also from another window.
 */
export class ApiKeyStore implements Disposable {
  private readonly changed = new Emitter<ApiKeyProvider>();
  private readonly subscription: Disposable;
  /** Fires with the provider whose stored key was set or deleted. */
  readonly onDidChange: Event<ApiKeyProvider> = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (!event.key.startsWith(SECRET_PREFIX)) return;
      const provider = event.key.slice(SECRET_PREFIX.length);
      if ((API_KEY_PROVIDERS as readonly string[]).includes(provider)) this.changed.fire(provider as ApiKeyProvider);
    });
  }

  /** The provider's key: SecretStorage first, then its environment variable; undefined when neither has one. */
  async get(provider: ApiKeyProvider): Promise<string | undefined> {
    return (await this.lookup(provider))?.key;
  }

  /** Like `get`, and says where the key came from. */
  async lookup(provider: ApiKeyProvider): Promise<ApiKeyLookup | undefined> {
    const p = toApiKeyProvider(provider);
    const stored = (await this.secrets.get(secretKey(p)))?.trim();
    if (stored) return { key: stored, source: 'secretStorage' };
    const fromEnv = this.env[API_KEY_ENV_VARS[p]]?.trim();
    return fromEnv ? { key: fromEnv, source: 'environment' } : undefined;
  }

  /** Stores the key (surrounding whitespace removed) after checking it; the error never repeats the key. */
  async set(provider: ApiKeyProvider, key: string): Promise<void> {
    const p = toApiKeyProvider(provider);
    const problem = validateApiKey(key);
    if (problem !== undefined) throw new Error(`The ${PROVIDER_DISPLAY_NAMES[p]} API key was not saved: ${problem}`);
    await this.secrets.store(secretKey(p), key.trim());
  }

  /** Removes the stored key; the environment variable, if set, is used again. */
  async delete(provider: ApiKeyProvider): Promise<void> {
    await this.secrets.delete(secretKey(toApiKeyProvider(provider)));
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function secretKey(provider: ApiKeyProvider): string {
  return `${SECRET_PREFIX}${provider}`;
}
