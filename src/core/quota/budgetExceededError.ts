import { TaskFailure } from '../model/failure';

/** Which run budget a request would cross. */
export type BudgetLimit = 'tokens' | 'cost';

/** A request refused before it was sent because it would cross the run's budget; the run pauses for the user. */
export class BudgetExceededError extends TaskFailure {
  override readonly name: string = 'BudgetExceededError';

  constructor(
    /** Which budget. */
    readonly limit: BudgetLimit,
    /** The budget (tokens, or US dollars). */
    readonly max: number,
    /** Spent so far plus what requests in flight have reserved. */
    readonly used: number,
    /** What the refused request would have needed at most. */
    readonly requested: number,
  ) {
    super(describe(limit, max, used, requested), 'needs-human');
  }
}

function describe(limit: BudgetLimit, max: number, used: number, requested: number): string {
  const fmt =
    limit === 'tokens'
      ? (n: number) => `${Math.round(n).toLocaleString('en-US')} tokens`
      : (n: number) => `$${n.toFixed(2)}`;
  const which = limit === 'tokens' ? 'token' : 'cost';
  return (
    `The run's ${which} budget of ${fmt(max)} would be exceeded: ${fmt(used)} are already used or reserved by requests in flight, ` +
    `and this request needs up to ${fmt(requested)} more. The request was not sent. ` +
    `Raise the ${which} budget and resume the run to continue.`
  );
}
