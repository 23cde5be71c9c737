import type { FakeMessage } from './fakeReply';

/** A scripted answer resolved against its request: what both wire formats are written from. */
export interface WireAnswer {
  text: string;
  thinking: string;
  toolCalls: Array<{ id: string; name: string; rawArguments: string }>;
  stopReason: 'end' | 'tool_use' | 'max_tokens';
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheCreationTokens: number };
}

let idCounter = 0;

/** Fills in ids, the stop reason and usage the script left out. */
export function toWireAnswer(message: FakeMessage, body: unknown, idPrefix: string): WireAnswer {
  const text = message.text ?? '';
  const toolCalls = (message.toolCalls ?? []).map((c) => ({
    id: c.id ?? `${idPrefix}${(++idCounter).toString(36).padStart(6, '0')}`,
    name: c.name,
    rawArguments: c.rawArguments ?? JSON.stringify(c.arguments ?? {}),
  }));
  const outChars = text.length + toolCalls.reduce((n, c) => n + c.name.length + c.rawArguments.length, 0);
  return {
    text,
    thinking: message.thinking ?? '',
    toolCalls,
    stopReason: message.stopReason ?? (toolCalls.length > 0 ? 'tool_use' : 'end'),
    usage: {
      inputTokens: message.usage?.inputTokens ?? requestTokens(body),
      outputTokens: message.usage?.outputTokens ?? Math.max(1, Math.ceil(outChars / 4)),
      cacheReadTokens: message.usage?.cacheReadTokens ?? 0,
      cacheCreationTokens: message.usage?.cacheCreationTokens ?? 0,
    },
  };
}

/**
 * The request's prompt size in tokens as this server counts it: the characters of every string
 * value under `system`, `messages` and `tools` (not the JSON syntax around them) divided by 4,
 * rounded up, at least 1.
 */
export function requestTokens(body: unknown): number {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return Math.max(1, Math.ceil((stringChars(b['system']) + stringChars(b['messages']) + stringChars(b['tools'])) / 4));
}

/** `max_tokens` or `max_completion_tokens` of the request, 0 when absent. */
export function maxOutputTokens(body: unknown): number {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const v = b['max_completion_tokens'] ?? b['max_tokens'];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** `text` in pieces of at most `size` characters (one empty piece for empty text). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += Math.max(1, size)) out.push(text.slice(i, i + Math.max(1, size)));
  return out;
}

function stringChars(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + stringChars(x), 0);
  if (typeof v === 'object' && v !== null) return Object.values(v).reduce((n: number, x) => n + stringChars(x), 0);
  return 0;
}
