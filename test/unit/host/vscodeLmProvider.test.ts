import { strict as assert } from 'node:assert';
import type * as vscode from 'vscode';
import { resolveEngineModels } from '../../../src/core/engine/engineModels';
import { unpricedBudgetProblem } from '../../../src/core/engine/unpricedBudget';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { VscodeLmChatModel } from '../../../src/host/lm/vscodeLmChatModel';
import { lmModelChoices } from '../../../src/host/lm/vscodeLmModelChoices';
import { HOST_PROVIDER_TABLE, hostProviders } from '../../../src/host/lm/vscodeLmProvider';
import { ApiKeyStore } from '../../../src/host/secrets/apiKeys';
import { parseHostSettings } from '../../../src/host/settings/hostSettingsSchema';
import { FakeLm, FakeLmChat, streamOf } from '../../support/fakeVscodeLm';

function vscodeLmModels(lm: FakeLm, model = 'gpt-4o') {
  const asked: string[] = [];
  const confirmed: string[] = [];
  const models = resolveEngineModels({
    providers: hostProviders(lm),
    choice: { provider: 'vscode-lm', model },
    keys: {
      get: async (id) => {
        asked.push(id);
        return undefined;
      },
    },
    keyHint: () => 'set a key',
    confirmKeyHost: async (baseUrl) => {
      confirmed.push(baseUrl);
      return false;
    },
    warn: () => undefined,
  });
  return { models, asked, confirmed };
}

describe('the vscode-lm provider', () => {
  it('needs no API key: none is looked up, no key host is confirmed, and its model answers', async () => {
    const lm = new FakeLm([new FakeLmChat('gpt-4o', 'gpt-4o', [streamOf({ kind: 'text', value: 'hi' })])]);
    const { models, asked, confirmed } = vscodeLmModels(lm);
    const resolved = await models;
    assert.deepEqual([asked, confirmed], [[], []]);
    assert.equal(resolved.label, 'vscode-lm/gpt-4o');
    const chat = resolved.createModel('vscode-lm', 'gpt-4o');
    assert.ok(chat instanceof VscodeLmChatModel);
    const answer = await chat.complete(
      { messages: [{ role: 'user', content: 'hello' }], maxOutputTokens: 10 },
      { signal: new AbortController().signal },
    );
    assert.equal(answer.text, 'hi');
  });

  it('is never picked by "auto" and never offered a key prompt', async () => {
    const keys = new ApiKeyStore(
      { onDidChange: () => ({ dispose: () => undefined }) } as unknown as vscode.SecretStorage,
      {},
      HOST_PROVIDER_TABLE,
    );
    assert.deepEqual(
      keys.keyedProviders().map((p) => p.id),
      BUILTIN_PROVIDERS.ids(),
    );
    await assert.rejects(
      resolveEngineModels({
        providers: HOST_PROVIDER_TABLE,
        choice: { provider: 'auto' },
        keys: { get: async (id) => (id === 'vscode-lm' ? 'not-a-key' : undefined) },
        keyHint: (p) => `set ${p.keyEnvVar}`,
        confirmKeyHost: async () => false,
        warn: () => undefined,
      }),
      /No API key is set\. set OPENAI_API_KEY Or: set ANTHROPIC_API_KEY /,
    );
  });

  it('has no prices: a money budget is refused before the run, a token budget holds', async () => {
    const { models } = vscodeLmModels(new FakeLm([]));
    const resolved = await models;
    const prices = HOST_PROVIDER_TABLE.priceTable();
    // OpenAI's list price for its gpt-4o does not price VS Code's gpt-4o.
    assert.ok(prices.lookup('openai', 'gpt-4o'));
    assert.equal(prices.lookup('vscode-lm', 'gpt-4o'), undefined);
    assert.match(
      unpricedBudgetProblem(prices, resolved, { maxCostUsd: 5 }) ?? '',
      /A money budget \(\$5\) cannot hold: no price is known for vscode-lm\/gpt-4o.*Nothing was sent.*token budget/,
    );
    assert.equal(unpricedBudgetProblem(prices, resolved, { maxTokens: 50_000 }), undefined);
    // A price the user sets for it does count.
    const priced = HOST_PROVIDER_TABLE.priceTable({ overrides: { 'vscode-lm:gpt-4o': { input: 1, output: 2 } } });
    assert.equal(unpricedBudgetProblem(priced, resolved, { maxCostUsd: 5 }), undefined);
  });

  it('is a provider the settings accept, for the run and for agent models', () => {
    const values: Record<string, unknown> = {
      provider: 'vscode-lm',
      model: 'gpt-4o',
      agentModels: { reviewer: 'vscode-lm/claude-sonnet' },
    };
    const { settings, problems } = parseHostSettings((key) => values[key]);
    assert.deepEqual(problems, []);
    assert.equal(settings.provider, 'vscode-lm');
    assert.deepEqual(settings.agentModels, { reviewer: 'vscode-lm/claude-sonnet' });
  });
});

describe('the model picker lists VS Code models', () => {
  it('offers every model vscode.lm selects, each id once, with vendor, family and input limit', async () => {
    const lm = new FakeLm([
      new FakeLmChat('gpt-4o', 'gpt-4o', [], 'copilot', 'GPT-4o'),
      new FakeLmChat('claude-sonnet-4', 'claude-sonnet-4', [], 'copilot', 'Claude Sonnet 4'),
      new FakeLmChat('gpt-4o', 'gpt-4o', [], 'copilot', 'GPT-4o again'),
    ]);
    assert.deepEqual(await lmModelChoices(lm), [
      { model: 'gpt-4o', label: 'GPT-4o', description: 'copilot · gpt-4o · 128,000 input tokens' },
      {
        model: 'claude-sonnet-4',
        label: 'Claude Sonnet 4',
        description: 'copilot · claude-sonnet-4 · 128,000 input tokens',
      },
    ]);
    assert.deepEqual(lm.selectors, [undefined]);
  });

  it('lists nothing, rather than failing, when vscode.lm cannot list', async () => {
    const lm = new FakeLm([new FakeLmChat('gpt-4o', 'gpt-4o', [])]);
    lm.selectFailure = new Error('no provider yet');
    assert.deepEqual(await lmModelChoices(lm), []);
  });
});
