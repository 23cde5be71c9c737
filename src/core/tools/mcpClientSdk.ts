// The MCP client library, in one module so the bundles can keep it in a file of its own
// (dist/sdk/mcp.js, see esbuild.mjs) that loads on the first server start, never at activation.
export { Client } from '@modelcontextprotocol/sdk/client/index.js';
export { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
export { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
