import { z } from 'zod';
import type { DisposableLike } from '../common/disposable';
import { Emitter, type Event } from '../common/emitter';
import type { Agent } from '../task/agent';
import { AgentDefinitionSchema, type AgentDefinition, type AgentHealth } from '../model/agentDefinition';

/** An agent as registered: its definition validated, defaults filled in. */
export interface RegisteredAgent extends Agent {
  readonly definition: AgentDefinition;
}

interface Entry {
  agent: RegisteredAgent;
  health: AgentHealth;
  load: number;
}

/** One unit of an agent's load, held while a task runs on it. */
export interface LoadLease {
  release(): void;
}

/** Thrown when an agent definition is invalid or clashes with a registered one. */
export class AgentRegistrationError extends Error {
  override readonly name = 'AgentRegistrationError';
}

/**
 * The agents available to runs in this process. Agents can come and go while runs execute;
 * load is counted here so an agent's `maxLoad` holds across every run that uses it.
 */
export class AgentRegistry implements DisposableLike {
  private readonly entries = new Map<string, Entry>();
  /** `list()` as of the last change; dropped whenever the entries change. */
  private shared: readonly RegisteredAgent[] | undefined;
  private readonly changed = new Emitter<void>();
  /** Fires when an agent is registered, unregistered, or changes health. */
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly freed = new Emitter<string>();
  /** Fires with an agent id when it finishes a task and has room for another. */
  readonly onDidFreeCapacity: Event<string> = this.freed.event;

  /** Adds an agent; its definition is validated. Dispose the result to remove it again. */
  register(agent: Agent): DisposableLike {
    const parsed = AgentDefinitionSchema.safeParse(agent.definition);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'definition'}: ${i.message}`).join('; ');
      throw new AgentRegistrationError(
        `Agent "${String((agent.definition as { id?: unknown }).id)}" has an invalid definition: ${detail}`,
      );
    }
    const id = parsed.data.id;
    if (this.entries.has(id))
      throw new AgentRegistrationError(
        `An agent with id "${id}" is already registered. Unregister it first or pick another id.`,
      );
    const registered = registeredAgent(agent, parsed.data);
    const entry: Entry = { agent: registered, health: 'healthy', load: 0 };
    this.entries.set(id, entry);
    this.shared = undefined;
    this.changed.fire();
    return { dispose: () => (this.entries.get(id) === entry ? this.unregister(id) : undefined) };
  }

  /**
   * Replaces the agents `remove` names with `add` in one synchronous step with one change event, so
   * no selection ever sees a half-swapped set. Attempts already running keep the agent they started
   * with. An agent of `add` that is invalid or clashes with one that stays is not registered: its
   * error is returned, and the rest of the swap still applies.
   */
  swap(
    remove: readonly string[],
    add: readonly Agent[],
  ): { added: string[]; errors: Array<{ id: string; error: string }> } {
    const removing = new Set(remove);
    const staged = new Map<string, Entry>();
    const errors: Array<{ id: string; error: string }> = [];
    for (const agent of add) {
      const parsed = AgentDefinitionSchema.safeParse(agent.definition);
      const id = parsed.success ? parsed.data.id : String((agent.definition as { id?: unknown }).id);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => i.message).join('; ');
        errors.push({ id, error: `Agent "${id}" has an invalid definition: ${detail}` });
      } else if ((this.entries.has(id) && !removing.has(id)) || staged.has(id)) {
        errors.push({ id, error: `An agent with id "${id}" is already registered; rename the new one.` });
      } else {
        const registered = registeredAgent(agent, parsed.data);
        staged.set(id, { agent: registered, health: 'healthy', load: 0 });
      }
    }
    for (const id of removing) this.entries.delete(id);
    for (const [id, entry] of staged) this.entries.set(id, entry);
    this.shared = undefined;
    this.changed.fire();
    return { added: [...staged.keys()], errors };
  }

  /** Removes an agent; attempts already running finish, no new task goes to it. */
  unregister(id: string): void {
    if (this.entries.delete(id)) {
      this.shared = undefined;
      this.changed.fire();
    }
  }

  get(id: string): RegisteredAgent | undefined {
    return this.entries.get(id)?.agent;
  }

  list(): RegisteredAgent[] {
    return [...this.agents()];
  }

  /** The registered agents, one shared read-only array until the next change: for selection on every dispatch. */
  agents(): readonly RegisteredAgent[] {
    return (this.shared ??= [...this.entries.values()].map((e) => e.agent));
  }

  /** Every capability some registered agent has. */
  capabilities(): Set<string> {
    const caps = new Set<string>();
    for (const e of this.entries.values()) for (const c of e.agent.definition.capabilities) caps.add(c);
    return caps;
  }

  health(id: string): AgentHealth | undefined {
    return this.entries.get(id)?.health;
  }

  setHealth(id: string, health: AgentHealth): void {
    const entry = this.entries.get(id);
    if (!entry) throw new AgentRegistrationError(`No agent "${id}" is registered.`);
    z.enum(['healthy', 'degraded', 'unhealthy']).parse(health);
    if (entry.health !== health) {
      entry.health = health;
      this.changed.fire();
    }
  }

  /** Tasks the agent runs right now. */
  load(id: string): number {
    return this.entries.get(id)?.load ?? 0;
  }

  /**
   * Counts one more running task for the agent and returns the lease that gives it back, or
   * undefined when the agent is at its maximum or gone. A lease is bound to the registration it
   * was taken from, so releasing it after the agent was re-registered frees nothing of the new one.
   */
  tryAcquireLoad(id: string): LoadLease | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.load >= entry.agent.definition.maxLoad) return undefined;
    entry.load++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        entry.load--;
        if (this.entries.get(id) === entry) this.freed.fire(id);
      },
    };
  }

  dispose(): void {
    this.entries.clear();
    this.shared = undefined;
    this.changed.dispose();
    this.freed.dispose();
  }
}

/** `agent` as the registry hands it out: its validated definition, its `run` and `prepare`, nothing else of it. */
function registeredAgent(agent: Agent, definition: AgentDefinition): RegisteredAgent {
  const registered: RegisteredAgent = { definition, run: (ctx) => agent.run(ctx) };
  if (agent.prepare !== undefined) registered.prepare = () => agent.prepare?.();
  return registered;
}
