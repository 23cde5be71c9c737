import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { assertTrustedWorkspace, pickFolder, type HostServices } from '../commands/commandSupport';
import { launchGoal } from '../commands/orchestrateCommand';
import { followRun } from '../commands/followRun';
import {
  invokeOrchestrate,
  ORCHESTRATE_TOOL,
  orchestrateConfirmation,
  parseOrchestrateInput,
  type OrchestrateToolPorts,
} from './orchestrateToolLogic';

/**
 * The slice of the language-model tool API (stable since VS Code 1.95) this file uses. The
 * extension still supports 1.90, whose typings lack it, so it is declared here and looked up at
 * run time; where it is missing the tool is simply not registered.
 */
interface LmToolApi {
  registerTool(
    name: string,
    tool: {
      prepareInvocation?(options: { input: unknown }, token: vscode.CancellationToken): unknown;
      invoke(options: { input: unknown }, token: vscode.CancellationToken): Promise<unknown>;
    },
  ): vscode.Disposable;
}
interface LmToolClasses {
  LanguageModelToolResult: new (content: unknown[]) => unknown;
  LanguageModelTextPart: new (value: string) => unknown;
}

/**
 * Registers `orchestrate` with `vscode.lm.registerTool`, so Copilot agent mode (or any tool
 * caller) can hand a goal to us. It goes through "Orchestrate Goal…"'s path: the trust check,
 * `launchGoal` (host launcher, approvals, budget settings) and `followRun`.
 */
export class OrchestrateTool extends Disposable {
  constructor(services: HostServices) {
    super();
    const lm = (vscode.lm as unknown as Partial<LmToolApi> | undefined) ?? {};
    const classes = vscode as unknown as Partial<LmToolClasses>;
    if (typeof lm.registerTool !== 'function' || !classes.LanguageModelToolResult || !classes.LanguageModelTextPart) {
      services.log.info('This VS Code has no language-model tool API (1.95+); the orchestrate tool is not offered.');
      return;
    }
    const { LanguageModelToolResult, LanguageModelTextPart } = classes as LmToolClasses;
    const ports = hostPorts(services);
    this._register(
      lm.registerTool(ORCHESTRATE_TOOL, {
        prepareInvocation: (options) => {
          const input = parseOrchestrateInput(options.input);
          const confirm = orchestrateConfirmation(input);
          return {
            invocationMessage: input.dryRun
              ? vscode.l10n.t('Planning the goal')
              : vscode.l10n.t('Orchestrating the goal'),
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
      }),
    );
  }
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
