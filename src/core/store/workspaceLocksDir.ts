import { homedir } from 'node:os';
import * as path from 'node:path';

/** What the per-user lock folder depends on; injectable for tests. */
export interface WorkspaceLocksDirContext {
  platform: NodeJS.Platform;
  home: string;
}

/**
 * The per-user folder of workspace locks, the same for the CLI and every editor window of a user:
 * `%USERPROFILE%\AppData\Local\agent-orchestrator\locks` (Windows),
 * `~/Library/Application Support/agent-orchestrator/locks` (macOS), `~/.local/state/agent-orchestrator/locks`
 * (elsewhere). Unlike the CLI's state folder it follows no environment variable
 * (`AGENT_ORCHESTRATOR_HOME`, `XDG_STATE_HOME`, `LOCALAPPDATA`): a terminal and an editor started
 * from the desktop often see different values, and two runs that look in two folders would not
 * see each other's lock.
 */
export function defaultWorkspaceLocksDir(
  ctx: WorkspaceLocksDirContext = { platform: process.platform, home: homedir() },
): string {
  const app = 'agent-orchestrator';
  if (ctx.platform === 'win32') return path.win32.join(ctx.home, 'AppData', 'Local', app, 'locks');
  if (ctx.platform === 'darwin') return path.posix.join(ctx.home, 'Library', 'Application Support', app, 'locks');
  return path.posix.join(ctx.home, '.local', 'state', app, 'locks');
}
