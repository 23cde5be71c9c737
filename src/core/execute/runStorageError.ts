/** The run's events could not be made durable; the run stops rather than act on unrecorded state. */
export class RunStorageError extends Error {
  override readonly name = 'RunStorageError';
}
