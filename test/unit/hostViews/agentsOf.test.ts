import assert from 'node:assert/strict';
import * as path from 'node:path';
import { AgentRegistry } from '../../../src/core/agents/agentRegistry';
import { AgentStatsBook } from '../../../src/core/agents/agentStats';
import { BUILTIN_AGENTS } from '../../../src/core/agents/builtinAgents';
import type { EngineModels } from '../../../src/core/engine/engineModels';
import { PanelAgents } from '../../../src/host/panel/panelAgents';
import { parseHostMessage } from '../../../src/protocol/messages';
import { testAgent } from '../../support/testAgents';

const scrub = (text: string): string => text.split('sk-secret-123456').join('[redacted]');
const ROOT = path.join(path.sep, 'ws', 'project');

/** An engine's parts the panel reads: a real registry, the agent files it loaded, and its model choice. */
function engine() {
  const registry = new AgentRegistry();
  const coder = BUILTIN_AGENTS.find((a) => a.definition.id === 'coder')!.definition;
  registry.register(testAgent({ ...coder, maxLoad: 3 }));
  registry.register(
    testAgent({
      id: 'docs-writer',
      description: 'Writes docs (key sk-secret-123456)',
      capabilities: ['docs', 'write'],
      preferredModels: ['anthropic/claude-x'],
      maxLoad: 2,
    }),
  );
  registry.register(testAgent({ id: 'from-extension', capabilities: ['lint'] }));
  const models = {
    provider: { id: 'openai' },
    model: 'gpt-4o-mini',
    scripted: false,
    agentModels: {},
    servable: new Set(['openai', 'anthropic']),
  } as unknown as EngineModels;
  const agentFiles = new Map([['docs-writer', path.join(ROOT, '.orchestrator', 'agents', 'docs-writer.md')]]);
  return { registry, models, agentFiles, workspaceRoot: ROOT };
}

describe('run panel agents (agentsOf, PanelAgents)', () => {
  it('lists the registered agents with model, load, statistics and source', async () => {
    const stats = new AgentStatsBook({
      coder: { attempts: 4, successes: 3, failures: 1, totalDurationMs: 8000, tokens: 100, costUsd: 0.2 },
    });
    stats.record('coder', { success: true, durationMs: 2000, tokens: 10, costUsd: 0.05 });
    const e = engine();
    const lease = e.registry.tryAcquireLoad('coder');
    const agents = new PanelAgents(async () => stats, scrub);
    agents.attach(e);
    const views = await agents.views();
    const byId = new Map(views.map((v) => [v.id, v]));
    const coder = byId.get('coder')!;
    assert.deepEqual(
      [coder.source, coder.model, coder.running, coder.maxLoad, coder.attempts],
      ['builtin', 'default', 1, 3, 5],
    );
    assert.equal(coder.successRate, 4 / 5);
    assert.ok(Math.abs(coder.averageCostUsd! - 0.25 / 5) < 1e-12);
    assert.equal(coder.averageDurationMs, 10_000 / 5);
    const docs = byId.get('docs-writer')!;
    assert.deepEqual(
      [docs.source, docs.sourceLabel, docs.model, docs.running, docs.attempts, docs.successRate],
      ['file', '.orchestrator/agents/docs-writer.md', 'anthropic/claude-x', 0, 0, undefined],
    );
    assert.equal(docs.description, 'Writes docs (key [redacted])');
    assert.deepEqual(docs.capabilities, ['docs', 'write']);
    assert.equal(byId.get('from-extension')!.source, 'extension');
    assert.deepEqual(agents.ids(), ['coder', 'docs-writer', 'from-extension']);
    assert.equal(parseHostMessage({ type: 'agents', agents: views }).ok, true);
    lease?.release();
  });

  it('opens only the file an agent was loaded from, found by its id', () => {
    const agents = new PanelAgents(async () => new AgentStatsBook(), scrub);
    const e = engine();
    agents.attach(e);
    assert.equal(agents.file('docs-writer'), path.join(ROOT, '.orchestrator', 'agents', 'docs-writer.md'));
    assert.equal(agents.file('coder'), undefined, 'a built-in agent has no file');
    assert.equal(agents.file('../../etc/passwd'), undefined);
    agents.detach(e);
    assert.equal(agents.file('docs-writer'), undefined, 'a disposed engine is forgotten');
  });

  it("announces a swap of an engine's file agents, and shows the new source path, until the engine is detached", async () => {
    const agents = new PanelAgents(async () => new AgentStatsBook(), scrub);
    const e = engine();
    agents.attach(e);
    let changes = 0;
    agents.onDidChange(() => changes++);
    const file = path.join(ROOT, '.github', 'agents', 'reviewer.agent.md');
    e.registry.swap(['docs-writer'], [testAgent({ id: 'sec-reviewer', capabilities: ['review'] })]);
    e.agentFiles.clear();
    e.agentFiles.set('sec-reviewer', file);
    assert.equal(changes, 1);
    const view = (await agents.views()).find((v) => v.id === 'sec-reviewer')!;
    assert.deepEqual([view.source, view.sourceLabel], ['file', '.github/agents/reviewer.agent.md']);
    assert.equal(agents.file('sec-reviewer'), file);
    agents.detach(e);
    e.registry.swap(['sec-reviewer'], []);
    assert.equal(changes, 1, 'a detached engine no longer reports');
  });

  it('lists the built-in agents while no engine is built', async () => {
    const agents = new PanelAgents(async () => new AgentStatsBook(), scrub);
    const views = await agents.views();
    assert.deepEqual(
      views.map((v) => v.id),
      BUILTIN_AGENTS.map((a) => a.definition.id),
    );
    assert.ok(views.every((v) => v.source === 'builtin' && v.running === 0 && v.model === 'default'));
  });
});
