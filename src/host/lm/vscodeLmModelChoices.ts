import type { LmApi } from './vscodeLmPort';

/** A VS Code model to offer in **Select Provider and Model**. */
export interface LmModelChoice {
  /** The id the `vscode-lm` provider selects it by. */
  model: string;
  /** Its name, e.g. "GPT-4o". */
  label: string;
  /** Vendor, family and input limit, e.g. "copilot · gpt-4o · 128,000 input tokens". */
  description: string;
}

/**
 * Every chat model VS Code offers right now, in its order, each id once. Listing asks no consent;
 * an API that fails (no provider installed yet) lists nothing rather than failing the picker.
 */
export async function lmModelChoices(lm: LmApi): Promise<LmModelChoice[]> {
  let models;
  try {
    models = await lm.selectChatModels();
  } catch {
    return [];
  }
  const seen = new Set<string>();
  return models.flatMap((m) => {
    if (seen.has(m.id)) return [];
    seen.add(m.id);
    const limit = m.maxInputTokens > 0 ? ` · ${m.maxInputTokens.toLocaleString('en-US')} input tokens` : '';
    return [{ model: m.id, label: m.name || m.id, description: `${m.vendor} · ${m.family}${limit}` }];
  });
}
