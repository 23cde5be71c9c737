import assert from 'node:assert/strict';
import { BudgetExceededError } from '../../../src/core/quota/budgetExceededError';
import { RunBudget } from '../../../src/core/quota/runBudget';
import { TaskFailure } from '../../../src/core/model/failure';

const usage = (inputTokens: number, outputTokens: number, costUsd = 0) => ({ inputTokens, outputTokens, costUsd });

function refusal(fn: () => unknown): BudgetExceededError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BudgetExceededError) return err;
    throw err;
  }
  assert.fail('expected a BudgetExceededError');
}

describe('RunBudget', () => {
  it('allows a request that lands exactly on the limit and refuses one that would cross it', () => {
    const budget = new RunBudget({ maxTokens: 1_000 });
    budget.reserve({ tokens: 600, costUsd: 0 }).settle(usage(500, 100));
    budget.reserve({ tokens: 400, costUsd: 0 }).settle(usage(300, 100));
    const err = refusal(() => budget.reserve({ tokens: 1, costUsd: 0 }));
    assert.ok(err instanceof TaskFailure);
    assert.equal(err.failureClass, 'needs-human');
    assert.deepEqual([err.limit, err.max, err.used, err.requested], ['tokens', 1_000, 1_000, 1]);
    assert.match(err.message, /token budget of 1,000 tokens would be exceeded: 1,000 tokens are already used/);
    assert.match(err.message, /Raise the token budget and resume the run/);
  });

  it('counts reservations in flight so parallel requests cannot jointly overshoot', () => {
    const budget = new RunBudget({ maxTokens: 1_000 });
    const a = budget.reserve({ tokens: 600, costUsd: 0 });
    const err = refusal(() => budget.reserve({ tokens: 600, costUsd: 0 }));
    assert.equal(err.used, 600, 'the in-flight reservation counts as used');
    assert.deepEqual(budget.reserved, { tokens: 600, costUsd: 0 });
    a.settle(usage(250, 50));
    assert.deepEqual(budget.reserved, { tokens: 0, costUsd: 0 });
    budget.reserve({ tokens: 600, costUsd: 0 });
    assert.equal(budget.used.inputTokens + budget.used.outputTokens, 300);
  });

  it('release drops a reservation without charging it', () => {
    const budget = new RunBudget({ maxTokens: 100 });
    const r = budget.reserve({ tokens: 100, costUsd: 0 });
    r.release();
    assert.deepEqual(budget.used, usage(0, 0));
    budget.reserve({ tokens: 100, costUsd: 0 });
    assert.throws(() => r.release(), /already settled or released/);
  });

  it('enforces the cost limit, in dollars', () => {
    const budget = new RunBudget({ maxCostUsd: 0.5 }, usage(0, 0, 0.3));
    budget.reserve({ tokens: 10_000, costUsd: 0.2 }).release();
    const err = refusal(() => budget.reserve({ tokens: 1, costUsd: 0.21 }));
    assert.equal(err.limit, 'cost');
    assert.match(err.message, /cost budget of \$0\.50 would be exceeded: \$0\.30 are already used/);
  });

  it('starts from the usage of a recovered run and can be raised', () => {
    const budget = new RunBudget({ maxTokens: 1_000, maxCostUsd: 1 }, usage(900, 50, 0.1));
    refusal(() => budget.reserve({ tokens: 100, costUsd: 0 }));
    budget.raise({ maxTokens: 2_000 });
    assert.deepEqual(budget.limits, { maxTokens: 2_000, maxCostUsd: 1 });
    budget.reserve({ tokens: 100, costUsd: 0 });
  });

  it('rejects invalid limits and estimates with a clear error', () => {
    assert.throws(() => new RunBudget({ maxTokens: -1 }), /maxTokens must be a finite number >= 0/);
    const budget = new RunBudget({});
    assert.throws(
      () => budget.reserve({ tokens: Number.NaN, costUsd: 0 }),
      /needs tokens and costUsd as finite numbers/,
    );
    assert.throws(() => budget.raise({ maxCostUsd: Infinity }), /maxCostUsd must be a finite number/);
  });
});
