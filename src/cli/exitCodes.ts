/** The CLI's exit codes; scripts rely on them (see README "CLI"). */
export const ExitCode = Object.freeze({
  /** The run succeeded, a dry run produced a valid plan, or a read-only command worked. */
  ok: 0,
  /** The run failed (failed tasks, findings over threshold) or was cancelled. */
  failed: 1,
  /** Bad usage or bad input; nothing was started. */
  usage: 2,
  /** The run is paused: budget reached, or an approval is needed. */
  paused: 3,
});

/** One of the exit codes above. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
