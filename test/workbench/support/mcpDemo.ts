import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './prerequisites';

/**
 * A `.vscode/mcp.json` naming the repository's demo MCP server (test/support/mcpDemoServer.ts) as
 * the stdio server `name`: this Node with tsx, by absolute paths, so the extension host can spawn
 * it whatever its PATH. Each `echo` call reaching the server appends its text to `callsFile`.
 */
export function demoMcpJson(name: string, callsFile: string): string {
  const server = {
    type: 'stdio',
    command: process.execPath,
    args: ['--require', require.resolve('tsx/cjs'), join(REPO_ROOT, 'test', 'support', 'mcpDemoServer.ts')],
    env: { MCP_DEMO_CALLS: callsFile },
  };
  return `${JSON.stringify({ servers: { [name]: server } }, null, 2)}\n`;
}

/** The texts the demo server's `echo` received, one per call that reached it; none when the file is missing. */
export function demoMcpCalls(callsFile: string): string[] {
  try {
    return readFileSync(callsFile, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
