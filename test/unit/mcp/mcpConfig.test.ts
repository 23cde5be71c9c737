import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mergeMcpConfigs,
  parseMcpConfig,
  parseMcpServers,
  readWorkspaceMcpConfig,
} from '../../../src/core/tools/mcpConfig';
import { mcpToolName, normaliseMcpSchema } from '../../../src/core/tools/mcpToolNames';

describe('MCP server config', () => {
  it("reads VS Code's shape (servers, stdio and http) and Claude Code's (mcpServers, type implied)", () => {
    const vscode = parseMcpConfig(
      JSON.stringify({
        servers: {
          fs: { type: 'stdio', command: 'npx', args: ['-y', 'server-fs'], env: { ROOT: '/w' } },
          web: { type: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer x' } },
        },
      }),
      '.vscode/mcp.json',
    );
    assert.deepEqual(vscode.errors, []);
    assert.deepEqual(vscode.servers, [
      {
        type: 'stdio',
        command: 'npx',
        args: ['-y', 'server-fs'],
        env: { ROOT: '/w' },
        name: 'fs',
        source: '.vscode/mcp.json',
      },
      {
        type: 'http',
        url: 'https://mcp.example.com/mcp',
        headers: { Authorization: 'Bearer x' },
        name: 'web',
        source: '.vscode/mcp.json',
      },
    ]);
    const claude = parseMcpConfig(
      JSON.stringify({
        mcpServers: { git: { command: 'uvx', args: ['mcp-git'] }, api: { url: 'http://127.0.0.1:9/mcp' } },
      }),
      '.mcp.json',
    );
    assert.deepEqual(claude.errors, []);
    assert.deepEqual(
      claude.servers.map((s) => [s.name, s.type]),
      [
        ['git', 'stdio'],
        ['api', 'http'],
      ],
    );
  });

  it('a bad server is reported with the file and the field, and the other servers still load', () => {
    const result = parseMcpConfig(
      JSON.stringify({
        servers: {
          good: { command: 'node', args: ['s.js'] },
          noCommand: { type: 'stdio', args: [] },
          badArgs: { command: 'node', args: 's.js' },
          oldSse: { type: 'sse', url: 'http://x/sse' },
          ftp: { type: 'http', url: 'ftp://x' },
          'bad name!': { command: 'node' },
        },
      }),
      '.vscode/mcp.json',
    );
    assert.deepEqual(
      result.servers.map((s) => s.name),
      ['good'],
    );
    assert.equal(result.errors.length, 5);
    assert.match(result.errors[0]!, /^\.vscode\/mcp\.json: field "servers\.noCommand": command: .*skipped/);
    assert.match(result.errors[1]!, /field "servers\.badArgs": args: /);
    assert.match(result.errors[2]!, /field "servers\.oldSse": type "sse" is not supported; use "http"/);
    assert.match(result.errors[3]!, /field "servers\.ftp": url: /);
    assert.match(result.errors[4]!, /field "servers\.bad name!": a server name is/);
  });

  it('a file that is not JSON, or has no servers, is one clear error naming it', () => {
    assert.match(
      parseMcpConfig('{ // c\n}', '.mcp.json').errors[0]!,
      /^\.mcp\.json: not valid JSON .*comments are not supported/,
    );
    assert.match(parseMcpConfig('[]', 'x.json').errors[0]!, /^x\.json: expected an object/);
    assert.match(parseMcpConfig('{"tools": {}}', 'x.json').errors[0]!, /no "servers" or "mcpServers" field/);
    assert.match(
      parseMcpServers([], 'setting agentOrchestrator.mcp.servers', 'servers').errors[0]!,
      /^setting agentOrchestrator\.mcp\.servers: field "servers" must be an object/,
    );
  });

  it('reads both workspace files; .vscode/mcp.json wins a name both define; a missing file is no error', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ao-mcpcfg-'));
    try {
      assert.deepEqual(await readWorkspaceMcpConfig(root), { servers: [], errors: [] });
      await mkdir(join(root, '.vscode'));
      await writeFile(
        join(root, '.mcp.json'),
        JSON.stringify({ mcpServers: { a: { command: 'one' }, b: { command: 'b' } } }),
      );
      await writeFile(join(root, '.vscode', 'mcp.json'), JSON.stringify({ servers: { a: { command: 'two' }, c: {} } }));
      const result = await readWorkspaceMcpConfig(root);
      assert.deepEqual(
        result.servers.map((s) => [s.name, s.type === 'stdio' ? s.command : s.url, s.source]),
        [
          ['a', 'two', '.vscode/mcp.json'],
          ['b', 'b', '.mcp.json'],
        ],
      );
      assert.match(result.errors.join('\n'), /\.vscode\/mcp\.json: field "servers\.c"/);
      assert.equal(mergeMcpConfigs([]).servers.length, 0);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('tool names follow the provider rules (1–64 of [A-Za-z0-9_-]); schemas are checked and made object schemas', () => {
    assert.equal(mcpToolName('my.server', 'read file'), 'mcp__my_server__read_file');
    const long = mcpToolName('s', 'x'.repeat(100));
    assert.match(long, /^[A-Za-z0-9_-]{64}$/);
    assert.notEqual(long, mcpToolName('s', `${'x'.repeat(99)}y`), 'two long names stay distinct');
    assert.deepEqual(normaliseMcpSchema({ $schema: 'x', type: 'object' }), {
      ok: true,
      schema: { type: 'object', properties: {} },
    });
    assert.equal(normaliseMcpSchema({ type: 'array' }).ok, false);
    assert.equal(normaliseMcpSchema({ type: 'object', properties: [] }).ok, false);
    assert.equal(normaliseMcpSchema({ type: 'object', required: [1] }).ok, false);
    assert.equal(normaliseMcpSchema('x').ok, false);
  });
});
