/** Deepest nesting of arrays and objects a tool call's arguments may have. */
export const MAX_TOOL_ARGUMENT_DEPTH = 64;

/**
 * Parses a tool call's streamed argument string. Empty means no arguments (`{}`); text that is
 * not JSON gives `arguments: undefined` and an `argumentsError` to send back to the model, because
 * a broken call is the model's mistake to correct, not a reason to fail the whole answer.
 */
export function parseToolArguments(raw: string): { arguments: unknown; argumentsError?: string } {
  if (raw.trim() === '') return { arguments: {} };
  try {
    const parsed = JSON.parse(raw) as unknown;
    // Nesting this deep is no argument any tool takes; it would only exhaust the stack of whatever walks it next.
    if (nestedDeeperThan(parsed, MAX_TOOL_ARGUMENT_DEPTH))
      return {
        arguments: undefined,
        argumentsError: `The tool arguments are nested more than ${MAX_TOOL_ARGUMENT_DEPTH} levels deep; flatten them.`,
      };
    return { arguments: parsed };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { arguments: undefined, argumentsError: `The tool arguments are not valid JSON (${reason}).` };
  }
}

/** Whether `value` nests arrays or objects more than `max` levels deep; iterative, so any depth is safe to check. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}
