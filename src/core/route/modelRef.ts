/** A model as `provider` plus `model`; the model part may itself contain slashes (OpenRouter names do). */
export interface ModelRef {
  provider: string;
  model: string;
}

/** Splits `provider/model` at the first slash; undefined when either part is empty or has spaces. */
export function parseModelRef(ref: string): ModelRef | undefined {
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return undefined;
  const provider = ref.slice(0, slash);
  const model = ref.slice(slash + 1);
  if (/\s/.test(provider) || /\s/.test(model)) return undefined;
  return { provider, model };
}

/** The `provider/model` form of a model, as users write it. */
export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}/${ref.model}`;
}
