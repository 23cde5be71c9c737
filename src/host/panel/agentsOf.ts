// The Agents tab's view model: each registered agent with its model, load, statistics and where it
// was defined. Free of `vscode`, unit-tested in Node.
import * as path from 'node:path';
import type { AgentStats } from '../../core/agents/agentStats';
import type { AgentDefinition } from '../../core/model/agentDefinition';
import type { AgentView } from '../../protocol/agents';

/** One registered agent as an engine knows it. */
export interface RegisteredAgentInfo {
  definition: AgentDefinition;
  /** Tasks it runs now. */
  running: number;
  /** The `provider/model` it tries first when it names one (its own setting or preference); else undefined. */
  model: string | undefined;
  /** Built in, loaded from a file (absolute path), or added by another extension. */
  source: { kind: 'builtin' } | { kind: 'file'; file: string; root: string } | { kind: 'extension' };
}

/**
 * The agents as the tab lists them. Success rate and averages come from the agent statistics
 * (`stats`: the statistics file as read at start plus every attempt finished since in this window).
 * A file is shown relative to its workspace folder; its path never goes back from the webview.
 */
export function agentsOf(
  agents: readonly RegisteredAgentInfo[],
  stats: (agentId: string) => AgentStats | undefined,
  scrub: (text: string) => string,
): AgentView[] {
  return agents.map(({ definition: d, running, model, source }) => {
    const s = stats(d.id);
    const attempts = s?.attempts ?? 0;
    return {
      id: d.id,
      description: scrub(d.description),
      capabilities: [...d.capabilities],
      model: model ?? 'default',
      running,
      maxLoad: d.maxLoad,
      attempts,
      ...(s && attempts > 0
        ? {
            successRate: Math.min(1, s.successes / attempts),
            averageCostUsd: s.costUsd / attempts,
            averageDurationMs: s.totalDurationMs / attempts,
          }
        : {}),
      source: source.kind,
      ...(source.kind === 'file'
        ? { sourceLabel: scrub(path.relative(source.root, source.file).split(path.sep).join('/')) }
        : {}),
    };
  });
}
