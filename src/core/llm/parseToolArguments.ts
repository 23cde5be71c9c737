/**
 * Parses a tool call's streamed argument string. Empty means no arguments (`{}`); text that is
 * not JSON gives `arguments: undefined` and an `argumentsError` to send back to the model, because
 * a broken call is the model's mistake to correct, not a reason to fail the whole answer.
 */
export function parseToolArguments(raw: string): { arguments: unknown; argumentsError?: string } {
  if (raw.trim() === '') return { arguments: {} };
  try {
    return { arguments: JSON.parse(raw) as unknown };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { arguments: undefined, argumentsError: `The tool arguments are not valid JSON (${reason}).` };
  }
}
