import { z } from 'zod';

/** Longest path a tool takes: Linux's PATH_MAX. A longer one cannot name a file, only flood the reply that quotes it. */
export const MAX_TOOL_PATH_CHARS = 4096;
/** Longest text one edit may carry (whole content, a search or a replace): what the workspace still reads back (1 MiB). */
export const MAX_EDIT_TEXT_CHARS = 1024 * 1024;
/** Longest search query or glob. */
export const MAX_QUERY_CHARS = 1000;

/** A workspace-relative path argument of a tool, bounded so an error that quotes it stays short. */
export function toolPathArg(description: string): z.ZodString {
  return z
    .string()
    .min(1)
    .max(MAX_TOOL_PATH_CHARS, `a path must be at most ${MAX_TOOL_PATH_CHARS} characters`)
    .describe(description);
}

/** Whether a glob climbs out of the workspace (`..`) or starts at a root (`/x`, `C:\x`): it can never match a workspace file. */
export function globLeavesWorkspace(glob: string): boolean {
  return /^([\\/]|[A-Za-z]:)/.test(glob) || glob.split(/[\\/]/).includes('..');
}

/** The answer to a glob that leaves the workspace. */
export function globOutsideMessage(glob: string): string {
  return `The glob ${JSON.stringify(glob)} leaves the workspace; globs are relative to the workspace root, e.g. "src/**/*.ts".`;
}
