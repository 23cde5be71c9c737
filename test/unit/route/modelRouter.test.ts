import assert from 'node:assert/strict';
import type { RateHeadroom } from '../../../src/core/quota/rateLimitScheduler';
import { CircuitBreaker } from '../../../src/core/route/circuitBreaker';
import { ModelRouter, NoModelAvailableError, type ModelEntry } from '../../../src/core/route/modelRouter';
import { formatModelRef } from '../../../src/core/route/modelRef';
import { ManualClock } from '../../support/manualClock';

const NOON = Date.UTC(2025, 0, 1, 12, 0, 0);

/** A catalogue entry with sensible defaults. */
function model(ref: string, over: Partial<ModelEntry> = {}): ModelEntry {
  const [provider = '', ...rest] = ref.split('/');
  return { provider, model: rest.join('/'), costTier: 'standard', capabilities: ['tools', 'json'], ...over };
}

const CATALOGUE: ModelEntry[] = [
  model('openai/gpt-4o'),
  model('anthropic/claude-opus', { costTier: 'premium', contextWindow: 200_000 }),
  model('openai/gpt-4o-mini', { costTier: 'low' }),
  model('ollama/llama3', { costTier: 'low', capabilities: [], contextWindow: 8_000 }),
  model('anthropic/claude-sonnet'),
];

function setup(catalogue = CATALOGUE): {
  clock: ManualClock;
  breaker: CircuitBreaker;
  router: ModelRouter;
  headroom: RateHeadroom[];
} {
  const clock = new ManualClock(NOON);
  const breaker = new CircuitBreaker(clock);
  const headroom: RateHeadroom[] = [];
  const router = new ModelRouter({ catalogue, breaker, headroom: () => headroom, clock });
  return { clock, breaker, router, headroom };
}

const refs = (chain: readonly ModelEntry[]): string[] => chain.map(formatModelRef);

function trip(breaker: CircuitBreaker, provider: string): void {
  for (let i = 0; i < 5; i++) breaker.recordFailure({ provider }, 'retryable');
}

describe('ModelRouter.choose', () => {
  it('without a preference, goes cheapest tier first, in catalogue order within a tier', () => {
    const { router } = setup();
    assert.deepEqual(refs(router.choose().chain), [
      'openai/gpt-4o-mini',
      'ollama/llama3',
      'openai/gpt-4o',
      'anthropic/claude-sonnet',
      'anthropic/claude-opus',
    ]);
  });

  it('puts the preferences first in order, then the tiers nearest the first preference', () => {
    const { router } = setup();
    const { chain, reasons } = router.choose({ preferred: ['anthropic/claude-opus', 'openai/gpt-4o-mini'] });
    assert.deepEqual(refs(chain), [
      'anthropic/claude-opus',
      'openai/gpt-4o-mini',
      'openai/gpt-4o',
      'anthropic/claude-sonnet',
      'ollama/llama3',
    ]);
    assert.equal(reasons[0], 'anthropic/claude-opus: preferred #1');
    assert.equal(reasons[2], 'openai/gpt-4o: fallback (standard tier)');
  });

  it('keeps within the allowed cost tier, preferences included', () => {
    const { router } = setup();
    const { chain, reasons } = router.choose({ preferred: ['anthropic/claude-opus'], costTier: 'standard' });
    assert.ok(!refs(chain).includes('anthropic/claude-opus'));
    assert.ok(reasons.includes("anthropic/claude-opus: excluded (costs 'premium', above the allowed 'standard')"));
    assert.deepEqual(refs(router.choose({ costTier: 'low' }).chain), ['openai/gpt-4o-mini', 'ollama/llama3']);
  });

  it('drops models that lack a needed capability or context window', () => {
    const { router } = setup();
    const needs = router.choose({ needs: ['tools'] });
    assert.ok(!refs(needs.chain).includes('ollama/llama3'));
    assert.ok(needs.reasons.includes("ollama/llama3: excluded (lacks 'tools')"));
    const big = router.choose({ costTier: 'low', estimatedTokens: 10_000 });
    assert.deepEqual(refs(big.chain), ['openai/gpt-4o-mini'], 'an unknown context window is assumed to fit');
    assert.ok(big.reasons.includes('ollama/llama3: excluded (has a context window of 8000 tokens, 10000 estimated)'));
  });

  it('drops models whose circuit is open and takes them back after the cooldown', async () => {
    const { router, breaker, clock } = setup();
    trip(breaker, 'openai');
    const { chain, reasons } = router.choose({ preferred: ['openai/gpt-4o'] });
    assert.deepEqual(refs(chain), ['anthropic/claude-sonnet', 'ollama/llama3', 'anthropic/claude-opus']);
    assert.ok(
      reasons.includes(
        'openai/gpt-4o: excluded (circuit open until 12:00:30 UTC (in 30 s): 5 failures in a row within 60 s)',
      ),
    );
    await clock.advance(30_000);
    assert.equal(refs(router.choose({ preferred: ['openai/gpt-4o'] }).chain)[0], 'openai/gpt-4o');
  });

  it('moves models without quota headroom to the end, keeping their order', () => {
    const { router, headroom } = setup();
    headroom.push(
      { key: { provider: 'openai', model: 'gpt-4o-mini' }, tokensLeft: 500, tpm: 10_000, waiting: 0 },
      { key: { provider: 'ollama', model: 'llama3' }, requestsLeft: 0, rpm: 10, waiting: 0 },
      { key: { provider: 'openai', model: 'gpt-4o' }, waiting: 0, pausedUntil: NOON + 5_000 },
      { key: { provider: 'anthropic', model: 'claude-sonnet' }, tokensLeft: 50_000, requestsLeft: 3, waiting: 0 },
    );
    const { chain, reasons } = router.choose({ estimatedTokens: 2_000 });
    assert.deepEqual(refs(chain), [
      'anthropic/claude-sonnet',
      'anthropic/claude-opus',
      'openai/gpt-4o-mini',
      'ollama/llama3',
      'openai/gpt-4o',
    ]);
    assert.ok(
      reasons.includes(
        'openai/gpt-4o-mini: fallback (low tier); moved to the end: 500 tokens left this minute, 2000 estimated',
      ),
    );
    assert.ok(reasons.includes('ollama/llama3: fallback (low tier); moved to the end: no requests left this minute'));
    assert.ok(
      reasons.includes(
        'openai/gpt-4o: fallback (standard tier); moved to the end: rate-limited until 12:00:05 UTC (in 5 s)',
      ),
    );
    assert.equal(
      refs(router.choose({ estimatedTokens: 400 }).chain)[0],
      'openai/gpt-4o-mini',
      'enough tokens for a small request',
    );
  });

  it('a queue behind the limit counts as no headroom', () => {
    const { router, headroom } = setup();
    headroom.push({ key: { provider: 'openai', model: 'gpt-4o-mini' }, waiting: 2 });
    assert.equal(refs(router.choose().chain).at(-1), 'openai/gpt-4o-mini');
  });

  it('honours exclude by model and by provider', () => {
    const { router } = setup();
    assert.deepEqual(refs(router.choose({ exclude: ['anthropic', 'openai/gpt-4o-mini'] }).chain), [
      'ollama/llama3',
      'openai/gpt-4o',
    ]);
  });

  it('explains a preference that is unknown or malformed, and still falls back', () => {
    const { router } = setup();
    const { chain, reasons } = router.choose({ preferred: ['mistral/large', 'gpt-4o'], costTier: 'low' });
    assert.deepEqual(refs(chain), ['openai/gpt-4o-mini', 'ollama/llama3']);
    assert.ok(reasons.includes('mistral/large: excluded (is not in the model catalogue)'));
    assert.ok(reasons.includes('gpt-4o: excluded (is not of the form "provider/model")'));
  });

  it('keeps slashes of the model part (OpenRouter names)', () => {
    const { router } = setup([model('openrouter/meta-llama/llama-3-70b')]);
    assert.deepEqual(refs(router.choose({ preferred: ['openrouter/meta-llama/llama-3-70b'] }).chain), [
      'openrouter/meta-llama/llama-3-70b',
    ]);
  });

  it('says why each model was excluded when none is left', () => {
    const { router, breaker } = setup([model('openai/gpt-4o'), model('anthropic/claude-x', { capabilities: [] })]);
    trip(breaker, 'openai');
    assert.throws(
      () => router.choose({ preferred: ['openai/gpt-4o'], needs: ['tools'] }),
      (e: Error) =>
        e instanceof NoModelAvailableError &&
        e.message ===
          "No model available: openai/gpt-4o circuit open until 12:00:30 UTC (in 30 s): 5 failures in a row within 60 s; anthropic/claude-x lacks 'tools'." &&
        e.exclusions.length === 2,
    );
  });

  it('says so when the catalogue is empty', () => {
    const { router } = setup([]);
    assert.throws(
      () => router.choose(),
      /No model available: the model catalogue is empty and no model is preferred; configure at least one model\./,
    );
  });

  it('refuses a bad catalogue or request with the entry and field named', () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker(clock);
    const bad = { provider: 'openai', model: 'gpt-4o', costTier: 'cheap' } as unknown as ModelEntry;
    assert.throws(
      () => new ModelRouter({ catalogue: [model('a/b'), bad], breaker, clock }),
      /Model catalogue entry 2: field "costTier"/,
    );
    assert.throws(
      () => new ModelRouter({ catalogue: [model('a/b'), model('a/b')], breaker, clock }),
      /entry 2: a\/b is listed twice/,
    );
    assert.throws(() => setup().router.choose({ estimatedTokens: -1 }), /estimatedTokens must be a number >= 0/);
  });
});

describe('ModelRouter.next', () => {
  it('falls back down the chain, skipping models whose circuit opened meanwhile', () => {
    const { router, breaker } = setup();
    const { chain } = router.choose({ preferred: ['openai/gpt-4o'], needs: ['tools'] });
    assert.deepEqual(refs(chain), [
      'openai/gpt-4o',
      'anthropic/claude-sonnet',
      'openai/gpt-4o-mini',
      'anthropic/claude-opus',
    ]);
    const [first, second] = chain;
    assert.ok(first && second);
    assert.equal(router.next(chain, first, 'retryable'), second);
    trip(breaker, 'anthropic');
    assert.equal(formatModelRef(router.next(chain, first, 'retryable') ?? first), 'openai/gpt-4o-mini');
  });

  it('falls back after a fatal error, since another model may accept the request', () => {
    const { router } = setup();
    const { chain } = router.choose({ costTier: 'low' });
    const [first, second] = chain;
    assert.ok(first && second);
    assert.equal(router.next(chain, first, 'fatal'), second);
    assert.equal(router.next(chain, second, 'fatal'), undefined, 'the end of the chain');
  });

  it('does not fall back when a model change would not help', () => {
    const { router } = setup();
    const { chain } = router.choose();
    const first = chain[0];
    assert.ok(first);
    assert.equal(router.next(chain, first, 'needs-human'), undefined);
    assert.equal(router.next(chain, first, 'reassign'), undefined);
  });

  it('starts from the top when the failed model is not in the chain', () => {
    const { router } = setup();
    const { chain } = router.choose({ costTier: 'low' });
    assert.equal(router.next(chain, model('mistral/large'), 'retryable'), chain[0]);
  });
});
