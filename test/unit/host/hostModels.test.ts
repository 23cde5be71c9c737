import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import type { ApiKeyProvider } from '../../../src/host/secrets/apiKeys';
import { HostEngineError } from '../../../src/host/engine/hostEngineError';
import { resolveHostModels, type DemoEndpoint, type HostModelsInput } from '../../../src/host/engine/hostModels';
import { DEFAULT_HOST_SETTINGS, type HostSettings } from '../../../src/host/settings/hostSettingsSchema';

interface Harness {
  input: HostModelsInput;
  asked: string[];
  demoStarts: number;
  warnings: string[];
}

function harness(
  settings: Partial<HostSettings>,
  keys: Partial<Record<ApiKeyProvider, string>>,
  allow = true,
): Harness {
  const h: Harness = { asked: [], demoStarts: 0, warnings: [], input: undefined as unknown as HostModelsInput };
  const demo: DemoEndpoint = {
    baseUrl: 'http://127.0.0.1:9/v1',
    token: 'demo-token',
    model: 'offline-demo-model',
    close: async () => undefined,
  };
  h.input = {
    settings: { ...DEFAULT_HOST_SETTINGS, ...settings },
    keys: { get: async (p) => keys[p] },
    confirmKeyHost: async (baseUrl, provider) => {
      h.asked.push(`${provider} ${baseUrl}`);
      return allow;
    },
    startDemo: async () => {
      h.demoStarts++;
      return demo;
    },
    warn: (m) => h.warnings.push(m),
  };
  return h;
}

async function refusal(promise: Promise<unknown>): Promise<HostEngineError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HostEngineError, String(err));
    return err;
  }
  assert.fail('expected a HostEngineError');
}

describe('resolveHostModels (provider resolution)', () => {
  it('auto takes OpenAI when it has a key, with the default model', async () => {
    const h = harness({}, { openai: 'sk-o', anthropic: 'sk-a' });
    const models = await resolveHostModels(h.input);
    assert.equal(models.label, 'openai/gpt-4o-mini');
    assert.equal(models.isDemo, false);
    assert.equal(models.createModel('openai', 'gpt-4o').provider, 'openai');
    assert.equal(h.demoStarts, 0);
  });

  it('auto falls back to Anthropic, and names the configured model', async () => {
    const models = await resolveHostModels(harness({ model: 'claude-opus-5' }, { anthropic: 'sk-a' }).input);
    assert.equal(models.label, 'anthropic/claude-opus-5');
    assert.throws(() => models.createModel('openai', 'gpt-4o'), /no usable key for openai/);
  });

  it('auto without any key fails with Set API Key and Use Offline Demo, and does not start the demo', async () => {
    const h = harness({}, {});
    const err = await refusal(resolveHostModels(h.input));
    assert.match(err.message, /No API key is set/);
    assert.deepEqual(
      err.actions.map((a) => a.label),
      ['Set API Key', 'Use Offline Demo'],
    );
    assert.equal(h.demoStarts, 0);
  });

  it('an explicit provider without its key fails even when the other provider has one', async () => {
    const err = await refusal(resolveHostModels(harness({ provider: 'anthropic' }, { openai: 'sk-o' }).input));
    assert.match(err.message, /No Anthropic API key is set.*ANTHROPIC_API_KEY/);
  });

  it('demo starts the offline demo model and labels it', async () => {
    const h = harness({ provider: 'demo', agentModels: { coder: 'openai/gpt-4o' } }, { openai: 'sk-o' });
    const models = await resolveHostModels(h.input);
    assert.equal(h.demoStarts, 1);
    assert.equal(models.isDemo, true);
    assert.equal(models.label, 'offline demo model');
    assert.equal(models.createModel('demo', models.model).provider, 'demo');
    assert.throws(() => models.createModel('openai', 'gpt-4o'), /Only the offline demo model/);
    assert.match(h.warnings.join('\n'), /agentModels is ignored/);
  });

  it('never uses the demo when a real provider is configured', async () => {
    for (const provider of ['auto', 'openai', 'anthropic'] as const) {
      const h = harness({ provider }, { openai: 'sk-o', anthropic: 'sk-a' });
      assert.equal((await resolveHostModels(h.input)).isDemo, false, provider);
      assert.equal(h.demoStarts, 0, provider);
    }
  });

  it('asks before sending a key to a foreign base URL host, and a refusal stops everything', async () => {
    const allowed = harness({ baseUrl: 'https://llm.example.com/v1' }, { openai: 'sk-o' });
    assert.equal((await resolveHostModels(allowed.input)).provider, 'openai');
    assert.deepEqual(allowed.asked, ['openai https://llm.example.com/v1']);

    const refused = harness({ baseUrl: 'https://llm.example.com/v1' }, { openai: 'sk-o' }, false);
    const err = await refusal(resolveHostModels(refused.input));
    assert.match(err.message, /not sent to llm\.example\.com/);
    assert.deepEqual(
      err.actions.map((a) => a.id),
      ['openSettings'],
    );
  });

  it('does not ask for the provider endpoint or loopback hosts; a loopback server needs no key', async () => {
    for (const baseUrl of [
      'https://api.openai.com/v1',
      'http://localhost:11434/v1',
      'http://127.0.0.1:8080/v1',
      'http://[::1]:8080/v1',
    ]) {
      const h = harness({ baseUrl }, { openai: 'sk-o' });
      await resolveHostModels(h.input);
      assert.deepEqual(h.asked, [], baseUrl);
    }
    const local = await resolveHostModels(harness({ baseUrl: 'http://localhost:11434/v1', model: 'llama3' }, {}).input);
    assert.equal(local.label, 'openai/llama3');
  });

  it('keeps per-agent models whose provider has a key and drops the others with a warning', async () => {
    const h = harness(
      {
        agentModels: {
          coder: 'anthropic/claude-sonnet-5',
          reviewer: 'anthropic/claude-opus-5',
          tester: 'openai/gpt-4o',
        },
      },
      { openai: 'sk-o' },
    );
    const models = await resolveHostModels(h.input);
    assert.deepEqual(models.agentModels, { tester: 'openai/gpt-4o' });
    assert.equal(h.warnings.filter((w) => /gets the run's model/.test(w)).length, 2);

    const both = await resolveHostModels(
      harness({ agentModels: { coder: 'anthropic/claude-sonnet-5' } }, { openai: 'sk-o', anthropic: 'sk-a' }).input,
    );
    assert.deepEqual([...both.providers].sort(), ['anthropic', 'openai']);
    assert.equal(both.createModel('anthropic', 'claude-sonnet-5').provider, 'anthropic');
  });

  it('never exposes a key when the models object is printed', async () => {
    const models = await resolveHostModels(harness({}, { openai: 'sk-secret-123' }).input);
    assert.ok(!JSON.stringify(models).includes('sk-secret-123'));
    assert.ok(!inspect(models, { depth: 5 }).includes('sk-secret-123'));
  });
});
