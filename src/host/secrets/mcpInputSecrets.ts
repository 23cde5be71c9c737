import { createHash } from 'node:crypto';
import type * as vscode from 'vscode';
import type { McpInputSpec, McpServerConfig } from '../../core/tools/mcpConfig';

const SECRET_PREFIX = 'agentOrchestrator.mcpInput.';

/** What asking looks like: `vscode.window.showInputBox` in the extension, a script in tests. */
export type AskInput = (options: vscode.InputBoxOptions) => Thenable<string | undefined>;

/**
 * The values of MCP config inputs (`${input:ID}` of `.vscode/mcp.json`), kept only in VS Code's
 * SecretStorage under the workspace, the server and the input id: the user is asked once (masked
 * for `password` inputs), and a value given for one server never goes to another. Values are
 * handed to `remember` (the window's log scrubber) and never written anywhere else.
 */
export class McpInputSecrets {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly ask: AskInput,
    private readonly remember: (value: string) => void = () => undefined,
  ) {}

  /** The SecretStorage key of one input of one server in one workspace (the root is hashed, not stored). */
  static keyOf(root: string, server: string, inputId: string): string {
    const workspace = createHash('sha256').update(root).digest('hex').slice(0, 16);
    return `${SECRET_PREFIX}${workspace}.${server}.${inputId}`;
  }

  /** The stored value, or the one the user types now (then stored); undefined when the user cancels. */
  async value(root: string, server: McpServerConfig, input: McpInputSpec): Promise<string | undefined> {
    const key = McpInputSecrets.keyOf(root, server.name, input.id);
    const stored = await this.secrets.get(key);
    if (stored !== undefined && stored !== '') {
      this.remember(stored);
      return stored;
    }
    const typed = await this.ask({
      title: `MCP server "${server.name}" (${server.source})`,
      prompt: `${input.description || `Value for \${input:${input.id}}`} — asked once, kept in VS Code's secret storage.`,
      password: input.password,
      ignoreFocusOut: true,
      validateInput: (v) => (v === '' ? 'Enter a value, or press Escape to leave this server out.' : undefined),
    });
    if (typed === undefined || typed === '') return undefined;
    this.remember(typed);
    await this.secrets.store(key, typed);
    return typed;
  }
}
