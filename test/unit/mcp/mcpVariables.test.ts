import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCliEngine } from '../../../src/cli/cliEngine';
import { UsageError } from '../../../src/cli/usageError';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';
import { parseMcpConfig, type McpInputSpec, type McpServerConfig } from '../../../src/core/tools/mcpConfig';
import { McpHub } from '../../../src/core/tools/mcpHub';
import { mcpInputEnvName, resolveMcpVariables, type McpVariableSource } from '../../../src/core/tools/mcpVariables';
import { stdioDemoServer } from './mcpKit';

const TOKEN = 'tok-0123456789-very-secret';

/** A `.vscode/mcp.json` with a password input used in a stdio server's env. */
function vscodeConfig(server: Record<string, unknown>, inputs: unknown[] = []): string {
  return JSON.stringify({ inputs, servers: { demo: server } });
}
const PASSWORD_INPUT = { type: 'promptString', id: 'demo-token', description: 'Demo token', password: true };

function source(over: Partial<McpVariableSource> & { values?: Record<string, string> } = {}): McpVariableSource & {
  asked: string[];
} {
  const asked: string[] = [];
  return {
    workspaceFolder: '/ws',
    env: {},
    input: async (server: McpServerConfig, input: McpInputSpec) => {
      asked.push(`${server.name}/${input.id}`);
      return over.values?.[input.id];
    },
    howToSupply: (input) => `set ${mcpInputEnvName(input.id)}`,
    asked,
    ...over,
  };
}

describe('MCP config variables: ${input:ID}, ${env:NAME}, ${workspaceFolder}', () => {
  it('fills command, args, env and headers; asks each input once per server; lists password values as secrets', async () => {
    const config = parseMcpConfig(
      vscodeConfig(
        {
          command: '${workspaceFolder}/bin/server',
          args: ['--token=${input:demo-token}', '--home=${env:HOME_DIR}'],
          env: { DEMO_TOKEN: '${input:demo-token}', PLAIN: 'no variables' },
        },
        [PASSWORD_INPUT],
      ),
      '.vscode/mcp.json',
    );
    assert.deepEqual(config.errors, []);
    const s = source({ env: { HOME_DIR: '/home/me' }, values: { 'demo-token': TOKEN } });
    const resolved = await resolveMcpVariables(config.servers, s);
    assert.deepEqual(resolved.errors, []);
    const server = resolved.servers[0];
    assert.ok(server?.type === 'stdio');
    assert.equal(server.command, '/ws/bin/server');
    assert.deepEqual(server.args, [`--token=${TOKEN}`, '--home=/home/me']);
    assert.deepEqual(server.env, { DEMO_TOKEN: TOKEN, PLAIN: 'no variables' });
    assert.deepEqual(server.secrets, [TOKEN]);
    assert.deepEqual(s.asked, ['demo/demo-token'], 'asked once although used twice');

    const http = parseMcpConfig(
      JSON.stringify({
        inputs: [PASSWORD_INPUT],
        servers: { api: { url: 'https://mcp.example.com/', headers: { Authorization: 'Bearer ${input:demo-token}' } } },
      }),
      'team.json',
    );
    const h = (await resolveMcpVariables(http.servers, source({ values: { 'demo-token': TOKEN } }))).servers[0];
    assert.ok(h?.type === 'http');
    assert.deepEqual(h.headers, { Authorization: `Bearer ${TOKEN}` });
  });

  it('leaves out a server it cannot fill, with one message per problem that names it and never a value', async () => {
    const config = parseMcpConfig(
      JSON.stringify({
        inputs: [PASSWORD_INPUT, { type: 'pickString', id: 'colour', options: ['red'] }],
        servers: {
          missing: { command: 'x', env: { A: '${input:demo-token}' } },
          undeclared: { command: 'x', args: ['${input:nope}'] },
          unset: { command: 'x', args: ['${env:NOT_SET_ANYWHERE}'] },
          unknown: { command: 'x', args: ['${userHome}'] },
          fine: { command: 'x', args: ['${workspaceFolder}'] },
        },
      }),
      'servers.json',
    );
    assert.deepEqual(config.errors, [
      'servers.json: field "inputs[1].type": only "promptString" inputs are supported; fix it.',
    ]);
    const resolved = await resolveMcpVariables(config.servers, source());
    assert.deepEqual(
      resolved.servers.map((s) => s.name),
      ['fine'],
    );
    assert.deepEqual(resolved.errors, [
      'servers.json: server "missing": input "demo-token" (Demo token) has no value; set AO_MCP_INPUT_DEMO_TOKEN. The server was left out.',
      'servers.json: server "undeclared": ${input:nope} names no input; declare it under "inputs" of servers.json, e.g. {"type": "promptString", "id": "nope", "password": true}. The server was left out.',
      'servers.json: server "unset": ${env:NOT_SET_ANYWHERE} is not set; set NOT_SET_ANYWHERE. The server was left out.',
      'servers.json: server "unknown": ${userHome} is not a supported variable; use ${workspaceFolder}, ${env:NAME} or ${input:ID}. The server was left out.',
    ]);
  });

  describe('checklist 28: a workspace config cannot pull a secret-named variable into its server', () => {
    it('refuses ${env:OPENAI_API_KEY} from .vscode/mcp.json and .mcp.json, and allows it from a file the user named', async () => {
      const env = { OPENAI_API_KEY: 'sk-user-key-0123456789abcdef' };
      const server = { command: 'x', env: { KEY: '${env:OPENAI_API_KEY}' } };
      for (const file of ['.vscode/mcp.json', '.mcp.json']) {
        const r = await resolveMcpVariables(parseMcpConfig(vscodeConfig(server), file).servers, source({ env }));
        assert.deepEqual(r.servers, []);
        assert.match(
          r.errors[0] ?? '',
          /would hand a secret-named variable to a server the workspace defines; ask for it with an input/,
        );
        assert.ok(!r.errors[0]?.includes(env.OPENAI_API_KEY));
      }
      const user = await resolveMcpVariables(
        parseMcpConfig(vscodeConfig(server), '/home/me/mcp.json').servers,
        source({ env }),
      );
      assert.deepEqual(user.errors, []);
      assert.deepEqual(user.servers[0]?.secrets, [env.OPENAI_API_KEY], 'and it is redacted like a key');
    });
  });

  describe('checklist 8: an input value reaches its server and nothing else', function () {
    this.timeout(20_000);
    it('the stdio server gets the password input; tool results and start warnings show [redacted]', async () => {
      const inputs = [{ id: 'demo-token', description: 'Demo token', password: true }];
      // A program that does not exist: the spawn error quotes its path, which carries the value.
      const gone: McpServerConfig = {
        name: 'gone',
        type: 'stdio',
        command: join(tmpdir(), 'no-such-server-${input:demo-token}'),
        args: [],
        env: {},
        source: 'x',
        inputs,
      };
      const withDemo = { ...stdioDemoServer('demo', { MCP_DEMO_SECRET_VALUE: '${input:demo-token}' }), inputs };
      const resolved = await resolveMcpVariables([withDemo, gone], source({ values: { 'demo-token': TOKEN } }));
      assert.deepEqual(resolved.errors, []);
      const warnings: string[] = [];
      const hub = new McpHub({
        servers: resolved.servers,
        trusted: true,
        cwd: process.cwd(),
        environment: () => ({ PATH: process.env.PATH ?? '' }),
        warn: (m) => warnings.push(m),
        secretValues: [],
      });
      try {
        const leak = await hub.callTool('demo', 'leak', {}, new AbortController().signal);
        assert.match(leak.content, /token=\[redacted\]/, 'the value reached the server, and came back redacted');
        assert.ok(!leak.content.includes(TOKEN));
        await hub.toolsFor(['mcp__gone__*']);
        assert.ok(
          warnings.some((w) => /"gone".*no-such-server-\[redacted\]/.test(w)),
          warnings.join('\n'),
        );
        assert.ok(!warnings.join('\n').includes(TOKEN), warnings.join('\n'));
      } finally {
        await hub.close();
      }
    });
  });

  describe('the CLI takes inputs from AO_MCP_INPUT_<ID>, or refuses before creating anything', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-mcp-vars-')));
      await mkdir(join(dir, 'ws'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    const engineWith = (file: string, env: Record<string, string>) =>
      createCliEngine({
        workspace: join(dir, 'ws'),
        stateDir: join(dir, 'state'),
        workspaceLocksDir: join(dir, 'locks'),
        providers: BUILTIN_PROVIDERS,
        models: { provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
        concurrency: 1,
        verify: [],
        approvals: { decideEdit: async () => ({ decision: 'rejected', by: 'user' }) },
        env: { OPENAI_API_KEY: 'sk-test-0000000000000000', ...env },
        rateLimits: undefined,
        mcpConfigFiles: [file],
        warn: () => undefined,
      });

    it('names the input and the variable to set when it is missing; uses its value when set', async () => {
      const file = join(dir, 'mcp.json');
      await writeFile(file, vscodeConfig({ command: 'node', env: { T: '${input:demo-token}' } }, [PASSWORD_INPUT]));
      await assert.rejects(
        engineWith(file, {}),
        (err: Error) =>
          err instanceof UsageError &&
          err.message ===
            `MCP config ${file}: server "demo": input "demo-token" (Demo token) has no value; set AO_MCP_INPUT_DEMO_TOKEN in the environment. The server was left out.`,
      );
      assert.deepEqual(await readdir(dir), ['mcp.json', 'ws'], 'no state folder was created');
      const engine = await engineWith(file, { AO_MCP_INPUT_DEMO_TOKEN: TOKEN });
      try {
        assert.deepEqual(engine.mcp?.serverNames(), ['demo']);
        const saved = await readdir(join(dir, 'state')).catch(() => []);
        for (const name of saved) {
          const text = await readFile(join(dir, 'state', name), 'utf8').catch(() => '');
          assert.ok(!text.includes(TOKEN), `${name} holds no input value`);
        }
      } finally {
        engine.dispose();
      }
    });
  });
});
