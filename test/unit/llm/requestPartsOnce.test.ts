import assert from 'node:assert/strict';
import { deepFreeze, isDeeplyFrozen } from '../../../src/core/common/deepFreeze';
import { canonicalJson } from '../../../src/core/llm/canonicalJson';
import type { ChatModel, ChatRequest, ToolSpec } from '../../../src/core/llm/chatModel';
import { openAiTokenBound, type OpenAiTokenizers } from '../../../src/core/llm/openAiTokenizer';
import { countRequestTokens } from '../../../src/core/llm/requestTokenCount';
import { ResponseCache } from '../../../src/core/llm/responseCache';
import { ToolBus } from '../../../src/core/tools/toolBus';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import type { ToolContext } from '../../../src/core/tools/toolContext';

const toolSpec = (): ToolSpec => ({
  name: 'read_file',
  description: 'Reads a file.',
  parameters: { type: 'object', properties: { path: { type: 'string', enum: ['a', 'b'] } }, required: ['path'] },
});

const requestWith = (tools: ToolSpec[], content = 'Write a'): ChatRequest => ({
  system: 'You are a coder.',
  messages: [{ role: 'user', content }],
  tools,
  maxOutputTokens: 100,
  temperature: 0,
});

/** Tokenizers that never finish loading, so every ask answers with the byte bound. */
const loadingTokenizers = (): OpenAiTokenizers => {
  const loading = { ready: false, loadInBackground: () => undefined };
  return { o200k_base: loading, cl100k_base: loading } as unknown as OpenAiTokenizers;
};

describe('Request parts made once per turn or per tool (tool specs, token bound)', () => {
  it('deepFreeze marks every object it froze, and only those', () => {
    const spec = toolSpec();
    const frozenOnTop = Object.freeze(toolSpec());
    assert.equal(isDeeplyFrozen(spec), false);
    deepFreeze(spec);
    assert.equal(isDeeplyFrozen(spec), true);
    assert.equal(isDeeplyFrozen(spec.parameters), true);
    assert.ok(Object.isFrozen((spec.parameters['properties'] as Record<string, object>)['path']));
    assert.equal(isDeeplyFrozen(frozenOnTop), false, 'Object.freeze alone leaves what it holds mutable');
  });

  it('the canonical JSON of a deeply frozen tool spec is the same text as of its unfrozen copy, every time', () => {
    const frozen = deepFreeze(toolSpec());
    const plain = toolSpec();
    const expected = canonicalJson(requestWith([plain]));
    assert.equal(canonicalJson(requestWith([frozen])), expected);
    assert.equal(canonicalJson(requestWith([frozen])), expected, 'the kept text is the same text');
    assert.equal(canonicalJson({ a: [frozen, frozen] }), `{"a":[${canonicalJson(plain)},${canonicalJson(plain)}]}`);
    assert.equal(
      ResponseCache.keyOf('openai', 'gpt-4o', requestWith([frozen])),
      ResponseCache.keyOf('openai', 'gpt-4o', requestWith([plain])),
    );
  });

  it('an object frozen only on top is hashed afresh each time: a change below it changes the key', () => {
    const spec = toolSpec();
    const shallow = Object.freeze({ ...spec });
    const before = ResponseCache.keyOf('openai', 'gpt-4o', requestWith([shallow]));
    (spec.parameters['properties'] as Record<string, { enum: string[] }>)['path']!.enum.push('c');
    assert.notEqual(ResponseCache.keyOf('openai', 'gpt-4o', requestWith([shallow])), before);
  });

  it('a cycle inside a deeply frozen object is still refused with its path', () => {
    const loop: Record<string, unknown> = { name: 'x' };
    loop['self'] = loop;
    deepFreeze(loop);
    assert.throws(() => canonicalJson({ tools: [loop] }), /\$\.tools\[0\]\.self is a circular reference/);
  });

  it('the tool bus hands out deeply frozen specs, so every turn reuses their text', async () => {
    const bus = new ToolBus<ToolContext>(builtinTools());
    const specs = await bus.specsFor(['read_file', 'propose_edit']);
    assert.equal(specs.length, 2);
    for (const spec of specs) assert.equal(isDeeplyFrozen(spec), true, spec.name);
    assert.equal((await bus.specsFor(['read_file']))[0], specs[0], 'the same object on the next turn');
  });

  it('the byte bound of a request with frozen tools equals the bound with unfrozen ones', () => {
    const tokenizers = loadingTokenizers();
    const plain = openAiTokenBound('gpt-4o', requestWith([toolSpec()]), tokenizers);
    const frozen = deepFreeze(toolSpec());
    assert.ok(plain !== undefined && plain > 0);
    assert.equal(openAiTokenBound('gpt-4o', requestWith([frozen]), tokenizers), plain);
    assert.equal(openAiTokenBound('gpt-4o', requestWith([frozen]), tokenizers), plain);
  });

  it('one request asked twice (turn-limit check, then the metered call) is bounded once; a new request again', async () => {
    let bounds = 0;
    let counts = 0;
    let ready = false;
    const model: ChatModel = {
      provider: 'openai',
      model: 'gpt-4o',
      complete: () => Promise.reject(new Error('not sent in this test')),
      tokenBound: () => (ready ? undefined : (bounds++, 1_000)),
      countTokens: async () => (counts++, 40),
    };
    const signal = new AbortController().signal;
    const request = requestWith([deepFreeze(toolSpec())]);
    const first = await countRequestTokens(model, request, signal);
    const second = await countRequestTokens(model, request, signal);
    assert.deepEqual([first.source, first.tokens, second.source, second.tokens], ['bound', 1_000, 'bound', 1_000]);
    assert.equal(bounds, 1, 'the second ask of the same request reuses the bound');
    assert.equal((await second.exact!()).tokens, 40, 'the exact count is still one call away');
    ready = true; // the tokenizer has loaded: the next turn's request counts exactly
    const next = await countRequestTokens(model, requestWith(request.tools!, 'Write b'), signal);
    assert.deepEqual([next.source, next.tokens, bounds, counts], ['counted', 40, 1, 2]);
  });
});
