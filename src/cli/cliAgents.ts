import * as path from 'node:path';
import type { AgentDefinitionInput } from '../core/model/agentDefinition';
import { AgentRegistry } from '../core/agents/agentRegistry';
import { BUILTIN_AGENTS } from '../core/agents/builtinAgents';
import { loadCustomAgents } from '../core/agents/customAgentFile';
import { LlmAgent, type LlmAgentDeps } from '../core/agents/llmAgent';
import { errorMessage } from '../core/common/errors';
import type { ChatModel } from '../core/llm/chatModel';
import type { Clock } from '../core/common/clock';
import type { PriceTable } from '../core/llm/priceTable';
import type { RateHeadroom } from '../core/quota/rateLimitScheduler';
import type { CircuitBreaker } from '../core/route/circuitBreaker';
import { parseModelRef } from '../core/route/modelRef';
import { ModelRouter, NoModelAvailableError, type CostTier } from '../core/route/modelRouter';
import type { ProviderConfig } from './providerConfig';

/** Where custom agents live in a workspace. */
export const CUSTOM_AGENTS_DIR = '.orchestrator/agents';

/** What every agent of the CLI shares. */
export type SharedAgentDeps = Omit<LlmAgentDeps, 'models'>;

/** Chooses, per request, which of the run provider's models to try and in what order. */
export type ModelRouting = Pick<ModelRouter, 'choose'>;

/**
 * The model chain of an agent: its preferred models that the run's provider can serve (same
 * provider, same endpoint and key), then the run's model. Preferences naming another provider are
 * skipped, since the CLI holds one provider's key and endpoint per run. With a router, the chain
 * is re-chosen on every turn: models whose circuit is open are dropped and models without rate
 * headroom move to the back.
 */
export function modelChain(
  provider: ProviderConfig,
  routerOf: () => ModelRouting | undefined = () => undefined,
): (definition: AgentDefinitionInput) => ChatModel[] {
  const cache = new Map<string, ChatModel>();
  const model = (name: string): ChatModel => {
    let m = cache.get(name);
    if (!m) cache.set(name, (m = provider.createModel(name)));
    return m;
  };
  return (definition) => {
    const names = [...new Set([...preferredOf(definition, provider), provider.model])];
    const router = routerOf();
    if (!router) return names.map(model);
    try {
      return router
        .choose({ preferred: names.map((n) => `${provider.provider}/${n}`), needs: ['tools'] })
        .chain.map((e) => model(e.model));
    } catch (err) {
      // Every circuit is open: try the preferences anyway; the failure then says what is wrong.
      if (err instanceof NoModelAvailableError) return names.map(model);
      throw err;
    }
  };
}

function preferredOf(definition: AgentDefinitionInput, provider: ProviderConfig): string[] {
  return (definition.preferredModels ?? [])
    .map(parseModelRef)
    .filter((ref) => ref?.provider === provider.provider)
    .map((ref) => ref!.model);
}

/** Coarse cost tier from the input price per million tokens (unknown prices count as standard). */
function costTier(prices: PriceTable, provider: string, model: string): CostTier {
  const input = prices.lookup(provider, model)?.input;
  if (input === undefined) return 'standard';
  return input < 1 ? 'low' : input <= 5 ? 'standard' : 'premium';
}

/** The router over the models this run's agents may use: the run's model and every same-provider preference. */
export function createCliRouter(
  registry: AgentRegistry,
  provider: ProviderConfig,
  prices: PriceTable,
  breaker: CircuitBreaker,
  headroom: () => RateHeadroom[],
  clock: Clock,
): ModelRouter {
  const names = new Set([provider.model, ...registry.list().flatMap((a) => preferredOf(a.definition, provider))]);
  const catalogue = [...names].map((model) => ({
    provider: provider.provider,
    model,
    costTier: costTier(prices, provider.provider, model),
    capabilities: ['tools', 'json'],
  }));
  return new ModelRouter({ catalogue, breaker, headroom, clock });
}

/**
 * The agents of a CLI run: the five built-in agents, then the custom agents of
 * `<workspace>/.orchestrator/agents`, all as LLM agents. A bad custom agent file, or one whose
 * name clashes with a built-in agent, is skipped with a warning; it never stops the run.
 */
export async function createCliRegistry(
  workspaceRoot: string,
  provider: ProviderConfig,
  deps: SharedAgentDeps,
  warn: (message: string) => void,
  routing?: { headroom: () => RateHeadroom[]; clock: Clock },
): Promise<AgentRegistry> {
  const registry = new AgentRegistry();
  // The router needs the custom agents' preferences, which are only known after loading; it is read lazily.
  let router: ModelRouter | undefined;
  const models = modelChain(provider, () => router);
  for (const spec of BUILTIN_AGENTS)
    registry.register(new LlmAgent(spec.definition, spec.systemPrompt, { ...deps, models }));
  const { agents, errors } = await loadCustomAgents(path.join(workspaceRoot, ...CUSTOM_AGENTS_DIR.split('/')), {
    knownTools: deps.tools.names(),
    displayDir: CUSTOM_AGENTS_DIR,
  });
  for (const error of errors) warn(`Custom agent skipped: ${error}`);
  for (const spec of agents) {
    try {
      registry.register(new LlmAgent(spec.definition, spec.systemPrompt, { ...deps, models }));
    } catch (err) {
      warn(`Custom agent skipped: ${CUSTOM_AGENTS_DIR}/${path.basename(spec.sourceFile)}: ${errorMessage(err)}`);
    }
    for (const ref of spec.definition.preferredModels) {
      const parsed = parseModelRef(ref);
      if (parsed && parsed.provider !== provider.provider) {
        warn(
          `Custom agent "${spec.definition.id}" prefers ${ref}, but this run uses ${provider.provider}; it gets ${provider.model} instead.`,
        );
      }
    }
  }
  if (routing && deps.breaker)
    router = createCliRouter(registry, provider, deps.prices, deps.breaker, routing.headroom, routing.clock);
  return registry;
}
