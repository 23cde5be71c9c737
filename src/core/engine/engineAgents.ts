import * as path from 'node:path';
import { AgentRegistry } from '../agents/agentRegistry';
import { BUILTIN_AGENTS } from '../agents/builtinAgents';
import { loadCustomAgents } from '../agents/customAgentFile';
import { LlmAgent, type LlmAgentDeps } from '../agents/llmAgent';
import type { Clock } from '../common/clock';
import { errorMessage } from '../common/errors';
import type { ChatModel } from '../llm/chatModel';
import type { PriceTable } from '../llm/priceTable';
import { AgentDefinitionSchema, type AgentDefinitionInput } from '../model/agentDefinition';
import type { RateHeadroom } from '../quota/rateLimitScheduler';
import { formatModelRef, parseModelRef } from '../route/modelRef';
import { ModelRouter, NoModelAvailableError, type CostTier } from '../route/modelRouter';
import type { Agent } from '../task/agent';
import type { EngineModels } from './engineModels';

/** Where custom agents live in a workspace, relative to its root. */
export const CUSTOM_AGENTS_DIR = '.orchestrator/agents';

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
  warn(message: string): void;
}

/** The agents of an engine, and a factory for more agents wired the same way. */
export interface EngineAgents {
  registry: AgentRegistry;
  /** The file each custom agent was loaded from (absolute path), by agent id. */
  agentFiles: ReadonlyMap<string, string>;
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
 * The agents of an engine: the five built-in agents, then the custom agents of
 * `<root>/.orchestrator/agents`. Each agent's model chain is its per-agent model, then its own
 * preferred models, then the run's model — each only when the engine can serve its provider —
 * re-ordered on every turn by a router (open circuits dropped, models without rate headroom moved
 * back). A bad custom agent file is skipped with a warning; it never stops a run.
 */
export async function createEngineAgents(options: EngineAgentsOptions): Promise<EngineAgents> {
  const { models, deps, warn } = options;
  const registry = new AgentRegistry();
  const runRef = formatModelRef({ provider: models.provider.id, model: models.model });
  // The router needs every agent's preferences, known only after loading; it is read lazily.
  let router: ModelRouter | undefined;
  const chain = modelChain(models, () => router);
  const refsOf = (definition: AgentDefinitionInput): string[] => modelRefsOf(models, definition);
  const agentDeps: LlmAgentDeps = { ...deps, models: chain };
  for (const spec of BUILTIN_AGENTS) {
    const maxLoad = options.builtinMaxLoad ?? spec.definition.maxLoad;
    registry.register(new LlmAgent({ ...spec.definition, maxLoad }, spec.systemPrompt, agentDeps));
  }
  const { agents, errors } = await loadCustomAgents(path.join(options.root, ...CUSTOM_AGENTS_DIR.split('/')), {
    knownTools: deps.tools.names(),
    displayDir: CUSTOM_AGENTS_DIR,
  });
  for (const error of errors) warn(`Custom agent skipped: ${error}`);
  const agentFiles = new Map<string, string>();
  for (const spec of agents) {
    try {
      registry.register(new LlmAgent(spec.definition, spec.systemPrompt, agentDeps));
      agentFiles.set(spec.definition.id, spec.sourceFile);
    } catch (err) {
      warn(`Custom agent skipped: ${CUSTOM_AGENTS_DIR}/${path.basename(spec.sourceFile)}: ${errorMessage(err)}`);
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
  const known = new Set(registry.list().map((a) => a.definition.id));
  for (const id of Object.keys(models.agentModels)) {
    if (!known.has(id)) {
      warn(`A model is set for agent "${id}", which does not exist; agents are: ${[...known].join(', ')}.`);
    }
  }
  const refs = new Set(registry.list().flatMap((a) => refsOf(a.definition)));
  const catalogue = [...refs]
    .map((ref) => parseModelRef(ref)!)
    .map((r) => ({ ...r, costTier: costTier(deps.prices, r.provider, r.model), capabilities: ['tools', 'json'] }));
  if (deps.breaker)
    router = new ModelRouter({ catalogue, breaker: deps.breaker, headroom: options.headroom, clock: options.clock });
  return {
    registry,
    agentFiles,
    createPromptAgent: (definition, systemPrompt) =>
      new LlmAgent(AgentDefinitionSchema.parse(definition), systemPrompt, agentDeps),
  };
}
