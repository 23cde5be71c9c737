import { AnthropicChatModel } from './anthropicChatModel';
import { OpenAiChatModel } from './openAiChatModel';
import { ProviderTable, type ProviderEntry } from './providerTable';

// List prices in USD per million tokens, from the providers' pricing pages (Anthropic's as of
// late 2026; OpenAI's for the GA models it lists). Keys are normalised model names (see
// PriceTable): `claude-sonnet-4-5-20250929` and `openai/gpt-4.1` find their rows. A model that is
// not listed (a newer release, a preview whose price is not published, a model priced by prompt
// length such as Haiku 5.5) is unknown on purpose rather than guessed from its family: give it an
// override. OpenAI bills no extra for cache writes; Anthropic bills 5-minute writes at 1.25× input.

/** OpenAI, and any OpenAI-compatible server at a base URL. */
export const OPENAI_PROVIDER: ProviderEntry = {
  id: 'openai',
  displayName: 'OpenAI',
  detail: 'Also OpenAI-compatible servers (Ollama, LM Studio, vLLM, OpenRouter) at the base URL setting',
  keyEnvVar: 'OPENAI_API_KEY',
  defaultModel: 'gpt-4o-mini',
  commonModels: [
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-nano',
    'gpt-4.1',
    'gpt-4.1-mini',
    'gpt-4.1-nano',
    'gpt-4o',
    'gpt-4o-mini',
    'o3',
    'o4-mini',
    'o3-mini',
  ],
  ownHosts: ['api.openai.com'],
  acceptsBaseUrl: true,
  strictStructuredOutput: true,
  planOutput: 'response_format',
  prices: {
    'gpt-5': { input: 1.25, output: 10, cacheRead: 0.125 },
    'gpt-5-mini': { input: 0.25, output: 2, cacheRead: 0.025 },
    'gpt-5-nano': { input: 0.05, output: 0.4, cacheRead: 0.005 },
    'gpt-4-1': { input: 2, output: 8, cacheRead: 0.5 },
    'gpt-4-1-mini': { input: 0.4, output: 1.6, cacheRead: 0.1 },
    'gpt-4-1-nano': { input: 0.1, output: 0.4, cacheRead: 0.025 },
    'gpt-4o': { input: 2.5, output: 10, cacheRead: 1.25 },
    'gpt-4o-mini': { input: 0.15, output: 0.6, cacheRead: 0.075 },
    o1: { input: 15, output: 60, cacheRead: 7.5 },
    o3: { input: 2, output: 8, cacheRead: 0.5 },
    'o3-mini': { input: 1.1, output: 4.4, cacheRead: 0.55 },
    'o4-mini': { input: 1.1, output: 4.4, cacheRead: 0.275 },
  },
  createClient: ({ model, apiKey, baseUrl, timeoutMs }) =>
    new OpenAiChatModel({
      model,
      apiKey,
      apiKeyEnvVar: 'OPENAI_API_KEY',
      ...(baseUrl === undefined ? {} : { baseURL: baseUrl }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }),
};

/** Anthropic, at its own endpoint. */
export const ANTHROPIC_PROVIDER: ProviderEntry = {
  id: 'anthropic',
  displayName: 'Anthropic',
  keyEnvVar: 'ANTHROPIC_API_KEY',
  defaultModel: 'claude-sonnet-5',
  commonModels: [
    'claude-opus-5',
    'claude-sonnet-5',
    'claude-opus-4-8',
    'claude-sonnet-4-6',
    'claude-haiku-4-5',
    'claude-3-5-haiku',
  ],
  ownHosts: ['api.anthropic.com'],
  // A gateway or proxy that speaks the Messages API (LiteLLM, a company proxy).
  acceptsBaseUrl: true,
  strictStructuredOutput: true,
  // Not every Claude model offers a response format; a submit_plan tool works on all of them.
  planOutput: 'tool',
  prices: {
    'claude-fable-5': { input: 10, output: 50, cacheRead: 1, cacheWrite: 12.5 },
    'claude-fable-5-1': { input: 10, output: 50, cacheRead: 0.25, cacheWrite: 12.5 },
    'claude-opus-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    'claude-opus-4-8': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    'claude-opus-4-7': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    'claude-opus-4-6': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
    'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
    'claude-sonnet-5': { input: 2, output: 10, cacheRead: 0.2, cacheWrite: 2.5 },
    'claude-sonnet-4-6': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-sonnet-4-5': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
    'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
    'claude-3-haiku': { input: 0.25, output: 1.25, cacheRead: 0.03, cacheWrite: 0.3 },
  },
  createClient: ({ model, apiKey, baseUrl, timeoutMs }) =>
    new AnthropicChatModel({
      model,
      apiKey,
      apiKeyEnvVar: 'ANTHROPIC_API_KEY',
      ...(baseUrl === undefined ? {} : { baseURL: baseUrl }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }),
};

/** The providers built in, in the order `auto` tries their keys. */
export const BUILTIN_PROVIDERS = new ProviderTable([OPENAI_PROVIDER, ANTHROPIC_PROVIDER]);

/** One fixed OpenAI-compatible endpoint and its token, e.g. the offline demo model. */
export interface FixedEndpoint {
  id: string;
  displayName: string;
  detail?: string;
  baseUrl: string;
  /** Sent as the bearer token; the engine's key source must hand it out for `id`. */
  token: string;
  model: string;
  /** Answers come from a script, not a real model. */
  scripted?: boolean;
}

/** A provider entry for a fixed OpenAI-compatible endpoint: no price (a scripted one costs $0), no other models, no base URL to change. */
export function fixedEndpointProvider(endpoint: FixedEndpoint): ProviderEntry {
  return {
    id: endpoint.id,
    displayName: endpoint.displayName,
    ...(endpoint.detail === undefined ? {} : { detail: endpoint.detail }),
    keyEnvVar: `the ${endpoint.id} token`,
    defaultModel: endpoint.model,
    commonModels: [],
    ownHosts: [new URL(endpoint.baseUrl).hostname],
    acceptsBaseUrl: false,
    strictStructuredOutput: false,
    planOutput: 'response_format',
    ...(endpoint.scripted ? { scripted: true } : {}),
    // A scripted server costs nothing, so its cost is known: $0.
    prices: endpoint.scripted ? { [endpoint.model]: { input: 0, output: 0 } } : {},
    createClient: ({ model, timeoutMs }) =>
      new OpenAiChatModel({
        model,
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
        apiKey: endpoint.token,
        baseURL: endpoint.baseUrl,
        provider: endpoint.id,
        apiKeyEnvVar: `the ${endpoint.id} token`,
      }),
  };
}
