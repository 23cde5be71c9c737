import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { isLoopbackUrl, ProviderConfig } from '../../../src/cli/providerConfig';
import { UsageError } from '../../../src/cli/usageError';

const KEY = 'sk-test-DO-NOT-PRINT-0123456789abcdef';

describe('ProviderConfig', () => {
  it('picks OpenAI, then Anthropic, by the keys that are set, with default models', () => {
    assert.equal(
      ProviderConfig.resolve({}, { OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: KEY }).describe(),
      'openai/gpt-4o-mini',
    );
    assert.equal(ProviderConfig.resolve({}, { ANTHROPIC_API_KEY: KEY }).describe(), 'anthropic/claude-sonnet-5');
    assert.equal(
      ProviderConfig.resolve(
        { provider: 'anthropic', model: 'claude-haiku-4-5' },
        { OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: KEY },
      ).describe(),
      'anthropic/claude-haiku-4-5',
    );
  });

  it('sends no key to a server on this machine, and says so', () => {
    const local = ProviderConfig.resolve({ baseUrl: 'http://127.0.0.1:11434/v1' }, {});
    assert.equal(local.provider, 'openai');
    assert.match(local.note ?? '', /OPENAI_API_KEY is not set; no API key is sent to the local server/);
    assert.throws(() => ProviderConfig.resolve({ baseUrl: 'https://openrouter.ai/api/v1' }, {}), UsageError);
    assert.ok(
      isLoopbackUrl('http://localhost:1234') &&
        isLoopbackUrl('http://[::1]:8080') &&
        !isLoopbackUrl('http://localhost.evil.example'),
    );
  });

  it('never shows the key when serialised, inspected or described', () => {
    const config = ProviderConfig.resolve({ baseUrl: 'https://models.example/v1' }, { OPENAI_API_KEY: KEY });
    for (const text of [
      JSON.stringify(config),
      inspect(config, { showHidden: true, depth: 5 }),
      config.describe(),
      String(config),
    ]) {
      assert.ok(!text.includes(KEY), text);
    }
    assert.equal(config.createModel().model, 'gpt-4o-mini');
  });
});
