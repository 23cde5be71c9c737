import * as assert from 'node:assert/strict';
import type { McpCaller } from '../../../src/core/tools/mcpTool';
import { mcpToolDefinition } from '../../../src/core/tools/mcpTool';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { loggedTask } from './commandTestKit';
import { createToolHarness, type ToolHarness } from './toolHarness';

const INFO = { server: 'docs', tool: 'publish', name: 'mcp__docs__publish', description: 'publish a page', schema: {} };
const INTERRUPTED = { attempt: 1, agentId: 'coder', message: 'interrupted', findings: [], changedPaths: [] };

/** A server whose calls are counted; while `hang` is set a call never answers (until its signal aborts). */
function countingServer(): McpCaller & { calls: number; hang: boolean; called: Promise<void> } {
  let reached: () => void = () => undefined;
  const server = {
    calls: 0,
    hang: false,
    called: new Promise<void>((resolve) => (reached = resolve)),
    async callTool(_server: string, _tool: string, _args: Record<string, unknown>, signal: AbortSignal) {
      server.calls++;
      reached();
      if (server.hang)
        await new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))),
        );
      return { content: 'published', isError: false };
    },
  };
  return server;
}

describe('checklist 18: an MCP call a crash cut short is not made again on resume; the model is told and may call again', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({ files: {}, rules: [{ effect: 'allow', tool: 'mcp__docs__*' }] });
  });
  afterEach(() => h.cleanup());

  const ctx = (task: ToolContext['task']): ToolContext => {
    const { workspace, policy, approvals, verification, checkpoints, commands } = h;
    return { task, workspace, policy, approvals, verification, checkpoints, commands };
  };

  it('the resumed attempt does not call it again and says so; a new call reaches the server', async () => {
    const server = countingServer();
    server.hang = true;
    const stop = new AbortController();
    const first = loggedTask({ signal: stop.signal });
    const calling = mcpToolDefinition(server, INFO).run({ page: 'home' }, ctx(first));
    await server.called;
    stop.abort();
    await assert.rejects(calling, (err: Error) => err.name === 'AbortError');
    const keys = [...first.journal.keys()];
    assert.ok(
      keys.some((k) => k.startsWith('mcp-begun:')),
      keys.join(),
    );
    assert.ok(!keys.some((k) => k.startsWith('mcp:')), 'no result was recorded');

    // Resumed in a new process: a new tool definition, the interrupted attempt's journal.
    server.hang = false;
    const resumed = { ...loggedTask({ journal: first.journal, attempt: 2 }), previousAttempt: INTERRUPTED };
    const tool = mcpToolDefinition(server, INFO);
    const told = await tool.run({ page: 'home' }, ctx(resumed));
    assert.equal(told.isError, true);
    assert.match(told.content, /^mcp__docs__publish was interrupted by a crash \(or a stop of the run\)/);
    assert.match(told.content, /it was not called again when the run was resumed/);
    assert.deepEqual(told.data, { interrupted: true, replayed: true });
    assert.equal(server.calls, 1, 'not called again');

    // A crash after that: the interruption is recorded and read again, not called.
    const later = {
      ...loggedTask({ journal: resumed.journal, attempt: 3 }),
      previousAttempt: { ...INTERRUPTED, attempt: 2 },
    };
    const again = await mcpToolDefinition(server, INFO).run({ page: 'home' }, ctx(later));
    assert.equal(again.data?.interrupted, true);
    assert.equal(server.calls, 1);

    // The agent calls it again in the resumed attempt: a new call, which reaches the server.
    const rerun = await tool.run({ page: 'home' }, ctx(resumed));
    assert.equal(rerun.isError, undefined, rerun.content);
    assert.equal(rerun.content, 'published');
    assert.equal(server.calls, 2);
  });

  it('a finished call is still replayed from the journal, never made again', async () => {
    const server = countingServer();
    const first = loggedTask();
    const made = await mcpToolDefinition(server, INFO).run({ page: 'home' }, ctx(first));
    assert.equal(made.data?.replayed, false);
    const resumed = { ...loggedTask({ journal: first.journal, attempt: 2 }), previousAttempt: INTERRUPTED };
    const replayed = await mcpToolDefinition(server, INFO).run({ page: 'home' }, ctx(resumed));
    assert.equal(replayed.data?.replayed, true);
    assert.equal(replayed.data?.interrupted, undefined);
    assert.match(replayed.content, /^published\n\(Recorded result: this call had completed/);
    assert.equal(server.calls, 1);
  });
});
