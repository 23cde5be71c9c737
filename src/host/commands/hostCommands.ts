import { Disposable } from '../../core/common/disposable';
import type { HostServices } from './commandSupport';
import { OrchestrateCommand } from './orchestrateCommand';
import { PlanCommands } from './planCommands';
import { McpInputCommands } from './mcpInputCommands';
import { ProviderCommands } from './providerCommands';
import { RollbackCommands } from './rollbackCommands';
import { RunControlCommands } from './runControlCommands';
import { TaskActionCommands } from './taskActionCommands';
import { ViewCommands } from './viewCommands';

/** Every contributed command except the approval ones, which DiffApprovals registers. */
export class HostCommands extends Disposable {
  constructor(services: HostServices) {
    super();
    this._register(new OrchestrateCommand(services));
    this._register(new PlanCommands(services));
    this._register(new RunControlCommands(services));
    this._register(new TaskActionCommands(services));
    this._register(new RollbackCommands(services));
    this._register(new ProviderCommands(services));
    this._register(new McpInputCommands(services));
    this._register(new ViewCommands(services));
  }
}
