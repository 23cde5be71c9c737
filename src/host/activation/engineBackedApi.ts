// Free of `vscode`, so it is unit-tested in plain Node.
import type { AgentOrchestratorApi, ApiEvent, ApiRunChange } from '../api/agentOrchestratorApi';

/**
 * The API object `activate()` returns before the engine is loaded: each member loads the engine if
 * it is not yet (`api()` does, synchronously) and forwards to the engine's API, so another
 * extension sees the same behaviour whether it calls during or after the engine's load.
 */
export function engineBackedApi(api: () => AgentOrchestratorApi): AgentOrchestratorApi {
  const onDidChangeRun: ApiEvent<ApiRunChange> = (...args) => api().onDidChangeRun(...args);
  return {
    version: 1,
    orchestrate: async (goal, options) => api().orchestrate(goal, options),
    registerAgent: (agent) => api().registerAgent(agent),
    getRun: (runId) => api().getRun(runId),
    onDidChangeRun,
  };
}
