import type { ChatModel } from '../llm/chatModel';
import type { ProviderEntry, ProviderTable } from '../llm/providerTable';
import { formatModelRef, parseModelRef } from '../route/modelRef';
import { isLoopbackUrl, keyHostVerdict, plainHttpWarning } from './keyHosts';

/** Sent to a server on this machine when no key is set: the SDKs insist on some value. */
const NO_KEY = 'no-key-local-server';

/** Where API keys come from: the environment for the CLI, SecretStorage then the environment for the host. */
export interface KeySource {
  get(provider: string): Promise<string | undefined>;
}

/** Which provider and models the user chose (settings or flags). */
export interface ModelChoice {
  /** A provider id of the table, or `auto`: the first provider whose key is set. */
  provider: string;
  /** Empty or undefined: the provider's default model. */
  model?: string;
  /** The run provider's endpoint, when it accepts one; empty or undefined: its own. */
  baseUrl?: string;
  /** Agent id → `provider/model`. */
  agentModels?: Readonly<Record<string, string>>;
  /** How long one model request may take before it fails as retryable; undefined: the SDK's 10 minutes. */
  requestTimeoutMs?: number;
}

/** Why no model could be set up, and the kind of remedy, so each front end can offer its own. */
export type ModelSetupProblem = 'no-key' | 'key-refused' | 'unknown-provider';

/** The models of an engine cannot be set up; the message says why and what to do. */
export class ModelSetupError extends Error {
  override readonly name = 'ModelSetupError';

  constructor(
    message: string,
    readonly problem: ModelSetupProblem,
  ) {
    super(message);
  }
}

/** How a front end words "set a key" for a provider (the CLI names the variable, the host its command too). */
export type KeyHint = (provider: ProviderEntry) => string;

/** What the models of an engine are chosen from. */
export interface EngineModelsInput {
  providers: ProviderTable;
  choice: ModelChoice;
  keys: KeySource;
  /** How to tell the user to set a provider's key. */
  keyHint: KeyHint;
  /** Asked before a key goes to a base URL host that is neither the provider's own nor loopback. */
  confirmKeyHost(baseUrl: string, provider: string): Promise<boolean>;
  warn(message: string): void;
}

/**
 * The models an engine may use: the run's provider and model, the other providers it holds a key
 * for (for per-agent models), and a factory. Keys live in this object's closure only: printing or
 * serialising it never shows them.
 */
export interface EngineModels {
  readonly provider: ProviderEntry;
  readonly model: string;
  /** The run provider's endpoint, when not its own. */
  readonly baseUrl: string | undefined;
  /** For people: `openai/gpt-4o-mini`, or the scripted provider's name. */
  readonly label: string;
  /** True when the answers come from a script (the offline demo), not a real model. */
  readonly scripted: boolean;
  /** Providers `createModel` can serve. */
  readonly servable: ReadonlySet<string>;
  /** Per-agent models whose provider can be served: agent id → `provider/model`. */
  readonly agentModels: Readonly<Record<string, string>>;
  /** A chat model of a servable provider; throws for another one. */
  createModel(provider: string, model: string): ChatModel;
}

/**
 * Resolves the user's choice through the provider table. `auto` takes the first provider with a
 * key, else — for a base URL on this machine — the first provider that accepts one, without a
 * key; otherwise it fails with what to do. Before a key goes to a base URL host that is not the
 * provider's own or loopback, `confirmKeyHost` is asked; a refusal is a {@link ModelSetupError}
 * and no model is created. Per-agent models of other providers are kept when their key is set.
 */
export async function resolveEngineModels(input: EngineModelsInput): Promise<EngineModels> {
  const { providers, choice, keyHint, warn } = input;
  const baseUrl = choice.baseUrl === undefined || choice.baseUrl === '' ? undefined : choice.baseUrl;
  const local = baseUrl !== undefined && isLoopbackUrl(baseUrl);
  const found = new Map<string, string | undefined>();
  const keyOf = async (id: string): Promise<string | undefined> => {
    if (!found.has(id)) found.set(id, (await input.keys.get(id))?.trim() || undefined);
    return found.get(id);
  };

  let run: ProviderEntry | undefined;
  if (choice.provider !== 'auto') {
    run = providers.get(choice.provider);
    if (!run) {
      throw new ModelSetupError(
        `Unknown provider "${choice.provider}"; choose auto or one of: ${providers.ids().join(', ')}.`,
        'unknown-provider',
      );
    }
  } else {
    for (const entry of providers.list()) {
      if (!entry.scripted && !entry.keyless && (await keyOf(entry.id))) {
        run = entry;
        break;
      }
    }
    if (!run && local) run = providers.list().find((p) => p.acceptsBaseUrl && !p.scripted);
    if (!run) {
      const real = providers.list().filter((p) => !p.scripted);
      throw new ModelSetupError(
        `No API key is set. ${real.map((p) => keyHint(p)).join(' Or: ')} ` +
          'A model server on this machine (e.g. Ollama at http://localhost:11434/v1) needs no key: set the base URL to it.',
        'no-key',
      );
    }
  }
  if (baseUrl !== undefined && !run.acceptsBaseUrl) {
    warn(`The base URL ${baseUrl} is ignored: ${run.displayName} is reached at its own endpoint.`);
  }
  const runEndpoint = run.acceptsBaseUrl ? baseUrl : undefined;

  const credential = async (
    entry: ProviderEntry,
    endpoint: string | undefined,
  ): Promise<{ key: string } | { problem: string; refused: boolean }> => {
    // Models that come with the editor need no key, and none is looked up or sent.
    if (entry.keyless === true) return { key: '' };
    const key = await keyOf(entry.id);
    if (!key) {
      if (endpoint !== undefined && isLoopbackUrl(endpoint)) return { key: NO_KEY };
      return { problem: `No ${entry.displayName} API key is set: ${keyHint(entry)}`, refused: false };
    }
    if (endpoint !== undefined && keyHostVerdict(endpoint, entry).ask) {
      if (!(await input.confirmKeyHost(endpoint, entry.id))) {
        return {
          problem: `Your ${entry.displayName} API key was not sent to ${new URL(endpoint).host}, because you did not allow it. Allow the host when asked, or change the base URL.`,
          refused: true,
        };
      }
    }
    return { key };
  };

  const keys = new Map<string, string>();
  const own = await credential(run, runEndpoint);
  if ('problem' in own) throw new ModelSetupError(own.problem, own.refused ? 'key-refused' : 'no-key');
  keys.set(run.id, own.key);
  if (own.key === NO_KEY && runEndpoint !== undefined) {
    warn(`${run.keyEnvVar} is not set; no API key is sent to the local server at ${runEndpoint}.`);
  }
  const httpWarning = plainHttpWarning(runEndpoint);
  if (httpWarning) warn(httpWarning);

  const agentModels: Record<string, string> = {};
  const requested = Object.entries(choice.agentModels ?? {});
  if (run.scripted && requested.length > 0) {
    warn(`Per-agent models are ignored while ${run.displayName} is the provider: every agent uses it.`);
  }
  for (const [agentId, ref] of run.scripted ? [] : requested) {
    const other = providers.get(parseModelRef(ref)?.provider ?? '');
    if (!other || other.scripted) {
      warn(`Agent "${agentId}" gets the run's model instead of ${ref}: ${ref} names no known provider.`);
      continue;
    }
    if (!keys.has(other.id)) {
      const cred = await credential(other, undefined);
      if ('problem' in cred) {
        warn(`Agent "${agentId}" gets the run's model instead of ${ref}. ${cred.problem}`);
        continue;
      }
      keys.set(other.id, cred.key);
    }
    agentModels[agentId] = ref;
  }

  const model = choice.model === undefined || choice.model === '' ? run.defaultModel : choice.model;
  const runProvider = run;
  return {
    provider: runProvider,
    model,
    baseUrl: runEndpoint,
    label: runProvider.scripted ? runProvider.displayName : formatModelRef({ provider: runProvider.id, model }),
    scripted: runProvider.scripted === true,
    servable: new Set(keys.keys()),
    agentModels,
    createModel(provider, name) {
      const apiKey = keys.get(provider);
      const entry = providers.get(provider);
      if (apiKey === undefined || !entry) {
        throw new Error(`No ${provider} model can be created: this engine holds no usable key for ${provider}.`);
      }
      const endpoint = provider === runProvider.id ? runEndpoint : undefined;
      return entry.createClient({
        model: name,
        apiKey,
        ...(endpoint === undefined ? {} : { baseUrl: endpoint }),
        ...(choice.requestTimeoutMs === undefined ? {} : { timeoutMs: choice.requestTimeoutMs }),
      });
    },
  };
}
