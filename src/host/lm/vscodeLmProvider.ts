import { BUILTIN_PROVIDERS } from '../../core/llm/builtinProviders';
import type { ProviderEntry, ProviderTable } from '../../core/llm/providerTable';
import { VSCODE_LM_ANY_MODEL, VSCODE_LM_PROVIDER_ID, VscodeLmChatModel } from './vscodeLmChatModel';
import type { LmApi } from './vscodeLmPort';

/**
 * The models VS Code offers (GitHub Copilot and other `vscode.lm` providers) as a provider of the
 * table: no API key (VS Code asks the user for consent instead), no prices (the cost is unknown,
 * so a money budget is refused and a token budget holds), plans through a `submit_plan` tool.
 */
export function vscodeLmProvider(lm: LmApi): ProviderEntry {
  return {
    id: VSCODE_LM_PROVIDER_ID,
    displayName: 'VS Code language models',
    detail: 'Models VS Code offers, e.g. through GitHub Copilot; no API key, VS Code asks for consent',
    keyEnvVar: 'no key (VS Code asks for consent)',
    keyless: true,
    scopedPricesOnly: true,
    defaultModel: VSCODE_LM_ANY_MODEL,
    commonModels: [],
    ownHosts: [],
    acceptsBaseUrl: false,
    strictStructuredOutput: false,
    planOutput: 'tool',
    prices: {},
    createClient: ({ model }) => new VscodeLmChatModel(lm, model),
  };
}

/** The host's providers: the built-in ones, then the models VS Code offers through `lm`. */
export function hostProviders(lm: LmApi): ProviderTable {
  return BUILTIN_PROVIDERS.with(vscodeLmProvider(lm));
}

const OUTSIDE_VSCODE = 'VS Code language models can only be used inside VS Code.';

/** Stands in for `vscode.lm` where only the table's ids, names and prices are read (settings, the manifest). */
const NO_LM: LmApi = {
  selectChatModels: () => Promise.reject(new Error(OUTSIDE_VSCODE)),
  createCancellation: () => {
    throw new Error(OUTSIDE_VSCODE);
  },
};

/** The host's provider table for its ids, names and prices; an engine gets `hostProviders(vscodeLmApi())`. */
export const HOST_PROVIDER_TABLE = hostProviders(NO_LM);
