import type { Checkpoint, CheckpointPort, RollbackResult } from './checkpointPort';

/** The checkpoint port for a workspace outside any git repository: nothing is taken, every operation is a no-op with a note. */
export class NoCheckpoints implements CheckpointPort {
  readonly enabled = false;
  readonly note: string;

  constructor(
    /** The workspace folder that was checked. */
    readonly workspaceRoot: string,
  ) {
    this.note =
      `No checkpoints are taken: ${workspaceRoot} is not inside a git repository, so agent edits cannot be rolled back. ` +
      'Run `git init` in the workspace (or open a folder of a git repository) to enable checkpoints.';
  }

  async take(): Promise<Checkpoint | undefined> {
    return undefined;
  }

  async list(): Promise<Checkpoint[]> {
    return [];
  }

  async rollbackTask(): Promise<RollbackResult> {
    return this.nothingDone();
  }

  async rollbackRun(): Promise<RollbackResult> {
    return this.nothingDone();
  }

  async prune(): Promise<number> {
    return 0;
  }

  private nothingDone(): RollbackResult {
    return { checkpoint: undefined, restored: [], removed: [], undo: undefined, note: this.note };
  }
}
