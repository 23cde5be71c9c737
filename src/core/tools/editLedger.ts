import type { TaskContext } from '../task/agent';

/**
 * The files each attempt has edited through propose_edit, so run_verification can fingerprint
 * them. Keyed weakly by the attempt's context: it is forgotten with the attempt.
 */
export class EditLedger {
  private readonly edited = new WeakMap<TaskContext, Set<string>>();

  /** Notes that the attempt changed `path` (workspace-relative). */
  add(task: TaskContext, path: string): void {
    let paths = this.edited.get(task);
    if (paths === undefined) this.edited.set(task, (paths = new Set()));
    paths.add(path);
  }

  /** The paths the attempt has changed, sorted. */
  paths(task: TaskContext): string[] {
    return [...(this.edited.get(task) ?? [])].sort();
  }
}
