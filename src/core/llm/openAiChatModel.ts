import type { OpenAI } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { abortReason } from '../common/clock';
import { TaskFailure } from '../model/failure';
import { callSignal } from './callSignal';
import type {
  ChatCallOptions,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ChatUsage,
  StopReason,
  ToolCall,
} from './chatModel';
import { toLlmFailure, type LlmErrorContext } from './llmErrors';
import { parseToolArguments } from './parseToolArguments';
import { estimateOutputTokens, estimateRequestTokens } from './tokenEstimate';
import { validateChatRequest } from './validateChatRequest';
import { ListenerFailure } from './listenerFailure';
import { loadOpenAiSdk, preloadFetch } from './sdkLoader';
import {
  countOpenAiRequestTokens,
  OPENAI_TOKENIZERS,
  openAiTokenBound,
  prepareOpenAiCount,
  type OpenAiTokenizers,
} from './openAiTokenizer';
import { errorHeaders, reportHeaders } from './responseHeaders';

/** How to reach an OpenAI or OpenAI-compatible endpoint. */
export interface OpenAiChatModelOptions {
  model: string;
  /** Any non-empty string for local servers that ignore it (Ollama, LM Studio). */
  apiKey: string;
  /** Default `https://api.openai.com/v1`; e.g. `http://localhost:11434/v1` for Ollama, `https://openrouter.ai/api/v1`. */
  baseURL?: string;
  /** Name used for rate limits, prices and messages. Default `openai`. */
  provider?: string;
  /** Named in the "key rejected" message. Default `OPENAI_API_KEY`. */
  apiKeyEnvVar?: string;
  /** Per-request timeout. Default 10 minutes (the SDK's). */
  timeoutMs?: number;
  /**
   * OpenAI's reasoning models accept only `max_completion_tokens`; many compatible servers know
   * only `max_tokens`. Default: `max_completion_tokens` for api.openai.com, `max_tokens` elsewhere.
   */
  maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
  /** Ask for the final usage chunk (`stream_options.include_usage`). Default true. */
  includeUsage?: boolean;
  /** Extra headers, e.g. OpenRouter's `HTTP-Referer`. */
  defaultHeaders?: Record<string, string>;
  /** The tokenizers that count requests; the process's shared ones by default. */
  tokenizers?: OpenAiTokenizers;
}

/** A `ChatModel` over the Chat Completions API of the `openai` SDK, always streamed. */
export class OpenAiChatModel implements ChatModel {
  readonly provider: string;
  readonly model: string;
  private readonly clientOptions: ConstructorParameters<typeof OpenAI>[0];
  private client: Promise<OpenAI> | undefined;
  private readonly errorContext: Omit<LlmErrorContext, 'signal' | 'midStream'>;
  private readonly maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  private readonly includeUsage: boolean;
  private readonly tokenizers: OpenAiTokenizers;

  constructor(options: OpenAiChatModelOptions) {
    this.provider = options.provider ?? 'openai';
    if (!options.model.trim())
      throw new TypeError(`No model name for ${this.provider}: set the model to use (e.g. "gpt-4o-mini").`);
    const envVar = options.apiKeyEnvVar ?? 'OPENAI_API_KEY';
    if (!options.apiKey) {
      throw new TypeError(
        `No API key for ${this.provider}. Set one with 'Orchestrator: Set API Key' or ${envVar} (any non-empty value for a local server such as Ollama).`,
      );
    }
    this.model = options.model;
    const baseURL = options.baseURL ?? 'https://api.openai.com/v1';
    this.maxTokensParam =
      options.maxTokensParam ??
      (new URL(baseURL).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens');
    this.includeUsage = options.includeUsage ?? true;
    this.tokenizers = options.tokenizers ?? OPENAI_TOKENIZERS;
    // The engine owns retries (it honours retry-after and caps the total), so the SDK must not retry too.
    // `organization`/`project` are null so stray OPENAI_ORG_ID/OPENAI_PROJECT_ID never leak to another endpoint.
    this.clientOptions = {
      apiKey: options.apiKey,
      baseURL,
      maxRetries: 0,
      organization: null,
      project: null,
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
      ...(options.defaultHeaders === undefined ? {} : { defaultHeaders: options.defaultHeaders }),
    };
    this.errorContext = {
      provider: this.provider,
      model: this.model,
      baseUrl: baseURL,
      apiKeyEnvVar: envVar,
      secrets: [options.apiKey],
    };
  }

  /** Loads the SDK and Node's fetch now, so the first request does not wait for them. */
  preload(): void {
    this.sdkClient().catch(() => undefined);
    preloadFetch();
  }

  /** The SDK client, made on the first call (the SDK loads then). */
  private sdkClient(): Promise<OpenAI> {
    this.client ??= loadOpenAiSdk().then((sdk) => new sdk.OpenAI(this.clientOptions));
    return this.client;
  }

  /** The request's input tokens by the model's OpenAI tokenizer (gpt-tokenizer); undefined for a model that has none. */
  countTokens(request: ChatRequest): Promise<number | undefined> {
    return countOpenAiRequestTokens(this.model, request, this.tokenizers);
  }

  /** A byte-count bound on the input tokens while the model's tokenizer loads in the background. */
  tokenBound(request: ChatRequest): number | undefined {
    return openAiTokenBound(this.model, request, this.tokenizers);
  }

  /** Counts the system prompt and tool definitions ahead of the first request that sends them (see `prepareOpenAiCount`). */
  prepareCount(parts: Pick<ChatRequest, 'system' | 'tools'>): void {
    prepareOpenAiCount(this.model, parts, this.tokenizers);
  }

  /** Streams the request and resolves with the whole answer once the stream has finished. */
  async complete(request: ChatRequest, options: ChatCallOptions): Promise<ChatResponse> {
    validateChatRequest(request);
    const { signal, onText, onHeaders } = options;
    if (signal.aborted) throw abortReason(signal);
    let midStream = false;
    const link = callSignal(signal);
    try {
      const { data: stream, response } = await (
        await this.sdkClient()
      ).chat.completions
        .create(this.toParams(request), { signal: link.signal })
        .withResponse();
      reportHeaders(onHeaders, response.headers);
      midStream = true;
      const acc = new ChunkAccumulator();
      for await (const chunk of stream) {
        const delta = acc.add(chunk);
        if (delta !== '' && onText !== undefined) {
          try {
            onText(delta);
          } catch (err) {
            throw new ListenerFailure(err);
          }
        }
      }
      // The SDK's iterator ends quietly when the request is aborted: that is a cancel, not an answer.
      if (signal.aborted) throw abortReason(signal);
      return acc.finish(request, this.model);
    } catch (err) {
      if (err instanceof ListenerFailure) throw err.error;
      // A 429 (or any failed response) carries the limits too.
      if (!midStream) reportHeaders(onHeaders, errorHeaders(err));
      throw toLlmFailure(err, { ...this.errorContext, signal, midStream });
    } finally {
      link.dispose();
    }
  }

  private toParams(request: ChatRequest): ChatCompletionCreateParamsStreaming {
    const params: ChatCompletionCreateParamsStreaming = {
      model: this.model,
      messages: toMessages(request),
      stream: true,
    };
    if (this.includeUsage) params.stream_options = { include_usage: true };
    params[this.maxTokensParam] = request.maxOutputTokens;
    if (request.temperature !== undefined && takesTemperature(this.model)) params.temperature = request.temperature;
    if (request.seed !== undefined) params.seed = request.seed;
    if (request.tools !== undefined && request.tools.length > 0) {
      params.tools = request.tools.map((t) => ({
        type: 'function',
        function: {
          name: t.name,
          description: t.description,
          parameters: t.parameters,
          ...(t.strict === undefined ? {} : { strict: t.strict }),
        },
      }));
      // tool_choice without tools is a 400, so it goes only with them.
      if (request.toolChoice !== undefined) params.tool_choice = toToolChoice(request.toolChoice);
    }
    if (request.responseFormat !== undefined) {
      const rf = request.responseFormat;
      params.response_format = {
        type: 'json_schema',
        json_schema: { name: rf.name, schema: rf.schema, strict: rf.strict ?? true },
      };
    }
    return params;
  }
}

function toToolChoice(choice: NonNullable<ChatRequest['toolChoice']>): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function toMessages(request: ChatRequest): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (request.system !== undefined && request.system !== '') out.push({ role: 'system', content: request.system });
  for (const m of request.messages) {
    if (m.role === 'user') {
      out.push({ role: 'user', content: m.content });
    } else if (m.role === 'tool') {
      // Chat Completions has no error flag on tool results; the model reads it from the text.
      out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.isError ? `Error: ${m.content}` : m.content });
    } else if (m.toolCalls !== undefined && m.toolCalls.length > 0) {
      out.push({
        role: 'assistant',
        content: m.content === '' ? null : m.content,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.rawArguments ?? JSON.stringify(c.arguments ?? {}) },
        })),
      });
    } else {
      out.push({ role: 'assistant', content: m.content });
    }
  }
  return out;
}

/** Folds stream chunks into one answer; tool calls are assembled by their `index`. */
class ChunkAccumulator {
  private text = '';
  private readonly calls = new Map<number, { id: string; name: string; args: string }>();
  private finishReason: string | undefined;
  private usage: ChatCompletionChunk['usage'];
  private responseId: string | undefined;
  private responseModel: string | undefined;

  /** Takes one chunk; returns its text delta ('' when none). */
  add(chunk: ChatCompletionChunk): string {
    if (chunk.usage) this.usage = chunk.usage;
    if (typeof chunk.id === 'string' && chunk.id !== '') this.responseId ??= chunk.id;
    if (typeof chunk.model === 'string' && chunk.model !== '') this.responseModel ??= chunk.model;
    let delta = '';
    for (const choice of chunk.choices ?? []) {
      if (choice.index !== 0 && choice.index !== undefined) continue;
      const content = choice.delta?.content;
      if (typeof content === 'string' && content !== '') {
        this.text += content;
        delta += content;
      }
      for (const [position, tc] of (choice.delta?.tool_calls ?? []).entries()) {
        const index = tc.index ?? position;
        const call = this.calls.get(index) ?? { id: '', name: '', args: '' };
        // Ids and names arrive once, in the first delta of a call; some servers repeat them, so keep the first.
        if (tc.id && !call.id) call.id = tc.id;
        if (tc.function?.name && !call.name) call.name = tc.function.name;
        if (tc.function?.arguments) call.args += tc.function.arguments;
        this.calls.set(index, call);
      }
      if (choice.finish_reason) this.finishReason = choice.finish_reason;
    }
    return delta;
  }

  /** The complete answer; throws a retryable failure when the stream ended before the model finished. */
  finish(request: ChatRequest, model: string): ChatResponse {
    if (this.finishReason === undefined) {
      throw new TaskFailure(
        `The stream from "${model}" ended before the model finished; the partial answer was discarded.`,
        'retryable',
      );
    }
    const toolCalls: ToolCall[] = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, c]) => ({
        id: c.id || `call_${index}`,
        name: c.name,
        rawArguments: c.args,
        ...parseToolArguments(c.args),
      }));
    return {
      text: this.text,
      toolCalls,
      stopReason: stopReason(this.finishReason, toolCalls.length),
      usage: this.toUsage(request, toolCalls),
      finishReason: this.finishReason,
      ...(this.responseId === undefined ? {} : { responseId: this.responseId }),
      ...(this.responseModel === undefined ? {} : { responseModel: this.responseModel }),
    };
  }

  private toUsage(request: ChatRequest, toolCalls: ToolCall[]): ChatUsage {
    // Some compatible servers send an all-zero usage object: that is unknown usage, not free usage.
    if (this.usage && (this.usage.prompt_tokens > 0 || this.usage.completion_tokens > 0)) {
      const usage: ChatUsage = {
        inputTokens: this.usage.prompt_tokens,
        outputTokens: this.usage.completion_tokens,
        costUsd: 0,
      };
      const cached = this.usage.prompt_tokens_details?.cached_tokens;
      if (typeof cached === 'number' && cached > 0) usage.cacheReadTokens = cached;
      return usage;
    }
    // No usage chunk (a server that ignores stream_options): unknown is never free, so estimate.
    return {
      inputTokens: estimateRequestTokens(request),
      outputTokens: estimateOutputTokens(this.text, toolCalls),
      costUsd: 0,
      estimated: true,
    };
  }
}

function stopReason(finish: string, toolCallCount: number): StopReason {
  // Some compatible servers (Ollama among them) finish a tool-calling turn with "stop".
  if (toolCallCount > 0 && (finish === 'stop' || finish === 'tool_calls' || finish === 'function_call'))
    return 'tool_use';
  if (finish === 'stop') return 'end';
  if (finish === 'length') return 'max_tokens';
  if (finish === 'tool_calls' || finish === 'function_call') return 'tool_use';
  return 'other';
}

/**
 * False for OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 but not gpt-5-chat), which answer 400
 * to any temperature but the default; the name may carry a router's prefix (`openai/o3`).
 */
export function takesTemperature(model: string): boolean {
  const name = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return !/^(o\d+(-|$)|gpt-5(?!-chat))/.test(name);
}
