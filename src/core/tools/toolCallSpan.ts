import type { StartChildSpan } from '../task/agent';
import type { ToolResult } from './toolDefinition';

/**
 * Runs one tool call inside an `execute_tool <name>` span with the OpenTelemetry GenAI attributes
 * (tool name, call id) and its outcome: `ok`, or `error` when the tool answered with an error
 * (`error.type` = `tool_error`) or threw. Arguments and results stay out of the span (secrets).
 */
export async function traceToolCall(
  startSpan: StartChildSpan | undefined,
  name: string,
  callId: string | undefined,
  call: () => Promise<ToolResult>,
): Promise<ToolResult> {
  if (startSpan === undefined) return call();
  const span = startSpan(`execute_tool ${name}`, {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': name,
    ...(callId === undefined ? {} : { 'gen_ai.tool.call.id': callId }),
  });
  try {
    const result = await call();
    const size = { 'agent_orchestrator.tool.result_chars': result.content.length };
    if (result.isError) span.end('error', { ...size, 'error.type': 'tool_error' });
    else span.end('ok', size);
    return result;
  } catch (err) {
    const cancelled = err instanceof Error && err.name === 'AbortError';
    span.end(cancelled ? 'cancelled' : 'error', {
      'error.type': err instanceof Error && err.name !== 'Error' ? err.name : '_OTHER',
    });
    throw err;
  }
}
