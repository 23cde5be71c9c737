/** Token counts a scripted answer reports, as the wire carries them. */
export interface FakeUsage {
  /** OpenAI `prompt_tokens` (cache reads included); Anthropic `input_tokens` (cache excluded). Default: chars/4 of the request. */
  inputTokens?: number;
  /** Default: chars/4 of the answer, at least 1. */
  outputTokens?: number;
  /** OpenAI `prompt_tokens_details.cached_tokens`; Anthropic `cache_read_input_tokens`. */
  cacheReadTokens?: number;
  /** Anthropic `cache_creation_input_tokens`. */
  cacheCreationTokens?: number;
}

/** A scripted tool call; `rawArguments` wins over `arguments` and may be broken JSON on purpose. */
export interface FakeToolCall {
  id?: string;
  name: string;
  arguments?: unknown;
  rawArguments?: string;
}

/** A normal answer: text and/or tool calls, streamed in small deltas when the client streams. */
export interface FakeMessage {
  text?: string;
  /** Anthropic only: a signed thinking block before the text, as models with thinking on send. */
  thinking?: string;
  toolCalls?: FakeToolCall[];
  /** Default: `tool_use` when there are tool calls, else `end`. */
  stopReason?: 'end' | 'tool_use' | 'max_tokens';
  usage?: FakeUsage;
  /** OpenAI: never send the usage chunk, even when `stream_options.include_usage` asks for it. */
  omitUsage?: boolean;
  /** Wait this long before the response headers (on top of the server's `latencyMs`). */
  delayMs?: number;
  /** Wait this long between streamed chunks (overrides the server's `chunkDelayMs`). */
  chunkDelayMs?: number;
  /** Characters per text or argument delta (overrides the server's `chunkSize`). */
  chunkSize?: number;
}

/** How a stream fails part-way. */
export type MidStreamMode = 'destroy' | 'errorEvent' | 'truncate';

/** An injected failure. */
export type FakeFault =
  | {
      fault: 'http';
      status: number;
      message?: string;
      /** Sent as `retry-after: <seconds>`. */
      retryAfterSeconds?: number;
      /** Sent as `retry-after-ms`. */
      retryAfterMs?: number;
      /** Sent as `retry-after: <HTTP date>`. */
      retryAfterDate?: Date;
      /** The error `type` in the body (defaults follow the status); `code` is OpenAI's error code. */
      errorType?: string;
      code?: string;
    }
  /** Destroy the socket before any response: the client sees a connection reset. */
  | { fault: 'reset' }
  /**
   * Start a normal streamed answer, then fail after `afterChunks` chunks (default 3): `destroy`
   * cuts the socket (OpenAI default), `errorEvent` sends the API's in-stream error (Anthropic
   * default), `truncate` ends the response cleanly as if a proxy had closed it.
   */
  | { fault: 'midStream'; afterChunks?: number; mode?: MidStreamMode; text?: string }
  /** A text answer that is JSON cut off half-way (a malformed plan). */
  | { fault: 'malformedJson' }
  /** A tool call whose arguments are not valid JSON; the tool is `toolName` or the request's first tool. */
  | { fault: 'invalidToolArguments'; toolName?: string }
  /** A tool call whose arguments are valid JSON of the wrong shape (`toolName` or the request's first tool). */
  | { fault: 'schemaViolation'; toolName?: string }
  /** Accept the request and never answer (until the server closes): the client's request timeout must end it. */
  | { fault: 'hang' };

/** One scripted answer: a message or a fault. */
export type FakeReply = FakeMessage | FakeFault;

/** True when the reply is a fault. */
export function isFault(reply: FakeReply): reply is FakeFault {
  return 'fault' in reply;
}

/** A plain text answer. */
export function textReply(text: string, extra: Omit<FakeMessage, 'text'> = {}): FakeMessage {
  return { ...extra, text };
}

/** An answer whose text is `value` as JSON (a plan, a structured result). */
export function jsonReply(value: unknown, extra: Omit<FakeMessage, 'text'> = {}): FakeMessage {
  return { ...extra, text: JSON.stringify(value) };
}

/** An answer that calls one tool. */
export function toolCallReply(name: string, args: unknown, extra: Omit<FakeMessage, 'toolCalls'> = {}): FakeMessage {
  return { ...extra, toolCalls: [{ name, arguments: args }] };
}

/** An HTTP error answer. */
export function httpError(
  status: number,
  extra: Omit<Extract<FakeFault, { fault: 'http' }>, 'fault' | 'status'> = {},
): FakeFault {
  return { fault: 'http', status, ...extra };
}

/** Where a streamed answer breaks off, and how. */
export interface FailAfter {
  afterChunks: number;
  mode: MidStreamMode;
}

/** The answer a content fault is written as: broken JSON, broken tool arguments, or a stream that breaks off. */
export function faultAnswer(
  fault: Extract<FakeFault, { fault: 'malformedJson' | 'invalidToolArguments' | 'schemaViolation' | 'midStream' }>,
  body: Record<string, unknown>,
  api: 'openai' | 'anthropic',
): { message: FakeMessage; failAfter?: FailAfter } {
  switch (fault.fault) {
    case 'malformedJson':
      return { message: { text: '{"tasks": [{"id": "t1", "title": "Add login", "dependsOn": [' } };
    case 'invalidToolArguments':
      return {
        message: { toolCalls: [{ name: toolOf(fault, body), rawArguments: '{"path": "src/index.ts", "content": ' }] },
      };
    case 'schemaViolation':
      return {
        message: { toolCalls: [{ name: toolOf(fault, body), arguments: { path: 42, content: ['not', 'text'] } }] },
      };
    case 'midStream':
      return {
        message: { text: fault.text ?? 'This answer will be cut off before it is complete.' },
        failAfter: {
          afterChunks: fault.afterChunks ?? 3,
          mode: fault.mode ?? (api === 'openai' ? 'destroy' : 'errorEvent'),
        },
      };
  }
}

/** The tool a broken tool call names: the fault's `toolName`, else the request's first tool. */
function toolOf(fault: { toolName?: string }, body: Record<string, unknown>): string {
  const first = (Array.isArray(body['tools']) ? (body['tools'] as Array<Record<string, unknown>>) : [])[0];
  const fn = first?.['function'] as Record<string, unknown> | undefined;
  return fault.toolName ?? String(fn?.['name'] ?? first?.['name'] ?? 'unknown_tool');
}

/** The kind a fault is counted under: `http-429`, `reset`, `midStream`, `hang`, … */
export function faultKind(fault: FakeFault): string {
  return fault.fault === 'http' ? `http-${fault.status}` : fault.fault;
}

/** The faults a random fault rate draws from, when the test names none. */
export const DEFAULT_RANDOM_FAULTS: readonly FakeFault[] = [
  { fault: 'http', status: 429, retryAfterMs: 20 },
  { fault: 'http', status: 500 },
  { fault: 'http', status: 529 },
  { fault: 'reset' },
  { fault: 'midStream' },
];
