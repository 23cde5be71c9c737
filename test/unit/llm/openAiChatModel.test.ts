import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../src/core/llm/chatModel';
import { OpenAiChatModel } from '../../../src/core/llm/openAiChatModel';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { jsonReply, textReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const READ_FILE = {
  name: 'read_file',
  description: 'Reads a file of the workspace.',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' } },
    required: ['path'],
    additionalProperties: false,
  },
};

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'Say hello.' }],
    maxOutputTokens: 200,
    ...extra,
  };
}

describe('OpenAiChatModel (real openai SDK against the fake server)', () => {
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  let model: OpenAiChatModel;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    server = await startServer({ chunkSize: 4 });
    model = new OpenAiChatModel({ model: 'gpt-4o-mini', apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
  });

  it('streams text deltas and reports the usage chunk', async () => {
    server.enqueue(
      textReply('Hello there, friend.', { usage: { inputTokens: 21, outputTokens: 5, cacheReadTokens: 8 } }),
    );
    const deltas: string[] = [];
    const r = await model.complete(request(), { signal, onText: (d) => deltas.push(d) });
    assert.equal(r.text, 'Hello there, friend.');
    assert.ok(deltas.length > 1, 'text arrives in several deltas');
    assert.equal(deltas.join(''), r.text);
    assert.equal(r.stopReason, 'end');
    assert.deepEqual(r.toolCalls, []);
    assert.deepEqual(r.usage, { inputTokens: 21, outputTokens: 5, costUsd: 0, cacheReadTokens: 8 });

    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.equal(body['stream'], true);
    assert.deepEqual(body['stream_options'], { include_usage: true });
    assert.equal(body['max_tokens'], 200, 'a compatible endpoint gets max_tokens');
    assert.deepEqual(body['messages'], [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello.' },
    ]);
  });

  it('assembles a tool call from arguments split over several deltas', async () => {
    const args = { path: 'src/some/long/path/to/a/file.ts' };
    server.enqueue({ text: 'Reading.', toolCalls: [{ id: 'call_abc', name: 'read_file', arguments: args }] });
    const r = await model.complete(request({ tools: [READ_FILE], toolChoice: 'auto' }), { signal });
    assert.equal(r.stopReason, 'tool_use');
    assert.equal(r.text, 'Reading.');
    assert.deepEqual(r.toolCalls, [
      { id: 'call_abc', name: 'read_file', rawArguments: JSON.stringify(args), arguments: args },
    ]);
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.deepEqual(body['tools'], [{ type: 'function', function: READ_FILE }]);
    assert.equal(body['tool_choice'], 'auto');
  });

  it('assembles two parallel tool calls by index', async () => {
    server.enqueue({
      toolCalls: [
        { name: 'read_file', arguments: { path: 'a.ts' } },
        { name: 'read_file', arguments: { path: 'b.ts' } },
      ],
    });
    const r = await model.complete(request({ tools: [READ_FILE] }), { signal });
    assert.deepEqual(
      r.toolCalls.map((c) => c.arguments),
      [{ path: 'a.ts' }, { path: 'b.ts' }],
    );
    assert.notEqual(r.toolCalls[0]?.id, r.toolCalls[1]?.id);
  });

  it('reports invalid tool arguments on the call instead of failing the answer', async () => {
    server.enqueue({ fault: 'invalidToolArguments' });
    const r = await model.complete(request({ tools: [READ_FILE] }), { signal });
    const call = r.toolCalls[0];
    assert.equal(call?.name, 'read_file');
    assert.equal(call?.arguments, undefined);
    assert.match(call?.argumentsError ?? '', /not valid JSON/);
  });

  it('estimates usage (never zero) when the stream has no usage chunk', async () => {
    server.enqueue(textReply('An answer of some length without usage.', { omitUsage: true }));
    const r = await model.complete(request(), { signal });
    assert.equal(r.usage.estimated, true);
    assert.ok(r.usage.inputTokens > 0);
    assert.equal(r.usage.outputTokens, Math.ceil('An answer of some length without usage.'.length / 4));
  });

  it('estimates usage when a compatible server reports all zeros', async () => {
    server.enqueue(textReply('zero usage here', { usage: { inputTokens: 0, outputTokens: 0 } }));
    const r = await model.complete(request(), { signal });
    assert.equal(r.usage.estimated, true);
    assert.ok(r.usage.inputTokens > 0 && r.usage.outputTokens > 0);
  });

  it('estimates usage when the endpoint is told not to send it', async () => {
    const noUsage = new OpenAiChatModel({
      model: 'llama3.1',
      apiKey: server.apiKey,
      baseURL: server.openAiBaseUrl,
      includeUsage: false,
    });
    server.enqueue(textReply('ok'));
    const r = await noUsage.complete(request(), { signal });
    assert.equal(r.usage.estimated, true);
    assert.ok(r.usage.inputTokens > 0 && r.usage.outputTokens > 0);
    assert.equal((server.requests[0]?.body as Record<string, unknown>)['stream_options'], undefined);
  });

  it('sends response_format json_schema (strict by default) and max_completion_tokens to api.openai.com-style setups', async () => {
    const strictModel = new OpenAiChatModel({
      model: 'gpt-4.1',
      apiKey: server.apiKey,
      baseURL: server.openAiBaseUrl,
      maxTokensParam: 'max_completion_tokens',
    });
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' } },
      required: ['ok'],
      additionalProperties: false,
    };
    server.enqueue(jsonReply({ ok: true }));
    const r = await strictModel.complete(
      request({ responseFormat: { type: 'json_schema', name: 'verdict', schema } }),
      { signal },
    );
    assert.deepEqual(JSON.parse(r.text), { ok: true });
    const body = server.requests[0]?.body as Record<string, unknown>;
    assert.deepEqual(body['response_format'], {
      type: 'json_schema',
      json_schema: { name: 'verdict', schema, strict: true },
    });
    assert.equal(body['max_completion_tokens'], 200);
    assert.equal(body['max_tokens'], undefined);
  });

  it('sends temperature and seed, but no temperature to reasoning models, which refuse it', async () => {
    const sent: Array<Record<string, unknown>> = [];
    for (const name of ['gpt-4o-mini', 'o3', 'openai/o4-mini', 'gpt-5', 'gpt-5-chat-latest']) {
      server.enqueue(textReply('ok'));
      const m = new OpenAiChatModel({ model: name, apiKey: server.apiKey, baseURL: server.openAiBaseUrl });
      await m.complete(request({ temperature: 0, seed: 42 }), { signal });
      sent.push(server.requests.at(-1)?.body as Record<string, unknown>);
    }
    assert.deepEqual(
      sent.map((b) => [b['model'], b['temperature'], b['seed']]),
      [
        ['gpt-4o-mini', 0, 42],
        ['o3', undefined, 42],
        ['openai/o4-mini', undefined, 42],
        ['gpt-5', undefined, 42],
        ['gpt-5-chat-latest', 0, 42],
      ],
    );
  });

  it('sends history with tool calls and tool results in the Chat Completions shape', async () => {
    server.enqueue(textReply('done'));
    await model.complete(
      request({
        tools: [READ_FILE],
        messages: [
          { role: 'user', content: 'Read a.ts' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_1', name: 'read_file', arguments: { path: 'a.ts' } }],
          },
          { role: 'tool', toolCallId: 'call_1', content: 'no such file', isError: true },
        ],
      }),
      { signal },
    );
    const messages = (server.requests[0]?.body as { messages: unknown[] }).messages;
    assert.deepEqual(messages.slice(1), [
      { role: 'user', content: 'Read a.ts' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'Error: no such file' },
    ]);
  });

  it('rejects a malformed request with a clear error before sending anything', async () => {
    await assert.rejects(
      model.complete(request({ maxOutputTokens: 0, toolChoice: { name: 'nope' } }), { signal }),
      /Invalid chat request: .*maxOutputTokens.*toolChoice: no tool named "nope"/,
    );
    assert.equal(server.requests.length, 0);
  });

  it('refuses to be built without a key or a model, saying what to set', () => {
    assert.throws(() => new OpenAiChatModel({ model: 'gpt-4o', apiKey: '' }), /Set API Key' or OPENAI_API_KEY/);
    assert.throws(() => new OpenAiChatModel({ model: ' ', apiKey: 'x' }), /No model name/);
  });
});
