import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { Emitter } from '../../../src/core/common/emitter';
import { hostMcpServers } from '../../../src/host/engine/hostMcpServers';
import { McpInputSecrets } from '../../../src/host/secrets/mcpInputSecrets';
import { parseHostSettings } from '../../../src/host/settings/hostSettingsSchema';

const TOKEN = 'ghp-0123456789abcdefTOKEN';

/** An in-memory SecretStorage, shaped like VS Code's. */
class FakeSecrets {
  readonly values = new Map<string, string>();
  private readonly changed = new Emitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.changed.event as unknown as vscode.Event<vscode.SecretStorageChangeEvent>;
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

describe('checklist 8: MCP config inputs in the host are asked once and kept only in SecretStorage', () => {
  let dir: string;
  let ws: string;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-mcp-inputs-')));
    ws = join(dir, 'ws');
    await mkdir(join(ws, '.vscode'), { recursive: true });
    await writeFile(
      join(ws, '.vscode', 'mcp.json'),
      JSON.stringify({
        inputs: [
          { type: 'promptString', id: 'gh-token', description: 'GitHub token', password: true },
          { type: 'promptString', id: 'org', description: 'Organisation' },
        ],
        servers: {
          github: { command: 'gh-mcp', args: ['--org', '${input:org}'], env: { GH_TOKEN: '${input:gh-token}' } },
          other: { command: 'other-mcp', env: { GH_TOKEN: '${input:gh-token}' } },
        },
      }),
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function harness(answers: Array<string | undefined>) {
    const secrets = new FakeSecrets();
    const asked: vscode.InputBoxOptions[] = [];
    const remembered: string[] = [];
    const inputs = new McpInputSecrets(
      secrets as unknown as vscode.SecretStorage,
      async (options) => (asked.push(options), answers.shift()),
      (v) => remembered.push(v),
    );
    const warnings: string[] = [];
    const settings = parseHostSettings(() => undefined).settings;
    const load = (trusted = true) => hostMcpServers(ws, settings, trusted, (m) => warnings.push(m), inputs, {});
    return { secrets, asked, remembered, warnings, load };
  }

  it('asks per server and input (the token masked), stores under workspace+server+input, and never asks again', async () => {
    const h = harness(['acme', TOKEN, TOKEN]);
    const first = await h.load();
    const github = first.mcp?.servers.find((s) => s.name === 'github');
    assert.ok(github?.type === 'stdio');
    assert.deepEqual(github.args, ['--org', 'acme']);
    assert.deepEqual(github.env, { GH_TOKEN: TOKEN });
    assert.deepEqual(
      h.asked.map((o) => [o.title, o.password, o.ignoreFocusOut]),
      [
        ['MCP server "github" (.vscode/mcp.json)', false, true],
        ['MCP server "github" (.vscode/mcp.json)', true, true],
        ['MCP server "other" (.vscode/mcp.json)', true, true],
      ],
      'a value typed for one server is not handed to another without asking',
    );
    assert.match(h.asked[1]?.prompt ?? '', /^GitHub token — asked once, kept in VS Code's secret storage\.$/);
    assert.equal(h.secrets.values.get(McpInputSecrets.keyOf(ws, 'github', 'gh-token')), TOKEN);
    assert.match(
      McpInputSecrets.keyOf(ws, 'github', 'gh-token'),
      /^agentOrchestrator\.mcpInput\.[0-9a-f]{16}\.github\.gh-token$/,
    );
    assert.notEqual(
      McpInputSecrets.keyOf(ws, 'github', 'gh-token'),
      McpInputSecrets.keyOf(`${ws}-2`, 'github', 'gh-token'),
    );
    assert.ok(h.remembered.includes(TOKEN), 'the log scrubber knows the value');

    const again = await h.load();
    assert.equal(h.asked.length, 3, 'the stored values were used');
    assert.deepEqual(again.mcp?.servers.map((s) => s.name).sort(), ['github', 'other']);
    assert.deepEqual(h.warnings, []);
    // Nothing but SecretStorage holds it: not the workspace, not a warning.
    for (const name of await readdir(join(ws, '.vscode')))
      assert.ok(!(await readFile(join(ws, '.vscode', name), 'utf8')).includes(TOKEN));
  });

  it('a cancelled prompt leaves that server out with a warning that says how to supply it; nothing is stored', async () => {
    const h = harness(['acme', undefined, undefined]);
    const loaded = await h.load();
    assert.deepEqual(loaded, {});
    assert.deepEqual(h.warnings, [
      'MCP config .vscode/mcp.json: server "github": input "gh-token" (GitHub token) has no value; start the run again and enter it when asked (it is then kept in VS Code\'s secret storage). The server was left out.',
      'MCP config .vscode/mcp.json: server "other": input "gh-token" (GitHub token) has no value; start the run again and enter it when asked (it is then kept in VS Code\'s secret storage). The server was left out.',
    ]);
    // The one value typed, and the list of stored keys (for Forget Stored MCP Inputs), which holds only it.
    assert.deepEqual(
      [...h.secrets.values.keys()],
      [McpInputSecrets.keyOf(ws, 'github', 'org'), 'agentOrchestrator.mcpInputKeys'],
    );
    assert.deepEqual(JSON.parse(h.secrets.values.get('agentOrchestrator.mcpInputKeys') ?? ''), [
      McpInputSecrets.keyOf(ws, 'github', 'org'),
    ]);
  });

  it('an untrusted workspace is never asked and its files are not read', async () => {
    const h = harness([TOKEN]);
    assert.deepEqual(await h.load(false), {});
    assert.equal(h.asked.length, 0);
  });
});
