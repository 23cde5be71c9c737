import * as vscode from 'vscode';
import { Disposable } from '../../core/common/disposable';
import { command, Commands, type HostServices } from './commandSupport';

/** Forget Stored MCP Inputs. */
export class McpInputCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(command(services, Commands.forgetMcpInputs, () => forgetMcpInputs(services)));
  }
}

/**
 * Deletes the MCP input values (`${input:ID}`) kept in SecretStorage, after a modal confirmation;
 * the engines are rebuilt, so the next run's servers ask again. Returns how many were deleted,
 * undefined when the person did not confirm.
 */
export async function forgetMcpInputs(
  services: Pick<HostServices, 'mcpInputs' | 'engines' | 'log'>,
): Promise<number | undefined> {
  const forget = vscode.l10n.t('Forget');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("Forget every MCP input value kept in VS Code's secret storage?"),
    {
      modal: true,
      detail: vscode.l10n.t('MCP servers that use them ask for them again on their next start.'),
    },
    forget,
  );
  if (choice !== forget) return undefined;
  const deleted = await services.mcpInputs.forgetAll();
  // Engines hold servers resolved with the old values: the next run builds them afresh and asks.
  services.engines.invalidate('the stored MCP inputs were forgotten');
  services.log.info(`Forgot ${deleted} stored MCP input value(s).`);
  void vscode.window.showInformationMessage(
    deleted === 0
      ? vscode.l10n.t('No MCP input values were stored.')
      : vscode.l10n.t('Forgot {0} stored MCP input value(s); servers that use them ask again.', deleted),
  );
  return deleted;
}
