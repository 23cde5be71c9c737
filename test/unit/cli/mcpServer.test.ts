import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cliBundlePath, cliEnv, git, REPO_ROOT, runCli, useCliBundle, useSandbox } from '../../support/cliProcess';
import type { FakeModelServer } from '../../support/fakeModelServer/fakeModelServer';
import { scriptedTeam } from '../../support/scriptedTeam';
import { useFakeModelServer } from '../../support/useFakeModelServer';

/** A tool result's text, and whether it is an error result. */
interface ToolAnswer {
  text: string;
  isError: boolean;
}

describe('CLI: `agent-orchestrator mcp` driven by the SDK MCP client over stdio (real child processes)', function () {
  this.timeout(60_000);
  useCliBundle();
  const sandbox = useSandbox();
  let server: FakeModelServer;
  const startServer = useFakeModelServer();
  const clients: Client[] = [];

  beforeEach(async () => {
    server = await startServer({
      respond: scriptedTeam('Write one file', [{ id: 'one', title: 'Write one' }]),
    });
    const { root, ws } = sandbox();
    const env = cliEnv(root);
    await git(ws, env, 'init', '-q', '-b', 'main');
    await git(ws, env, 'add', '-A');
    await git(ws, env, 'commit', '-q', '-m', 'initial');
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });

  /** Starts `mcp` with `flags` on the sandbox's workspace and state folder and connects a client. */
  async function connect(flags: string[] = []): Promise<Client> {
    const { root, state, ws } = sandbox();
    const env = cliEnv(root, { OPENAI_API_KEY: server.apiKey });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        cliBundlePath(),
        'mcp',
        '--workspace',
        ws,
        '--state-dir',
        state,
        '--base-url',
        server.openAiBaseUrl,
        ...flags,
      ],
      env: env as Record<string, string>,
      cwd: REPO_ROOT,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'mcp-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as Array<{ type: string; text?: string }>;
    return { text: content.map((c) => c.text ?? '').join(''), isError: result.isError === true };
  }

  async function json(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const answer = await call(client, name, args);
    assert.equal(answer.isError, false, answer.text);
    return JSON.parse(answer.text) as Record<string, unknown>;
  }

  /** Asks `status` until the run has stopped (no wall-clock assertion: mocha's timeout bounds it). */
  async function untilStopped(client: Client, runId: string): Promise<Record<string, unknown>> {
    for (;;) {
      const status = await json(client, 'status', { runId });
      if (status.live === false) return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('lists plan, run, status and resume; plan returns a plan, run executes it, status follows it to the end', async () => {
    const client = await connect(['--approve', 'auto']);
    const tools = await client.listTools();
    assert.deepEqual(tools.tools.map((t) => t.name).sort(), ['plan', 'resume', 'run', 'status']);
    const planTool = tools.tools.find((t) => t.name === 'plan')!;
    assert.deepEqual(planTool.inputSchema.required, ['goal']);

    const planned = await json(client, 'plan', { goal: 'Write one file' });
    assert.equal(planned.status, 'planned');
    const plan = planned.plan as { tasks: Array<{ id: string }> };
    assert.deepEqual(
      plan.tasks.map((t) => t.id),
      ['one'],
    );
    await assert.rejects(access(join(sandbox().ws, 'one.txt')), 'a dry run writes nothing');

    const started = await json(client, 'run', { fromRun: planned.runId });
    assert.notEqual(started.runId, planned.runId, 'the plan runs as a new run');
    const done = await untilStopped(client, started.runId as string);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.deepEqual(done.filesChanged, ['one.txt']);
    assert.deepEqual(
      (done.tasks as Array<{ id: string; status: string }>).map((t) => [t.id, t.status]),
      [['one', 'succeeded']],
    );
    assert.ok((done.usage as { inputTokens: number }).inputTokens > 0, 'usage is reported');
    assert.equal(await readFile(join(sandbox().ws, 'one.txt'), 'utf8'), 'written by one\n');
  });

  it('without --approve auto an edit is refused and the run pauses; a server started with --approve auto resumes it', async () => {
    const cautious = await connect();
    const started = await json(cautious, 'run', { goal: 'Write one file' });
    const runId = started.runId as string;
    const paused = await untilStopped(cautious, runId);
    assert.equal(paused.status, 'paused', JSON.stringify(paused));
    assert.match(String(paused.pauseReason), /approv|--approve never/i);
    assert.deepEqual(paused.filesChanged, []);
    await assert.rejects(access(join(sandbox().ws, 'one.txt')), 'nothing was written without an approval');
    await cautious.close();

    const trusting = await connect(['--approve', 'auto']);
    const resumed = await json(trusting, 'resume', { runId });
    assert.equal(resumed.runId, runId);
    const done = await untilStopped(trusting, runId);
    assert.equal(done.status, 'succeeded', JSON.stringify(done));
    assert.equal(await readFile(join(sandbox().ws, 'one.txt'), 'utf8'), 'written by one\n');
  });

  it("applies the server's budget and approval mode to every run: a client's own budget or approval fields change nothing", async () => {
    const client = await connect(['--budget-tokens', '500']);
    const started = await json(client, 'run', {
      goal: 'Write one file',
      budget: { maxTokens: 10_000_000 },
      approve: 'auto',
    });
    const paused = await untilStopped(client, started.runId as string);
    assert.equal(paused.status, 'paused', JSON.stringify(paused));
    assert.match(String(paused.pauseReason), /token budget of 500 tokens/);
    assert.equal(server.requests.length, 0, 'the planner request would cross the budget, so it was not sent');
    await assert.rejects(access(join(sandbox().ws, 'one.txt')));
  });

  it('answers bad input with an error result that says what to send, and starts nothing', async () => {
    const client = await connect(['--approve', 'auto']);
    const noGoal = await call(client, 'plan', {});
    assert.equal(noGoal.isError, true);
    assert.match(noGoal.text, /Send \{"goal"/);
    const emptyGoal = await call(client, 'plan', { goal: '   ' });
    assert.equal(emptyGoal.isError, true);
    assert.match(emptyGoal.text, /goal is empty/);
    const both = await call(client, 'run', { goal: 'Write one file', fromRun: 'run-abc' });
    assert.equal(both.isError, true);
    assert.match(both.text, /exactly one of them/);
    const traversal = await call(client, 'status', { runId: '../../etc' });
    assert.equal(traversal.isError, true);
    assert.match(traversal.text, /is not a run id/);
    const unknown = await call(client, 'resume', { runId: 'run-m1abc-0123456789' });
    assert.equal(unknown.isError, true);
    assert.match(unknown.text, /There is no run "run-m1abc-0123456789"/);
    assert.equal(server.requests.length, 0, 'no model was asked');
  });

  it('refuses --approve prompt at start: an MCP client cannot answer a terminal prompt', async () => {
    const { root, state, ws } = sandbox();
    const result = await runCli(['mcp', '--approve', 'prompt', '--workspace', ws, '--state-dir', state], cliEnv(root));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--approve never .*or --approve auto/);
  });
});
