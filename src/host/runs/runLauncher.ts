import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';
import type { ResumeOptions, RunHandle, RunRequest } from '../../core/run/orchestrator';
import type { RunResult } from '../../core/run/runSession';
import type { HostEngine } from '../engine/hostEngine';
import type { HostEngines } from './hostEngines';
import type { RunsModel } from '../views/runsModel';

/** A run a session of this window is executing. */
export interface LaunchedRun {
  readonly handle: RunHandle;
  readonly folder: vscode.WorkspaceFolder;
  readonly engine: HostEngine;
}

/** How a run of this window ended. */
export interface RunEnded {
  readonly runId: string;
  readonly result: RunResult | undefined;
  readonly error: unknown;
}

/** Thrown when a run would start in an untrusted workspace; the message says why. */
export class UntrustedWorkspaceError extends Error {
  override readonly name = 'UntrustedWorkspaceError';
  constructor() {
    super(
      'Agent Orchestrator does not run agents in an untrusted workspace: no model is called and no task, edit or command runs until you trust this workspace.',
    );
  }
}

/** workspaceState key of the run → folder map (run ids and folder URIs only). */
const RUN_FOLDERS_KEY = 'agentOrchestrator.runFolders';
const MAX_REMEMBERED_RUNS = 500;

/**
 * Which workspace folder each run started here belongs to, so resume, retry and rollback act on
 * the right folder (the store under globalStorage holds the runs of every workspace on the machine).
 */
export class RunFolders {
  constructor(private readonly state: vscode.Memento) {}

  /** The folder of a run started from this workspace, if it is still open. */
  folderOf(runId: string): vscode.WorkspaceFolder | undefined {
    const uri = this.map()[runId];
    return uri ? vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === uri) : undefined;
  }

  /** Whether the run was started from this workspace (its folder may have been removed since). */
  knows(runId: string): boolean {
    return this.map()[runId] !== undefined;
  }

  async remember(runId: string, folder: vscode.WorkspaceFolder): Promise<void> {
    const entries = Object.entries(this.map()).filter(([id]) => id !== runId);
    entries.push([runId, folder.uri.toString()]);
    await this.state.update(RUN_FOLDERS_KEY, Object.fromEntries(entries.slice(-MAX_REMEMBERED_RUNS)));
  }

  private map(): Record<string, string> {
    const value = this.state.get<unknown>(RUN_FOLDERS_KEY);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
}

/**
 * Starts and resumes runs on the engine of their folder, and keeps each live run connected: the
 * RunsModel follows its state, the engine is held until it ends, and `onDidEnd` reports how it ended.
 * Its callers (trusted commands, the extension API) have checked Workspace Trust. Disposing it
 * leaves live runs alone: when the window closes or reloads mid-run, the run's lock dies with the
 * extension host and the run shows as interrupted, to be resumed (cancelling here would end it).
 */
export class RunLauncher extends Disposable {
  private readonly live = new Map<string, LaunchedRun>();
  private readonly ended = this._register(new vscode.EventEmitter<RunEnded>());
  /** Fires when a run of this window ends (or its session fails). */
  readonly onDidEnd = this.ended.event;

  constructor(
    private readonly engines: HostEngines,
    private readonly model: RunsModel,
    readonly folders: RunFolders,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Starts a run; resolves once it is started (its `done` resolves when it ends). */
  async start(folder: vscode.WorkspaceFolder, request: RunRequest): Promise<LaunchedRun> {
    const lease = await this.engines.lease(folder);
    let handle: RunHandle;
    try {
      handle = lease.engine.orchestrator.start(request);
    } catch (err) {
      lease.release();
      throw err;
    }
    return this.track(handle, folder, lease.engine, lease.release);
  }

  /** Resumes a run (paused, interrupted, failed or cancelled) on the engine of its folder. */
  async resume(runId: string, folder: vscode.WorkspaceFolder, options: ResumeOptions = {}): Promise<LaunchedRun> {
    if (this.live.has(runId)) throw new Error(`Run ${runId} is still running in this window.`);
    const lease = await this.engines.lease(folder);
    let handle: RunHandle;
    try {
      handle = await lease.engine.orchestrator.resume(runId, options);
    } catch (err) {
      lease.release();
      throw err;
    }
    return this.track(handle, folder, lease.engine, lease.release);
  }

  /** The live run, if this window runs it. */
  get(runId: string): LaunchedRun | undefined {
    return this.live.get(runId);
  }

  /** Every live run of this window. */
  all(): LaunchedRun[] {
    return [...this.live.values()];
  }

  private track(
    handle: RunHandle,
    folder: vscode.WorkspaceFolder,
    engine: HostEngine,
    release: () => void,
  ): LaunchedRun {
    const run: LaunchedRun = { handle, folder, engine };
    this.live.set(handle.runId, run);
    const attachment = this.model.attachLive(handle.runId, () => handle.state);
    void this.folders
      .remember(handle.runId, folder)
      .catch((err: unknown) =>
        this.log.warn(`Could not remember the folder of run ${handle.runId}: ${errorMessage(err)}`),
      );
    handle.done.then(
      (result) => this.finish(run, attachment, release, result, undefined),
      (err: unknown) => {
        this.log.error(`Run ${handle.runId} stopped with an error: ${errorMessage(err)}`);
        this.finish(run, attachment, release, undefined, err);
      },
    );
    return run;
  }

  private finish(
    run: LaunchedRun,
    attachment: { dispose(): void },
    release: () => void,
    result: RunResult | undefined,
    error: unknown,
  ): void {
    this.live.delete(run.handle.runId);
    attachment.dispose();
    release();
    this.ended.fire({ runId: run.handle.runId, result, error });
  }
}
