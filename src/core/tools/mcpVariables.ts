import { looksLikeSecret } from '../verify/childEnvironment';
import { WORKSPACE_MCP_FILES, type McpConfigResult, type McpInputSpec, type McpServerConfig } from './mcpConfig';

/** Where the values of `${workspaceFolder}`, `${env:NAME}` and `${input:ID}` come from. */
export interface McpVariableSource {
  /** The workspace root. */
  workspaceFolder: string;
  /** The environment `${env:NAME}` reads. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The value of one input for one server (the host asks once and keeps it in SecretStorage; the
   * CLI reads `AO_MCP_INPUT_<ID>`), or undefined when there is none.
   */
  input(server: McpServerConfig, input: McpInputSpec): Promise<string | undefined>;
  /** How the user supplies a missing input, as the end of a sentence ("set AO_MCP_INPUT_TOKEN"). */
  howToSupply(input: McpInputSpec): string;
}

const VARIABLE = /\$\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The environment variable the CLI reads an input from: `AO_MCP_INPUT_` and the id, upper-cased, other characters as `_`. */
export function mcpInputEnvName(id: string): string {
  return `AO_MCP_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Replaces the variables VS Code's MCP configs use in a server's command, args, env values, URL
 * and header values: `${workspaceFolder}`, `${env:NAME}` and `${input:ID}` (an input its file
 * declares). A server with a variable that cannot be resolved is left out with one message per
 * problem, so nothing is half-applied; messages never contain a value. Values of password inputs
 * and of secret-named variables are listed in the server's `secrets`, for redaction. A server
 * from a workspace file may not read a secret-named variable (checklist 28): it must ask through
 * an input. Inputs are asked one at a time, in the order the servers use them.
 */
export async function resolveMcpVariables(
  servers: readonly McpServerConfig[],
  source: McpVariableSource,
): Promise<McpConfigResult> {
  const resolved: McpServerConfig[] = [];
  const errors: string[] = [];
  for (const server of servers) {
    const problems: string[] = [];
    const secrets = new Set(server.secrets ?? []);
    const asked = new Map<string, string | undefined>();
    const fromWorkspace = (WORKSPACE_MCP_FILES as readonly string[]).includes(server.source);

    const valueOf = async (name: string): Promise<string | undefined> => {
      if (name === 'workspaceFolder') return source.workspaceFolder;
      if (name.startsWith('env:')) {
        const envName = name.slice(4);
        if (!ENV_NAME.test(envName)) return void problems.push(`\${${name}} does not name an environment variable`);
        if (fromWorkspace && looksLikeSecret(envName))
          return void problems.push(
            `\${env:${envName}} would hand a secret-named variable to a server the workspace defines; ask for it with an input ("\${input:ID}" and a promptString input with "password": true) or define the server in your own settings`,
          );
        const value = source.env[envName];
        if (value === undefined) return void problems.push(`\${env:${envName}} is not set; set ${envName}`);
        if (looksLikeSecret(envName)) secrets.add(value);
        return value;
      }
      if (name.startsWith('input:')) {
        const id = name.slice(6);
        const spec = server.inputs?.find((i) => i.id === id);
        if (spec === undefined)
          return void problems.push(
            `\${input:${id}} names no input; declare it under "inputs" of ${server.source}, e.g. {"type": "promptString", "id": "${id}", "password": true}`,
          );
        if (!asked.has(id)) asked.set(id, await source.input(server, spec));
        const value = asked.get(id);
        if (value === undefined) {
          const what = spec.description ? ` (${spec.description})` : '';
          return void problems.push(`input "${id}"${what} has no value; ${source.howToSupply(spec)}`);
        }
        if (spec.password) secrets.add(value);
        return value;
      }
      return void problems.push(
        `\${${name}} is not a supported variable; use \${workspaceFolder}, \${env:NAME} or \${input:ID}`,
      );
    };

    const expand = async (text: string): Promise<string> => {
      let out = '';
      let last = 0;
      for (const match of text.matchAll(VARIABLE)) {
        out += text.slice(last, match.index) + ((await valueOf(match[1] ?? '')) ?? '');
        last = match.index + match[0].length;
      }
      return out + text.slice(last);
    };
    const expandValues = async (map: Record<string, string>): Promise<Record<string, string>> => {
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(map)) out[key] = await expand(value);
      return out;
    };

    let next: McpServerConfig;
    if (server.type === 'stdio') {
      const command = await expand(server.command);
      const args: string[] = [];
      for (const arg of server.args) args.push(await expand(arg));
      next = { ...server, command, args, env: await expandValues(server.env) };
    } else {
      next = { ...server, url: await expand(server.url), headers: await expandValues(server.headers) };
    }
    if (problems.length > 0) {
      for (const p of new Set(problems))
        errors.push(`${server.source}: server "${server.name}": ${p}. The server was left out.`);
      continue;
    }
    resolved.push(secrets.size > 0 ? { ...next, secrets: [...secrets] } : next);
  }
  return { servers: resolved, errors };
}
