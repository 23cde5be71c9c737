import type * as vscode from 'vscode';
import { AgentDefinitionSchema, type AgentDefinitionInput } from '../../core/model/agentDefinition';
import type { AgentRegistry } from '../../core/agents/agentRegistry';
import { BUILTIN_AGENTS } from '../../core/agents/builtinAgents';
import { Disposable, toDisposable, type DisposableLike } from '../../core/common/disposable';
import { errorMessage } from '../../core/common/errors';
import type { Agent, TaskContext, TaskResult } from '../../core/task/agent';
import type { JsonValue } from '../../core/model/runEvents';
import type { HostEngine } from '../engine/hostEngine';
import type { ApiCodeAgent, ApiPromptAgent, ApiTaskContext } from './agentOrchestratorApi';

/**
 * What an engine may offer for agents of other extensions: its registry, and a factory that wires
 * a prompt agent like the built-in ones (same tools, models, policy and gate).
 */
export interface AgentHostingEngine {
  readonly registry?: AgentRegistry;
  createPromptAgent?(definition: AgentDefinitionInput, systemPrompt: string): Agent;
}

interface Entry {
  readonly spec: ApiPromptAgent | ApiCodeAgent;
  readonly registrations: Map<HostEngine, DisposableLike>;
}

/**
 * Agents registered by other extensions through the API. Each is added to every engine of the
 * window, present and future, until its registration is disposed.
 */
export class ExternalAgents extends Disposable {
  private readonly entries = new Set<Entry>();
  private readonly engines = new Set<HostEngine>();

  constructor(private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>) {
    super();
  }

  /** Validates the definition (throws with the problems), then adds the agent to every engine. */
  register(spec: ApiPromptAgent | ApiCodeAgent): DisposableLike {
    const parsed = AgentDefinitionSchema.safeParse(spec?.definition);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'definition'}: ${i.message}`).join('; ');
      throw new TypeError(`The agent definition is invalid: ${detail}`);
    }
    const isPrompt = 'systemPrompt' in spec;
    if (
      isPrompt
        ? typeof spec.systemPrompt !== 'string' || spec.systemPrompt.trim() === ''
        : typeof (spec as ApiCodeAgent).run !== 'function'
    ) {
      throw new TypeError(`Agent "${parsed.data.id}" needs a non-empty systemPrompt, or a run(ctx) function.`);
    }
    const id = parsed.data.id;
    if (
      [...this.entries].some((e) => e.spec.definition.id === id) ||
      BUILTIN_AGENTS.some((b) => b.definition.id === id)
    ) {
      throw new TypeError(`An agent with id "${id}" is already registered; pick another id.`);
    }
    const entry: Entry = { spec: { ...spec, definition: { ...spec.definition } }, registrations: new Map() };
    this.entries.add(entry);
    for (const engine of this.engines) this.addTo(entry, engine);
    this.log.info(`Agent "${id}" was registered by another extension.`);
    return toDisposable(() => {
      this.entries.delete(entry);
      for (const registration of entry.registrations.values()) registration.dispose();
      entry.registrations.clear();
      this.log.info(`Agent "${id}" was unregistered.`);
    });
  }

  /** Adds every registered agent to a new engine; called for each engine the window builds. */
  attach(engine: HostEngine): void {
    if (this.engines.has(engine)) return;
    this.engines.add(engine);
    for (const entry of this.entries) this.addTo(entry, engine);
  }

  /** Forgets an engine that is being disposed (its registry goes with it). */
  detach(engine: HostEngine): void {
    if (!this.engines.delete(engine)) return;
    for (const entry of this.entries) entry.registrations.delete(engine);
  }

  /** The definitions of the registered agents. */
  definitions(): AgentDefinitionInput[] {
    return [...this.entries].map((e) => e.spec.definition);
  }

  /** Takes every registered agent out of every engine; registrations come and go, so they are not `_register`ed. */
  override dispose(): void {
    for (const entry of this.entries) for (const r of entry.registrations.values()) r.dispose();
    this.entries.clear();
    this.engines.clear();
    super.dispose();
  }

  private addTo(entry: Entry, engine: HostEngine): void {
    const hosting = engine as HostEngine & AgentHostingEngine;
    const id = entry.spec.definition.id;
    if (!hosting.registry) {
      this.log.warn(`Agent "${id}" cannot be added: this engine does not accept agents of other extensions.`);
      return;
    }
    let agent: Agent;
    if ('systemPrompt' in entry.spec) {
      if (!hosting.createPromptAgent) {
        this.log.warn(`Agent "${id}" cannot be added: this engine cannot build prompt agents.`);
        return;
      }
      agent = hosting.createPromptAgent(entry.spec.definition, entry.spec.systemPrompt);
    } else {
      agent = codeAgent(entry.spec);
    }
    try {
      entry.registrations.set(engine, hosting.registry.register(agent));
    } catch (err) {
      this.log.warn(`Agent "${id}" was not added to the engine of ${engine.workspaceRoot}: ${errorMessage(err)}`);
    }
  }
}

/** Wraps an agent written in code so its output is plain JSON, as the run log needs. */
function codeAgent(spec: ApiCodeAgent): Agent {
  return {
    definition: spec.definition,
    run: async (ctx: TaskContext): Promise<TaskResult> => {
      const apiCtx: ApiTaskContext = ctx;
      const result = await spec.run(apiCtx);
      const out: TaskResult = {};
      if (result?.output !== undefined) out.output = JSON.parse(JSON.stringify(result.output)) as JsonValue;
      if (typeof result?.summary === 'string') out.summary = result.summary;
      return out;
    },
  };
}

/** The agents a task can be reassigned to: the engine's registry, else the built-in and registered ones. */
export function agentDefinitionsOf(engine: HostEngine, external: ExternalAgents): AgentDefinitionInput[] {
  const registry = (engine as HostEngine & AgentHostingEngine).registry;
  if (registry) return registry.list().map((a) => a.definition);
  return [...BUILTIN_AGENTS.map((b) => b.definition), ...external.definitions()];
}
