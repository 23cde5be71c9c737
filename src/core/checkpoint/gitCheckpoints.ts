import { systemClock } from '../common/clock';
import type { Clock } from '../common/clock';
import type {
  Checkpoint,
  CheckpointPort,
  RollbackResult,
  RunDiff,
  RunFiles,
  TakeCheckpointInput,
} from './checkpointPort';
import {
  checkpointMessage,
  checkpointRef,
  LIST_FORMAT,
  maxSequence,
  parseCheckpointList,
  runCheckpointPrefix,
  runUndoPrefix,
} from './checkpointRefs';
import { GitCommandError } from './gitCommandError';
import { BaseIndexCache } from './baseIndexCache';
import { BatchQueue, type BatchOutcome, type OpenBatch } from './batchQueue';
import { GitRunner } from './gitRunner';
import { NoCheckpoints } from './noCheckpoints';
import { restorePaths, restoreWorktree } from './restoreWorktree';
import { changedFiles } from './runFiles';
import { SerialQueue } from './serialQueue';
import { SharedExclusiveQueue } from './sharedExclusiveQueue';
import { commitTree, commitTrees, resolveHead, snapshotTree } from './worktreeSnapshot';

/** How `GitCheckpoints.open` runs git. */
export interface GitCheckpointsOptions {
  /** The git executable; defaults to `git` on PATH. */
  gitBinary?: string;
  /** Extra environment for every git command (tests isolate from the user's config with HOME / GIT_CONFIG_NOSYSTEM). */
  env?: Record<string, string>;
  /** Timestamps and lock-retry waits. */
  clock?: Clock;
  /** Retries while another git process holds a lock; default 8. */
  lockRetries?: number;
}

/** Attempts to find a free sequence number when another process takes checkpoints of the same run at the same time. */
const CREATE_REF_ATTEMPTS = 10;

/**
 * Checkpoints as commits on private refs (`refs/agent-orchestrator/checkpoints/<run>/<task>/<n>`), taken and
 * restored through temporary index files: the user's branch, HEAD, index, stash and working tree are never touched
 * by `take`, and a rollback only writes the workspace files. Everything is scoped to the workspace folder, which may
 * be a subfolder of the repository.
 */
export class GitCheckpoints implements CheckpointPort {
  readonly enabled = true;
  readonly note = undefined;
  /** Takes, lists and diffs run together (each snapshot has its own index); a rollback or prune runs alone. */
  private readonly access = new SharedExclusiveQueue();
  /** Takes asked for while a snapshot runs wait and share the next one. */
  private readonly takes = new BatchQueue<TakeCheckpointInput, Checkpoint>((batch) => this.takeBatch(batch));
  /** Takes resolve in the order they were asked for, so no task edits before an earlier checkpoint is complete. */
  private readonly takeOrder = new SerialQueue();
  /** HEAD's tree as an index file, shared by every snapshot while HEAD stays put. */
  private readonly baseIndex = new BaseIndexCache();
  /** The highest sequence number known or handed out, per ref prefix; read from git once per prefix. */
  private readonly highest = new Map<string, number>();
  private readonly loadingHighest = new Map<string, Promise<void>>();

  private constructor(
    private readonly git: GitRunner,
    private readonly clock: Clock,
    /** The workspace folder checkpoints are scoped to. */
    readonly workspaceRoot: string,
    /** The top of the git working tree that holds the workspace. */
    readonly repositoryRoot: string,
  ) {}

  /** Opens checkpoints for a workspace; a folder outside any git working tree gets `NoCheckpoints` with its note. */
  static async open(
    workspaceRoot: string,
    options: GitCheckpointsOptions = {},
  ): Promise<GitCheckpoints | NoCheckpoints> {
    const clock = options.clock ?? systemClock;
    const git = new GitRunner({
      cwd: workspaceRoot,
      binary: options.gitBinary,
      env: options.env,
      clock,
      lockRetries: options.lockRetries,
    });
    // One git process on the way to a run's first request: where it is and the top of the work tree.
    let answer: string;
    try {
      answer = await git.run(['rev-parse', '--is-inside-work-tree', '--show-toplevel']);
    } catch (err) {
      if (!(err instanceof GitCommandError)) throw err;
      if (/not a git repository/i.test(err.stderr)) return new NoCheckpoints(workspaceRoot);
      // Inside a .git folder or a bare repository git says "false" and refuses --show-toplevel: there
      // are no working files to snapshot. Asked alone, the first question tells that from any other failure.
      if ((await git.run(['rev-parse', '--is-inside-work-tree'])).trim() !== 'true')
        return new NoCheckpoints(workspaceRoot);
      throw err;
    }
    const [insideWorkTree, top] = answer.split('\n').map((line) => line.trim());
    if (insideWorkTree !== 'true' || !top) return new NoCheckpoints(workspaceRoot);
    return new GitCheckpoints(git, clock, workspaceRoot, top);
  }

  async take(input: TakeCheckpointInput): Promise<Checkpoint> {
    checkpointRef(input.runId, input.taskId, 1); // validates the ids before any git work
    // Shared per take, so a rollback asked for between two takes still runs between them.
    const work = this.access.shared(() => this.takes.add(input));
    return this.takeOrder.run(() => work);
  }

  /**
   * Takes every checkpoint asked for together with one snapshot: no task of the batch has edited yet (each waits for
   * its checkpoint), so they share the tree, and git runs once per step for all of them instead of once per take.
   */
  private async takeBatch(batch: OpenBatch<TakeCheckpointInput>): Promise<Array<BatchOutcome<Checkpoint>>> {
    // Work that does not depend on the members comes first: takes asked for meanwhile join this batch.
    const head = await resolveHead(this.git);
    const prefixes = new Set(batch.peek().map((input) => runCheckpointPrefix(input.runId)));
    await Promise.all([...prefixes].map((prefix) => this.loadHighest(prefix, false)));
    await this.baseIndex.load(this.git, head);
    const inputs = batch.close();
    const sequences: number[] = [];
    // Numbered on arrival, so the run's order is the order takes were asked for, whichever finishes first.
    for (const input of inputs) sequences.push(await this.nextSequence(runCheckpointPrefix(input.runId)));
    const createdAt = this.clock.now();
    const tree = await snapshotTree(this.git, head, this.baseIndex);
    const ids = await commitTrees(
      this.git,
      inputs.map((input) => ({
        tree,
        parent: head,
        message: checkpointMessage(input.label, input.runId, input.taskId, createdAt),
        at: createdAt,
      })),
    );
    const refs = inputs.map((input, i) => checkpointRef(input.runId, input.taskId, sequences[i]!));
    const together = await this.createRefsAtOnce(refs, ids);
    return Promise.all(
      inputs.map(async (input, i): Promise<BatchOutcome<Checkpoint>> => {
        try {
          const prefix = runCheckpointPrefix(input.runId);
          const refFor = (n: number): string => checkpointRef(input.runId, input.taskId, n);
          const { ref, sequence } = together
            ? { ref: refs[i]!, sequence: sequences[i]! }
            : await this.createRef(prefix, refFor, ids[i]!, sequences[i]!);
          const checkpoint: Checkpoint = {
            id: ids[i]!,
            ref,
            runId: input.runId,
            taskId: input.taskId,
            label: input.label,
            sequence,
            createdAt,
          };
          return { ok: true, value: checkpoint };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /** Creates every ref in one git transaction; false (nothing created) when one already exists, so each goes alone. */
  private async createRefsAtOnce(refs: readonly string[], ids: readonly string[]): Promise<boolean> {
    if (refs.length < 2) return false;
    try {
      await this.git.run(['update-ref', '--stdin'], {
        input: refs.map((ref, i) => `create ${ref} ${ids[i]}\n`).join(''),
      });
      return true;
    } catch (err) {
      if (err instanceof GitCommandError && /already exists/i.test(err.stderr)) return false;
      throw err;
    }
  }

  async list(runId: string): Promise<Checkpoint[]> {
    return this.access.shared(() => this.listNow(runId));
  }

  async rollbackTask(runId: string, taskId: string): Promise<RollbackResult> {
    // Exclusive from the moment it is asked for: a take asked for later snapshots the rolled-back files.
    return this.access.exclusive(async () => {
      const first = (await this.listNow(runId)).find((c) => c.taskId === taskId);
      if (!first)
        return nothingToRollBack(
          `No checkpoint was taken for task "${taskId}" of run "${runId}", so nothing was rolled back.`,
        );
      return this.rollbackTo(first);
    });
  }

  async rollbackRun(runId: string): Promise<RollbackResult> {
    return this.access.exclusive(async () => {
      const first = (await this.listNow(runId))[0];
      if (!first)
        return nothingToRollBack(
          `Run "${runId}" has no checkpoints (none taken, or pruned), so nothing was rolled back.`,
        );
      return this.rollbackTo(first);
    });
  }

  async prune(runId: string): Promise<number> {
    const prefixes = [runCheckpointPrefix(runId), runUndoPrefix(runId)];
    return this.access.exclusive(async () => {
      const refs = await this.refNames(...prefixes);
      prefixes.forEach((prefix) => this.highest.delete(prefix));
      if (refs.length === 0) return 0;
      // One transaction: either every ref of the run goes, or none.
      await this.git.run(['update-ref', '--stdin'], { input: refs.map((ref) => `delete ${ref}\n`).join('') });
      return refs.length;
    });
  }

  async runDiff(runId: string, maxChars: number): Promise<RunDiff | undefined> {
    return this.access.shared(async () => {
      const first = (await this.listNow(runId))[0];
      if (!first) return undefined;
      const now = await snapshotTree(this.git, await resolveHead(this.git), this.baseIndex);
      const range = [first.id, now, '--relative', '--', '.'];
      const names = await this.git.run(['diff', '--name-only', '--no-renames', ...range]);
      const patch = await this.git.run(['diff', '--no-color', '--no-ext-diff', '--no-renames', ...range]);
      const truncated = patch.length > maxChars;
      return {
        paths: names.split('\n').filter((line) => line.length > 0),
        patch: truncated ? `${patch.slice(0, Math.max(0, maxChars - 1))}…` : patch,
        truncated,
      };
    });
  }

  async runFiles(runId: string): Promise<RunFiles | undefined> {
    return this.access.shared(async () => {
      const first = (await this.listNow(runId))[0];
      if (!first) return undefined;
      const now = await snapshotTree(this.git, await resolveHead(this.git), this.baseIndex);
      return { checkpoint: first, files: await changedFiles(this.git, first.id, now) };
    });
  }

  async rollbackFiles(runId: string, paths: readonly string[]): Promise<RollbackResult> {
    return this.access.exclusive(async () => {
      const first = (await this.listNow(runId))[0];
      if (!first)
        return nothingToRollBack(`Run "${runId}" has no checkpoints (none taken, or pruned), so nothing was reverted.`);
      return this.rollbackTo(first, paths);
    });
  }

  private async listNow(runId: string): Promise<Checkpoint[]> {
    const prefix = runCheckpointPrefix(runId);
    return parseCheckpointList(await this.git.run(['for-each-ref', `--format=${LIST_FORMAT}`, prefix]), runId);
  }

  /** Restores the whole workspace, or only `paths`, to `checkpoint`; runs inside an exclusive job. */
  private async rollbackTo(checkpoint: Checkpoint, paths?: readonly string[]): Promise<RollbackResult> {
    const head = await resolveHead(this.git);
    const input = {
      root: this.workspaceRoot,
      target: checkpoint.id,
      snapshot: () => snapshotTree(this.git, head, this.baseIndex),
    };
    const outcome =
      paths === undefined ? await restoreWorktree(this.git, input) : await restorePaths(this.git, { ...input, paths });
    const changed = outcome.restored.length + outcome.removed.length > 0;
    const undo = changed ? await this.saveUndo(checkpoint, outcome.before, head) : undefined;
    return { checkpoint, restored: outcome.restored, removed: outcome.removed, undo, note: undefined };
  }

  /** Keeps the pre-rollback files on an undo ref: a rollback must never be the only copy of the user's later work. */
  private async saveUndo(
    checkpoint: Checkpoint,
    tree: string,
    head: string | undefined,
  ): Promise<{ id: string; ref: string }> {
    const at = this.clock.now();
    const message = checkpointMessage(`before rollback to ${checkpoint.ref}`, checkpoint.runId, checkpoint.taskId, at);
    const id = await commitTree(this.git, { tree, parent: head, message, at });
    const prefix = runUndoPrefix(checkpoint.runId);
    const { ref } = await this.createRef(prefix, (n) => `${prefix}${n}`, id, await this.nextSequence(prefix));
    return { id, ref };
  }

  /**
   * Creates `refFor(sequence)`, or the next free number when another process made that ref first: an empty old
   * value makes git refuse to overwrite it.
   */
  private async createRef(
    prefix: string,
    refFor: (n: number) => string,
    id: string,
    firstSequence: number,
  ): Promise<{ ref: string; sequence: number }> {
    let sequence = firstSequence;
    for (let attempt = 1; ; attempt++) {
      const ref = refFor(sequence);
      try {
        await this.git.run(['update-ref', ref, id, '']);
        return { ref, sequence };
      } catch (err) {
        if (!(err instanceof GitCommandError) || !/already exists/i.test(err.stderr) || attempt >= CREATE_REF_ATTEMPTS)
          throw err;
        await this.loadHighest(prefix, true);
        sequence = await this.nextSequence(prefix);
      }
    }
  }

  /** Hands out the next sequence number under `prefix`; only the first call per prefix asks git. */
  private async nextSequence(prefix: string): Promise<number> {
    if (!this.highest.has(prefix)) await this.loadHighest(prefix, false);
    const next = (this.highest.get(prefix) ?? 0) + 1;
    this.highest.set(prefix, next);
    return next;
  }

  /** Reads the highest existing number under `prefix` from git (again when `refresh`); callers at once share one read. */
  private loadHighest(prefix: string, refresh: boolean): Promise<void> {
    const pending = this.loadingHighest.get(prefix);
    if (pending) return pending;
    if (!refresh && this.highest.has(prefix)) return Promise.resolve();
    const load = this.refNames(prefix)
      .then((names) => {
        this.highest.set(prefix, Math.max(this.highest.get(prefix) ?? 0, maxSequence(names)));
      })
      .finally(() => this.loadingHighest.delete(prefix));
    this.loadingHighest.set(prefix, load);
    return load;
  }

  private async refNames(...prefixes: string[]): Promise<string[]> {
    const out = await this.git.run(['for-each-ref', '--format=%(refname)', ...prefixes]);
    return out.split('\n').filter((line) => line.length > 0);
  }
}

function nothingToRollBack(note: string): RollbackResult {
  return { checkpoint: undefined, restored: [], removed: [], undo: undefined, note };
}
