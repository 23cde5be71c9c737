// The whole-run review of one run: computed from the run's first checkpoint and the files on disk,
// with per-hunk accept and revert and whole-file revert. Free of `vscode`: the host passes in ports.
import type { CheckpointPort, RollbackResult } from '../../core/checkpoint/checkpointPort';
import { MAX_REVIEW_FILE_BYTES } from '../../core/checkpoint/runFiles';
import { errorMessage } from '../../core/common/errors';
import type { RunEventBody } from '../../core/model/runEvents';
import type { RunState } from '../../core/model/runState';
import type { ReviewFile, ReviewMessage, ReviewRequest } from '../../protocol/review';
import {
  contentHash,
  MAX_LINES_PER_FILE,
  reviewFileOf,
  reviewFileView,
  revertedText,
  type FileReview,
} from './runReviewModel';

/** Files sent in one review; the rest are counted. */
export const MAX_REVIEW_FILES = 300;
/** Diff lines sent in one review, over all files (with `MAX_LINE_CHARS`, a few MB at worst); the rest are counted. */
export const MAX_REVIEW_LINES = 5000;

/** The files of the run's folder, through the same safe reader and writer the host uses for agents' edits. */
export interface ReviewWorkspace {
  readFile(path: string): Promise<string | undefined>;
  writeFile(path: string, content: string): Promise<void>;
}

/** Where a run's files are: its folder's checkpoints and files. */
export interface ReviewTarget {
  checkpoints: CheckpointPort;
  workspace: ReviewWorkspace;
}

/** What the review needs from the host. */
export interface RunReviewPorts {
  /** The run's folder, or why there is none (the message says what to do). */
  target(runId: string): Promise<ReviewTarget | string>;
  /** The run's state as recorded. */
  state(runId: string): Promise<Readonly<RunState> | undefined>;
  /** The run is still running (here or in another window): nothing may be changed yet. */
  isRunning(runId: string): boolean;
  /**
   * Carries out `act` while holding the ended run, then records the events it returns; refuses
   * (throws before `act`) when another window or process owns the run.
   */
  record(runId: string, act: () => Promise<RunEventBody[]>): Promise<void>;
  /** Throws when files may not be changed from here (an untrusted workspace). */
  assertMayChange(): void;
}

/** Computes reviews and carries out decisions; keeps the last review of each run to check ids and hashes against. */
export class RunReviews {
  private readonly computed = new Map<string, Map<string, FileReview>>();

  constructor(private readonly ports: RunReviewPorts) {}

  /** The file of the last review of a run, by the id the webview names it by. */
  fileOf(runId: string, fileId: string): FileReview | undefined {
    return this.computed.get(runId)?.get(fileId);
  }

  /** Answers a review message with the review as it is after it; undefined for `openReviewDiff` (the host opens it). */
  async handle(message: ReviewRequest): Promise<ReviewMessage | undefined> {
    switch (message.type) {
      case 'reviewRequest':
        return this.review(message.runId);
      case 'openReviewDiff':
        return undefined;
      case 'hunkDecision':
        return this.act(message.runId, message.fileId, (file, target) =>
          message.decision === 'accept'
            ? this.accept(message.runId, file, message.hunkId)
            : this.revertHunk(message.runId, file, message.hunkId, target),
        );
      case 'revertFile':
        return this.act(message.runId, message.fileId, (file, target) => this.revertFile(message.runId, file, target));
    }
  }

  /** Computes the review of a run afresh; `note` tells what the last action did. */
  async review(runId: string, note?: string): Promise<ReviewMessage> {
    const readOnly = this.ports.isRunning(runId);
    const unavailable = (why: string): ReviewMessage => {
      this.computed.delete(runId);
      return { type: 'review', runId, status: 'unavailable', files: [], moreFiles: 0, note: why, readOnly };
    };
    const target = await this.ports.target(runId);
    if (typeof target === 'string') return unavailable(target);
    if (!target.checkpoints.enabled || !target.checkpoints.runFiles) {
      return unavailable(
        `The review needs checkpoints (git). ${target.checkpoints.note ?? 'Checkpoints are off in this workspace.'}`,
      );
    }
    const changes = await target.checkpoints.runFiles(runId);
    if (!changes) {
      return unavailable(
        `Run "${runId}" has no checkpoints (no task edited files, or they were pruned), so there is nothing to review.`,
      );
    }
    const state = await this.ports.state(runId);
    const accepted = new Set(Object.keys(state?.reviewAccepted ?? {}));
    const files = new Map<string, FileReview>();
    const views: ReviewFile[] = [];
    let lines = MAX_REVIEW_LINES;
    for (const change of changes.files) {
      const file = await this.readAndReview(target, change);
      files.set(file.fileId, file);
      if (views.length >= MAX_REVIEW_FILES) continue;
      const view = reviewFileView(file, accepted, tasksOf(state, file.path), Math.min(MAX_LINES_PER_FILE, lines));
      lines -= view.hunks.reduce((n, h) => n + h.lines.length, 0);
      views.push(view);
    }
    this.computed.set(runId, files);
    const empty = files.size === 0 ? 'No changes: every file is as it was before the run.' : undefined;
    const text = [note, empty].filter((t) => t !== undefined).join(' ');
    return {
      type: 'review',
      runId,
      status: 'ready',
      files: views,
      moreFiles: files.size - views.length,
      ...(text ? { note: text } : {}),
      readOnly,
    };
  }

  private async readAndReview(target: ReviewTarget, change: Parameters<typeof reviewFileOf>[0]): Promise<FileReview> {
    if (change.status === 'deleted' || change.binary) return reviewFileOf(change, undefined);
    try {
      const after = await target.workspace.readFile(change.path);
      if (after !== undefined && Buffer.byteLength(after, 'utf8') > MAX_REVIEW_FILE_BYTES)
        return reviewFileOf({ ...change, tooLarge: true }, after);
      return reviewFileOf(change, after);
    } catch (err) {
      return reviewFileOf(change, undefined, `Could not be read (${errorMessage(err)}); it can be reverted whole.`);
    }
  }

  /** Finds the file and the run's folder, refuses while the run runs or changes are not allowed, then acts. */
  private async act(
    runId: string,
    fileId: string,
    action: (file: FileReview, target: ReviewTarget) => Promise<string>,
  ): Promise<ReviewMessage> {
    const file = this.fileOf(runId, fileId);
    if (!file) {
      return this.review(runId, 'That file is no longer in the review (it changed or was reverted); look again.');
    }
    if (this.ports.isRunning(runId)) {
      return this.review(
        runId,
        'The run is still running: review its changes once it has ended, or pause or cancel it.',
      );
    }
    let note: string;
    try {
      this.ports.assertMayChange();
      const target = await this.ports.target(runId);
      if (typeof target === 'string') return this.review(runId, target);
      note = await action(file, target);
    } catch (err) {
      note = `Nothing was changed: ${errorMessage(err)}`;
    }
    return this.review(runId, note);
  }

  private async accept(runId: string, file: FileReview, hunkId: string): Promise<string> {
    if (!file.hunks.some((h) => h.hunkId === hunkId)) return staleHunk(file);
    await this.ports.record(runId, async () => [{ type: 'review.accepted', path: file.path, hunkId }]);
    return `Kept a change in ${file.path}.`;
  }

  private async revertHunk(runId: string, file: FileReview, hunkId: string, target: ReviewTarget): Promise<string> {
    if (!file.hunks.some((h) => h.hunkId === hunkId)) return staleHunk(file);
    const changed = await changedSince(file, target);
    if (changed) return changed;
    // An added or deleted file is one hunk: putting it back is restoring the whole file.
    if (file.status !== 'modified') return this.restore(runId, file, target, hunkId);
    await this.ports.record(runId, async () => {
      await target.workspace.writeFile(file.path, revertedText(file, hunkId));
      return [{ type: 'review.reverted', path: file.path, hunkId }];
    });
    return `Reverted a change in ${file.path}.`;
  }

  private async revertFile(runId: string, file: FileReview, target: ReviewTarget): Promise<string> {
    const changed = await changedSince(file, target);
    if (changed) return changed;
    return this.restore(runId, file, target, undefined);
  }

  /** The whole file back from the checkpoint through the rollback code (or removed, when the run added it). */
  private async restore(
    runId: string,
    file: FileReview,
    target: ReviewTarget,
    hunkId: string | undefined,
  ): Promise<string> {
    const rollbackFiles = target.checkpoints.rollbackFiles?.bind(target.checkpoints);
    if (!rollbackFiles) return 'Nothing was changed: this workspace has no checkpoints.';
    let result: RollbackResult | undefined;
    await this.ports.record(runId, async () => {
      result = await rollbackFiles(runId, [file.path]);
      return result.checkpoint ? [{ type: 'review.reverted', path: file.path, ...(hunkId ? { hunkId } : {}) }] : [];
    });
    if (!result?.checkpoint) return `Nothing was changed: ${result?.note ?? 'no checkpoint was found.'}`;
    return result.removed.length > 0
      ? `Removed ${file.path}, which the run created.`
      : `Put ${file.path} back as it was before the run.`;
  }
}

/** Why nothing is done when the file on disk is no longer what the review was computed from; undefined when it is. */
async function changedSince(file: FileReview, target: ReviewTarget): Promise<string | undefined> {
  // Binary, too large or unreadable files were not read: only whole-file revert applies, from the checkpoint.
  if (file.note !== undefined) return undefined;
  const now = await target.workspace.readFile(file.path);
  if (contentHash(now) === file.afterHash) return undefined;
  return `${file.path} changed since this review was computed, so nothing was reverted. The review now shows the file as it is; choose again.`;
}

function staleHunk(file: FileReview): string {
  return `That change is no longer in ${file.path}; the review was refreshed, so look again.`;
}

/** The tasks whose applied edits changed `path`. */
function tasksOf(state: Readonly<RunState> | undefined, path: string): string[] {
  if (!state) return [];
  const clean = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');
  return Object.values(state.tasks)
    .filter((t) => t.changedPaths.some((p) => clean(p) === path))
    .map((t) => t.id);
}
