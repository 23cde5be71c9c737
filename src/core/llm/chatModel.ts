import type { HeaderLookup } from '../quota/rateLimitHeaders';
import type { Usage } from '../model/usage';

/** A tool call as it appears in the history: what the model asked for, by id. */
export interface AssistantToolCall {
  /** The provider's id; a tool result answers it through `toolCallId`. */
  id: string;
  name: string;
  /** The parsed arguments (a JSON object for well-behaved models). */
  arguments: unknown;
  /** The arguments exactly as the model wrote them; sent back verbatim to OpenAI-style APIs when present. */
  rawArguments?: string;
}

/** A tool call the model just made. */
export interface ToolCall extends AssistantToolCall {
  rawArguments: string;
  /** Set when `rawArguments` is not valid JSON; `arguments` is then undefined. Tell the model, don't run the tool. */
  argumentsError?: string;
}

/** A user turn. */
export interface UserMessage {
  role: 'user';
  content: string;
}

/**
 * Provider content of an answer to send back verbatim in the next request. Anthropic requires the
 * thinking blocks of a tool-calling turn to come back unchanged with the tool results (a rebuilt
 * turn is a 400), and they are bound to the model that wrote them.
 */
export interface ProviderReplay {
  provider: string;
  model: string;
  /** The answer's content blocks as the provider sent them. */
  blocks: unknown[];
}

/** An earlier model turn, with the tools it called. */
export interface AssistantMessage {
  role: 'assistant';
  content: string;
  toolCalls?: AssistantToolCall[];
  /** Copy `ChatResponse.replay` here; it is used when the same provider and model get the history, ignored otherwise. */
  replay?: ProviderReplay;
}

/** The result of one tool call, sent back to the model. */
export interface ToolResultMessage {
  role: 'tool';
  toolCallId: string;
  content: string;
  /** True when the tool failed; the content then explains why. */
  isError?: boolean;
}

/** One turn of a conversation. */
export type ChatMessage = UserMessage | AssistantMessage | ToolResultMessage;

/** A tool the model may call. */
export interface ToolSpec {
  /** 1–64 of `[A-Za-z0-9_-]`: what both OpenAI and Anthropic accept. */
  name: string;
  description: string;
  /** A JSON schema of `type: "object"` for the arguments. */
  parameters: Record<string, unknown>;
  /**
   * Ask the provider to enforce `parameters` (OpenAI `function.strict`, Anthropic `strict`); the
   * schema must then follow strict mode's rules (see `toStrictJsonSchema`).
   */
  strict?: boolean;
}

/** Whether and which tool the model must call. */
export type ToolChoice = 'auto' | 'required' | { name: string };

/** Structured output: the answer text must be JSON matching `schema`. */
export interface JsonSchemaResponseFormat {
  type: 'json_schema';
  name: string;
  schema: Record<string, unknown>;
  /** OpenAI strict mode (default true): the schema must then close every object and require every field. */
  strict?: boolean;
}

/** One request to a chat model. */
export interface ChatRequest {
  system?: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  toolChoice?: ToolChoice;
  maxOutputTokens: number;
  /** OpenAI-style sampling temperature (0–2); not sent to Anthropic, whose current models reject it. */
  temperature?: number;
  /** OpenAI `seed`: asks for reproducible sampling; a request with one counts as deterministic (cacheable). */
  seed?: number;
  responseFormat?: JsonSchemaResponseFormat;
}

/** Why the model stopped: done, wants tools, ran out of output tokens, or anything else (filter, refusal). */
export type StopReason = 'end' | 'tool_use' | 'max_tokens' | 'other';

/** Usage of one chat call; `inputTokens` includes cache reads and cache writes. */
export interface ChatUsage extends Usage {
  /** Input tokens served from the provider's prompt cache (part of `inputTokens`). */
  cacheReadTokens?: number;
  /** Input tokens written to the provider's prompt cache (part of `inputTokens`). */
  cacheCreationTokens?: number;
  /** True when the answer came from the local response cache and cost nothing. */
  cached?: boolean;
  /** False when the price table does not know the model, so `costUsd` is a fallback or 0. */
  priceKnown?: boolean;
}

/** A complete answer: never a partial one. */
export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: ChatUsage;
  /** The provider's id of this answer, when it sent one (for traces). */
  responseId?: string;
  /** The model that actually answered, when the provider said (for traces). */
  responseModel?: string;
  /** The provider's own finish reason (`stop`, `end_turn`, …), when it sent one (for traces). */
  finishReason?: string;
  /** Set by providers whose next turn needs this answer verbatim; keep it on the history's assistant message. */
  replay?: ProviderReplay;
}

/** Per-call options: the abort signal and an optional listener for streamed text. */
export interface ChatCallOptions {
  signal: AbortSignal;
  /** Called with each text delta as it streams; the deltas of a failed call must not be committed. */
  onText?: (delta: string) => void;
  /** Called with the response headers once they arrive (also a failed response's): the rate limits learn from them. */
  onHeaders?: (headers: HeaderLookup) => void;
}

/**
 * One chat model behind one provider. `complete` streams under the hood and resolves only once
 * the stream has finished; a mid-stream failure rejects (a `TaskFailure`), and an abort rejects
 * with the signal's reason, so a caller never mistakes partial output for an answer.
 */
export interface ChatModel {
  /** The provider name used for rate limits, prices and error messages (e.g. `openai`, `anthropic`). */
  readonly provider: string;
  /** The model id sent to the provider. */
  readonly model: string;
  /** Sends the request and resolves with the complete answer. */
  complete(request: ChatRequest, options: ChatCallOptions): Promise<ChatResponse>;
  /**
   * The request's input tokens as the provider counts them (its tokenizer or its count endpoint),
   * or undefined when this model has no way to count; rejects when counting failed. Callers fall
   * back to `estimateRequestTokens` either way (see `countRequestTokens`).
   */
  countTokens?(request: ChatRequest, signal: AbortSignal): Promise<number | undefined>;
  /**
   * An upper bound on the request's input tokens, at once, while `countTokens` would have to wait
   * (its tokenizer still loads); undefined when counting is quick or this model cannot bound.
   */
  tokenBound?(request: ChatRequest): number | undefined;
  /**
   * Loads what the first request needs (the provider's client library, Node's fetch) ahead of it,
   * for a caller that is about to wait on something else; never throws (a failed load is reported
   * by the request, as without it).
   */
  preload?(): void;
  /**
   * Counts, in the background, what every request of an agent repeats (its system prompt and tool
   * definitions), so that counting its first request only has the new text left; for a caller that
   * is about to wait on something else. Never sends anything and never throws.
   */
  prepareCount?(parts: Pick<ChatRequest, 'system' | 'tools'>): void;
}
