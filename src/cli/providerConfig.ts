import { AnthropicChatModel } from '../core/llm/anthropicChatModel';
import type { ChatModel } from '../core/llm/chatModel';
import { OpenAiChatModel } from '../core/llm/openAiChatModel';
import type { ProviderName } from './cliCommand';
import { UsageError } from './usageError';

/** The model each provider uses when `--model` is not given; both are in the price table. */
export const DEFAULT_MODELS: Readonly<Record<ProviderName, string>> = Object.freeze({
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-5',
});

/** The environment variable that holds each provider's key. */
export const KEY_ENV_VARS: Readonly<Record<ProviderName, string>> = Object.freeze({
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
});

/** Sent to a local server when no key is set: the SDKs insist on some value. */
const NO_KEY = 'no-key-local-server';

/** What the command line says about the provider. */
export interface ProviderChoice {
  provider?: ProviderName;
  model?: string;
  baseUrl?: string;
}

/**
 * The provider, model and endpoint of a run, with its API key. The key lives in a private field
 * and is reachable only through `createModel`: logging, `JSON.stringify` or `util.inspect` of
 * this object never shows it.
 */
export class ProviderConfig {
  readonly #apiKey: string;

  private constructor(
    readonly provider: ProviderName,
    readonly model: string,
    readonly baseUrl: string | undefined,
    apiKey: string,
    /** Something the user should know about the key (e.g. none is sent to a local server). */
    readonly note: string | undefined,
  ) {
    this.#apiKey = apiKey;
  }

  /**
   * Picks the provider (`--provider`, else whichever key is set, OpenAI first), the model and the
   * key, which comes only from `OPENAI_API_KEY` / `ANTHROPIC_API_KEY`. A missing key is a
   * `UsageError`, except for a `--base-url` on this machine, which gets no key.
   */
  static resolve(choice: ProviderChoice, env: Readonly<Record<string, string | undefined>>): ProviderConfig {
    const keyOf = (p: ProviderName): string => env[KEY_ENV_VARS[p]]?.trim() ?? '';
    const local = choice.baseUrl !== undefined && isLoopbackUrl(choice.baseUrl);
    let provider = choice.provider;
    if (!provider) {
      if (keyOf('openai')) provider = 'openai';
      else if (keyOf('anthropic')) provider = 'anthropic';
      else if (local) provider = 'openai';
      else {
        throw new UsageError(
          'No API key: set OPENAI_API_KEY (OpenAI or a compatible server) or ANTHROPIC_API_KEY in the environment, ' +
            'or point --base-url at a local OpenAI-compatible server such as http://localhost:11434/v1.',
        );
      }
    }
    const envVar = KEY_ENV_VARS[provider];
    const key = keyOf(provider);
    const model = choice.model ?? DEFAULT_MODELS[provider];
    if (key) return new ProviderConfig(provider, model, choice.baseUrl, key, undefined);
    if (local) {
      return new ProviderConfig(
        provider,
        model,
        choice.baseUrl,
        NO_KEY,
        `${envVar} is not set; no API key is sent to the local server at ${choice.baseUrl}.`,
      );
    }
    throw new UsageError(
      `${envVar} is not set: export your ${provider === 'openai' ? 'OpenAI' : 'Anthropic'} API key as ${envVar} ` +
        `(keys are read from the environment only), or pick another provider with --provider.`,
    );
  }

  /** A chat model of this provider and endpoint (the run's model by default). */
  createModel(model: string = this.model): ChatModel {
    const common = {
      model,
      apiKey: this.#apiKey,
      apiKeyEnvVar: KEY_ENV_VARS[this.provider],
      ...(this.baseUrl === undefined ? {} : { baseURL: this.baseUrl }),
    };
    return this.provider === 'openai' ? new OpenAiChatModel(common) : new AnthropicChatModel(common);
  }

  /** Safe to print: no key. */
  describe(): string {
    return `${this.provider}/${this.model}${this.baseUrl === undefined ? '' : ` at ${this.baseUrl}`}`;
  }

  /** Never the key, whatever serialises this object. */
  toJSON(): Record<string, string | undefined> {
    return { provider: this.provider, model: this.model, baseUrl: this.baseUrl };
  }
}

/** True for a URL on this machine: `localhost`, `*.localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopbackUrl(value: string): boolean {
  let host: string;
  try {
    host = new URL(value).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}

/** A warning when a key would travel unencrypted to another machine, else undefined. */
export function plainHttpWarning(baseUrl: string | undefined): string | undefined {
  if (baseUrl === undefined || isLoopbackUrl(baseUrl) || new URL(baseUrl).protocol !== 'http:') return undefined;
  return `--base-url ${baseUrl} is plain http on another machine: the API key and your code travel unencrypted. Use https:// if the server offers it.`;
}
