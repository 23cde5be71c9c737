import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import type { CommandRegistrar } from '../activation/commandTable';

/** Command ids and context keys of the approval UI, as contributed in package.json. */
export const ApprovalCommandIds = {
  acceptEdit: 'agentOrchestrator.acceptEdit',
  rejectEdit: 'agentOrchestrator.rejectEdit',
  acceptHunk: 'agentOrchestrator.acceptHunk',
  rejectHunk: 'agentOrchestrator.rejectHunk',
  reviewPendingEdits: 'agentOrchestrator.reviewPendingEdits',
  openEditDiff: 'agentOrchestrator.openEditDiff',
  /** True while the active editor shows a pending proposal (its diff or its draft). */
  proposalActiveKey: 'agentOrchestrator.proposalActive',
  /** True while any edit waits for approval. */
  hasPendingEditsKey: 'agentOrchestrator.hasPendingEdits',
} as const;

/** The command handlers DiffApprovals provides; arguments come from menus, CodeLenses and the run tree. */
export interface ApprovalCommandHandlers {
  acceptEditCommand(arg: unknown): Promise<void>;
  rejectEditCommand(arg: unknown): Promise<void>;
  hunkCommand(approvalId: unknown, hunkIndex: unknown, state: 'accepted' | 'rejected'): Promise<void>;
  reviewPendingCommand(arg: unknown): Promise<void>;
  openEditDiffCommand(arg: unknown): Promise<void>;
}

/** The registered approval commands; a failing command is logged and shown, never thrown into VS Code. */
export class ApprovalCommands extends Disposable {
  constructor(handlers: ApprovalCommandHandlers, log: vscode.LogOutputChannel, registerCommand: CommandRegistrar) {
    super();
    const command = (id: string, run: (...args: unknown[]) => Promise<void>): void => {
      this._register(
        registerCommand(id, async (...args: unknown[]) => {
          try {
            await run(...args);
          } catch (err) {
            log.error(`${id} failed`, err);
            void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
          }
        }),
      );
    };
    command(ApprovalCommandIds.acceptEdit, (arg) => handlers.acceptEditCommand(arg));
    command(ApprovalCommandIds.rejectEdit, (arg) => handlers.rejectEditCommand(arg));
    command(ApprovalCommandIds.acceptHunk, (id, index) => handlers.hunkCommand(id, index, 'accepted'));
    command(ApprovalCommandIds.rejectHunk, (id, index) => handlers.hunkCommand(id, index, 'rejected'));
    command(ApprovalCommandIds.reviewPendingEdits, (arg) => handlers.reviewPendingCommand(arg));
    command(ApprovalCommandIds.openEditDiff, (arg) => handlers.openEditDiffCommand(arg));
  }
}

/** Sets context keys, only when their value changes. */
export class ContextKeys {
  private readonly values = new Map<string, boolean>();

  set(key: string, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
