import { pieces, type WireAnswer } from './wireAnswer';

/** The OpenAI error body. */
export function openAiErrorBody(status: number, message: string, type?: string, code?: string): object {
  const defaults: Record<number, [string, string | null]> = {
    400: ['invalid_request_error', null],
    401: ['invalid_request_error', 'invalid_api_key'],
    403: ['permission_denied', null],
    404: ['invalid_request_error', 'model_not_found'],
    429: ['requests', 'rate_limit_exceeded'],
  };
  const [t, c] = defaults[status] ?? (status >= 500 ? ['server_error', null] : ['invalid_request_error', null]);
  return { error: { message, type: type ?? t, param: null, code: code ?? c } };
}

const FINISH = { end: 'stop', tool_use: 'tool_calls', max_tokens: 'length' } as const;

function usageOf(a: WireAnswer): object {
  const prompt = a.usage.inputTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: a.usage.outputTokens,
    total_tokens: prompt + a.usage.outputTokens,
    prompt_tokens_details: { cached_tokens: a.usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** A non-streamed `chat.completion`. */
export function openAiCompletion(a: WireAnswer, model: string): object {
  return {
    id: `chatcmpl-${Date.now().toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: a.text === '' && a.toolCalls.length > 0 ? null : a.text,
          refusal: null,
          ...(a.toolCalls.length > 0
            ? {
                tool_calls: a.toolCalls.map((c) => ({
                  id: c.id,
                  type: 'function',
                  function: { name: c.name, arguments: c.rawArguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: FINISH[a.stopReason],
      },
    ],
    usage: usageOf(a),
    system_fingerprint: null,
  };
}

/**
 * The `chat.completion.chunk` objects of a streamed answer: a role chunk, text deltas, tool-call
 * deltas (id and name first, then the arguments in pieces), the finish chunk and, when asked, the
 * usage chunk with empty `choices`. Every chunk carries `usage: null` when usage was asked for.
 */
export function openAiChunks(a: WireAnswer, model: string, o: { includeUsage: boolean; chunkSize: number }): object[] {
  const id = `chatcmpl-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null = null): object => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(o.includeUsage ? { usage: null } : {}),
  });
  const out: object[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const p of a.text === '' ? [] : pieces(a.text, o.chunkSize)) out.push(chunk({ content: p }));
  a.toolCalls.forEach((c, index) => {
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
    for (const p of c.rawArguments === '' ? [] : pieces(c.rawArguments, o.chunkSize)) {
      out.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
    }
  });
  out.push(chunk({}, FINISH[a.stopReason]));
  if (o.includeUsage)
    out.push({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: null,
      choices: [],
      usage: usageOf(a),
    });
  return out;
}

/** One SSE frame of the Chat Completions stream. */
export function openAiFrame(data: object | '[DONE]'): string {
  return `data: ${data === '[DONE]' ? data : JSON.stringify(data)}\n\n`;
}
