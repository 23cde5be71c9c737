import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { McpHub } from '../../../src/core/tools/mcpHub';
import { childEnvironment } from '../../../src/core/verify/childEnvironment';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { ToolBus } from '../../../src/core/tools/toolBus';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import { FLOOD_CHARS, LEAKED_KEY, startHttpDemoServer } from '../../support/mcpDemoServer';
import { becomesGone, isRunning } from '../tools/commandTestKit';
import { createToolHarness, fakeTask, type FakeTask, type ToolHarness } from '../tools/toolHarness';
import { callsIn, stdioDemoServer } from './mcpKit';

describe('MCP tools through the tool bus (real stdio and HTTP servers)', function () {
  this.timeout(20_000);
  let h: ToolHarness;
  let hub: McpHub | undefined;
  const warnings: string[] = [];
  beforeEach(async () => {
    warnings.length = 0;
    h = await createToolHarness({ files: { 'a.txt': 'a\n' } });
  });
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    await h.cleanup();
  });

  const calls = (): string => path.join(h.base, 'calls.txt');
  const openHub = (options: { trusted?: boolean; http?: { url: string; token: string } } = {}): McpHub => {
    const servers = [
      stdioDemoServer('demo', { MCP_DEMO_CALLS: calls(), MCP_DEMO_SECRET_VALUE: 'hunter2-very-secret' }),
    ];
    if (options.http)
      servers.push({
        name: 'remote.api',
        type: 'http',
        url: options.http.url,
        headers: { Authorization: `Bearer ${options.http.token}` },
        source: 'test',
      });
    hub = new McpHub({
      servers,
      trusted: options.trusted ?? true,
      cwd: h.root,
      environment: () => childEnvironment({ ...process.env, DEMO_SERVICE_TOKEN: 'abc' }),
      warn: (m) => warnings.push(m),
      secretValues: ['hunter2-very-secret'],
      maxResultChars: 4000,
    });
    return hub;
  };
  const call = (bus: ToolBus<ToolContext>, task: FakeTask, name: string, args: unknown, allowed: string[]) =>
    bus.call(name, args, { ...h, task }, allowed);

  it("offers a server's tools only to agents that list them, with sanitised names and object schemas; a bad schema is skipped", async () => {
    const bus = new ToolBus<ToolContext>(builtinTools(), openHub());
    const none = await bus.specsFor([]);
    assert.ok(!none.some((s) => s.name.startsWith('mcp__')), 'an agent that lists no MCP tool gets none');
    assert.equal(await hub?.pidOf('demo'), undefined, 'and no server was started for it');
    const specs = await bus.specsFor(['read_file', 'mcp__demo__*']);
    assert.deepEqual(specs.map((s) => s.name).sort(), [
      'mcp__demo__echo',
      'mcp__demo__env',
      'mcp__demo__flood',
      'mcp__demo__leak',
      'read_file',
    ]);
    for (const s of specs) assert.match(s.name, /^[A-Za-z0-9_-]{1,64}$/);
    assert.deepEqual(specs.find((s) => s.name === 'mcp__demo__flood')?.parameters, { type: 'object', properties: {} });
    assert.ok(
      warnings.some((w) => /"bad\.schema" of "demo" is skipped: .*not "object"/.test(w)),
      warnings.join('\n'),
    );
    const one = await bus.specsFor(['mcp__demo__echo']);
    assert.deepEqual(
      one.map((s) => s.name),
      ['mcp__demo__echo'],
    );
    const refused = await call(bus, fakeTask(), 'mcp__demo__echo', { text: 'x' }, ['read_file']);
    assert.match(refused.content, /There is no tool "mcp__demo__echo" for you/);
    assert.deepEqual(await callsIn(calls()), []);
  });

  describe('checklist 18: a resumed MCP call is neither asked nor called again', () => {
    it('asks before each call (default ask), and a call a person approves reaches the server once; a resume replays it', async () => {
      const bus = new ToolBus<ToolContext>(builtinTools(), openHub());
      const task = fakeTask();
      const result = await call(bus, task, 'mcp__demo__echo', { text: 'hello' }, ['mcp__demo__*']);
      assert.equal(result.isError, undefined, result.content);
      assert.equal(result.content, 'echo: hello');
      assert.equal(h.approvals.commandProposals.length, 1);
      assert.match(h.approvals.commandProposals[0]!.command, /^mcp__demo__echo \{"text":"hello"\}$/);
      assert.deepEqual(
        [h.approvals.commandProposals[0]!.mcp?.server, h.approvals.commandProposals[0]!.mcp?.tool],
        ['demo', 'echo'],
      );
      assert.match(h.approvals.commandProposals[0]!.reason, /default for tool actions is ask/);
      assert.deepEqual(await callsIn(calls()), ['hello']);

      // The same attempt resumed after a crash (same journal): neither asked nor called again.
      const resumed = fakeTask({ journal: task.journal });
      const again = await call(bus, resumed, 'mcp__demo__echo', { text: 'hello' }, ['mcp__demo__echo']);
      assert.match(again.content, /^echo: hello\n\(Recorded result/);
      assert.equal(again.data?.replayed, true);
      assert.equal(h.approvals.commandProposals.length, 1, 'not asked twice');
      assert.deepEqual(await callsIn(calls()), ['hello'], 'not called twice');
      assert.deepEqual(resumed.ran, []);
    });
  });

  it('a rejected call or a denied tool never reaches the server; a user allow rule skips the question', async () => {
    const bus = new ToolBus<ToolContext>(builtinTools(), openHub());
    h.approvals.decideCommandWith = () => ({ decision: 'rejected', by: 'user', reason: 'not now' });
    const rejected = await call(bus, fakeTask(), 'mcp__demo__echo', { text: 'no' }, ['mcp__demo__*']);
    assert.equal(rejected.isError, true);
    assert.match(
      rejected.content,
      /was not approved \(rejected by the user, who wrote: "not now"\); it was not called/,
    );

    const strict = await createToolHarness({
      rules: [
        { effect: 'deny', tool: 'mcp__demo__echo', reason: 'denied by the test' },
        { effect: 'allow', tool: 'mcp__demo__env', reason: 'allowed by the test' },
      ],
    });
    try {
      const ctx = { ...strict, task: fakeTask() };
      const denied = await bus.call('mcp__demo__echo', { text: 'no' }, ctx, ['mcp__demo__*']);
      assert.match(denied.content, /refused: .*denied by the test/);
      const allowed = await bus.call('mcp__demo__env', {}, ctx, ['mcp__demo__*']);
      assert.equal(allowed.isError, undefined);
      assert.equal(strict.approvals.commandProposals.length, 0);
    } finally {
      await strict.cleanup();
    }
    assert.deepEqual(await callsIn(calls()), [], 'no echo reached the server');
  });

  describe('checklist 28: an MCP server gets the scrubbed environment, and its output is scrubbed and bounded', () => {
    it('bounds a huge result and scrubs secret-looking values, and the server sees the scrubbed environment plus its own', async () => {
      const bus = new ToolBus<ToolContext>(builtinTools(), openHub());
      const task = fakeTask();
      const flood = await call(bus, task, 'mcp__demo__flood', {}, ['mcp__demo__*']);
      assert.ok(flood.content.length < 4200, `${flood.content.length} chars`);
      assert.match(flood.content, new RegExp(`${FLOOD_CHARS - 4000} more characters not shown`));
      const leak = await call(bus, task, 'mcp__demo__leak', {}, ['mcp__demo__*']);
      assert.ok(!leak.content.includes(LEAKED_KEY) && !leak.content.includes('hunter2-very-secret'), leak.content);
      assert.match(leak.content, /key=\[redacted\] token=\[redacted\]/);
      assert.ok(!JSON.stringify([...task.journal.values()]).includes(LEAKED_KEY), 'the journal has the scrubbed text');
      const env = (await call(bus, task, 'mcp__demo__env', {}, ['mcp__demo__*'])).content.split('\n');
      assert.ok(env.includes('MCP_DEMO_CALLS') && env.includes('PATH'), env.join(','));
      assert.ok(!env.includes('DEMO_SERVICE_TOKEN'), 'a token-named variable is scrubbed');
    });
  });

  it('close() stops the stdio server (its pid is gone); the next use starts it again', async () => {
    const bus = new ToolBus<ToolContext>(builtinTools(), openHub());
    await bus.specsFor(['mcp__demo__echo']);
    const pid = await hub?.pidOf('demo');
    assert.ok(pid !== undefined && (await isRunning(pid)));
    await hub?.close();
    assert.ok(await becomesGone(pid), `server ${pid} still running`);
    await bus.specsFor(['mcp__demo__echo']);
    const second = await hub?.pidOf('demo');
    assert.ok(second !== undefined && second !== pid);
  });

  describe('checklist 7: an untrusted workspace never starts an MCP server', () => {
    it('an untrusted workspace never starts a server: no tools are offered and a call fails', async () => {
      const bus = new ToolBus<ToolContext>(builtinTools(), openHub({ trusted: false }));
      assert.deepEqual(await bus.specsFor(['mcp__demo__*']), []);
      assert.ok(warnings.some((w) => /never started in an untrusted workspace/.test(w)));
      assert.equal(await hub?.pidOf('demo'), undefined);
      const result = await call(bus, fakeTask(), 'mcp__demo__echo', { text: 'x' }, ['mcp__demo__*']);
      assert.equal(result.isError, true);
      assert.deepEqual(await callsIn(calls()), []);
    });
  });

  it('reaches a streamable HTTP server on loopback with the configured headers', async () => {
    const http = await startHttpDemoServer('t0ken');
    try {
      const bus = new ToolBus<ToolContext>(builtinTools(), openHub({ http: { url: http.url, token: 't0ken' } }));
      const specs = await bus.specsFor(['mcp__remote_api__*']);
      assert.ok(
        specs.some((s) => s.name === 'mcp__remote_api__echo'),
        specs.map((s) => s.name).join(','),
      );
      assert.equal(await hub?.pidOf('demo'), undefined, 'the stdio server was not needed, so not started');
      const result = await call(bus, fakeTask(), 'mcp__remote_api__echo', { text: 'over http' }, [
        'mcp__remote_api__*',
      ]);
      assert.equal(result.content, 'echo: over http');
    } finally {
      await hub?.close();
      await http.close();
    }
  });
});
