/** A git command refused before it started: an argument or variable would let git run another program. */
export class GitRefusedError extends Error {
  override readonly name: string = 'GitRefusedError';

  constructor(
    /** The arguments after `git`. */
    readonly args: readonly string[],
    /** Why, as the argument guard put it. */
    readonly reason: string,
  ) {
    super(
      `Checkpoints refused to run \`git ${args.join(' ')}\`: ${reason}. ` +
        'Remove that option or variable from the git environment given to checkpoints (settings or GIT_* variables), then retry.',
    );
  }
}
