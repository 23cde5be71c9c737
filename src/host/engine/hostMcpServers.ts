import { mergeMcpConfigs, parseMcpServers, readWorkspaceMcpConfig } from '../../core/tools/mcpConfig';
import type { McpServerConfig } from '../../core/tools/mcpConfig';
import { resolveMcpVariables } from '../../core/tools/mcpVariables';
import type { McpInputSecrets } from '../secrets/mcpInputSecrets';
import { full, type HostSettings } from '../settings/hostSettingsSchema';

/**
 * The MCP servers of an engine: the user setting `agentOrchestrator.mcp.servers` and, in a trusted
 * workspace only, `.mcp.json` and `.vscode/mcp.json` (the user's setting wins a name both use).
 * Trust is read at the host boundary (`workspaceSettingsApply()`, passed in): in an untrusted workspace the core refuses to start
 * any server, the user's included. A bad server is a warning naming its file and field. In a
 * trusted workspace `${workspaceFolder}`, `${env:NAME}` and `${input:ID}` are filled in (an input
 * asked once through `inputs`, then kept in SecretStorage); a server whose variables cannot be
 * filled is left out with a warning. An untrusted workspace is never asked for anything.
 */
export async function hostMcpServers(
  root: string,
  settings: HostSettings,
  trusted: boolean,
  warn: (message: string) => void,
  inputs?: McpInputSecrets,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<{ mcp?: { servers: McpServerConfig[]; trusted: boolean } }> {
  const user = parseMcpServers(settings.mcp.servers, `setting ${full('mcp.servers')}`, 'servers');
  const workspace = trusted ? await readWorkspaceMcpConfig(root) : { servers: [], errors: [] };
  const config = mergeMcpConfigs([workspace, user]);
  for (const error of config.errors) warn(`MCP config ${error}`);
  if (config.servers.length === 0) return {};
  if (!trusted) return { mcp: { servers: config.servers, trusted } };
  const resolved = await resolveMcpVariables(config.servers, {
    workspaceFolder: root,
    env,
    input: async (server, input) => inputs?.value(root, server, input),
    howToSupply: () =>
      inputs
        ? "start the run again and enter it when asked (it is then kept in VS Code's secret storage)"
        : 'this window cannot ask for it',
  });
  for (const error of resolved.errors) warn(`MCP config ${error}`);
  return resolved.servers.length === 0 ? {} : { mcp: { servers: resolved.servers, trusted } };
}
