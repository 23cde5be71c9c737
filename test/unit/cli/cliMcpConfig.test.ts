import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { createCliEngine, type CliEngine } from '../../../src/cli/cliEngine';
import { BUILTIN_PROVIDERS } from '../../../src/core/llm/builtinProviders';

describe('CLI --mcp-config', () => {
  let dir: string;
  let engine: CliEngine | undefined;
  beforeEach(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'ao-climcp-')));
    await mkdir(join(dir, 'ws'));
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('is repeatable on run and resume, and resolved against the current folder', () => {
    const run = parseCliArgs(
      ['run', 'g', '--mcp-config', 'a.json', '--mcp-config', '/x/b.json'],
      dir,
      BUILTIN_PROVIDERS,
    );
    assert.deepEqual(run.kind === 'run' ? run.mcpConfig : undefined, [join(dir, 'a.json'), '/x/b.json']);
    const resume = parseCliArgs(['resume', 'r1', '--mcp-config', 'a.json'], dir, BUILTIN_PROVIDERS);
    assert.deepEqual(resume.kind === 'resume' ? resume.mcpConfig : undefined, [join(dir, 'a.json')]);
    const none = parseCliArgs(['run', 'g'], dir, BUILTIN_PROVIDERS);
    assert.equal(none.kind === 'run' ? none.mcpConfig : 'wrong kind', undefined);
  });

  it('loads the good servers of the named files, warns about each bad one by file and field, and reads no other config', async () => {
    const ws = join(dir, 'ws');
    // The workspace's own config is not read by the CLI: only what the person names.
    await writeFile(join(ws, '.mcp.json'), JSON.stringify({ mcpServers: { sneaky: { command: 'evil' } } }));
    const file = join(dir, 'servers.json');
    await writeFile(
      file,
      JSON.stringify({ mcpServers: { demo: { command: 'node', args: ['s.js'] }, broken: { type: 'stdio' } } }),
    );
    const warnings: string[] = [];
    engine = await createCliEngine({
      workspace: ws,
      stateDir: join(dir, 'state'),
      workspaceLocksDir: join(dir, 'locks'),
      providers: BUILTIN_PROVIDERS,
      models: { provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1' },
      concurrency: 1,
      verify: [],
      approvals: { decideEdit: async () => ({ decision: 'rejected', by: 'user' }) },
      env: { OPENAI_API_KEY: 'sk-test-0000000000000000' },
      rateLimits: undefined,
      mcpConfigFiles: [file, join(dir, 'missing.json')],
      warn: (m) => warnings.push(m),
    });
    assert.deepEqual(engine.mcp?.serverNames(), ['demo']);
    assert.ok(
      warnings.some((w) => w.includes(`${file}: field "mcpServers.broken": command:`)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => w.includes(`${join(dir, 'missing.json')}: cannot be read`)),
      warnings.join('\n'),
    );
  });
});
