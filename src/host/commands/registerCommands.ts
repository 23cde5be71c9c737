import type * as vscode from 'vscode';
import type { HostServices } from './commandSupport';
import { registerOrchestrateCommand } from './orchestrateCommand';
import { registerProviderCommands } from './providerCommands';
import { registerRollbackCommands } from './rollbackCommands';
import { registerRunControlCommands } from './runControlCommands';
import { registerViewCommands } from './viewCommands';

/** Registers every contributed command except the approval ones, which DiffApprovals registers. */
export function registerCommands(services: HostServices): vscode.Disposable[] {
  return [
    registerOrchestrateCommand(services),
    ...registerRunControlCommands(services),
    ...registerRollbackCommands(services),
    ...registerProviderCommands(services),
    ...registerViewCommands(services),
  ];
}
