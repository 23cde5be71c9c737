import type { ToolResult } from './toolDefinition';

/** A result the model reads as a problem to correct. */
export function errorResult(content: string, data?: Record<string, unknown>): ToolResult {
  return data === undefined ? { isError: true, content } : { isError: true, content, data };
}

/** A plain, successful result. */
export function textResult(content: string, data?: Record<string, unknown>): ToolResult {
  return data === undefined ? { content } : { content, data };
}
