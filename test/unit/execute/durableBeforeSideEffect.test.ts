import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GitCheckpoints } from '../../../src/core/checkpoint/gitCheckpoints';
import type { CheckpointPort } from '../../../src/core/checkpoint/checkpointPort';
import { mcpToolDefinition } from '../../../src/core/tools/mcpTool';
import type { ApprovalPort } from '../../../src/core/tools/approvalPort';
import type { ToolContext } from '../../../src/core/tools/toolContext';
import type { WorkspacePort } from '../../../src/core/tools/workspacePort';
import type { CommandService } from '../../../src/core/tools/commandService';
import type { TaskContext } from '../../../src/core/task/agent';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import { DurabilityProbe } from '../../support/durabilityProbe';
import { makeHarness } from '../../support/orchestratorHarness';
import { plan, task } from '../../support/planBuilders';
import { testAgent } from '../../support/testAgents';
import { useTestRepo } from '../checkpoint/gitTestRepo';
import { createToolHarness, type ToolHarness } from '../tools/toolHarness';

/** Every port through which a task reaches the world, each reporting its call to the probe first. */
function watchedTools(h: ToolHarness, probe: DurabilityProbe, ctx: TaskContext): ToolContext {
  const id = ctx.task.id;
  const effect = (what: string): void => void probe.effect(id, what);
  const workspace: WorkspacePort = {
    get root() {
      return h.workspace.root;
    },
    readFile: (p) => h.workspace.readFile(p),
    statFile: (p) => h.workspace.statFile(p),
    listFiles: (g, l) => h.workspace.listFiles(g, l),
    searchText: (q, o) => h.workspace.searchText(q, o),
    writeFile: (p, c) => (effect('workspace write'), h.workspace.writeFile(p, c)),
    deleteFile: (p) => (effect('workspace delete'), h.workspace.deleteFile(p)),
  };
  const approvals: ApprovalPort = {
    decideEdit: (p) => (effect('edit approval shown'), h.approvals.decideEdit(p)),
    decideCommand: (p) => (effect('command approval shown'), h.approvals.decideCommand(p)),
  };
  const checkpoints: CheckpointPort = Object.create(h.checkpoints, {
    take: {
      value: (input: Parameters<CheckpointPort['take']>[0]) => (effect('git checkpoint'), h.checkpoints.take(input)),
    },
  });
  const commands: CommandService = {
    ...h.commands,
    environment: () => (effect('run_command spawn'), h.commands.environment()),
  };
  const runner = h.verification.runner;
  return {
    task: ctx,
    workspace,
    policy: h.policy,
    approvals,
    checkpoints,
    commands,
    verification: {
      ...h.verification,
      runner: { run: (step, o) => (effect('verification command'), runner.run(step, o)) },
    },
  };
}

describe('checklist 18: a side effect happens only once the log holds everything it rests on', () => {
  const repo = useTestRepo();
  let h: ToolHarness;
  let probe: DurabilityProbe;
  afterEach(() => h?.cleanup());

  it('edits, approvals, checkpoints, commands, checks and MCP calls of a dependent all wait for its dependencies’ successes to be durable', async () => {
    const { dir, env } = repo();
    h = await createToolHarness({
      root: dir,
      checkpoints: (root) => GitCheckpoints.open(root, { env }),
      rules: [{ effect: 'ask', command: 'node *' }],
      verification: {
        runner: new ChildProcessRunner({ defaultTimeoutMs: 20_000 }),
        steps: { check: { name: 'check', command: 'node -e "process.exit(0)"' } },
      },
    });
    probe = new DurabilityProbe(join(h.base, 'store'));
    const mcpCalls: string[] = [];
    const mcp = mcpToolDefinition(
      {
        callTool: async (server, tool, args) => {
          probe.effect(String(args.topic), 'MCP call');
          mcpCalls.push(`${server}/${tool}`);
          return { content: 'ok', isError: false };
        },
      },
      { server: 'docs', tool: 'lookup', name: 'mcp__docs__lookup', description: 'look up', schema: {} },
    );
    // Each task does one of every side effect, then succeeds; a dependent starts as soon as that success is appended.
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 4 }, async (ctx) => {
      const tools = watchedTools(h, probe, ctx);
      const call = async (name: string, args: unknown): Promise<void> => {
        const result = await h.bus.call(name, args, tools);
        assert.ok(!result.isError, `${ctx.task.id} ${name}: ${result.content}`);
      };
      await call('propose_edit', { path: `src/${ctx.task.id}.ts`, content: `export const ${ctx.task.id} = 1;\n` });
      await call('run_command', { command: `node -e "console.log('${ctx.task.id}')"` });
      await call('run_verification', { name: 'check' });
      const called = await mcp.run({ topic: ctx.task.id }, tools);
      assert.ok(!called.isError, called.content);
      return { output: ctx.task.id };
    });
    const { orchestrator } = makeHarness({ agents: [agent], store: probe.store, settings: { maxConcurrency: 4 } });
    const result = await orchestrator.start({
      goal: 'side effects along a chain and a fan-in',
      plan: plan([
        task('a', { writes: ['src/a.ts'] }),
        task('b', { dependencies: ['a'], writes: ['src/b.ts'] }),
        task('c', { writes: ['src/c.ts'] }),
        task('d', { dependencies: ['b', 'c'], writes: ['src/d.ts'] }),
      ]),
    }).done;
    assert.equal(result.status, 'succeeded');

    const kinds = new Set(probe.effects.map((e) => e.what));
    for (const kind of [
      'workspace write',
      'edit approval shown',
      'command approval shown',
      'git checkpoint',
      'run_command spawn',
      'verification command',
      'MCP call',
    ])
      assert.ok(kinds.has(kind), `no ${kind} was seen; the test would prove nothing about it`);
    assert.equal(mcpCalls.length, 4);
    assert.deepEqual(
      probe.effects.filter((e) => e.missing.length > 0),
      [],
      'a side effect ran while the log lacked a record it rests on',
    );
  });

  it('the run’s baseline and end-of-run checks, and the caller’s answer, wait for every record before them to be durable', async () => {
    h = await createToolHarness();
    probe = new DurabilityProbe(join(h.base, 'store'));
    const unsynced = (): string[] =>
      probe.appended
        .filter((e) => e.seq > probe.durableSeq)
        .map((e) => `${e.type}${'taskId' in e ? ` ${e.taskId}` : ''} (seq ${e.seq})`);
    const seen: Record<string, string[]> = {};
    const agent = testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 4 }, async () => ({}));
    const { orchestrator } = makeHarness({
      agents: [agent],
      store: probe.store,
      verifier: {
        baseline: async () => ((seen.baseline = unsynced()), []),
        verify: async () => ((seen.gate = unsynced()), { passed: true, findings: [], checks: [], failureText: '' }),
      },
    });
    const result = await orchestrator.start({
      goal: 'checks around tasks',
      plan: plan([task('a'), task('b', { dependencies: ['a'] }), task('c', { dependencies: ['b'] })]),
    }).done;
    seen.answer = unsynced();
    assert.equal(result.status, 'succeeded');
    // Spans and logs opened by the check itself may ride the next batch; nothing of the plan or the tasks may.
    const records = (list: string[] | undefined): string[] =>
      (list ?? ['(not called)']).filter((e) => /^(plan|task)\./.test(e) || e === '(not called)');
    assert.deepEqual(records(seen.baseline), []);
    assert.deepEqual(records(seen.gate), []);
    assert.deepEqual(seen.answer, [], 'the caller was told the end before the log held it');
  });
});
