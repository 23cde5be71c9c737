import { createHash } from 'node:crypto';
import type { TaskContext } from '../task/agent';
import { normaliseWorkspacePath } from './isDeclaredWrite';
import type { ToolContext } from './toolContext';
import type { ToolDefinition } from './toolDefinition';

/**
 * What each attempt last saw of the files it read or wrote, as a digest, so propose_edit can refuse a
 * whole-file `content` built from an outdated read: written over a file someone changed since (another
 * task, another run, the user), it would silently undo their change. Keyed weakly by the attempt.
 */
export class ReadLedger {
  private readonly seen = new WeakMap<TaskContext, Map<string, string>>();

  /** Notes that the attempt has seen `path` (workspace-relative) with this content; undefined: missing. */
  saw(task: TaskContext, path: string, content: string | undefined): void {
    let paths = this.seen.get(task);
    if (paths === undefined) this.seen.set(task, (paths = new Map()));
    paths.set(normaliseWorkspacePath(path), digestOf(content));
  }

  /** True when the attempt saw `path` and the file now differs from what it saw; false when it never looked. */
  changedSinceSeen(task: TaskContext, path: string, current: string | undefined): boolean {
    const seen = this.seen.get(task)?.get(normaliseWorkspacePath(path));
    return seen !== undefined && seen !== digestOf(current);
  }

  /**
   * The read_file tool, noting what the attempt saw once a read succeeded. The file is read again for
   * that after the tool's own read: a change in between is not noticed, a window of microseconds
   * rather than the minutes between an agent's read and its edit.
   */
  watch(tool: ToolDefinition<ToolContext>): ToolDefinition<ToolContext> {
    return {
      ...tool,
      run: async (args, ctx) => {
        const result = await tool.run(args, ctx);
        const path = (args as { path?: unknown }).path;
        if (result.isError !== true && typeof path === 'string') {
          const content = await ctx.workspace.readFile(normaliseWorkspacePath(path)).catch(() => null);
          if (content !== null) this.saw(ctx.task, path, content);
        }
        return result;
      },
    };
  }
}

function digestOf(content: string | undefined): string {
  return content === undefined ? 'missing' : createHash('sha256').update(content).digest('hex');
}
