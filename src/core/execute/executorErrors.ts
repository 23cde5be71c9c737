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

/** The reason an attempt is aborted with when a person cancels or reassigns its task. */
export class TaskStoppedError extends Error {
  override readonly name = 'AbortError';
  constructor(action: 'cancel' | 'reassign', taskId: string) {
    super(
      action === 'cancel'
        ? `Task "${taskId}" was cancelled by a person.`
        : `Task "${taskId}" was reassigned by a person; it starts again on the new agent.`,
    );
  }
}
