import * as path from 'node:path';
import type { AgentDefinitionInput } from '../core/agents/agentDefinition';
import { AgentRegistry } from '../core/agents/agentRegistry';
import { BUILTIN_AGENTS } from '../core/agents/builtinAgents';
import { loadCustomAgents } from '../core/agents/customAgentFile';
import { LlmAgent, type LlmAgentDeps } from '../core/agents/llmAgent';
import { errorMessage } from '../core/common/errors';
import type { ChatModel } from '../core/llm/chatModel';
import { parseModelRef } from '../core/route/modelRef';
import type { ProviderConfig } from './providerConfig';

/** Where custom agents live in a workspace. */
export const CUSTOM_AGENTS_DIR = '.orchestrator/agents';

/** What every agent of the CLI shares. */
export type SharedAgentDeps = Omit<LlmAgentDeps, 'models'>;

/**
 * The model chain of an agent: its preferred models that the run's provider can serve (same
 * provider, same endpoint and key), then the run's model. Preferences naming another provider are
 * skipped, since the CLI holds one provider's key and endpoint per run.
 */
export function modelChain(provider: ProviderConfig): (definition: AgentDefinitionInput) => ChatModel[] {
  const cache = new Map<string, ChatModel>();
  const model = (name: string): ChatModel => {
    let m = cache.get(name);
    if (!m) cache.set(name, (m = provider.createModel(name)));
    return m;
  };
  return (definition) => {
    const names = (definition.preferredModels ?? []).map(parseModelRef).filter((ref) => ref?.provider === provider.provider).map((ref) => ref!.model);
    return [...new Set([...names, provider.model])].map(model);
  };
}

/**
 * The agents of a CLI run: the five built-in agents, then the custom agents of
 * `<workspace>/.orchestrator/agents`, all as LLM agents. A bad custom agent file, or one whose
 * name clashes with a built-in agent, is skipped with a warning; it never stops the run.
 */
export async function createCliRegistry(workspaceRoot: string, provider: ProviderConfig, deps: SharedAgentDeps, warn: (message: string) => void): Promise<AgentRegistry> {
  const registry = new AgentRegistry();
  const models = modelChain(provider);
  for (const spec of BUILTIN_AGENTS) registry.register(new LlmAgent(spec.definition, spec.systemPrompt, { ...deps, models }));
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
        warn(`Custom agent "${spec.definition.id}" prefers ${ref}, but this run uses ${provider.provider}; it gets ${provider.model} instead.`);
      }
    }
  }
  return registry;
}
