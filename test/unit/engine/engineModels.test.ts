import { strict as assert } from 'node:assert';
import { inspect } from 'node:util';
import {
  ModelSetupError,
  resolveEngineModels,
  type EngineModelsInput,
  type ModelChoice,
} from '../../../src/core/engine/engineModels';
import { isLoopbackUrl } from '../../../src/core/engine/keyHosts';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { demoProvider } from '../../../src/demo/demoProvider';

const KEY = 'sk-test-DO-NOT-PRINT-0123456789abcdef';

interface Harness {
  input: EngineModelsInput;
  asked: string[];
  warnings: string[];
}

function harness(choice: Partial<ModelChoice>, keys: Record<string, string>, allow = true): Harness {
  const h: Harness = { asked: [], warnings: [], input: undefined as unknown as EngineModelsInput };
  h.input = {
    providers: BUILTIN_PROVIDERS,
    choice: { provider: 'auto', ...choice },
    keys: { get: async (p) => keys[p] },
    keyHint: (p) => `set ${p.keyEnvVar}.`,
    confirmKeyHost: async (baseUrl, provider) => {
      h.asked.push(`${provider} ${baseUrl}`);
      return allow;
    },
    warn: (m) => h.warnings.push(m),
  };
  return h;
}

async function refusal(promise: Promise<unknown>): Promise<ModelSetupError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ModelSetupError, String(err));
    return err;
  }
  assert.fail('expected a ModelSetupError');
}

describe('resolveEngineModels (the provider choice, through the provider table)', () => {
  it('auto takes the first provider of the table with a key, with its default model', async () => {
    const models = await resolveEngineModels(harness({}, { openai: 'sk-o', anthropic: 'sk-a' }).input);
    assert.equal(models.label, 'openai/gpt-4o-mini');
    assert.equal(models.scripted, false);
    assert.equal(models.createModel('openai', 'gpt-4o').provider, 'openai');
    const anthropic = await resolveEngineModels(harness({ model: 'claude-opus-5' }, { anthropic: 'sk-a' }).input);
    assert.equal(anthropic.label, 'anthropic/claude-opus-5');
    assert.throws(() => anthropic.createModel('openai', 'gpt-4o'), /no usable key for openai/);
  });

  it("auto without any key fails with every provider's hint and starts nothing", async () => {
    const err = await refusal(resolveEngineModels(harness({}, {}).input));
    assert.equal(err.problem, 'no-key');
    assert.match(err.message, /No API key is set\. set OPENAI_API_KEY\. Or: set ANTHROPIC_API_KEY\./);
  });

  it('an explicit provider without its key fails even when another provider has one', async () => {
    const err = await refusal(resolveEngineModels(harness({ provider: 'anthropic' }, { openai: 'sk-o' }).input));
    assert.equal(err.problem, 'no-key');
    assert.match(err.message, /No Anthropic API key is set: set ANTHROPIC_API_KEY/);
  });

  it('refuses an unknown provider and names the known ones', async () => {
    const err = await refusal(resolveEngineModels(harness({ provider: 'gemini' }, { openai: 'sk-o' }).input));
    assert.equal(err.problem, 'unknown-provider');
    assert.match(err.message, /Unknown provider "gemini"; choose auto or one of: openai, anthropic/);
  });

  it('asks before sending a key to a foreign base URL host, and a refusal stops everything', async () => {
    const allowed = harness({ baseUrl: 'https://llm.example.com/v1' }, { openai: 'sk-o' });
    const models = await resolveEngineModels(allowed.input);
    assert.equal(models.provider.id, 'openai');
    assert.equal(models.baseUrl, 'https://llm.example.com/v1');
    assert.deepEqual(allowed.asked, ['openai https://llm.example.com/v1']);

    const refused = harness({ baseUrl: 'https://llm.example.com/v1' }, { openai: 'sk-o' }, false);
    const err = await refusal(resolveEngineModels(refused.input));
    assert.equal(err.problem, 'key-refused');
    assert.match(err.message, /not sent to llm\.example\.com/);
  });

  it('does not ask for the provider endpoint or loopback hosts; a loopback server needs no key, and says so', async () => {
    for (const baseUrl of [
      'https://api.openai.com/v1',
      'http://localhost:11434/v1',
      'http://127.0.0.1:8080/v1',
      'http://[::1]:8080/v1',
    ]) {
      const h = harness({ baseUrl }, { openai: 'sk-o' });
      await resolveEngineModels(h.input);
      assert.deepEqual(h.asked, [], baseUrl);
    }
    const h = harness({ baseUrl: 'http://localhost:11434/v1', model: 'llama3' }, {});
    const local = await resolveEngineModels(h.input);
    assert.equal(local.label, 'openai/llama3');
    assert.match(h.warnings.join('\n'), /OPENAI_API_KEY is not set; no API key is sent to the local server/);
    await refusal(resolveEngineModels(harness({ baseUrl: 'https://openrouter.ai/api/v1' }, {}).input));
    assert.ok(isLoopbackUrl('http://localhost:1234') && isLoopbackUrl('http://[::1]:8080'));
    assert.ok(!isLoopbackUrl('http://localhost.evil.example') && !isLoopbackUrl('not a url'));
  });

  it('warns when a key would travel in plain http to another machine', async () => {
    const h = harness({ baseUrl: 'http://models.example/v1' }, { openai: 'sk-o' });
    await resolveEngineModels(h.input);
    assert.match(h.warnings.join('\n'), /plain http on another machine/);
  });

  it('keeps per-agent models whose provider has a key and drops the others with a warning', async () => {
    const h = harness(
      {
        agentModels: {
          coder: 'anthropic/claude-sonnet-5',
          reviewer: 'anthropic/claude-opus-5',
          tester: 'openai/gpt-4o',
          researcher: 'gemini/pro',
        },
      },
      { openai: 'sk-o' },
    );
    const models = await resolveEngineModels(h.input);
    assert.deepEqual(models.agentModels, { tester: 'openai/gpt-4o' });
    assert.equal(h.warnings.filter((w) => /gets the run's model/.test(w)).length, 3);

    const both = await resolveEngineModels(
      harness({ agentModels: { coder: 'anthropic/claude-sonnet-5' } }, { openai: 'sk-o', anthropic: 'sk-a' }).input,
    );
    assert.deepEqual([...both.servable].sort(), ['anthropic', 'openai']);
    assert.equal(both.createModel('anthropic', 'claude-sonnet-5').provider, 'anthropic');
  });

  it('a scripted provider (the offline demo) is labelled, needs its token, and ignores per-agent models', async () => {
    const endpoint = { baseUrl: 'http://127.0.0.1:9/v1', token: 'demo-token', model: 'offline-demo-model' };
    const h = harness(
      { provider: 'demo', agentModels: { coder: 'openai/gpt-4o' } },
      { openai: 'sk-o', demo: 'demo-token' },
    );
    h.input.providers = BUILTIN_PROVIDERS.with(demoProvider(endpoint));
    const models = await resolveEngineModels(h.input);
    assert.equal(models.scripted, true);
    assert.equal(models.label, 'offline demo model');
    assert.equal(models.createModel('demo', models.model).provider, 'demo');
    assert.throws(() => models.createModel('openai', 'gpt-4o'), /no usable key for openai/);
    assert.match(h.warnings.join('\n'), /Per-agent models are ignored/);
    // auto never picks the demo, even when its "key" is there.
    h.input.choice = { provider: 'auto' };
    assert.equal((await resolveEngineModels(h.input)).scripted, false);
  });

  it('never exposes a key when the models object is printed or serialised', async () => {
    const models = await resolveEngineModels(harness({ baseUrl: 'https://models.example/v1' }, { openai: KEY }).input);
    for (const text of [JSON.stringify(models), inspect(models, { depth: 6, showHidden: true }), models.label]) {
      assert.ok(!text.includes(KEY), text);
    }
  });
});
