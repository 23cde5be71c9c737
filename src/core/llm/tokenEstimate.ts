import type { ChatRequest } from './chatModel';

// About four characters per token for English and code; close enough to reserve quota and to
// record a stream whose usage the provider did not report. Overestimating is the safe side.
const CHARS_PER_TOKEN = 4;
// Role markers and separators the provider adds around each message.
const PER_MESSAGE_OVERHEAD = 4;

/** Estimated tokens in `text`: one per four characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Estimated input tokens of a request: system prompt, messages, tool calls, tool definitions and response schema; at least 1. */
export function estimateRequestTokens(request: ChatRequest): number {
  let tokens = request.system === undefined ? 0 : estimateTokens(request.system) + PER_MESSAGE_OVERHEAD;
  for (const m of request.messages) {
    tokens += PER_MESSAGE_OVERHEAD + estimateTokens(m.content);
    if (m.role === 'assistant') {
      for (const call of m.toolCalls ?? []) {
        tokens += estimateTokens(call.name) + estimateTokens(call.rawArguments ?? safeJson(call.arguments));
      }
    }
  }
  for (const tool of request.tools ?? []) {
    tokens += estimateTokens(tool.name) + estimateTokens(tool.description) + estimateTokens(safeJson(tool.parameters));
  }
  if (request.responseFormat !== undefined) tokens += estimateTokens(safeJson(request.responseFormat.schema));
  return Math.max(1, tokens);
}

/** Estimated output tokens of an answer: its text plus its tool calls' names and arguments. */
export function estimateOutputTokens(
  text: string,
  toolCalls: ReadonlyArray<{ name: string; rawArguments: string }>,
): number {
  let tokens = estimateTokens(text);
  for (const call of toolCalls) tokens += estimateTokens(call.name) + estimateTokens(call.rawArguments);
  return tokens;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
