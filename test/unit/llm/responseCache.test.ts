import assert from 'node:assert/strict';
import { canonicalJson } from '../../../src/core/llm/canonicalJson';
import type { ChatRequest, ChatResponse } from '../../../src/core/llm/chatModel';
import { isDeterministic, ResponseCache } from '../../../src/core/llm/responseCache';

const req = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  maxOutputTokens: 50,
  ...extra,
});
const answer = (text: string, stopReason: ChatResponse['stopReason'] = 'end'): ChatResponse => ({
  text,
  toolCalls: [],
  stopReason,
  usage: { inputTokens: 10, outputTokens: 2, costUsd: 0.001 },
});

describe('ResponseCache', () => {
  it('misses, then hits with zero usage and cached: true', () => {
    const cache = new ResponseCache();
    assert.equal(cache.get('openai', 'gpt-4o', req('a')), undefined);
    cache.set('openai', 'gpt-4o', req('a'), answer('A'));
    const hit = cache.get('openai', 'gpt-4o', req('a'));
    assert.deepEqual(hit, { ...answer('A'), usage: { inputTokens: 0, outputTokens: 0, costUsd: 0, cached: true } });
    assert.deepEqual(cache.stats, { hits: 1, misses: 1 });
  });

  it('keys on provider, model and every request field, not on key order', () => {
    const cache = new ResponseCache();
    cache.set('openai', 'gpt-4o', req('a', { temperature: 0 }), answer('A'));
    assert.equal(cache.get('openai', 'gpt-4o-mini', req('a', { temperature: 0 })), undefined);
    assert.equal(cache.get('anthropic', 'gpt-4o', req('a', { temperature: 0 })), undefined);
    assert.equal(cache.get('openai', 'gpt-4o', req('a', { temperature: 0.5 })), undefined);
    assert.equal(cache.get('openai', 'gpt-4o', req('a', { temperature: 0, maxOutputTokens: 51 })), undefined);
    const reordered = { temperature: 0, maxOutputTokens: 50, messages: [{ content: 'a', role: 'user' as const }] };
    assert.equal(cache.get('openai', 'gpt-4o', reordered)?.text, 'A');
    assert.equal(
      ResponseCache.keyOf('openai', 'gpt-4o', reordered),
      ResponseCache.keyOf('openai', 'gpt-4o', req('a', { temperature: 0 })),
    );
    assert.match(ResponseCache.keyOf('openai', 'gpt-4o', reordered), /^[0-9a-f]{64}$/);
  });

  it('drops the least recently used answer past maxEntries', () => {
    const cache = new ResponseCache({ maxEntries: 2 });
    cache.set('p', 'm', req('1'), answer('1'));
    cache.set('p', 'm', req('2'), answer('2'));
    assert.ok(cache.get('p', 'm', req('1')), 'touching 1 makes 2 the oldest');
    cache.set('p', 'm', req('3'), answer('3'));
    assert.equal(cache.size, 2);
    assert.equal(cache.get('p', 'm', req('2')), undefined);
    assert.equal(cache.get('p', 'm', req('1'))?.text, '1');
    assert.equal(cache.get('p', 'm', req('3'))?.text, '3');
  });

  it('keeps no answer that stopped for an unknown reason, and hands out copies', () => {
    const cache = new ResponseCache();
    cache.set('p', 'm', req('x'), answer('filtered', 'other'));
    assert.equal(cache.get('p', 'm', req('x')), undefined);
    cache.set('p', 'm', req('y'), answer('Y'));
    const first = cache.get('p', 'm', req('y'));
    if (first) first.text = 'mutated';
    assert.equal(cache.get('p', 'm', req('y'))?.text, 'Y');
  });

  it('counts temperature 0 or a seed as deterministic, and nothing else', () => {
    assert.equal(isDeterministic(req('a', { temperature: 0 })), true);
    assert.equal(isDeterministic(req('a', { temperature: 0.7, seed: 7 })), true);
    assert.equal(isDeterministic(req('a', { temperature: 0.7 })), false);
    assert.equal(isDeterministic(req('a')), false);
  });

  it('keeps no answer cut at the output limit or with tool arguments that are not JSON', () => {
    const cache = new ResponseCache();
    cache.set('p', 'm', req('cut'), answer('half an ans', 'max_tokens'));
    const broken: ChatResponse = {
      ...answer('', 'tool_use'),
      toolCalls: [{ id: 'c1', name: 'echo', arguments: undefined, rawArguments: '{"te', argumentsError: 'not JSON' }],
    };
    cache.set('p', 'm', req('broken'), broken);
    assert.equal(cache.get('p', 'm', req('cut')), undefined);
    assert.equal(cache.get('p', 'm', req('broken')), undefined);
    assert.equal(cache.size, 0);
  });

  it('refuses a nonsensical bound', () => {
    assert.throws(() => new ResponseCache({ maxEntries: 0 }), /maxEntries must be an integer >= 1/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 2 }], c: null } }),
      '{"a":{"c":null,"d":[1,{"x":2,"z":1}]},"b":1}',
    );
  });

  it('refuses what JSON cannot represent', () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), /\$\.n is NaN/);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    assert.throws(() => canonicalJson(cyclic), /circular/);
    assert.throws(
      () => canonicalJson({ a: [1, { b: { c: () => 1 } }] }),
      /canonicalJson: \$\.a\[1\]\.b\.c is a function, which JSON cannot represent\./,
    );
  });

  it('writes what JSON.stringify writes for sorted keys, and a value met twice (not a cycle) both times', () => {
    const shared = { k: 'v', n: [1.5, -0, 'é\n"'] };
    const value = { a: shared, b: [shared, null, true, { c: '' }], d: 1e21 };
    assert.equal(canonicalJson(value), JSON.stringify(value));
  });
});
