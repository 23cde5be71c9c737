import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import assert from 'node:assert/strict';
import { PriceTable } from '../../../src/core/llm/priceTable';

const close = (actual: number, expected: number): void =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

describe('PriceTable', () => {
  const table = BUILTIN_PROVIDERS.priceTable();

  it('prices OpenAI usage, cached input at the cached rate', () => {
    // gpt-4o: $2.50 in, $1.25 cached, $10 out per million.
    const c = table.costOf('openai', 'gpt-4o', {
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      costUsd: 0,
      cacheReadTokens: 400_000,
    });
    close(c.costUsd, 0.6 * 2.5 + 0.4 * 1.25 + 0.1 * 10);
    assert.equal(c.priceKnown, true);
  });

  it('prices Anthropic cache writes and reads apart from uncached input', () => {
    // claude-sonnet-4-5: $3 in, $3.75 cache write, $0.30 cache read, $15 out.
    const usage = {
      inputTokens: 10_000 + 2_000 + 50_000,
      outputTokens: 1_000,
      costUsd: 0,
      cacheCreationTokens: 2_000,
      cacheReadTokens: 50_000,
    };
    const c = table.costOf('anthropic', 'claude-sonnet-4-5-20250929', usage);
    close(c.costUsd, (10_000 * 3 + 2_000 * 3.75 + 50_000 * 0.3 + 1_000 * 15) / 1e6);
  });

  it('finds dated, vendor-prefixed and dotted names', () => {
    assert.deepEqual(table.lookup('openai', 'gpt-4o-mini-2024-07-18'), table.lookup('openai', 'gpt-4o-mini'));
    assert.deepEqual(table.lookup('openrouter', 'openai/gpt-4.1'), table.lookup('openai', 'gpt-4-1'));
    assert.deepEqual(table.lookup('openrouter', 'anthropic/claude-opus-4.8'), {
      input: 5,
      output: 25,
      cacheRead: 0.5,
      cacheWrite: 6.25,
    });
    assert.notDeepEqual(table.lookup('openai', 'gpt-4o-mini'), table.lookup('openai', 'gpt-4o'));
    assert.notDeepEqual(table.lookup('openai', 'o4-mini'), table.lookup('openai', 'o3'));
  });

  it('gives an unknown model cost 0 and priceKnown false, or the configured fallback', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, costUsd: 0 };
    assert.deepEqual(table.costOf('ollama', 'llama3.1:8b', usage), { costUsd: 0, priceKnown: false });
    assert.equal(
      table.lookup('anthropic', 'claude-opus-9'),
      undefined,
      'a newer release is not guessed from its family',
    );
    const withFallback = BUILTIN_PROVIDERS.priceTable({ fallback: { input: 1, output: 2 } });
    assert.deepEqual(withFallback.costOf('ollama', 'llama3.1:8b', usage), { costUsd: 3, priceKnown: false });
  });

  it('lets user overrides win, provider-scoped first', () => {
    const t = BUILTIN_PROVIDERS.priceTable({
      overrides: {
        'gpt-4o': { input: 1, output: 1 },
        'azure:gpt-4o': { input: 2, output: 2 },
        'ollama:llama3.1': { input: 0.5, output: 0.5 },
      },
    });
    assert.deepEqual(t.lookup('openai', 'gpt-4o-2024-08-06'), { input: 1, output: 1 });
    assert.deepEqual(t.lookup('azure', 'gpt-4o'), { input: 2, output: 2 });
    assert.equal(t.costOf('ollama', 'llama3.1', { inputTokens: 2_000_000, outputTokens: 0, costUsd: 0 }).costUsd, 1);
    assert.equal(t.lookup('openai', 'llama3.1'), undefined);
  });

  it("prices a scoped-only provider by its own rows only, never by another provider's bare model row", () => {
    const t = new PriceTable({
      builtIn: { 'openai:gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o': { input: 2.5, output: 10 } },
      overrides: { 'gpt-4.1': { input: 1, output: 1 }, 'editor:o3': { input: 3, output: 3 } },
      scopedOnly: ['Editor'],
    });
    assert.deepEqual(t.lookup('router', 'gpt-4o'), { input: 2.5, output: 10 });
    assert.equal(t.lookup('editor', 'gpt-4o'), undefined);
    assert.equal(t.lookup('editor', 'gpt-4.1'), undefined);
    assert.deepEqual(t.lookup('editor', 'o3'), { input: 3, output: 3 });
    assert.equal(t.costOf('editor', 'gpt-4o', { inputTokens: 1000, outputTokens: 10, costUsd: 0 }).priceKnown, false);
  });

  it('rejects a bad override naming the key and the field', () => {
    assert.throws(
      () => new PriceTable({ overrides: { 'my-model': { input: -1, output: 2 } } }),
      /Invalid price override "my-model" \(USD per million tokens, each >= 0\): input: /,
    );
    assert.throws(
      () => BUILTIN_PROVIDERS.priceTable({ fallback: { input: 1 } as never }),
      /Invalid fallback price.*output/,
    );
  });

  it('estimates the worst case before sending: all input uncached, all output used', () => {
    const e = table.estimateCost('openai', 'gpt-4o-mini', 10_000, 2_000);
    close(e.costUsd, (10_000 * 0.15 + 2_000 * 0.6) / 1e6);
  });

  it('charges nothing for an answer from the local cache', () => {
    assert.equal(
      table.costOf('openai', 'gpt-4o', { inputTokens: 0, outputTokens: 0, costUsd: 0, cached: true }).costUsd,
      0,
    );
  });
});
