import { mergeMcpConfigs, parseMcpServers, readWorkspaceMcpConfig } from '../../core/tools/mcpConfig';
import type { McpServerConfig } from '../../core/tools/mcpConfig';
import { workspaceSettingsApply } from '../settings/hostSettings';
import { full, type HostSettings } from '../settings/hostSettingsSchema';

/**
 * The MCP servers of an engine: the user setting `agentOrchestrator.mcp.servers` and, in a trusted
 * workspace only, `.mcp.json` and `.vscode/mcp.json` (the user's setting wins a name both use).
 * Trust is read at the host boundary (the settings reader's `isTrusted`): in an untrusted workspace the core refuses to start
 * any server, the user's included. A bad server is a warning naming its file and field.
 */
export async function hostMcpServers(
  root: string,
  settings: HostSettings,
  warn: (message: string) => void,
): Promise<{ mcp?: { servers: McpServerConfig[]; trusted: boolean } }> {
  const trusted = workspaceSettingsApply();
  const user = parseMcpServers(settings.mcp.servers, `setting ${full('mcp.servers')}`, 'servers');
  const workspace = trusted ? await readWorkspaceMcpConfig(root) : { servers: [], errors: [] };
  const config = mergeMcpConfigs([workspace, user]);
  for (const error of config.errors) warn(`MCP config ${error}`);
  return config.servers.length === 0 ? {} : { mcp: { servers: config.servers, trusted } };
}
