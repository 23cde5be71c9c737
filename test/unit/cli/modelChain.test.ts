import assert from 'node:assert/strict';
import { modelChain } from '../../../src/cli/cliAgents';
import { ProviderConfig } from '../../../src/cli/providerConfig';
import { ModelRouter } from '../../../src/core/route/modelRouter';
import { CircuitBreaker } from '../../../src/core/route/circuitBreaker';
import { ManualClock } from '../../support/manualClock';

describe('CLI model chain', () => {
  const provider = ProviderConfig.resolve(
    { provider: 'openai', model: 'gpt-4o-mini' },
    { OPENAI_API_KEY: 'sk-test-chain' },
  );
  const definition = {
    id: 'coder',
    capabilities: ['code'],
    preferredModels: ['openai/gpt-4o', 'anthropic/claude-sonnet-5'],
  };

  it("tries the agent's same-provider preferences first, then the run's model", () => {
    assert.deepEqual(
      modelChain(provider)(definition).map((m) => m.model),
      ['gpt-4o', 'gpt-4o-mini'],
    );
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
    const chain = modelChain(provider, () => router);
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
