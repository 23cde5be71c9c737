/** A git command that failed; the message names the command, its exit code and what git printed on stderr. */
export class GitCommandError extends Error {
  override readonly name: string = 'GitCommandError';

  constructor(
    /** The arguments after `git`. */
    readonly args: readonly string[],
    /** The exit code, or undefined when the process could not be run at all. */
    readonly exitCode: number | undefined,
    /** What git printed on stderr (or the spawn error). */
    readonly stderr: string,
    /** The folder git ran in. */
    readonly cwd: string,
    options?: ErrorOptions,
  ) {
    const detail = stderr.trim() || '(git printed nothing on stderr)';
    super(
      `Checkpoint failed: \`git ${args.join(' ')}\` in ${cwd} exited with code ${exitCode ?? 'unknown'}: ${detail}`,
      options,
    );
  }
}
