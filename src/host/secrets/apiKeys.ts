import type * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { Emitter, type Event } from '../../core/common/emitter';
import { BUILTIN_PROVIDERS } from '../../core/llm/builtinProviders';
import type { ProviderEntry, ProviderTable } from '../../core/llm/providerTable';

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

/**
 * API keys of the providers in the provider table, kept only in VS Code's SecretStorage (the OS
 * keychain): never in globalState, files, logs or run events. `get` falls back to the provider's
 * environment variable (`OPENAI_API_KEY`, …). `onDidChange` fires when a key is stored or
 * deleted, also from another window.
 */
export class ApiKeyStore extends Disposable {
  private readonly changed = this._register(new Emitter<string>());
  /** Fires with the id of the provider whose stored key was set or deleted. */
  readonly onDidChange: Event<string> = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
    private readonly providers: ProviderTable = BUILTIN_PROVIDERS,
  ) {
    super();
    this._register(
      secrets.onDidChange((event) => {
        if (!event.key.startsWith(SECRET_PREFIX)) return;
        const provider = event.key.slice(SECRET_PREFIX.length);
        if (this.keyed(provider)) this.changed.fire(provider);
      }),
    );
  }

  /** The providers a key can be kept for, in table order (not the scripted demo, not the keyless VS Code models). */
  keyedProviders(): ProviderEntry[] {
    return this.providers.list().filter((p) => !p.scripted && !p.keyless);
  }

  /** The provider's key: SecretStorage first, then its environment variable; undefined when neither has one or the provider is unknown. */
  async get(provider: string): Promise<string | undefined> {
    return this.keyed(provider) ? (await this.lookup(provider))?.key : undefined;
  }

  /** Like `get`, and says where the key came from; throws for a provider that is not in the table. */
  async lookup(provider: string): Promise<ApiKeyLookup | undefined> {
    const p = this.entry(provider);
    const stored = (await this.secrets.get(secretKey(p.id)))?.trim();
    if (stored) return { key: stored, source: 'secretStorage' };
    const fromEnv = this.env[p.keyEnvVar]?.trim();
    return fromEnv ? { key: fromEnv, source: 'environment' } : undefined;
  }

  /** Stores the key (surrounding whitespace removed) after checking it; the error never repeats the key. */
  async set(provider: string, key: string): Promise<void> {
    const p = this.entry(provider);
    const problem = validateApiKey(key);
    if (problem !== undefined) throw new Error(`The ${p.displayName} API key was not saved: ${problem}`);
    await this.secrets.store(secretKey(p.id), key.trim());
  }

  /** Removes the stored key; the environment variable, if set, is used again. */
  async delete(provider: string): Promise<void> {
    await this.secrets.delete(secretKey(this.entry(provider).id));
  }

  private keyed(provider: string): boolean {
    return this.keyedProviders().some((p) => p.id === provider);
  }

  /** The provider's entry, or a clear error naming the ones keys are kept for. */
  private entry(provider: string): ProviderEntry {
    const found = this.keyedProviders().find((p) => p.id === provider);
    if (found) return found;
    const known = this.keyedProviders().map((p) => p.id);
    throw new Error(`Unknown provider "${provider}": API keys are kept for ${known.join(' and ')} only.`);
  }
}

function secretKey(provider: string): string {
  return `${SECRET_PREFIX}${provider}`;
}
