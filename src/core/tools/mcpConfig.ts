import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import { errorMessage } from '../common/errors';

/** A value a config asks the user for (VS Code's `inputs`, type `promptString`), used as `${input:ID}`. */
export interface McpInputSpec {
  id: string;
  /** Shown in the prompt. */
  description: string;
  /** Masked when typed, kept only in secret storage, redacted from anything shown. */
  password: boolean;
}

/** What every server config carries besides its transport. */
interface McpServerCommon {
  name: string;
  /** Where the config came from, for messages. */
  source: string;
  /** The inputs its file declares; `${input:ID}` may name only these (see `mcpVariables.ts`). */
  inputs?: McpInputSpec[];
  /** Values put in by variables that must never be shown (password inputs, secret-named variables). */
  secrets?: string[];
}

/** One MCP server the engine may start: a local program over stdio, or a streamable HTTP endpoint. */
export type McpServerConfig =
  | (McpServerCommon & {
      type: 'stdio';
      command: string;
      args: string[];
      /** Only these variables are added to the scrubbed environment (checklist 28). */
      env: Record<string, string>;
    })
  | (McpServerCommon & { type: 'http'; url: string; headers: Record<string, string> });

/** The servers a config names, and one message per server or file that could not be used. */
export interface McpConfigResult {
  servers: McpServerConfig[];
  errors: string[];
}

/** The workspace files read, in order; a later file's server replaces an earlier one of the same name. */
export const WORKSPACE_MCP_FILES = ['.mcp.json', '.vscode/mcp.json'] as const;

const StringMap = z.record(z.string(), z.string());

const StdioServer = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: StringMap.default({}),
});

const InputSpec = z.object({
  type: z.literal('promptString', { error: 'only "promptString" inputs are supported' }),
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'an input id is 1–64 letters, digits, "_", "-" or "."'),
  description: z.string().default(''),
  password: z.boolean().default(false),
});

const HttpServer = z.object({
  type: z.literal('http').optional(),
  url: z.url({ protocol: /^https?$/ }),
  headers: StringMap.default({}),
});

/**
 * Parses the servers of one config. VS Code's `.vscode/mcp.json` keeps them under `servers`,
 * Claude Code's `.mcp.json` (and `--mcp-config`) under `mcpServers`; either key is accepted in
 * either file. A bad server is reported with the file and the field and skipped; the others load.
 */
export function parseMcpConfig(text: string, source: string): McpConfigResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`${source}: not valid JSON (${errorMessage(err)}); fix the file (comments are not supported).`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return fail(`${source}: expected an object with "servers" or "mcpServers"; fix the file.`);
  const record = json as Record<string, unknown>;
  const key = 'servers' in record ? 'servers' : 'mcpServers' in record ? 'mcpServers' : undefined;
  if (key === undefined) return fail(`${source}: no "servers" or "mcpServers" field; add one, or remove the file.`);
  const inputs = parseInputs(record['inputs'], source);
  const result = parseMcpServers(record[key], source, key);
  if (inputs.specs.length === 0) return { ...result, errors: [...inputs.errors, ...result.errors] };
  return {
    servers: result.servers.map((s) => ({ ...s, inputs: [...(s.inputs ?? []), ...inputs.specs] })),
    errors: [...inputs.errors, ...result.errors],
  };
}

/** The `inputs` of a config file; a bad one is reported and left out (a server naming it then says so). */
function parseInputs(value: unknown, source: string, field = 'inputs'): { specs: McpInputSpec[]; errors: string[] } {
  if (value === undefined) return { specs: [], errors: [] };
  if (!Array.isArray(value))
    return { specs: [], errors: [`${source}: field "${field}" must be a list of inputs; fix it.`] };
  const specs: McpInputSpec[] = [];
  const errors: string[] = [];
  value.forEach((raw, i) => {
    const parsed = InputSpec.safeParse(raw);
    if (parsed.success) {
      const { id, description, password } = parsed.data;
      specs.push({ id, description, password });
      return;
    }
    const issue = parsed.error.issues[0];
    const at = issue?.path.map(String).join('.') || '(input)';
    errors.push(`${source}: field "${field}[${i}].${at}": ${issue?.message ?? 'invalid'}; fix it.`);
  });
  return { specs, errors };
}

/** Parses a map of server name to server, as found under `field` of `source` (a file or a setting). */
export function parseMcpServers(value: unknown, source: string, field: string): McpConfigResult {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail(`${source}: field "${field}" must be an object of server name to server; fix it.`);
  const servers: McpServerConfig[] = [];
  const errors: string[] = [];
  for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
    const where = `${source}: field "${field}.${name}"`;
    if (!/^[A-Za-z0-9_.-]{1,40}$/.test(name)) {
      errors.push(`${where}: a server name is 1–40 letters, digits, "_", "-" or "."; rename it. It was skipped.`);
      continue;
    }
    const parsed = parseServer(raw);
    if (typeof parsed === 'string') {
      errors.push(`${where}: ${parsed}; fix it. It was skipped.`);
      continue;
    }
    // A server may declare its own `inputs` (the setting has no file-level list), in mcp.json's shape.
    const own = parseInputs((raw as { inputs?: unknown }).inputs, source, `${field}.${name}.inputs`);
    if (own.errors.length > 0) {
      errors.push(...own.errors.map((e) => `${e} The server "${name}" was skipped.`));
      continue;
    }
    servers.push({ ...parsed, name, source, ...(own.specs.length > 0 ? { inputs: own.specs } : {}) });
  }
  return { servers, errors };
}

function parseServer(
  raw: unknown,
):
  | string
  | Omit<Extract<McpServerConfig, { type: 'stdio' }>, 'name' | 'source'>
  | Omit<Extract<McpServerConfig, { type: 'http' }>, 'name' | 'source'> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'expected an object';
  const type = (raw as { type?: unknown }).type ?? ('url' in raw ? 'http' : 'stdio');
  if (type === 'sse') return 'type "sse" is not supported; use "http" (streamable HTTP)';
  if (type !== 'stdio' && type !== 'http') return `type must be "stdio" or "http", not ${JSON.stringify(type)}`;
  const result = type === 'stdio' ? StdioServer.safeParse(raw) : HttpServer.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    return `${issue?.path.map(String).join('.') || '(server)'}: ${issue?.message ?? 'invalid'}`;
  }
  return type === 'stdio'
    ? { type: 'stdio', ...(result.data as z.infer<typeof StdioServer>) }
    : { type: 'http', ...(result.data as z.infer<typeof HttpServer>) };
}

/** Reads one config file; a missing file is no servers, and an error only when `required` (a file the user named). */
export async function readMcpConfigFile(file: string, label = file, required = false): Promise<McpConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return { servers: [], errors: [] };
    return fail(`${label}: cannot be read (${errorMessage(err)}).`);
  }
  return parseMcpConfig(text, label);
}

/** The workspace's MCP servers (`.mcp.json`, then `.vscode/mcp.json`). */
export async function readWorkspaceMcpConfig(root: string): Promise<McpConfigResult> {
  return mergeMcpConfigs(await Promise.all(WORKSPACE_MCP_FILES.map((f) => readMcpConfigFile(path.join(root, f), f))));
}

/** Merges configs in order: a later server replaces an earlier one of the same name; errors add up. */
export function mergeMcpConfigs(results: readonly McpConfigResult[]): McpConfigResult {
  const byName = new Map<string, McpServerConfig>();
  for (const r of results) for (const s of r.servers) byName.set(s.name, s);
  return { servers: [...byName.values()], errors: results.flatMap((r) => r.errors) };
}

function fail(message: string): McpConfigResult {
  return { servers: [], errors: [message] };
}
