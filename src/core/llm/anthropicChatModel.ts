import type { Anthropic } from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { abortReason } from '../common/clock';
import { TaskFailure } from '../model/failure';
import { toAnthropicParams } from './anthropicRequest';
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
import { loadAnthropicSdk, preloadFetch } from './sdkLoader';
import { errorHeaders, reportHeaders } from './responseHeaders';
import { parseToolArguments } from './parseToolArguments';
import { estimateOutputTokens, estimateRequestTokens } from './tokenEstimate';
import { validateChatRequest } from './validateChatRequest';
import { ListenerFailure } from './listenerFailure';

/** How to reach the Anthropic Messages API. */
export interface AnthropicChatModelOptions {
  model: string;
  apiKey: string;
  /** Default `https://api.anthropic.com`. */
  baseURL?: string;
  /** Name used for rate limits, prices and messages. Default `anthropic`. */
  provider?: string;
  /** Named in the "key rejected" message. Default `ANTHROPIC_API_KEY`. */
  apiKeyEnvVar?: string;
  /** Per-request timeout. Default 10 minutes (the SDK's). */
  timeoutMs?: number;
  /** Mark the system prompt and the last tool with `cache_control` (default true). */
  promptCaching?: boolean;
  /** Extra headers, e.g. an `anthropic-beta` flag. */
  defaultHeaders?: Record<string, string>;
}

/** A `ChatModel` over the Messages API of `@anthropic-ai/sdk`, always streamed. */
export class AnthropicChatModel implements ChatModel {
  readonly provider: string;
  readonly model: string;
  private readonly clientOptions: ConstructorParameters<typeof Anthropic>[0];
  private client: Promise<Anthropic> | undefined;
  private readonly errorContext: Omit<LlmErrorContext, 'signal' | 'midStream'>;
  private readonly promptCaching: boolean;

  constructor(options: AnthropicChatModelOptions) {
    this.provider = options.provider ?? 'anthropic';
    if (!options.model.trim())
      throw new TypeError(`No model name for ${this.provider}: set the model to use (e.g. "claude-sonnet-5").`);
    const envVar = options.apiKeyEnvVar ?? 'ANTHROPIC_API_KEY';
    if (!options.apiKey)
      throw new TypeError(`No API key for ${this.provider}. Set one with 'Orchestrator: Set API Key' or ${envVar}.`);
    this.model = options.model;
    this.promptCaching = options.promptCaching ?? true;
    const baseURL = options.baseURL ?? 'https://api.anthropic.com';
    // The engine owns retries (it honours retry-after and caps the total), so the SDK must not retry too.
    // An explicit key and base URL keep the SDK from reading credentials or profiles of its own.
    this.clientOptions = {
      apiKey: options.apiKey,
      baseURL,
      maxRetries: 0,
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
  private sdkClient(): Promise<Anthropic> {
    this.client ??= loadAnthropicSdk().then((sdk) => new sdk.Anthropic(this.clientOptions));
    return this.client;
  }

  /** The request's input tokens from the Messages API's count endpoint (`POST /v1/messages/count_tokens`). */
  async countTokens(request: ChatRequest, signal: AbortSignal): Promise<number> {
    const {
      max_tokens: _max,
      stream: _stream,
      ...params
    } = toAnthropicParams(request, {
      provider: this.provider,
      model: this.model,
      promptCaching: this.promptCaching,
    });
    const counted = await (await this.sdkClient()).messages.countTokens(params, { signal });
    return counted.input_tokens;
  }

  /** Streams the request and resolves with the whole answer once `message_stop` has arrived. */
  async complete(request: ChatRequest, options: ChatCallOptions): Promise<ChatResponse> {
    validateChatRequest(request);
    const { signal, onText, onHeaders } = options;
    if (signal.aborted) throw abortReason(signal);
    let midStream = false;
    const link = callSignal(signal);
    try {
      const { data: stream, response } = await (
        await this.sdkClient()
      ).messages
        .create(
          toAnthropicParams(request, { provider: this.provider, model: this.model, promptCaching: this.promptCaching }),
          { signal: link.signal },
        )
        .withResponse();
      reportHeaders(onHeaders, response.headers);
      midStream = true;
      const acc = new EventAccumulator();
      for await (const event of stream) {
        const delta = acc.add(event);
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
      return acc.finish(request, this.provider, this.model);
    } catch (err) {
      if (err instanceof ListenerFailure) throw err.error;
      // A 429 (or any failed response) carries the limits too.
      if (!midStream) reportHeaders(onHeaders, errorHeaders(err));
      throw toLlmFailure(err, { ...this.errorContext, signal, midStream });
    } finally {
      link.dispose();
    }
  }
}

type Block =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; id: string; name: string; json: string; startInput: unknown }
  // Thinking, redacted thinking and server-tool blocks: kept whole, only to be replayed.
  | { kind: 'other'; raw: Record<string, unknown> };

/** Folds the Messages stream events into one answer; content blocks are kept by their `index`. */
class EventAccumulator {
  private readonly blocks = new Map<number, Block>();
  private stop: string | null | undefined;
  private stopped = false;
  private input: { input: number; creation: number; read: number } | undefined;
  private output = 0;
  private responseId: string | undefined;
  private responseModel: string | undefined;

  /** Takes one event; returns its text delta ('' when none). */
  add(event: RawMessageStreamEvent): string {
    switch (event.type) {
      case 'message_start': {
        if (typeof event.message.id === 'string' && event.message.id !== '') this.responseId = event.message.id;
        if (typeof event.message.model === 'string' && event.message.model !== '')
          this.responseModel = event.message.model;
        const u = event.message.usage;
        this.input = {
          input: u.input_tokens ?? 0,
          creation: u.cache_creation_input_tokens ?? 0,
          read: u.cache_read_input_tokens ?? 0,
        };
        this.output = u.output_tokens ?? 0;
        return '';
      }
      case 'content_block_start': {
        const b = event.content_block;
        if (b.type === 'text') this.blocks.set(event.index, { kind: 'text', text: b.text ?? '' });
        else if (b.type === 'tool_use')
          this.blocks.set(event.index, { kind: 'tool', id: b.id, name: b.name, json: '', startInput: b.input });
        else this.blocks.set(event.index, { kind: 'other', raw: { ...(b as unknown as Record<string, unknown>) } });
        return b.type === 'text' ? (b.text ?? '') : '';
      }
      case 'content_block_delta': {
        const block = this.blocks.get(event.index);
        const d = event.delta;
        if (d.type === 'text_delta' && block?.kind === 'text') {
          block.text += d.text;
          return d.text;
        }
        if (d.type === 'input_json_delta' && block?.kind === 'tool') block.json += d.partial_json;
        if (block?.kind === 'other' && d.type === 'thinking_delta')
          block.raw['thinking'] = String(block.raw['thinking'] ?? '') + d.thinking;
        if (block?.kind === 'other' && d.type === 'signature_delta')
          block.raw['signature'] = String(block.raw['signature'] ?? '') + d.signature;
        return '';
      }
      case 'message_delta': {
        this.stop = event.delta.stop_reason;
        const u = event.usage;
        // message_delta usage is cumulative; input fields are only present when they changed.
        this.output = u.output_tokens ?? this.output;
        if (this.input !== undefined) {
          if (u.input_tokens != null) this.input.input = u.input_tokens;
          if (u.cache_creation_input_tokens != null) this.input.creation = u.cache_creation_input_tokens;
          if (u.cache_read_input_tokens != null) this.input.read = u.cache_read_input_tokens;
        }
        return '';
      }
      case 'message_stop':
        this.stopped = true;
        return '';
      default:
        return '';
    }
  }

  /** The complete answer; throws a retryable failure when the stream ended before `message_stop`. */
  finish(request: ChatRequest, provider: string, model: string): ChatResponse {
    if (!this.stopped) {
      throw new TaskFailure(
        `The stream from "${model}" ended before message_stop; the partial answer was discarded.`,
        'retryable',
      );
    }
    const ordered = [...this.blocks.entries()].sort(([a], [b]) => a - b).map(([, b]) => b);
    let text = '';
    const toolCalls: ToolCall[] = [];
    const blocks: unknown[] = [];
    for (const b of ordered) {
      if (b.kind === 'text') {
        text += b.text;
        blocks.push({ type: 'text', text: b.text });
      } else if (b.kind === 'tool') {
        // A call without arguments streams no input_json_delta; its input is then the start block's.
        const raw = b.json !== '' ? b.json : JSON.stringify(b.startInput ?? {});
        const call: ToolCall = { id: b.id, name: b.name, rawArguments: raw, ...parseToolArguments(raw) };
        toolCalls.push(call);
        const input =
          typeof call.arguments === 'object' && call.arguments !== null && !Array.isArray(call.arguments)
            ? call.arguments
            : {};
        blocks.push({ type: 'tool_use', id: b.id, name: b.name, input });
      } else {
        blocks.push(b.raw);
      }
    }
    return {
      text,
      toolCalls,
      stopReason: stopReason(this.stop, toolCalls.length),
      usage: this.toUsage(request, text, toolCalls),
      replay: { provider, model, blocks },
      ...(typeof this.stop === 'string' ? { finishReason: this.stop } : {}),
      ...(this.responseId === undefined ? {} : { responseId: this.responseId }),
      ...(this.responseModel === undefined ? {} : { responseModel: this.responseModel }),
    };
  }

  private toUsage(request: ChatRequest, text: string, toolCalls: ToolCall[]): ChatUsage {
    if (this.input === undefined || this.input.input + this.input.creation + this.input.read + this.output === 0) {
      return {
        inputTokens: estimateRequestTokens(request),
        outputTokens: estimateOutputTokens(text, toolCalls),
        costUsd: 0,
        estimated: true,
      };
    }
    const { input, creation, read } = this.input;
    const usage: ChatUsage = { inputTokens: input + creation + read, outputTokens: this.output, costUsd: 0 };
    if (read > 0) usage.cacheReadTokens = read;
    if (creation > 0) usage.cacheCreationTokens = creation;
    return usage;
  }
}

function stopReason(stop: string | null | undefined, toolCallCount: number): StopReason {
  if (stop === 'tool_use' || (toolCallCount > 0 && stop === 'end_turn')) return 'tool_use';
  if (stop === 'end_turn' || stop === 'stop_sequence') return 'end';
  if (stop === 'max_tokens' || stop === 'model_context_window_exceeded') return 'max_tokens';
  return 'other';
}
