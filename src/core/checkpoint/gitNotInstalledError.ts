/** git could not be started: checkpoints need a git executable on PATH. */
export class GitNotInstalledError extends Error {
  override readonly name: string = 'GitNotInstalledError';

  constructor(
    /** The executable that was tried. */
    readonly binary: string,
    /** The spawn error, for logs. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `Checkpoints need git, but \`${binary}\` could not be started (${reason}). ` +
        'Install git (https://git-scm.com/downloads) and make sure it is on PATH, then restart the run.',
      options,
    );
  }
}
