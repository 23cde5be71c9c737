/** The reason in-flight work is aborted with when the run is cancelled. */
export class RunCancelledError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('The run was cancelled.');
  }
}

/** The reason an attempt is aborted with when it runs past its time limit. */
export class TaskTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}
