import { childEnvironment } from '../verify/childEnvironment';
import type { ChildEnvironmentOptions } from '../verify/childEnvironment';

/** Limits of run_command, from the settings or flags. */
export interface CommandSettings {
  /** Time a command gets when the call names none. */
  defaultTimeoutMs: number;
  /** Most time a call may ask for; a command is killed then. */
  maxTimeoutMs: number;
  /** Most bytes of a command's output the agent reads and the task log gets; the rest is counted. */
  maxOutputBytes: number;
}

/** The defaults: 2 minutes, at most 10, and 64 KiB of output. */
export const DEFAULT_COMMAND_SETTINGS: Readonly<CommandSettings> = Object.freeze({
  defaultTimeoutMs: 120_000,
  maxTimeoutMs: 600_000,
  maxOutputBytes: 64 * 1024,
});

/** Bounds on the settings themselves, so a setting cannot make a command unbounded. */
export const COMMAND_SETTING_BOUNDS = Object.freeze({
  timeoutMs: { min: 1000, max: 3_600_000 },
  maxOutputBytes: { min: 1024, max: 4 * 1024 * 1024 },
});

/** How run_command reaches the machine: where commands run, their environment and their limits. */
export interface CommandService extends CommandSettings {
  /** Real path of the workspace root: commands run there, or in a folder inside it. */
  root: string;
  /** The scrubbed environment of a command (checklist 28), built afresh for each one. */
  environment(): Record<string, string>;
}

/**
 * A command service over the current process's environment, scrubbed by allow-list (no provider
 * key, nothing named like a key, token, secret or password unless the user passed that name).
 * Settings outside {@link COMMAND_SETTING_BOUNDS}, or a default above the maximum, throw an error
 * that names the setting.
 */
export function commandService(
  root: string,
  settings: Partial<CommandSettings> = {},
  env: ChildEnvironmentOptions = {},
): CommandService {
  const merged: CommandSettings = { ...DEFAULT_COMMAND_SETTINGS, ...settings };
  const { timeoutMs, maxOutputBytes } = COMMAND_SETTING_BOUNDS;
  for (const name of ['defaultTimeoutMs', 'maxTimeoutMs'] as const) {
    const value = merged[name];
    if (!Number.isInteger(value) || value < timeoutMs.min || value > timeoutMs.max)
      throw new Error(
        `Command setting ${name} must be a whole number of ms from ${timeoutMs.min} to ${timeoutMs.max}; it is ${value}.`,
      );
  }
  if (merged.defaultTimeoutMs > merged.maxTimeoutMs)
    throw new Error(
      `Command setting defaultTimeoutMs (${merged.defaultTimeoutMs}) is above maxTimeoutMs (${merged.maxTimeoutMs}); lower it or raise the maximum.`,
    );
  if (
    !Number.isInteger(merged.maxOutputBytes) ||
    merged.maxOutputBytes < maxOutputBytes.min ||
    merged.maxOutputBytes > maxOutputBytes.max
  )
    throw new Error(
      `Command setting maxOutputBytes must be from ${maxOutputBytes.min} to ${maxOutputBytes.max}; it is ${merged.maxOutputBytes}.`,
    );
  return { ...merged, root, environment: () => childEnvironment(process.env, env) };
}
