/** A context transaction could not commit because entries it read or wrote changed under it; nothing was applied. */
export class ContextConflictError extends Error {
  override readonly name: string = 'ContextConflictError';

  constructor(
    /** The agent whose transaction failed. */
    readonly agentId: string,
    /** The keys that changed since the transaction first touched them. */
    readonly keys: readonly string[],
  ) {
    super(
      `The context transaction of agent "${agentId}" was not applied: ${keys.map((k) => `"${k}"`).join(', ')} ` +
        'changed since the transaction read or wrote it. Start a new transaction, read the keys again and retry.',
    );
  }
}
