import { z } from 'zod';
import { errorMessage } from '../common/errors';
import { redactSecrets } from '../observe/sanitizeFields';
import { looksLikeSecret } from '../verify/childEnvironment';
import type * as McpClientSdk from './mcpClientSdk';
import type { McpServerConfig } from './mcpConfig';
import { mcpToolDefinition } from './mcpTool';
import type { McpCaller, McpToolInfo } from './mcpTool';
import { isMcpToolName, mcpServerPrefix, mcpToolName, normaliseMcpSchema, toolPatternMatches } from './mcpToolNames';
import type { ToolContext } from './toolContext';
import type { ToolDefinition } from './toolDefinition';

type McpSdk = typeof McpClientSdk;
type Client = InstanceType<McpSdk['Client']>;

/** Largest tool result (characters) handed to the model and the journal; the rest is cut and counted. */
export const DEFAULT_MCP_RESULT_CHARS = 16_000;

/** How the hub reaches servers. */
export interface McpHubOptions {
  servers: readonly McpServerConfig[];
  /** False in an untrusted workspace: no server is ever started. */
  trusted: boolean;
  /** Folder stdio servers start in (the workspace root). */
  cwd: string;
  /** The scrubbed environment (checklist 28); a server's own `env` is added on top. */
  environment(): Record<string, string>;
  /** A server that failed to start, a tool skipped for its schema, an untrusted workspace. */
  warn(message: string): void;
  maxResultChars?: number;
  /** Values never shown to a model or a log (keys); by default the values of secret-named variables. */
  secretValues?: readonly string[];
}

interface Connection {
  client: Client;
  /** The stdio server's process id; undefined for HTTP. */
  pid: number | undefined;
  tools: ToolDefinition<ToolContext>[];
}

/**
 * The MCP servers of one engine. A server starts on the first listing an agent that may use it
 * needs, or on its first call; `close()` (at the end of each run, and on cancel) stops them all,
 * and the next use starts them again. The client library loads on the first start.
 */
export class McpHub implements McpCaller {
  readonly #byPrefix = new Map<string, McpServerConfig>();
  readonly #connections = new Map<string, Promise<Connection | undefined>>();
  readonly #secrets: readonly string[];
  #warnedUntrusted = false;

  constructor(private readonly options: McpHubOptions) {
    for (const server of options.servers) {
      const prefix = mcpServerPrefix(server.name);
      if (this.#byPrefix.has(prefix))
        options.warn(
          `MCP servers "${this.#byPrefix.get(prefix)?.name}" and "${server.name}" have the same tool prefix ${prefix}; "${server.name}" is skipped. Rename one.`,
        );
      else this.#byPrefix.set(prefix, server);
    }
    // Password inputs and secret-named variables a config put in (`mcpVariables.ts`) are never shown either.
    const fromConfigs = options.servers.flatMap((s) => s.secrets ?? []);
    this.#secrets = [...(options.secretValues ?? secretValuesOf(process.env)), ...fromConfigs].filter(
      (v) => v.length >= 8,
    );
  }

  /** Names of the configured servers. */
  serverNames(): string[] {
    return [...this.#byPrefix.values()].map((s) => s.name);
  }

  /** The tools of the servers `allowed` names (by full name or `mcp__<server>__*`), starting those servers. */
  async toolsFor(allowed: readonly string[]): Promise<ToolDefinition<ToolContext>[]> {
    const wanted = allowed.filter(isMcpToolName);
    if (wanted.length === 0) return [];
    const servers = [...this.#byPrefix.entries()].filter(([prefix]) =>
      wanted.some((p) => p.startsWith(prefix) || (p.endsWith('*') && prefix.startsWith(p.slice(0, -1)))),
    );
    if (servers.length > 0 && !this.options.trusted) {
      if (!this.#warnedUntrusted)
        this.options.warn('MCP servers are never started in an untrusted workspace; trust the workspace to use them.');
      this.#warnedUntrusted = true;
      return [];
    }
    const connections = await Promise.all(servers.map(([, s]) => this.#connect(s)));
    return connections.flatMap((c) => c?.tools ?? []).filter((t) => wanted.some((p) => toolPatternMatches(p, t.name)));
  }

  /** Calls a tool; the result is bounded and scrubbed of secrets before anyone sees it. */
  async callTool(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<{ content: string; isError: boolean }> {
    const config = this.#byPrefix.get(mcpServerPrefix(server));
    if (config === undefined) throw new Error(`There is no MCP server "${server}".`);
    if (!this.options.trusted) throw new Error('MCP servers are never started in an untrusted workspace.');
    const connection = await this.#connect(config);
    if (connection === undefined) throw new Error(`The MCP server "${server}" could not be started; see the warnings.`);
    const result = await connection.client.callTool({ name: tool, arguments: args }, undefined, { signal });
    return { content: this.#bound(resultText(result)), isError: result.isError === true };
  }

  /** The process id of a started stdio server (for tests and diagnostics). */
  async pidOf(server: string): Promise<number | undefined> {
    return (await this.#connections.get(server))?.pid;
  }

  /** Stops every started server; the next use starts it again. */
  async close(): Promise<void> {
    const open = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(open.map(async (p) => (await p.catch(() => undefined))?.client.close().catch(() => undefined)));
  }

  #connect(config: McpServerConfig): Promise<Connection | undefined> {
    let connection = this.#connections.get(config.name);
    if (connection === undefined) {
      connection = this.#start(config).catch((err: unknown) => {
        this.options.warn(
          this.#redact(`The MCP server "${config.name}" (${config.source}) could not be started: ${errorMessage(err)}`),
        );
        return undefined;
      });
      this.#connections.set(config.name, connection);
    }
    return connection;
  }

  async #start(config: McpServerConfig): Promise<Connection> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('./mcpClientSdk') as McpSdk;
    const client = new sdk.Client({ name: 'agent-orchestrator', version: '1' });
    let pid: number | undefined;
    if (config.type === 'stdio') {
      const transport = new sdk.StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...this.options.environment(), ...config.env },
        cwd: this.options.cwd,
        stderr: 'ignore',
      });
      await client.connect(transport);
      pid = transport.pid ?? undefined;
    } else {
      const transport = new sdk.StreamableHTTPClientTransport(new URL(config.url), {
        requestInit: { headers: config.headers },
      });
      await client.connect(transport);
    }
    try {
      return { client, pid, tools: this.#definitions(config, await listTools(client)) };
    } catch (err) {
      await client.close().catch(() => undefined);
      throw err;
    }
  }

  #definitions(config: McpServerConfig, tools: readonly ListedTool[]): ToolDefinition<ToolContext>[] {
    const defs: ToolDefinition<ToolContext>[] = [];
    const names = new Set<string>();
    for (const tool of tools) {
      const name = mcpToolName(config.name, tool.name);
      const schema = normaliseMcpSchema(tool.inputSchema);
      if (!schema.ok) {
        this.options.warn(`The MCP tool "${tool.name}" of "${config.name}" is skipped: ${schema.why}.`);
        continue;
      }
      if (names.has(name)) {
        this.options.warn(`The MCP tool "${tool.name}" of "${config.name}" is skipped: another tool is named ${name}.`);
        continue;
      }
      names.add(name);
      const info: McpToolInfo = {
        server: config.name,
        tool: tool.name,
        name,
        description: this.#bound(tool.description ?? '', 2000),
        schema: schema.schema,
      };
      defs.push(mcpToolDefinition(this, info));
    }
    return defs;
  }

  #redact(text: string): string {
    let clean = redactSecrets(text);
    for (const secret of this.#secrets) clean = clean.split(secret).join('[redacted]');
    return clean;
  }

  #bound(text: string, max = this.options.maxResultChars ?? DEFAULT_MCP_RESULT_CHARS): string {
    const clean = this.#redact(text);
    if (clean.length <= max) return clean;
    return `${clean.slice(0, max)}\n… (${clean.length - max} more characters not shown)`;
  }
}

/** Most pages of a tool listing read from one server. */
const MAX_LIST_PAGES = 20;

/** A listed tool, checked loosely: a bad schema skips that tool, not the whole server. */
const ListedTool = z.object({
  name: z.string().min(1).max(200),
  description: z.string().optional(),
  inputSchema: z.unknown(),
});
type ListedTool = z.infer<typeof ListedTool>;

const ListPage = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

/** Every tool a server lists (the SDK's own listTools refuses the whole list for one bad schema). */
async function listTools(client: Client): Promise<ListedTool[]> {
  const tools: ListedTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const result = await client.request(
      { method: 'tools/list', ...(cursor === undefined ? {} : { params: { cursor } }) },
      ListPage as never,
    );
    const parsed = ListPage.parse(result);
    for (const raw of parsed.tools) {
      const tool = ListedTool.safeParse(raw);
      if (tool.success) tools.push(tool.data);
    }
    cursor = parsed.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

/** The text of a tool result: text parts as they are, other parts named. */
function resultText(result: Record<string, unknown>): string {
  const parts = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
  const texts = parts.map((p) => {
    if (p.type === 'text' && typeof p.text === 'string') return p.text;
    const resource = p.resource as { text?: unknown; uri?: unknown } | undefined;
    if (p.type === 'resource' && typeof resource?.text === 'string') return resource.text;
    if (p.type === 'resource_link' && typeof p.uri === 'string') return `(resource ${p.uri})`;
    return `(${String(p.type)} content not shown)`;
  });
  if (texts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return texts.join('\n') || '(no output)';
}

/** Values of variables named like secrets (keys, tokens, passwords) in `env`. */
function secretValuesOf(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value !== undefined && looksLikeSecret(name))
    .map(([, value]) => value as string);
}
