// The errors a run can refuse with before it starts or resumes; each message says what to do.

/** Thrown before a run starts when its budget could not hold (a money budget on a model nobody priced), with what to do. */
export class BudgetUnenforceableError extends Error {
  override readonly name = 'BudgetUnenforceableError';
}

/** Thrown when a run cannot be resumed, with the reason and what to do. */
export class ResumeError extends Error {
  override readonly name = 'ResumeError';
}
