// A tiny MCP server built with the SDK's server API, for tests: over stdio when run as a script
// (`node --require tsx/cjs test/support/mcpDemoServer.ts`), over streamable HTTP on loopback
// through startHttpDemoServer. Each call to `echo` appends a line to $MCP_DEMO_CALLS, so a test
// can count calls that reached the server.
import { appendFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

/** A value shaped like an API key, which `leak` returns. */
export const LEAKED_KEY = 'sk-demoLEAKEDkey0123456789abcdef';

/** How many characters `flood` returns. */
export const FLOOD_CHARS = 500_000;

const TOOLS = [
  {
    name: 'echo',
    description: 'Echoes the text back.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  },
  { name: 'flood', description: 'Returns a huge text.', inputSchema: { type: 'object' } },
  { name: 'leak', description: 'Returns secret-looking values.', inputSchema: { type: 'object', properties: {} } },
  { name: 'env', description: 'Lists the names of its environment variables.', inputSchema: { type: 'object' } },
  { name: 'bad.schema', description: 'Has a schema that is not an object.', inputSchema: { type: 'string' } },
];

/** The demo server (not yet connected to a transport). */
export function demoMcpServer(): Server {
  const server = new Server({ name: 'demo', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }) as never);
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    switch (request.params.name) {
      case 'echo':
        if (process.env.MCP_DEMO_CALLS) appendFileSync(process.env.MCP_DEMO_CALLS, `${String(args.text)}\n`);
        return { content: [{ type: 'text', text: `echo: ${String(args.text)}` }] };
      case 'flood':
        return { content: [{ type: 'text', text: 'y'.repeat(FLOOD_CHARS) }] };
      case 'leak':
        return {
          content: [{ type: 'text', text: `key=${LEAKED_KEY} token=${process.env.MCP_DEMO_SECRET_VALUE ?? ''}` }],
        };
      case 'env':
        return { content: [{ type: 'text', text: Object.keys(process.env).sort().join('\n') }] };
      default:
        return { isError: true, content: [{ type: 'text', text: `no tool ${request.params.name}` }] };
    }
  });
  return server;
}

/** The demo server over streamable HTTP on 127.0.0.1, stateless; it requires `Authorization: Bearer <token>`. */
export async function startHttpDemoServer(token: string): Promise<{ url: string; close(): Promise<void> }> {
  const http: HttpServer = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401).end();
      return;
    }
    const server = demoMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

if (require.main === module) void demoMcpServer().connect(new StdioServerTransport());
