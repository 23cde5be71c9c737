import * as vscode from 'vscode';

/** Command ids and context keys of the approval UI, as contributed in package.json. */
export const ApprovalCommands = {
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

/** Registers the approval commands; a failing command is logged and shown, never thrown into VS Code. */
export function registerApprovalCommands(
  handlers: ApprovalCommandHandlers,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const command = (id: string, run: (...args: unknown[]) => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await run(...args);
      } catch (err) {
        log.error(`${id} failed`, err);
        void vscode.window.showErrorMessage(err instanceof Error ? err.message : String(err));
      }
    });
  return [
    command(ApprovalCommands.acceptEdit, (arg) => handlers.acceptEditCommand(arg)),
    command(ApprovalCommands.rejectEdit, (arg) => handlers.rejectEditCommand(arg)),
    command(ApprovalCommands.acceptHunk, (id, index) => handlers.hunkCommand(id, index, 'accepted')),
    command(ApprovalCommands.rejectHunk, (id, index) => handlers.hunkCommand(id, index, 'rejected')),
    command(ApprovalCommands.reviewPendingEdits, (arg) => handlers.reviewPendingCommand(arg)),
    command(ApprovalCommands.openEditDiff, (arg) => handlers.openEditDiffCommand(arg)),
  ];
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
