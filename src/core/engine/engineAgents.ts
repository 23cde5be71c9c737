import * as path from 'node:path';
import { AgentRegistry } from '../agents/agentRegistry';
import { BUILTIN_AGENTS } from '../agents/builtinAgents';
import { collectProjectInstructions, formatProjectInstructions } from '../agents/projectInstructions';
import { loadWorkspaceAgents } from '../agents/workspaceAgentFiles';
import { LlmAgent, type LlmAgentDeps } from '../agents/llmAgent';
import type { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import type { ChatModel } from '../llm/chatModel';
import type { PriceTable } from '../llm/priceTable';
import { AgentDefinitionSchema, type AgentDefinitionInput } from '../model/agentDefinition';
import type { RateHeadroom } from '../quota/rateLimitScheduler';
import { formatModelRef, parseModelRef } from '../route/modelRef';
import { ModelRouter, NoModelAvailableError, type CostTier } from '../route/modelRouter';
import type { Agent, TaskContext } from '../task/agent';
import type { EngineModels } from './engineModels';

export { CUSTOM_AGENTS_DIR } from '../agents/workspaceAgentFiles';

/** How an engine's agents are built. */
export interface EngineAgentsOptions {
  /** Real path of the workspace. */
  root: string;
  models: EngineModels;
  /** What every agent shares (tools, prices, breaker, gate steps…). */
  deps: Omit<LlmAgentDeps, 'models'>;
  /** Rate headroom per model, so the router moves models without room to the back. */
  headroom: () => RateHeadroom[];
  clock: Clock;
  /**
   * How many tasks a built-in agent may run at once: the run's concurrency, so a plan that gives
   * every task to one agent still runs its independent tasks in parallel. Custom agents keep their own.
   */
  builtinMaxLoad?: number;
  /** Whether the read policy lets agents read a workspace-relative file; project instructions honour it. */
  mayRead?(relative: string): Promise<boolean>;
  warn(message: string): void;
}

/** The agents of an engine, and a factory for more agents wired the same way. */
export interface EngineAgents {
  registry: AgentRegistry;
  /** The file each workspace agent was loaded from (absolute path), by agent id; kept current by `reload`. */
  agentFiles: ReadonlyMap<string, string>;
  /**
   * Reads the agent files again and swaps the workspace agents in the registry in one step: tasks
   * started afterwards get the new set, running ones keep theirs. Calls are serialised.
   */
  reload(): Promise<void>;
  /** An LLM agent with the engine's tools, models, policy and gate (for agents of other extensions); not registered. */
  createPromptAgent(definition: AgentDefinitionInput, systemPrompt: string): Agent;
}

/** Coarse cost tier from the input price per million tokens (unknown prices count as standard). */
export function costTier(prices: PriceTable, provider: string, model: string): CostTier {
  const input = prices.lookup(provider, model)?.input;
  if (input === undefined) return 'standard';
  return input < 1 ? 'low' : input <= 5 ? 'standard' : 'premium';
}

/** The `provider/model` references an agent may use, best first: its per-agent model, its preferences, the run's model; only servable ones. */
export function modelRefsOf(models: EngineModels, definition: AgentDefinitionInput): string[] {
  const runRef = formatModelRef({ provider: models.provider.id, model: models.model });
  if (models.scripted) return [runRef];
  const wanted = [models.agentModels[definition.id], ...(definition.preferredModels ?? []), runRef];
  return [
    ...new Set(
      wanted.filter(
        (ref): ref is string => ref !== undefined && models.servable.has(parseModelRef(ref)?.provider ?? ''),
      ),
    ),
  ];
}

/**
 * The model chain of an agent, re-chosen on every turn: with a router, models whose circuit is
 * open are dropped and models without rate headroom move to the back; without one (or when every
 * circuit is open) the references in order. Clients are made once per model.
 */
export function modelChain(
  models: EngineModels,
  routerOf: () => Pick<ModelRouter, 'choose'> | undefined,
): (definition: AgentDefinitionInput) => ChatModel[] {
  const cache = new Map<string, ChatModel>();
  const modelOf = (provider: string, model: string): ChatModel => {
    const key = `${provider}/${model}`;
    let m = cache.get(key);
    if (!m) cache.set(key, (m = models.createModel(provider, model)));
    return m;
  };
  return (definition) => {
    const refs = modelRefsOf(models, definition);
    const direct = (): ChatModel[] => refs.map((ref) => parseModelRef(ref)!).map((r) => modelOf(r.provider, r.model));
    const router = routerOf();
    if (!router) return direct();
    try {
      return router.choose({ preferred: refs, needs: ['tools'] }).chain.map((e) => modelOf(e.provider, e.model));
    } catch (err) {
      // Every circuit is open: try the preferences anyway; the failure then says what is wrong.
      if (err instanceof NoModelAvailableError) return direct();
      throw err;
    }
  };
}

/**
 * The agents of an engine: the five built-in agents, then the workspace's agent files (ours in
 * `.orchestrator/agents`, then `.github/agents/*.agent.md`, then `.claude/agents/*.md`; see
 * `loadWorkspaceAgents`). Each agent's model chain is its per-agent model, then its own
 * preferred models, then the run's model — each only when the engine can serve its provider —
 * re-ordered on every turn by a router (open circuits dropped, models without rate headroom moved
 * back). An agent file replaces a built-in agent of the same id (with a warning), and the built-in
 * comes back when the file goes. A bad agent file is skipped with a warning; it never stops a run. Every brief gets the
 * project instructions (AGENTS.md, `.github/instructions`) that apply to its task, read as it starts.
 */
export async function createEngineAgents(options: EngineAgentsOptions): Promise<EngineAgents> {
  const { models, deps, warn } = options;
  const registry = new AgentRegistry();
  const runRef = formatModelRef({ provider: models.provider.id, model: models.model });
  // The router needs every agent's preferences, known only after loading (and again after each reload); read lazily.
  let router: ModelRouter | undefined;
  const chain = modelChain(models, () => router);
  const refsOf = (definition: AgentDefinitionInput): string[] => modelRefsOf(models, definition);
  const agentDeps: LlmAgentDeps = {
    ...deps,
    models: chain,
    projectInstructions: instructionsFor(options.root, options.mayRead, warn),
  };
  const builtins = new Map<string, Agent>();
  for (const spec of BUILTIN_AGENTS) {
    const maxLoad = options.builtinMaxLoad ?? spec.definition.maxLoad;
    const agent = new LlmAgent({ ...spec.definition, maxLoad }, spec.systemPrompt, agentDeps);
    builtins.set(spec.definition.id, agent);
    registry.register(agent);
  }
  const agentFiles = new Map<string, string>();
  /** Built-in agents an agent file of the same id replaces right now. */
  let shadowed = new Set<string>();
  const shown = (file: string): string => path.relative(options.root, file).split(path.sep).join('/');
  const rebuildRouter = (): void => {
    if (!deps.breaker) return;
    // The catalogue holds every agent's preferences, so a reloaded agent's new model is routable.
    const refs = new Set(registry.list().flatMap((a) => refsOf(a.definition)));
    const catalogue = [...refs]
      .map((ref) => parseModelRef(ref)!)
      .map((r) => ({ ...r, costTier: costTier(deps.prices, r.provider, r.model), capabilities: ['tools', 'json'] }));
    router = new ModelRouter({ catalogue, breaker: deps.breaker, headroom: options.headroom, clock: options.clock });
  };
  const load = async (): Promise<void> => {
    const { agents: fresh, warnings } = await loadWorkspaceAgents(options.root, deps.tools.names());
    for (const warning of warnings) warn(warning);
    const shadowing = new Set(fresh.map((s) => s.definition.id).filter((id) => builtins.has(id)));
    for (const spec of fresh) {
      if (shadowing.has(spec.definition.id))
        warn(`Agent file ${shown(spec.sourceFile)} replaces the built-in agent "${spec.definition.id}".`);
    }
    const previous = [...agentFiles.keys()];
    const hide = [...shadowing].filter((id) => !shadowed.has(id));
    const restore = [...shadowed].filter((id) => !shadowing.has(id)).map((id) => builtins.get(id)!);
    // Current before the swap's listeners run, so a view never shows a new file agent as built-in.
    agentFiles.clear();
    for (const spec of fresh) agentFiles.set(spec.definition.id, spec.sourceFile);
    const { added, errors } = registry.swap(
      [...previous, ...hide],
      [...restore, ...fresh.map((spec) => new LlmAgent(spec.definition, spec.systemPrompt, agentDeps))],
    );
    for (const { id, error } of errors) {
      const file = agentFiles.get(id);
      warn(`Custom agent skipped: ${file === undefined ? '' : `${shown(file)}: `}${error}`);
    }
    shadowed = new Set([...shadowing].filter((id) => added.includes(id)));
    // A built-in whose replacement could not be registered comes back.
    for (const id of shadowing) if (!shadowed.has(id) && !registry.get(id)) registry.register(builtins.get(id)!);
    for (const spec of fresh) {
      if (
        !added.includes(spec.definition.id) ||
        (builtins.has(spec.definition.id) && !shadowed.has(spec.definition.id))
      ) {
        agentFiles.delete(spec.definition.id);
        continue;
      }
      for (const ref of spec.definition.preferredModels) {
        if (!models.scripted && !refsOf(spec.definition).includes(ref)) {
          warn(
            `Custom agent "${spec.definition.id}" prefers ${ref}, which this engine cannot use (no key for its provider); it gets ${runRef} instead.`,
          );
        }
      }
    }
    rebuildRouter();
  };
  await load();
  let reloading = Promise.resolve();
  const reload = (): Promise<void> =>
    (reloading = reloading.then(load).catch((err: unknown) => warn(`Agent files not reloaded: ${errorMessage(err)}`)));
  const known = new Set(registry.list().map((a) => a.definition.id));
  for (const id of Object.keys(models.agentModels)) {
    if (!known.has(id)) {
      warn(`A model is set for agent "${id}", which does not exist; agents are: ${[...known].join(', ')}.`);
    }
  }
  return {
    registry,
    agentFiles,
    reload,
    createPromptAgent: (definition, systemPrompt) =>
      new LlmAgent(AgentDefinitionSchema.parse(definition), systemPrompt, agentDeps),
  };
}

/** The bounded project instructions of a task; each warning about an instruction file is given once. */
function instructionsFor(
  root: string,
  mayRead: ((relative: string) => Promise<boolean>) | undefined,
  warn: (message: string) => void,
): (ctx: TaskContext) => Promise<string | undefined> {
  const warned = new Set<string>();
  return async (ctx) => {
    try {
      const { instructions, warnings } = await collectProjectInstructions(
        root,
        [...ctx.task.writes, ...ctx.task.reads],
        mayRead,
      );
      for (const w of warnings) if (!warned.has(w) && warned.add(w)) warn(`Project instructions: ${w}`);
      return formatProjectInstructions(instructions);
    } catch (err) {
      warn(`Project instructions not read: ${errorMessage(err)}`);
      return undefined;
    }
  };
}
