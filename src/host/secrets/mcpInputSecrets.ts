import { createHash } from 'node:crypto';
import type * as vscode from 'vscode';
import type { McpInputSpec, McpServerConfig } from '../../core/tools/mcpConfig';

const SECRET_PREFIX = 'agentOrchestrator.mcpInput.';
/** The list of keys stored under SECRET_PREFIX (SecretStorage cannot list its keys on VS Code 1.90). */
const INDEX_KEY = 'agentOrchestrator.mcpInputKeys';

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
    const known = await this.storedKeys();
    if (!known.includes(key)) await this.secrets.store(INDEX_KEY, JSON.stringify([...known, key]));
    return typed;
  }

  /**
   * Deletes every stored input value (all workspaces and servers) and the list of them, and
   * `alsoKeys` (keys a current config names, stored before the list existed); each server asks
   * again on its next start. Returns how many values were deleted.
   */
  async forgetAll(alsoKeys: readonly string[] = []): Promise<number> {
    let deleted = 0;
    for (const key of new Set([...(await this.storedKeys()), ...alsoKeys])) {
      if (!key.startsWith(SECRET_PREFIX)) continue;
      if ((await this.secrets.get(key)) !== undefined) deleted++;
      await this.secrets.delete(key);
    }
    await this.secrets.delete(INDEX_KEY);
    return deleted;
  }

  /** The keys of the values stored so far (an unreadable list is none). */
  private async storedKeys(): Promise<string[]> {
    try {
      const list: unknown = JSON.parse((await this.secrets.get(INDEX_KEY)) ?? '[]');
      return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  }
}
