// The agents the run panel lists: those of this window's engines (built-in, agent files, other
// extensions), or the built-in ones while no engine is built. Free of `vscode`.
import { BUILTIN_AGENTS } from '../../core/agents/builtinAgents';
import type { AgentStatsBook } from '../../core/agents/agentStats';
import type { DisposableLike } from '../../core/common/disposable';
import { Emitter, type Event } from '../../core/common/emitter';
import type { Engine } from '../../core/engine/assembleEngine';
import { modelRefsOf } from '../../core/engine/engineAgents';
import { AgentDefinitionSchema } from '../../core/model/agentDefinition';
import type { AgentView } from '../../protocol/agents';
import { agentsOf, type RegisteredAgentInfo } from './agentsOf';

const BUILTIN_IDS: ReadonlySet<string> = new Set(BUILTIN_AGENTS.map((a) => a.definition.id));

/** Tracks the live engines (`attach`/`detach` from `HostEngines`) and answers for the panel. */
export class PanelAgents {
  private readonly engines = new Map<
    Pick<Engine, 'registry' | 'agentFiles' | 'models' | 'workspaceRoot'>,
    DisposableLike
  >();
  private readonly changed = new Emitter<void>();
  /** Fires when an attached engine's agents change (an agent file was added, edited or removed). */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(
    private readonly stats: () => Promise<AgentStatsBook>,
    private readonly scrub: (text: string) => string,
  ) {}

  attach(engine: Pick<Engine, 'registry' | 'agentFiles' | 'models' | 'workspaceRoot'>): void {
    if (!this.engines.has(engine))
      this.engines.set(
        engine,
        engine.registry.onDidChange(() => this.changed.fire()),
      );
  }

  detach(engine: Pick<Engine, 'registry' | 'agentFiles' | 'models' | 'workspaceRoot'>): void {
    this.engines.get(engine)?.dispose();
    this.engines.delete(engine);
  }

  /** Ids of the registered agents, for the reassign list. */
  ids(): string[] {
    return this.infos().map((a) => a.definition.id);
  }

  /** The Agents tab's rows, with statistics from the agent statistics file and this window's attempts. */
  async views(): Promise<AgentView[]> {
    const book = await this.stats();
    return agentsOf(this.infos(), (id) => book.get(id), this.scrub);
  }

  /** The file an agent was loaded from, when it came from one; the only path `openAgentFile` opens. */
  file(agentId: string): string | undefined {
    for (const engine of this.engines.keys()) {
      const file = engine.agentFiles.get(agentId);
      if (file !== undefined) return file;
    }
    return undefined;
  }

  private infos(): RegisteredAgentInfo[] {
    if (this.engines.size === 0) {
      return BUILTIN_AGENTS.map((spec) => ({
        definition: AgentDefinitionSchema.parse(spec.definition),
        running: 0,
        model: undefined,
        source: { kind: 'builtin' },
      }));
    }
    const seen = new Map<string, RegisteredAgentInfo>();
    for (const engine of this.engines.keys()) {
      for (const agent of engine.registry.list()) {
        const d = agent.definition;
        const known = seen.get(d.id);
        if (known) {
          known.running += engine.registry.load(d.id);
          continue;
        }
        const file = engine.agentFiles.get(d.id);
        const ownModel = engine.models.agentModels[d.id] !== undefined || d.preferredModels.length > 0;
        seen.set(d.id, {
          definition: d,
          running: engine.registry.load(d.id),
          model: ownModel ? modelRefsOf(engine.models, d)[0] : undefined,
          source:
            file !== undefined
              ? { kind: 'file', file, root: engine.workspaceRoot }
              : BUILTIN_IDS.has(d.id)
                ? { kind: 'builtin' }
                : { kind: 'extension' },
        });
      }
    }
    return [...seen.values()];
  }
}
