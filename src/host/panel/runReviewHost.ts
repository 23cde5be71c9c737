// The host side of the whole-run review: finds a run's folder and checkpoints, records decisions on
// the run, and opens a file's diff (checkpoint against disk) from a read-only virtual document.
import { realpath } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { CheckpointPort } from '../../core/checkpoint/checkpointPort';
import { GitCheckpoints } from '../../core/checkpoint/gitCheckpoints';
import { systemClock } from '../../core/common/clock';
import { Disposable } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';
import { recordOnEndedRun } from '../../core/store/recordOnEndedRun';
import type { RunStore } from '../../core/store/runStore';
import type { ReviewMessage, ReviewRequest } from '../../protocol/review';
import { gitPath } from '../engine/hostEngine';
import { VscodeWorkspace } from '../engine/vscodeWorkspace';
import { RunReviews, type ReviewTarget } from './runReview';

/** The scheme of the checkpoint side of a review diff. */
export const CHECKPOINT_SCHEME = 'agent-orchestrator-checkpoint';

/** What the review needs from the window's container. */
export interface PanelReviewDeps {
  /** The run's workspace folder (asks the user for a run not started here); undefined when there is none. */
  folderOf(runId: string): Promise<vscode.WorkspaceFolder | undefined>;
  /** The folder's checkpoints (`openFolderCheckpoints`: the engine's refs, without building an engine). */
  checkpointsOf(folder: vscode.WorkspaceFolder): Promise<CheckpointPort>;
  store: RunStore;
  /** Running here or in another window. */
  isRunning(runId: string): boolean;
  /** Throws in an untrusted workspace: no file is changed from the panel there. */
  assertTrusted(): void;
  /** Called after a decision was recorded, so views read the run again. */
  recorded(runId: string): void;
  log: vscode.LogOutputChannel;
}

/**
 * The checkpoints of a folder as its engine opens them (real path, VS Code's git), without building
 * an engine: reviewing a run needs no model or API key.
 */
export async function openFolderCheckpoints(folder: vscode.WorkspaceFolder): Promise<CheckpointPort> {
  const gitBinary = gitPath();
  return GitCheckpoints.open(await realpath(folder.uri.fsPath), gitBinary === undefined ? {} : { gitBinary });
}

/** The review for the run panel: answers review messages and opens diffs by file id. */
export class PanelReviews extends Disposable {
  private readonly reviews: RunReviews;
  private readonly roots = new Map<string, string>();

  constructor(private readonly deps: PanelReviewDeps) {
    super();
    this.reviews = new RunReviews({
      target: (runId) => this.target(runId),
      state: async (runId) => (await deps.store.load(runId)).state,
      isRunning: (runId) => deps.isRunning(runId),
      record: async (runId, act) => {
        await recordOnEndedRun(deps.store, runId, systemClock, act);
        deps.recorded(runId);
      },
      assertMayChange: () => deps.assertTrusted(),
    });
    this._register(
      vscode.workspace.registerTextDocumentContentProvider(CHECKPOINT_SCHEME, {
        provideTextDocumentContent: (uri) => {
          const query = new URLSearchParams(uri.query);
          return this.reviews.fileOf(query.get('run') ?? '', query.get('file') ?? '')?.before ?? '';
        },
      }),
    );
  }

  /** The review after the message; undefined when there is nothing to send (a diff was opened). */
  async handle(message: ReviewRequest): Promise<ReviewMessage | undefined> {
    const reply = await this.reviews.handle(message);
    if (message.type === 'openReviewDiff') await this.openDiff(message.runId, message.fileId);
    if (reply?.note && message.type !== 'reviewRequest') this.deps.log.info(`Run ${message.runId}: ${reply.note}`);
    return reply;
  }

  private async target(runId: string): Promise<ReviewTarget | string> {
    const folder = await this.deps.folderOf(runId);
    if (!folder) return 'The run’s workspace folder is not open here, so its changes cannot be reviewed.';
    try {
      const checkpoints = await this.deps.checkpointsOf(folder);
      this.roots.set(runId, folder.uri.toString());
      return { checkpoints, workspace: new VscodeWorkspace(folder, { log: this.deps.log }) };
    } catch (err) {
      return `The review cannot open the workspace’s checkpoints: ${errorMessage(err)}`;
    }
  }

  /** VS Code's diff of the checkpoint's version (left, read-only) against the file on disk. */
  private async openDiff(runId: string, fileId: string): Promise<void> {
    const file = this.reviews.fileOf(runId, fileId);
    const root = this.roots.get(runId);
    if (!file || !root) {
      this.deps.log.warn(`Run panel: no reviewed file ${fileId} of run ${runId} to open; ignored.`);
      return;
    }
    const left = vscode.Uri.from({
      scheme: CHECKPOINT_SCHEME,
      path: `/${file.path}`,
      query: new URLSearchParams({ run: runId, file: fileId }).toString(),
    });
    const right = vscode.Uri.joinPath(vscode.Uri.parse(root), ...file.path.split('/'));
    if (file.status === 'deleted') {
      await vscode.window.showTextDocument(left, { preview: true });
      return;
    }
    const title = vscode.l10n.t('{0} (before the run ↔ now)', file.path);
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  }
}
