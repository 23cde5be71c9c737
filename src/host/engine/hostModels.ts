import { AnthropicChatModel } from '../../core/llm/anthropicChatModel';
import type { ChatModel } from '../../core/llm/chatModel';
import { OpenAiChatModel } from '../../core/llm/openAiChatModel';
import { parseModelRef } from '../../core/route/modelRef';
import { API_KEY_ENV_VARS, PROVIDER_DISPLAY_NAMES, type ApiKeyProvider } from '../secrets/apiKeys';
import { decideKeyHost, isLoopbackHost, keyHostOf } from '../secrets/keyHostDecision';
import type { HostSettings } from '../settings/hostSettingsSchema';
import { HOST_ENGINE_ACTIONS, HostEngineError } from './hostEngineError';

/** The model each provider uses when `agentOrchestrator.model` is empty; both are in the price table. */
export const DEFAULT_HOST_MODELS: Readonly<Record<ApiKeyProvider, string>> = Object.freeze({
  openai: 'gpt-4o-mini',
  anthropic: 'claude-sonnet-5',
});

/** The provider name the offline demo model runs under (rate limits, prices, events). */
export const DEMO_PROVIDER = 'demo';

/** Sent to a local OpenAI-compatible server when no key is set: the SDK insists on some value. */
const NO_KEY = 'no-key-local-server';

/** Where API keys come from; `ApiKeyStore` implements it. */
export interface KeySource {
  get(provider: ApiKeyProvider): Promise<string | undefined>;
}

/** A running offline demo model; `DemoModelServer` implements it. */
export interface DemoEndpoint {
  readonly baseUrl: string;
  readonly token: string;
  readonly model: string;
  close(): Promise<void>;
}

/** What the models of an engine are chosen from. */
export interface HostModelsInput {
  settings: Pick<HostSettings, 'provider' | 'model' | 'baseUrl' | 'agentModels'>;
  keys: KeySource;
  /** Asks the user before a key goes to a base URL host that is neither the provider's own nor loopback. */
  confirmKeyHost(baseUrl: string, provider: string): Promise<boolean>;
  /** Starts the offline demo model; called only when the provider setting is `demo`. */
  startDemo(): Promise<DemoEndpoint>;
  warn(message: string): void;
}

/**
 * The models an engine may use: the run's provider and model, the other providers it holds a key
 * for (for per-agent models), and a factory. Keys live in this object's closure only: printing or
 * serialising it never shows them.
 */
export interface HostModels {
  /** `openai`, `anthropic` or `demo`. */
  readonly provider: string;
  readonly model: string;
  /** For people: `openai/gpt-4o-mini`, or `offline demo model`. */
  readonly label: string;
  readonly isDemo: boolean;
  /** Providers `createModel` can serve. */
  readonly providers: ReadonlySet<string>;
  /** `agentOrchestrator.agentModels` entries whose provider can be served: agent id → `provider/model`. */
  readonly agentModels: Readonly<Record<string, string>>;
  /** A chat model of a servable provider; throws for another one. */
  createModel(provider: string, model: string): ChatModel;
  /** Stops the demo model, if one was started. */
  dispose(): Promise<void>;
}

/**
 * Resolves the provider setting into models. `auto` takes OpenAI when it has a key (SecretStorage
 * or `OPENAI_API_KEY`), else Anthropic, else a loopback `baseUrl` without a key, else it fails with
 * "Set API Key" / "Use Offline Demo". `demo` starts the offline demo model, which is never used
 * otherwise. Before a key goes to a `baseUrl` host that is not the provider's own or loopback, the
 * user is asked; a refusal is a {@link HostEngineError} and no model is created.
 */
export async function resolveHostModels(input: HostModelsInput): Promise<HostModels> {
  const { settings, warn } = input;
  if (settings.provider === 'demo')
    return demoModels(await input.startDemo(), Object.keys(settings.agentModels).length > 0 ? warn : undefined);

  const baseUrl = settings.baseUrl === '' ? undefined : settings.baseUrl;
  const loopback = baseUrl !== undefined && isLoopbackHost(keyHostOf(baseUrl));
  const found = new Map<ApiKeyProvider, string | undefined>();
  const keyOf = async (p: ApiKeyProvider): Promise<string | undefined> => {
    if (!found.has(p)) found.set(p, await input.keys.get(p));
    return found.get(p);
  };
  let provider: ApiKeyProvider;
  if (settings.provider !== 'auto') provider = settings.provider;
  else if (await keyOf('openai')) provider = 'openai';
  else if (await keyOf('anthropic')) provider = 'anthropic';
  else if (loopback) provider = 'openai';
  else {
    throw new HostEngineError(
      'No API key is set. Set an OpenAI or Anthropic key with "Orchestrator: Set API Key" (kept in the OS keychain), or set OPENAI_API_KEY / ANTHROPIC_API_KEY, ' +
        'or watch a run with the offline demo model.',
      [HOST_ENGINE_ACTIONS.setApiKey, HOST_ENGINE_ACTIONS.useDemo],
    );
  }
  if (provider === 'anthropic' && baseUrl !== undefined)
    warn(
      `agentOrchestrator.baseUrl (${baseUrl}) applies to OpenAI-compatible servers only; Anthropic is reached at its own endpoint.`,
    );

  /** The key to send, after the endpoint check; undefined when the provider cannot be used. */
  const credential = async (p: ApiKeyProvider): Promise<{ key: string } | { problem: string; refused: boolean }> => {
    const key = await keyOf(p);
    const endpoint = p === 'openai' ? baseUrl : undefined;
    if (!key) {
      if (endpoint !== undefined && loopback) return { key: NO_KEY };
      return {
        problem: `No ${PROVIDER_DISPLAY_NAMES[p]} API key is set: set one with "Orchestrator: Set API Key" or ${API_KEY_ENV_VARS[p]}.`,
        refused: false,
      };
    }
    if (endpoint !== undefined && decideKeyHost(endpoint, p, {}).ask && !(await input.confirmKeyHost(endpoint, p))) {
      return {
        problem: `Your ${PROVIDER_DISPLAY_NAMES[p]} API key was not sent to ${keyHostOf(endpoint)}, because you did not allow it. Allow the host when asked, or change agentOrchestrator.baseUrl.`,
        refused: true,
      };
    }
    return { key };
  };

  const keys = new Map<string, string>();
  const own = await credential(provider);
  if ('problem' in own) {
    throw new HostEngineError(
      own.problem,
      own.refused ? [HOST_ENGINE_ACTIONS.openSettings] : [HOST_ENGINE_ACTIONS.setApiKey, HOST_ENGINE_ACTIONS.useDemo],
    );
  }
  keys.set(provider, own.key);
  const agentModels: Record<string, string> = {};
  for (const [agentId, ref] of Object.entries(settings.agentModels)) {
    const other = parseModelRef(ref)?.provider as ApiKeyProvider | undefined;
    if (other === undefined) continue;
    if (!keys.has(other)) {
      const cred = await credential(other);
      if ('problem' in cred) {
        warn(
          `agentOrchestrator.agentModels: agent "${agentId}" gets the run's model instead of ${ref}. ${cred.problem}`,
        );
        continue;
      }
      keys.set(other, cred.key);
    }
    agentModels[agentId] = ref;
  }

  const model = settings.model === '' ? DEFAULT_HOST_MODELS[provider] : settings.model;
  return {
    provider,
    model,
    label: `${provider}/${model}`,
    isDemo: false,
    providers: new Set(keys.keys()),
    agentModels,
    createModel(p, name) {
      const apiKey = keys.get(p);
      if (apiKey === undefined)
        throw new Error(`No ${p} model can be created: this engine holds no usable key for ${p}.`);
      const common = { model: name, apiKey, apiKeyEnvVar: API_KEY_ENV_VARS[p as ApiKeyProvider] };
      return p === 'anthropic'
        ? new AnthropicChatModel(common)
        : new OpenAiChatModel({ ...common, ...(baseUrl === undefined ? {} : { baseURL: baseUrl }) });
    },
    dispose: async () => undefined,
  };
}

function demoModels(demo: DemoEndpoint, warn: ((message: string) => void) | undefined): HostModels {
  warn?.(
    'agentOrchestrator.agentModels is ignored while the offline demo model is the provider: every agent uses the demo model.',
  );
  return {
    provider: DEMO_PROVIDER,
    model: demo.model,
    label: 'offline demo model',
    isDemo: true,
    providers: new Set([DEMO_PROVIDER]),
    agentModels: {},
    createModel(p, name) {
      if (p !== DEMO_PROVIDER)
        throw new Error(`Only the offline demo model is available while the provider is "demo", not ${p}/${name}.`);
      return new OpenAiChatModel({
        model: name,
        apiKey: demo.token,
        baseURL: demo.baseUrl,
        provider: DEMO_PROVIDER,
        apiKeyEnvVar: 'the demo token',
      });
    },
    dispose: () => demo.close(),
  };
}
