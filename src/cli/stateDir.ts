import { homedir } from 'node:os';
import * as path from 'node:path';

/** What the default state folder depends on; injectable for tests. */
export interface StateDirContext {
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
  home: string;
}

const APP = 'agent-orchestrator';

/**
 * The per-user folder that holds runs and agent statistics when `--state-dir` is not given:
 * `$AGENT_ORCHESTRATOR_HOME` when set; otherwise `%LOCALAPPDATA%\agent-orchestrator` (Windows),
 * `~/Library/Application Support/agent-orchestrator` (macOS), or
 * `$XDG_STATE_HOME/agent-orchestrator`, falling back to `~/.local/state/agent-orchestrator`.
 */
export function defaultStateDir(
  ctx: StateDirContext = { env: process.env, platform: process.platform, home: homedir() },
): string {
  const nonEmpty = (value: string | undefined): string | undefined =>
    value !== undefined && value.trim() !== '' ? value : undefined;
  const own = nonEmpty(ctx.env.AGENT_ORCHESTRATOR_HOME);
  if (own) return path.resolve(own);
  if (ctx.platform === 'win32') {
    const local = nonEmpty(ctx.env.LOCALAPPDATA) ?? path.win32.join(ctx.home, 'AppData', 'Local');
    return path.win32.join(local, APP);
  }
  if (ctx.platform === 'darwin') return path.posix.join(ctx.home, 'Library', 'Application Support', APP);
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = nonEmpty(ctx.env.XDG_STATE_HOME);
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(ctx.home, '.local', 'state');
  return path.posix.join(base, APP);
}
