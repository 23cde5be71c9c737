import assert from 'node:assert/strict';
import { AgentRegistrationError, AgentRegistry } from '../../../src/core/agents/agentRegistry';
import { rankAgents, selectAgent } from '../../../src/core/agents/agentSelector';
import { AgentStatsBook } from '../../../src/core/agents/agentStats';
import type { TaskSpec } from '../../../src/core/model/planSchema';
import { TaskSpecSchema } from '../../../src/core/model/planSchema';
import { briefContext } from '../../support/briefBuilders';
import { testAgent } from '../../support/testAgents';

const spec = (over: Partial<TaskSpec> = {}): TaskSpec =>
  TaskSpecSchema.parse({ id: 't', title: 'T', requiredCapabilities: ['code'], ...over });
const none = { excluded: new Set<string>() };

describe('AgentRegistry', () => {
  it('registers and unregisters at run time and announces it', () => {
    const r = new AgentRegistry();
    let changes = 0;
    r.onDidChange(() => changes++);
    const reg = r.register(testAgent({ id: 'coder', capabilities: ['code'] }));
    assert.deepEqual([...r.capabilities()], ['code']);
    reg.dispose();
    assert.equal(r.get('coder'), undefined);
    assert.equal(changes, 2);
  });

  it('refuses an invalid definition with the field named', () => {
    const r = new AgentRegistry();
    assert.throws(
      () => r.register(testAgent({ id: 'x', capabilities: [] })),
      (e: Error) =>
        e instanceof AgentRegistrationError && /capabilities: an agent needs at least one capability/.test(e.message),
    );
    assert.throws(() => r.register(testAgent({ id: 'bad id', capabilities: ['a'] })), /id: an agent id uses/);
  });

  it('refuses a duplicate id', () => {
    const r = new AgentRegistry();
    r.register(testAgent({ id: 'a', capabilities: ['code'] }));
    assert.throws(() => r.register(testAgent({ id: 'a', capabilities: ['code'] })), /already registered/);
  });

  it('counts load up to maxLoad and announces freed capacity', () => {
    const r = new AgentRegistry();
    r.register(testAgent({ id: 'a', capabilities: ['code'], maxLoad: 2 }));
    const freed: string[] = [];
    r.onDidFreeCapacity((id) => freed.push(id));
    const first = r.tryAcquireLoad('a');
    assert.ok(first);
    assert.ok(r.tryAcquireLoad('a'));
    assert.equal(r.tryAcquireLoad('a'), undefined);
    first.release();
    first.release();
    assert.deepEqual(freed, ['a'], 'a lease gives its load back once');
    assert.equal(r.load('a'), 1);
  });

  it('swap replaces a group in one step with one change event; a running attempt keeps the agent it started with', async () => {
    const r = new AgentRegistry();
    r.register(testAgent({ id: 'coder', capabilities: ['code'] }));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    r.register(testAgent({ id: 'docs', capabilities: ['docs'] }, async () => (await held, { output: 'old docs' })));
    const running = r.get('docs')!.run(briefContext());
    const seen: string[][] = [];
    r.onDidChange(() => seen.push(r.list().map((a) => a.definition.id)));
    const { added, errors } = r.swap(
      ['docs'],
      [
        testAgent({ id: 'docs', capabilities: ['docs', 'review'] }, async () => ({ output: 'new docs' })),
        testAgent({ id: 'coder', capabilities: ['code'] }),
        testAgent({ id: 'bad', capabilities: [] }),
      ],
    );
    assert.deepEqual(added, ['docs']);
    assert.match(errors.map((e) => e.error).join('\n'), /"coder" is already registered/);
    assert.match(
      errors.map((e) => e.error).join('\n'),
      /"bad" has an invalid definition: an agent needs at least one capability/,
    );
    assert.deepEqual(seen, [['coder', 'docs']], 'listeners saw only the swapped set, once');
    assert.deepEqual(r.get('docs')!.definition.capabilities, ['docs', 'review']);
    assert.deepEqual((await r.get('docs')!.run(briefContext())).output, 'new docs', 'the next task gets the new agent');
    release();
    assert.deepEqual((await running).output, 'old docs', 'the task already running finished on the old one');
  });
});

describe('agent selection', () => {
  function registry(): AgentRegistry {
    const r = new AgentRegistry();
    r.register(testAgent({ id: 'generalist', capabilities: ['code', 'test', 'review', 'docs'], maxLoad: 4 }));
    r.register(testAgent({ id: 'coder', capabilities: ['code'], maxLoad: 4 }));
    r.register(testAgent({ id: 'tester', capabilities: ['test'], maxLoad: 4 }));
    return r;
  }

  it('prefers the specialist whose capabilities fit the task', () => {
    const s = selectAgent(spec(), registry(), new AgentStatsBook(), none);
    assert.equal(s.kind === 'agent' && s.agent.definition.id, 'coder');
  });

  it('only offers agents with every required capability', () => {
    const ranked = rankAgents(spec({ requiredCapabilities: ['code', 'test'] }), registry(), new AgentStatsBook(), none);
    assert.deepEqual(
      ranked.map((r) => r.agent.definition.id),
      ['generalist'],
    );
  });

  it('lets a poor success record lose to a good one', () => {
    const stats = new AgentStatsBook();
    for (let i = 0; i < 10; i++) stats.record('coder', { success: false, durationMs: 1, tokens: 0, costUsd: 0 });
    for (let i = 0; i < 10; i++) stats.record('generalist', { success: true, durationMs: 1, tokens: 0, costUsd: 0 });
    const s = selectAgent(spec(), registry(), stats, none);
    assert.equal(s.kind === 'agent' && s.agent.definition.id, 'generalist');
  });

  it('weighs current load and skips full or unhealthy agents', () => {
    const r = registry();
    for (let i = 0; i < 3; i++) r.tryAcquireLoad('coder');
    const loaded = selectAgent(spec(), r, new AgentStatsBook(), none);
    assert.equal(loaded.kind === 'agent' && loaded.agent.definition.id, 'generalist');
    r.setHealth('generalist', 'unhealthy');
    r.tryAcquireLoad('coder');
    assert.equal(selectAgent(spec(), r, new AgentStatsBook(), none).kind, 'busy');
  });

  it('halves a degraded agent', () => {
    const r = registry();
    const before = rankAgents(spec(), r, new AgentStatsBook(), none).find(
      (x) => x.agent.definition.id === 'coder',
    )!.score;
    r.setHealth('coder', 'degraded');
    const after = rankAgents(spec(), r, new AgentStatsBook(), none).find(
      (x) => x.agent.definition.id === 'coder',
    )!.score;
    assert.equal(after, before / 2);
  });

  it('honours a manual assignment, even over a better fit', () => {
    const s = selectAgent(spec({ agent: 'generalist' }), registry(), new AgentStatsBook(), none);
    assert.equal(s.kind === 'agent' && s.agent.definition.id, 'generalist');
    const user = selectAgent(spec(), registry(), new AgentStatsBook(), { ...none, assignedAgent: 'generalist' });
    assert.equal(user.kind === 'agent' && user.agent.definition.id, 'generalist');
    const gone = selectAgent(spec({ agent: 'ghost' }), registry(), new AgentStatsBook(), none);
    assert.equal(gone.kind, 'none');
  });

  it('falls back past excluded agents and says when none is left', () => {
    const s = selectAgent(spec(), registry(), new AgentStatsBook(), { excluded: new Set(['coder']) });
    assert.equal(s.kind === 'agent' && s.agent.definition.id, 'generalist');
    const out = selectAgent(spec(), registry(), new AgentStatsBook(), { excluded: new Set(['coder', 'generalist']) });
    assert.ok(out.kind === 'none' && /Already tried and failed: coder, generalist/.test(out.reason));
  });
});

describe('AgentStatsBook', () => {
  it('keeps totals, means and smoothed success, and hands out unsaved deltas once', () => {
    const b = new AgentStatsBook({
      a: { attempts: 2, successes: 2, failures: 0, totalDurationMs: 100, tokens: 10, costUsd: 0.1 },
    });
    b.record('a', { success: false, durationMs: 50, tokens: 5, costUsd: 0.05 });
    const s = b.get('a');
    assert.equal(s.attempts, 3);
    assert.equal(s.meanDurationMs, 50);
    assert.equal(s.successRate, 3 / 5);
    assert.deepEqual(b.drainDeltas(), {
      a: { attempts: 1, successes: 0, failures: 1, totalDurationMs: 50, tokens: 5, costUsd: 0.05 },
    });
    assert.deepEqual(b.drainDeltas(), {});
    assert.equal(b.get('unseen').successRate, 0.5);
  });
});
