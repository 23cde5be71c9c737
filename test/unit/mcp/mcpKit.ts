import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { McpServerConfig } from '../../../src/core/tools/mcpConfig';

/** The stdio demo server as a config entry: node with tsx, running test/support/mcpDemoServer.ts. */
export function stdioDemoServer(name: string, env: Record<string, string> = {}): McpServerConfig {
  return {
    name,
    type: 'stdio',
    command: process.execPath,
    args: ['--require', require.resolve('tsx/cjs'), path.join(__dirname, '..', '..', 'support', 'mcpDemoServer.ts')],
    env,
    source: 'test',
  };
}

/** The lines the demo server's echo appended to `file`: one per call that reached it. */
export async function callsIn(file: string): Promise<string[]> {
  return ((await readFile(file, 'utf8').catch(() => '')) as string).split('\n').filter(Boolean);
}
