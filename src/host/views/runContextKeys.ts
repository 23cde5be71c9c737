import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { RunsModel } from './runsModel';

/** The run context keys of package.json's `when` clauses (`hasPendingEdits` and `proposalActive` are DiffApprovals'). */
export const ContextKeys = {
  hasActiveRun: 'agentOrchestrator.hasActiveRun',
  hasResumableRun: 'agentOrchestrator.hasResumableRun',
  hasRuns: 'agentOrchestrator.hasRuns',
} as const;

/** Keeps the run context keys in step with the RunsModel; `setContext` is only called when a value really changes. */
export class RunContextKeys extends Disposable {
  private readonly values = new Map<string, boolean>();

  constructor(private readonly model: RunsModel) {
    super();
    this._register(model.onDidChange(() => this.update()));
    this.update();
  }

  /** Recomputes every key. */
  update(): void {
    this.set(ContextKeys.hasRuns, this.model.runs().length > 0);
    this.set(ContextKeys.hasActiveRun, this.model.activeRuns().length > 0);
    this.set(ContextKeys.hasResumableRun, this.model.resumableRuns().length > 0);
  }

  private set(key: string, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
