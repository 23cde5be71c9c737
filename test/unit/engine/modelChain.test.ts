import assert from 'node:assert/strict';
import { modelChain, modelRefsOf } from '../../../src/core/engine/engineAgents';
import { resolveEngineModels, type EngineModels } from '../../../src/core/engine/engineModels';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { CircuitBreaker } from '../../../src/core/route/circuitBreaker';
import { ModelRouter } from '../../../src/core/route/modelRouter';
import { ManualClock } from '../../support/manualClock';

async function models(keys: Record<string, string>, agentModels: Record<string, string> = {}): Promise<EngineModels> {
  return resolveEngineModels({
    providers: BUILTIN_PROVIDERS,
    choice: { provider: 'openai', model: 'gpt-4o-mini', agentModels },
    keys: { get: async (p) => keys[p] },
    keyHint: () => '',
    confirmKeyHost: async () => true,
    warn: () => undefined,
  });
}

describe('engine model chain', () => {
  const definition = {
    id: 'coder',
    capabilities: ['code'],
    preferredModels: ['openai/gpt-4o', 'anthropic/claude-sonnet-5'],
  };

  it("tries the per-agent model, then the agent's preferences it has keys for, then the run's model", async () => {
    const openAiOnly = await models({ openai: 'sk-o' });
    assert.deepEqual(
      modelChain(openAiOnly, () => undefined)(definition).map((m) => m.model),
      ['gpt-4o', 'gpt-4o-mini'],
    );
    const both = await models({ openai: 'sk-o', anthropic: 'sk-a' }, { coder: 'anthropic/claude-opus-5' });
    assert.deepEqual(modelRefsOf(both, definition), [
      'anthropic/claude-opus-5',
      'openai/gpt-4o',
      'anthropic/claude-sonnet-5',
      'openai/gpt-4o-mini',
    ]);
  });

  it('drops a model whose circuit is open, per request, and takes it back once it recovers', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker(clock, { failureThreshold: 2, cooldownMs: 30_000, perModel: true });
    const router = new ModelRouter({
      catalogue: [
        { provider: 'openai', model: 'gpt-4o', costTier: 'standard', capabilities: ['tools'] },
        { provider: 'openai', model: 'gpt-4o-mini', costTier: 'low', capabilities: ['tools'] },
      ],
      breaker,
      clock,
    });
    const chain = modelChain(await models({ openai: 'sk-o' }), () => router);
    assert.deepEqual(
      chain(definition).map((m) => m.model),
      ['gpt-4o', 'gpt-4o-mini'],
    );
    breaker.recordFailure({ provider: 'openai', model: 'gpt-4o' }, 'retryable');
    breaker.recordFailure({ provider: 'openai', model: 'gpt-4o' }, 'retryable');
    const during = chain(definition).map((m) => m.model);
    await clock.advance(31_000);
    const after = chain(definition).map((m) => m.model);
    assert.deepEqual(during, ['gpt-4o-mini'], 'the model with an open circuit is left out');
    assert.equal(after[0], 'gpt-4o', 'after the cooldown the preferred model is tried again');
  });
});
