import type { RunFileChange } from './runFiles';

/** A snapshot of the workspace files, stored as a commit on a private ref. */
export interface Checkpoint {
  /** The commit sha holding the snapshot. */
  id: string;
  /** The private ref that keeps the commit alive, e.g. `refs/agent-orchestrator/checkpoints/<run>/<task>/3`. */
  ref: string;
  /** The run the checkpoint belongs to. */
  runId: string;
  /** The task that was about to start when the checkpoint was taken. */
  taskId: string;
  /** Why it was taken, as given to `take`. */
  label: string;
  /** Order within the run (1 = first); parallel takes are ordered by it, not by time. */
  sequence: number;
  /** When it was taken, in milliseconds since the epoch. */
  createdAt: number;
}

/** What `take` needs to know about the task that is about to edit. */
export interface TakeCheckpointInput {
  runId: string;
  taskId: string;
  /** A short human-readable reason, stored in the commit message. */
  label: string;
}

/** What a rollback did; paths are relative to the workspace root and use `/`. */
export interface RollbackResult {
  /** The checkpoint the files were restored to; undefined when nothing could be rolled back. */
  checkpoint: Checkpoint | undefined;
  /** Files modified or deleted since the checkpoint, written back with their checkpointed content. */
  restored: string[];
  /** Files created since the checkpoint (untracked and not ignored), removed. */
  removed: string[];
  /** A snapshot of the files as they were just before the rollback, so the rollback itself can be undone. */
  undo: { id: string; ref: string } | undefined;
  /** Set when nothing was done and the user should know why. */
  note: string | undefined;
}

/** What a run changed in the workspace since its first checkpoint. */
export interface RunDiff {
  /** Changed, added and deleted files, workspace-relative with `/`. */
  paths: string[];
  /** A unified diff of those files, cut to the bound asked for. */
  patch: string;
  /** The patch was cut. */
  truncated: boolean;
}

/** What a run changed, file by file, for the whole-run review. */
export interface RunFiles {
  /** The run's first checkpoint: the "before" of every file. */
  checkpoint: Checkpoint;
  files: RunFileChange[];
}

/** Checkpoints as the engine uses them; a workspace without git gets an implementation whose operations are no-ops. */
export interface CheckpointPort {
  /** False when no checkpoints are taken (the workspace is not in a git repository). */
  readonly enabled: boolean;
  /** A user-facing explanation when checkpoints are off; undefined when they are on. */
  readonly note: string | undefined;
  /** Snapshots the workspace before a task edits it; undefined when checkpoints are off. */
  take(input: TakeCheckpointInput): Promise<Checkpoint | undefined>;
  /** The run's checkpoints in the order they were taken. */
  list(runId: string): Promise<Checkpoint[]>;
  /**
   * Restores the workspace files to the first checkpoint taken for the task. The whole workspace goes back:
   * edits made since by tasks running in parallel are rolled back too.
   */
  rollbackTask(runId: string, taskId: string): Promise<RollbackResult>;
  /** Restores the workspace files to the first checkpoint of the run. */
  rollbackRun(runId: string): Promise<RollbackResult>;
  /** Deletes the run's checkpoint and undo refs; resolves with how many were deleted. */
  prune(runId: string): Promise<number>;
  /** The workspace now against the run's first checkpoint; undefined when there is none. */
  runDiff?(runId: string, maxChars: number): Promise<RunDiff | undefined>;
  /** The files that differ now from the run's first checkpoint, with their text there; undefined without a checkpoint. */
  runFiles?(runId: string): Promise<RunFiles | undefined>;
  /**
   * Puts the given files (workspace-relative) back as they were at the run's first checkpoint: written back, or
   * removed when the run created them; other files are left alone. A snapshot of the files before is kept (undo).
   */
  rollbackFiles?(runId: string, paths: readonly string[]): Promise<RollbackResult>;
}
