import { strict as assert } from 'node:assert';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { hostMcpServers } from '../../../src/host/engine/hostMcpServers';
import { McpInputSecrets } from '../../../src/host/secrets/mcpInputSecrets';
import { parseHostSettings } from '../../../src/host/settings/hostSettingsSchema';
import { installVscode, manifest, recordingVscode } from '../../support/recordingVscode';
// Types only: the module is required once the fake `vscode` is installed.
import type * as McpInputCommandsSource from '../../../src/host/commands/mcpInputCommands';

const TOKEN = 'ghp-0123456789abcdefTOKEN';

/** An in-memory SecretStorage, shaped like VS Code's. */
class FakeSecrets {
  readonly values = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

/** User settings whose `agentOrchestrator.mcp.servers` is `servers`. */
const settingsWith = (servers: unknown) =>
  parseHostSettings((key) => (key === 'mcp.servers' ? servers : undefined)).settings;

describe('checklist 8: MCP inputs of the user setting, and Forget Stored MCP Inputs', () => {
  let ws: string;
  beforeEach(async () => {
    ws = await realpath(await mkdtemp(join(tmpdir(), 'ao-mcp-forget-')));
  });
  afterEach(() => rm(ws, { recursive: true, force: true }));

  function inputs(answers: Array<string | undefined>) {
    const secrets = new FakeSecrets();
    const asked: vscode.InputBoxOptions[] = [];
    const store = new McpInputSecrets(
      secrets as unknown as vscode.SecretStorage,
      async (options) => (asked.push(options), answers.shift()),
    );
    return { secrets, asked, store };
  }

  const GITHUB = {
    github: {
      command: 'gh-mcp',
      env: { GH_TOKEN: '${input:gh-token}' },
      inputs: [{ type: 'promptString', id: 'gh-token', description: 'GitHub token', password: true }],
    },
  };

  it('a server of the setting declares its own inputs: asked once (masked), kept in SecretStorage, redacted', async () => {
    const h = inputs([TOKEN]);
    const warnings: string[] = [];
    const loaded = await hostMcpServers(ws, settingsWith(GITHUB), true, (m) => warnings.push(m), h.store, {});
    assert.deepEqual(warnings, []);
    const github = loaded.mcp?.servers[0];
    assert.ok(github?.type === 'stdio');
    assert.deepEqual(github.env, { GH_TOKEN: TOKEN });
    assert.deepEqual(github.secrets, [TOKEN], 'a password input is redacted from anything shown');
    assert.equal(h.asked[0]?.password, true);
    assert.equal(h.asked[0]?.title, 'MCP server "github" (setting agentOrchestrator.mcp.servers)');
    assert.equal(h.secrets.values.get(McpInputSecrets.keyOf(ws, 'github', 'gh-token')), TOKEN);
    await hostMcpServers(ws, settingsWith(GITHUB), true, () => undefined, h.store, {});
    assert.equal(h.asked.length, 1, 'not asked again');
  });

  it('a bad input in the setting is a clear warning and leaves that server out, nothing half-applied', async () => {
    const h = inputs([TOKEN]);
    const warnings: string[] = [];
    const bad = { github: { ...GITHUB.github, inputs: [{ type: 'pickString', id: 'gh-token' }] } };
    assert.deepEqual(await hostMcpServers(ws, settingsWith(bad), true, (m) => warnings.push(m), h.store, {}), {});
    assert.equal(h.asked.length, 0);
    assert.match(
      warnings.join('\n'),
      /setting agentOrchestrator\.mcp\.servers: field "servers\.github\.inputs\[0\]\.type": only "promptString" inputs are supported; fix it\. The server "github" was skipped\./,
    );
  });

  it('forgetAll deletes every stored value, of every workspace and server; the next start asks again', async () => {
    const h = inputs([TOKEN, 'other-token', TOKEN]);
    await hostMcpServers(ws, settingsWith(GITHUB), true, () => undefined, h.store, {});
    await hostMcpServers(`${ws}-2`, settingsWith(GITHUB), true, () => undefined, h.store, {});
    assert.equal(h.asked.length, 2);
    assert.equal(await h.store.forgetAll(), 2);
    assert.deepEqual([...h.secrets.values.keys()], [], 'no value and no list is left');
    const again = await hostMcpServers(ws, settingsWith(GITHUB), true, () => undefined, h.store, {});
    assert.equal(h.asked.length, 3, 'asked again');
    assert.ok(again.mcp?.servers[0]?.type === 'stdio');
    assert.equal(await h.store.forgetAll(), 1);
  });

  describe('the command (vscode stub)', () => {
    const { vscode: fake } = recordingVscode();
    const window = fake.window as Record<string, unknown>;
    let uninstall: () => void;
    let forgetMcpInputs: typeof McpInputCommandsSource.forgetMcpInputs;
    let answer: string | undefined;
    const shown: string[] = [];
    before(() => {
      (fake.l10n as Record<string, unknown>).t = (m: string, ...a: unknown[]) =>
        m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)]));
      window.showWarningMessage = async (message: string, options: { modal?: boolean }, ...choices: string[]) => {
        shown.push(`${options.modal ? 'modal' : 'toast'}: ${message} [${choices.join('/')}]`);
        return answer;
      };
      window.showInformationMessage = async (message: string) => void shown.push(`info: ${message}`);
      uninstall = installVscode(fake);
      const file = require.resolve('../../../src/host/commands/mcpInputCommands');
      delete require.cache[file];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      forgetMcpInputs = (require(file) as typeof McpInputCommandsSource).forgetMcpInputs;
    });
    after(() => uninstall());
    beforeEach(() => void (shown.length = 0));

    it('is contributed with a title, a category and a palette entry', () => {
      const contributes = manifest().contributes as unknown as {
        commands: Array<{ command: string; title: string; category: string }>;
        menus: { commandPalette: Array<{ command: string; when: string }> };
      };
      const entry = contributes.commands.find((c) => c.command === 'agentOrchestrator.forgetMcpInputs');
      assert.deepEqual(entry && [entry.title, entry.category], [
        '%command.forgetMcpInputs.title%',
        '%command.category%',
      ]);
      assert.ok(contributes.menus.commandPalette.some((m) => m.command === 'agentOrchestrator.forgetMcpInputs'));
    });

    it('asks first (modal); confirmed, it deletes the values and rebuilds the engines; dismissed, it deletes nothing', async () => {
      const h = inputs([TOKEN]);
      await hostMcpServers(ws, settingsWith(GITHUB), true, () => undefined, h.store, {});
      const invalidated: string[] = [];
      const services = {
        mcpInputs: h.store,
        engines: { invalidate: (why: string) => void invalidated.push(why) },
        log: { info: () => undefined },
      } as unknown as Parameters<typeof forgetMcpInputs>[0];

      answer = undefined;
      assert.equal(await forgetMcpInputs(services), undefined);
      assert.equal(h.secrets.values.get(McpInputSecrets.keyOf(ws, 'github', 'gh-token')), TOKEN, 'kept');
      assert.deepEqual(invalidated, []);

      answer = 'Forget';
      assert.equal(await forgetMcpInputs(services), 1);
      assert.equal(h.secrets.values.size, 0);
      assert.deepEqual(invalidated, ['the stored MCP inputs were forgotten']);
      assert.match(
        shown[0] ?? '',
        /^modal: Forget every MCP input value kept in VS Code's secret storage\? \[Forget\]$/,
      );
      assert.equal(shown.at(-1), 'info: Forgot 1 stored MCP input value(s); servers that use them ask again.');
    });
  });
});
