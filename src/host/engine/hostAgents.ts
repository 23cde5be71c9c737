import * as path from 'node:path';
import { AgentDefinitionSchema, type AgentDefinitionInput } from '../../core/model/agentDefinition';
import { AgentRegistry } from '../../core/agents/agentRegistry';
import { BUILTIN_AGENTS } from '../../core/agents/builtinAgents';
import { loadCustomAgents } from '../../core/agents/customAgentFile';
import { LlmAgent, type LlmAgentDeps } from '../../core/agents/llmAgent';
import type { Clock } from '../../core/common/clock';
import { errorMessage } from '../../core/common/errors';
import type { Agent } from '../../core/task/agent';
import type { ChatModel } from '../../core/llm/chatModel';
import type { PriceTable } from '../../core/llm/priceTable';
import type { RateHeadroom } from '../../core/quota/rateLimitScheduler';
import { formatModelRef, parseModelRef } from '../../core/route/modelRef';
import { ModelRouter, NoModelAvailableError, type CostTier } from '../../core/route/modelRouter';
import type { HostModels } from './hostModels';

/** Where custom agents live in a workspace folder. */
export const CUSTOM_AGENTS_DIR = '.orchestrator/agents';

/** How the host's agents are built. */
export interface HostAgentsOptions {
  /** Real path of the workspace folder. */
  root: string;
  models: HostModels;
  /** What every agent shares (tools, prices, breaker, gate steps…). */
  deps: Omit<LlmAgentDeps, 'models'>;
  /** Rate headroom per model, so the router moves models without room to the back. */
  headroom: () => RateHeadroom[];
  clock: Clock;
  warn(message: string): void;
}

/** The agents of an engine, and a factory for more agents wired the same way. */
export interface HostAgents {
  registry: AgentRegistry;
  /** An LLM agent with the engine's tools, models, policy and gate (for agents of other extensions); not registered. */
  createPromptAgent(definition: AgentDefinitionInput, systemPrompt: string): Agent;
}

/**
 * The agents of the host: the five built-in agents, then the custom agents of
 * `<folder>/.orchestrator/agents`. Each agent's model chain is its `agentOrchestrator.agentModels`
 * entry, then its own preferred models, then the run's model — each only when this engine can
 * serve its provider — re-ordered on every turn by a router (open circuits dropped, models without
 * rate headroom moved back). A bad custom agent file is skipped with a warning.
 */
export async function createHostAgents(options: HostAgentsOptions): Promise<HostAgents> {
  const { models, deps, warn } = options;
  const registry = new AgentRegistry();
  const runRef = formatModelRef({ provider: models.provider, model: models.model });
  const refsOf = (definition: AgentDefinitionInput): string[] => {
    if (models.isDemo) return [runRef];
    const wanted = [models.agentModels[definition.id], ...(definition.preferredModels ?? []), runRef];
    return [
      ...new Set(
        wanted.filter(
          (ref): ref is string => ref !== undefined && models.providers.has(parseModelRef(ref)?.provider ?? ''),
        ),
      ),
    ];
  };
  const cache = new Map<string, ChatModel>();
  const modelOf = (provider: string, model: string): ChatModel => {
    const key = `${provider}/${model}`;
    let m = cache.get(key);
    if (!m) cache.set(key, (m = models.createModel(provider, model)));
    return m;
  };
  // The router needs every agent's preferences, known only after loading; it is read lazily.
  let router: ModelRouter | undefined;
  const chain = (definition: AgentDefinitionInput): ChatModel[] => {
    const refs = refsOf(definition);
    const direct = (): ChatModel[] => refs.map((ref) => parseModelRef(ref)!).map((r) => modelOf(r.provider, r.model));
    if (!router) return direct();
    try {
      return router.choose({ preferred: refs, needs: ['tools'] }).chain.map((e) => modelOf(e.provider, e.model));
    } catch (err) {
      // Every circuit is open: try the preferences anyway; the failure then says what is wrong.
      if (err instanceof NoModelAvailableError) return direct();
      throw err;
    }
  };
  const agentDeps: LlmAgentDeps = { ...deps, models: chain };
  for (const spec of BUILTIN_AGENTS) registry.register(new LlmAgent(spec.definition, spec.systemPrompt, agentDeps));
  const { agents, errors } = await loadCustomAgents(path.join(options.root, ...CUSTOM_AGENTS_DIR.split('/')), {
    knownTools: deps.tools.names(),
    displayDir: CUSTOM_AGENTS_DIR,
  });
  for (const error of errors) warn(`Custom agent skipped: ${error}`);
  for (const spec of agents) {
    try {
      registry.register(new LlmAgent(spec.definition, spec.systemPrompt, agentDeps));
    } catch (err) {
      warn(`Custom agent skipped: ${CUSTOM_AGENTS_DIR}/${path.basename(spec.sourceFile)}: ${errorMessage(err)}`);
      continue;
    }
    for (const ref of spec.definition.preferredModels) {
      if (!models.isDemo && !refsOf(spec.definition).includes(ref))
        warn(
          `Custom agent "${spec.definition.id}" prefers ${ref}, which this window cannot use (no key for its provider); it gets ${runRef} instead.`,
        );
    }
  }
  const known = new Set(registry.list().map((a) => a.definition.id));
  for (const id of Object.keys(models.agentModels)) {
    if (!known.has(id))
      warn(
        `agentOrchestrator.agentModels names agent "${id}", which does not exist; agents are: ${[...known].join(', ')}.`,
      );
  }
  const refs = new Set(registry.list().flatMap((a) => refsOf(a.definition)));
  const catalogue = [...refs]
    .map((ref) => parseModelRef(ref)!)
    .map((r) => ({ ...r, costTier: costTier(deps.prices, r.provider, r.model), capabilities: ['tools', 'json'] }));
  if (deps.breaker)
    router = new ModelRouter({ catalogue, breaker: deps.breaker, headroom: options.headroom, clock: options.clock });
  return {
    registry,
    createPromptAgent: (definition, systemPrompt) =>
      new LlmAgent(AgentDefinitionSchema.parse(definition), systemPrompt, agentDeps),
  };
}

/** Coarse cost tier from the input price per million tokens (unknown prices count as standard). */
function costTier(prices: PriceTable, provider: string, model: string): CostTier {
  const input = prices.lookup(provider, model)?.input;
  if (input === undefined) return 'standard';
  return input < 1 ? 'low' : input <= 5 ? 'standard' : 'premium';
}
