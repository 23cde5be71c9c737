import assert from 'node:assert/strict';
import { AnthropicChatModel } from '../../../src/core/llm/anthropicChatModel';
import type { ChatRequest, ToolSpec } from '../../../src/core/llm/chatModel';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { textReply } from '../../support/fakeModelServer/fakeReply';
import { useFakeModelServer } from '../../support/useFakeModelServer';

const tool = (name: string): ToolSpec => ({
  name,
  description: `The ${name} tool.`,
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
});

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    system: 'You are a careful coder.',
    messages: [{ role: 'user', content: 'Fix the bug.' }],
    maxOutputTokens: 512,
    ...extra,
  };
}

describe('AnthropicChatModel (real @anthropic-ai/sdk against the fake server)', () => {
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  let model: AnthropicChatModel;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    server = await startServer({ chunkSize: 5 });
    model = new AnthropicChatModel({ model: 'claude-opus-4-8', apiKey: server.apiKey, baseURL: server.baseUrl });
  });

  it('streams text deltas from the Messages event sequence', async () => {
    server.enqueue(textReply('I found the off-by-one error.', { usage: { inputTokens: 40, outputTokens: 9 } }));
    const deltas: string[] = [];
    const r = await model.complete(request(), { signal, onText: (d) => deltas.push(d) });
    assert.equal(r.text, 'I found the off-by-one error.');
    assert.ok(deltas.length > 1);
    assert.equal(deltas.join(''), r.text);
    assert.equal(r.stopReason, 'end');
    assert.deepEqual(r.usage, { inputTokens: 40, outputTokens: 9, costUsd: 0 });
    const rec = server.requests[0];
    assert.equal((rec?.body as Record<string, unknown>)['stream'], true);
    assert.equal(rec?.headers['x-api-key'], undefined, 'the recorded headers never hold the key');
    assert.ok(rec?.headers['anthropic-version'], 'the SDK sends its API version');
  });

  it('assembles tool_use blocks from input_json_delta pieces', async () => {
    const args = { path: 'src/deeply/nested/module/file.ts' };
    server.enqueue({
      text: 'Let me look.',
      toolCalls: [
        { id: 'toolu_01', name: 'read_file', arguments: args },
        { name: 'list_files', arguments: { path: 'src' } },
      ],
    });
    const r = await model.complete(request({ tools: [tool('read_file'), tool('list_files')] }), { signal });
    assert.equal(r.stopReason, 'tool_use');
    assert.equal(r.text, 'Let me look.');
    assert.equal(r.toolCalls.length, 2);
    assert.deepEqual(r.toolCalls[0], {
      id: 'toolu_01',
      name: 'read_file',
      rawArguments: JSON.stringify(args),
      arguments: args,
    });
    assert.deepEqual(r.toolCalls[1]?.arguments, { path: 'src' });
  });

  it('marks the system prompt and the last tool with cache_control ephemeral', async () => {
    server.enqueue(textReply('ok'));
    await model.complete(
      request({ tools: [tool('read_file'), tool('list_files'), tool('search_text')], toolChoice: 'required' }),
      { signal },
    );
    const body = server.requests[0]?.body as {
      system: unknown;
      tools: Array<Record<string, unknown>>;
      tool_choice: unknown;
    };
    assert.deepEqual(body.system, [
      { type: 'text', text: 'You are a careful coder.', cache_control: { type: 'ephemeral' } },
    ]);
    assert.deepEqual(
      body.tools.map((t) => t['cache_control']),
      [undefined, undefined, { type: 'ephemeral' }],
    );
    assert.deepEqual(body.tools[0]?.['input_schema'], tool('read_file').parameters);
    assert.deepEqual(body.tool_choice, { type: 'any' });
  });

  it('leaves cache_control out when prompt caching is off', async () => {
    const plain = new AnthropicChatModel({
      model: 'claude-haiku-4-5',
      apiKey: server.apiKey,
      baseURL: server.baseUrl,
      promptCaching: false,
    });
    server.enqueue(textReply('ok'));
    await plain.complete(request({ tools: [tool('read_file')] }), { signal });
    assert.doesNotMatch(JSON.stringify(server.requests[0]?.body), /cache_control/);
  });

  it('counts cache creation and cache reads in input tokens and reports them apart', async () => {
    server.enqueue(
      textReply('cached', {
        usage: { inputTokens: 12, outputTokens: 3, cacheCreationTokens: 1500, cacheReadTokens: 20_000 },
      }),
    );
    const r = await model.complete(request(), { signal });
    assert.deepEqual(r.usage, {
      inputTokens: 12 + 1500 + 20_000,
      outputTokens: 3,
      costUsd: 0,
      cacheReadTokens: 20_000,
      cacheCreationTokens: 1500,
    });
  });

  it('sends tool history as tool_use and tool_result blocks, merging consecutive results', async () => {
    server.enqueue(textReply('done'));
    await model.complete(
      request({
        tools: [tool('read_file')],
        messages: [
          { role: 'user', content: 'Read two files.' },
          {
            role: 'assistant',
            content: 'Reading both.',
            toolCalls: [
              { id: 'toolu_a', name: 'read_file', arguments: { path: 'a' } },
              { id: 'toolu_b', name: 'read_file', arguments: { path: 'b' } },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_a', content: 'A' },
          { role: 'tool', toolCallId: 'toolu_b', content: 'missing', isError: true },
          { role: 'user', content: 'Now summarise.' },
        ],
      }),
      { signal },
    );
    const messages = (server.requests[0]?.body as { messages: unknown[] }).messages;
    assert.deepEqual(messages, [
      { role: 'user', content: [{ type: 'text', text: 'Read two files.' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading both.' },
          { type: 'tool_use', id: 'toolu_a', name: 'read_file', input: { path: 'a' } },
          { type: 'tool_use', id: 'toolu_b', name: 'read_file', input: { path: 'b' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'A' },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'missing', is_error: true },
          { type: 'text', text: 'Now summarise.' },
        ],
      },
    ]);
  });

  it('asks for structured output through output_config.format', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] };
    server.enqueue(textReply('{"ok":true}'));
    await model.complete(request({ responseFormat: { type: 'json_schema', name: 'verdict', schema } }), { signal });
    assert.deepEqual((server.requests[0]?.body as Record<string, unknown>)['output_config'], {
      format: { type: 'json_schema', schema },
    });
  });

  it('keeps thinking blocks out of the text but in the replay, and echoes them verbatim to the same model', async () => {
    server.enqueue({
      thinking: 'The user wants a.ts; read it first.',
      text: 'Reading.',
      toolCalls: [{ id: 'toolu_t', name: 'read_file', arguments: { path: 'a.ts' } }],
    });
    const seen: string[] = [];
    const first = await model.complete(request({ tools: [tool('read_file')] }), {
      signal,
      onText: (d) => seen.push(d),
    });
    assert.equal(first.text, 'Reading.');
    assert.equal(seen.join(''), 'Reading.');
    const blocks = first.replay?.blocks ?? [];
    assert.deepEqual(blocks.slice(1), [
      { type: 'text', text: 'Reading.' },
      { type: 'tool_use', id: 'toolu_t', name: 'read_file', input: { path: 'a.ts' } },
    ]);
    const thinking = blocks[0] as Record<string, unknown>;
    assert.equal(thinking['type'], 'thinking');
    assert.equal(thinking['thinking'], 'The user wants a.ts; read it first.');
    assert.ok(typeof thinking['signature'] === 'string' && thinking['signature'] !== '');

    const history: ChatRequest['messages'] = [
      { role: 'user', content: 'Fix the bug.' },
      {
        role: 'assistant',
        content: first.text,
        toolCalls: first.toolCalls,
        ...(first.replay ? { replay: first.replay } : {}),
      },
      { role: 'tool', toolCallId: 'toolu_t', content: 'export const a = 1;' },
    ];
    server.enqueue(textReply('Fixed.'), textReply('Fixed.'));
    await model.complete(request({ tools: [tool('read_file')], messages: history }), { signal });
    const echoed = (server.requests[1]?.body as { messages: Array<{ content: unknown }> }).messages[1]?.content;
    assert.deepEqual(echoed, blocks, 'the same model gets the turn back unchanged');

    const other = new AnthropicChatModel({ model: 'claude-opus-5', apiKey: server.apiKey, baseURL: server.baseUrl });
    await other.complete(request({ tools: [tool('read_file')], messages: history }), { signal });
    const rebuilt = (server.requests[2]?.body as { messages: Array<{ content: unknown }> }).messages[1]?.content;
    assert.deepEqual(rebuilt, blocks.slice(1), 'another model gets it rebuilt, without the model-bound thinking');
  });

  it('reports max_tokens as the stop reason', async () => {
    server.enqueue(textReply('truncated', { stopReason: 'max_tokens' }));
    assert.equal((await model.complete(request(), { signal })).stopReason, 'max_tokens');
  });
});
