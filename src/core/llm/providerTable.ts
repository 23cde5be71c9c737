import type { ChatModel } from './chatModel';
import { PriceTable, type ModelPrice } from './priceTable';

/** What a provider's client factory is given for one model. */
export interface ProviderClientOptions {
  model: string;
  apiKey: string;
  /** An endpoint other than the provider's own; only for providers with `acceptsBaseUrl`. */
  baseUrl?: string;
  /** Per-request timeout; undefined: the SDK's default. */
  timeoutMs?: number;
}

/**
 * One model provider, everything the engine, the CLI and the host need to know about it in one
 * place: adding a provider means adding one entry (and its client class).
 */
export interface ProviderEntry {
  /** Lower-case id used in settings, flags, `provider/model` references, rate limits and prices. */
  readonly id: string;
  /** The name people know it by, e.g. "OpenAI". */
  readonly displayName: string;
  /** One line for pickers, e.g. which compatible servers it also covers. */
  readonly detail?: string;
  /** The environment variable its API key is read from (the host looks in SecretStorage first). */
  readonly keyEnvVar: string;
  /** The model a run uses when none is chosen. */
  readonly defaultModel: string;
  /** Models offered first in the model picker, best known first. */
  readonly commonModels: readonly string[];
  /** Hosts of the provider's own endpoints: a key may go there without asking. */
  readonly ownHosts: readonly string[];
  /** True when a base URL may point it at a compatible server (Ollama, LM Studio, vLLM, OpenRouter). */
  readonly acceptsBaseUrl: boolean;
  /** True when the provider enforces a JSON schema on structured output (OpenAI `strict: true`, Anthropic tool input schemas). */
  readonly strictStructuredOutput: boolean;
  /** How the planner asks for a plan: a `response_format` JSON schema, or a `submit_plan` tool call. */
  readonly planOutput: 'response_format' | 'tool';
  /** True when the models come with the editor (VS Code's `vscode.lm`), not an API key: no key is asked for or sent. */
  readonly keyless?: boolean;
  /**
   * True when only `provider:model` prices apply: a bare model's list price from another provider
   * (OpenAI's `gpt-4o`) does not price this provider's model of the same name (a Copilot `gpt-4o`).
   */
  readonly scopedPricesOnly?: boolean;
  /** True when the answers come from a script (the offline demo), not a real model: labelled so, per-agent models ignored. */
  readonly scripted?: boolean;
  /** List prices in USD per million tokens by model name (normalised like `PriceTable` keys). */
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** A chat model of this provider. */
  createClient(options: ProviderClientOptions): ChatModel;
}

/** The providers an engine knows, in the order `auto` tries their keys. */
export class ProviderTable {
  private readonly byId = new Map<string, ProviderEntry>();

  /** Throws on a duplicate, reserved or malformed id, so a bad entry fails at once. */
  constructor(entries: readonly ProviderEntry[]) {
    for (const entry of entries) {
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(entry.id)) {
        throw new TypeError(
          `Provider id "${entry.id}" must be lower-case letters, digits or "-", starting with a letter.`,
        );
      }
      if (this.byId.has(entry.id)) throw new TypeError(`Provider "${entry.id}" is listed twice.`);
      if (entry.id === 'auto') throw new TypeError('"auto" is reserved for "pick the provider whose key is set".');
      this.byId.set(entry.id, entry);
    }
  }

  /** The entries, in table order. */
  list(): readonly ProviderEntry[] {
    return [...this.byId.values()];
  }

  /** The ids, in table order. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  get(id: string): ProviderEntry | undefined {
    return this.byId.get(id);
  }

  /** The entry, or an error that lists the known providers. */
  require(id: string): ProviderEntry {
    const entry = this.byId.get(id);
    if (!entry) throw new Error(`Unknown provider "${id}"; known providers: ${this.ids().join(', ')}.`);
    return entry;
  }

  /** A table with one more entry at the end (an offline demo, a test provider). */
  with(entry: ProviderEntry): ProviderTable {
    return new ProviderTable([...this.list(), entry]);
  }

  /** The prices of every entry: `provider:model` rows, and bare `model` rows for routers such as OpenRouter. */
  priceTable(options: { overrides?: Record<string, ModelPrice>; fallback?: ModelPrice } = {}): PriceTable {
    const rows: Record<string, ModelPrice> = {};
    for (const entry of this.list()) {
      for (const [model, price] of Object.entries(entry.prices)) {
        rows[`${entry.id}:${model}`] = price;
        rows[model] ??= price;
      }
    }
    const scopedOnly = this.list()
      .filter((p) => p.scopedPricesOnly === true)
      .map((p) => p.id);
    return new PriceTable({ ...options, builtIn: rows, ...(scopedOnly.length === 0 ? {} : { scopedOnly }) });
  }
}
