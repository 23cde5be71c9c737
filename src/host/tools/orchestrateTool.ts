import * as vscode from 'vscode';
import { assertTrustedWorkspace, pickFolder, type HostServices } from '../commands/commandSupport';
import { launchGoal } from '../commands/orchestrateCommand';
import { followRun } from '../commands/followRun';
import {
  invokeOrchestrate,
  orchestrateConfirmation,
  parseOrchestrateInput,
  type OrchestrateToolPorts,
} from './orchestrateToolLogic';

/** A language-model tool as `vscode.lm.registerTool` takes it (the API is declared in activation/lmToolRegistration.ts). */
export interface LmTool {
  prepareInvocation?(options: { input: unknown }, token: vscode.CancellationToken): unknown;
  invoke(options: { input: unknown }, token: vscode.CancellationToken): Promise<unknown>;
}

/** The result classes of the language-model tool API (VS Code 1.95+), looked up at run time. */
interface LmToolClasses {
  LanguageModelToolResult: new (content: unknown[]) => unknown;
  LanguageModelTextPart: new (value: string) => unknown;
}

/**
 * The `orchestrate` tool, which Copilot agent mode (or any tool caller) uses to hand a goal to us.
 * It goes through "Orchestrate Goal…"'s path: the trust check, `launchGoal` (host launcher,
 * approvals, budget settings) and `followRun`. Activation registers it (registerLmTool) and
 * forwards each call here once the engine is loaded.
 */
export function orchestrateTool(services: HostServices): LmTool {
  const { LanguageModelToolResult, LanguageModelTextPart } = vscode as unknown as LmToolClasses;
  const ports = hostPorts(services);
  return {
    prepareInvocation: (options) => {
      const input = parseOrchestrateInput(options.input);
      const confirm = orchestrateConfirmation(input);
      return {
        invocationMessage: input.dryRun ? vscode.l10n.t('Planning the goal') : vscode.l10n.t('Orchestrating the goal'),
        confirmationMessages: {
          title: confirm.title,
          message: new vscode.MarkdownString().appendText(confirm.message),
        },
      };
    },
    invoke: async (options, token) => {
      const text = await invokeOrchestrate(options.input, ports, token);
      return new LanguageModelToolResult([new LanguageModelTextPart(text)]);
    },
  };
}

/** The tool's ports over the host's command path. */
export function hostPorts(services: HostServices): OrchestrateToolPorts<vscode.WorkspaceFolder> {
  return {
    assertTrusted: assertTrustedWorkspace,
    pickFolder: () =>
      pickFolder(
        vscode.l10n.t('A language-model tool asks to orchestrate a goal: which folder should the agents work in?'),
      ),
    start: async (folder, goal, dryRun) => {
      const launched = await launchGoal(services, folder, goal, { dryRun });
      const title = dryRun ? vscode.l10n.t('Planning (dry run)') : vscode.l10n.t('Orchestrating');
      return {
        runId: launched.handle.runId,
        cancel: () => launched.handle.cancel(),
        done: followRun(services, launched, title, goal),
      };
    },
  };
}
