import { addUsage, totalTokens, ZERO_USAGE, type Usage } from '../model/usage';
import { BudgetExceededError } from './budgetExceededError';

/** The hard limits of one run; an absent field means no limit. */
export interface BudgetLimits {
  maxTokens?: number;
  maxCostUsd?: number;
}

/** The most one request may use, taken from the budget before it is sent. */
export interface BudgetEstimate {
  tokens: number;
  costUsd: number;
}

/** Budget held for one request; settle it with the real usage, or release it if nothing was used. */
export interface BudgetReservation {
  readonly estimate: BudgetEstimate;
  /** Replaces the reservation with the real usage. */
  settle(actual: Usage): void;
  /** Drops the reservation without charging anything. */
  release(): void;
}

/** Float slack so a cost that lands exactly on the budget is not refused by rounding. */
const COST_EPSILON = 1e-9;

/**
 * A run's token and money budget. Requests reserve their worst case before they are sent and a
 * request that would cross a limit is refused; counting reservations in flight means parallel
 * tasks cannot jointly overshoot.
 */
export class RunBudget {
  private max: BudgetLimits;
  private spent: Usage;
  private readonly outstanding = new Set<BudgetEstimate>();

  constructor(limits: BudgetLimits = {}, initialUsed: Usage = ZERO_USAGE) {
    this.max = checkLimits(limits, {});
    checkUsage(initialUsed, 'initialUsed');
    this.spent = { ...initialUsed };
  }

  /** Usage settled so far. */
  get used(): Usage {
    return { ...this.spent };
  }

  /** The current limits. */
  get limits(): BudgetLimits {
    return { ...this.max };
  }

  /** What requests in flight have reserved. */
  get reserved(): BudgetEstimate {
    const sum: BudgetEstimate = { tokens: 0, costUsd: 0 };
    for (const r of this.outstanding) {
      sum.tokens += r.tokens;
      sum.costUsd += r.costUsd;
    }
    return sum;
  }

  /** Replaces the given limits, keeping the others (the user raises the budget, then resumes). */
  raise(newLimits: BudgetLimits): void {
    this.max = checkLimits(newLimits, this.max);
  }

  /** Whether `estimate` could be reserved now (`reserve` would not throw). */
  fits(estimate: BudgetEstimate): boolean {
    return this.crossed(checkEstimate(estimate)) === undefined;
  }

  /** Reserves `estimate`; throws `BudgetExceededError` if used + reserved + estimate would cross a limit. */
  reserve(estimate: BudgetEstimate): BudgetReservation {
    const est = checkEstimate(estimate);
    const crossed = this.crossed(est);
    if (crossed) throw crossed;
    this.outstanding.add(est);
    let done = false;
    const finish = (what: string): void => {
      if (done) throw new Error(`Cannot ${what} a budget reservation twice; it was already settled or released.`);
      done = true;
      this.outstanding.delete(est);
    };
    return {
      estimate: { ...est },
      settle: (actual) => {
        checkUsage(actual, 'actual usage');
        finish('settle');
        this.spent = addUsage(this.spent, actual);
      },
      release: () => finish('release'),
    };
  }

  /** The error `reserve` throws for `est`, if it would cross a limit. */
  private crossed(est: BudgetEstimate): BudgetExceededError | undefined {
    const held = this.reserved;
    if (this.max.maxTokens !== undefined) {
      const committed = totalTokens(this.spent) + held.tokens;
      if (committed + est.tokens > this.max.maxTokens)
        return new BudgetExceededError('tokens', this.max.maxTokens, committed, est.tokens);
    }
    if (this.max.maxCostUsd !== undefined) {
      const committed = this.spent.costUsd + held.costUsd;
      if (committed + est.costUsd > this.max.maxCostUsd + COST_EPSILON)
        return new BudgetExceededError('cost', this.max.maxCostUsd, committed, est.costUsd);
    }
    return undefined;
  }
}

function isAmount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

function checkLimits(next: BudgetLimits, current: BudgetLimits): BudgetLimits {
  const out: BudgetLimits = { ...current };
  for (const name of ['maxTokens', 'maxCostUsd'] as const) {
    const v = next[name];
    if (v === undefined) continue;
    if (!isAmount(v)) throw new RangeError(`Budget ${name} must be a finite number >= 0, got ${String(v)}.`);
    out[name] = v;
  }
  return out;
}

function checkEstimate(e: BudgetEstimate): BudgetEstimate {
  if (!isAmount(e?.tokens) || !isAmount(e.costUsd)) {
    throw new RangeError(
      `A budget estimate needs tokens and costUsd as finite numbers >= 0, got ${JSON.stringify(e)}.`,
    );
  }
  return { tokens: e.tokens, costUsd: e.costUsd };
}

function checkUsage(u: Usage, what: string): void {
  if (!isAmount(u?.inputTokens) || !isAmount(u.outputTokens) || !isAmount(u.costUsd)) {
    throw new RangeError(
      `${what} needs inputTokens, outputTokens and costUsd as finite numbers >= 0, got ${JSON.stringify(u)}.`,
    );
  }
}
