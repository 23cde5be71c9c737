import assert from 'node:assert/strict';
import { BUILTIN_AGENTS } from '../../../src/core/agents/builtinAgents';
import { normaliseName, normalisePlanChoices, type NormalisableAgent } from '../../../src/core/plan/normalisePlan';

const agents: NormalisableAgent[] = [
  { id: 'coder', capabilities: ['code', 'refactor'], synonyms: ['code_generation', 'implementation'] },
  { id: 'tester', capabilities: ['test'], synonyms: ['testing'] },
  { id: 'ui-designer', capabilities: ['ui_design'] },
];

function capsOf(plan: unknown): unknown[] {
  return (plan as { tasks: Array<{ requiredCapabilities: unknown[] }> }).tasks.map((t) => t.requiredCapabilities);
}

describe('normalisePlanChoices', () => {
  it('normalises case and separators only: "_", "-", ".", spaces', () => {
    assert.equal(normaliseName('Code-Generation'), normaliseName('code_generation'));
    assert.equal(normaliseName('code generation'), normaliseName('Code.Generation'));
    assert.notEqual(normaliseName('code'), normaliseName('coder'));
    assert.notEqual(normaliseName('test'), normaliseName('tests'));
  });

  it('takes a capability in another spelling as the capability', () => {
    const { plan, changes } = normalisePlanChoices(
      { tasks: [{ id: 'a', requiredCapabilities: ['UI-Design', 'Test'] }] },
      agents,
    );
    assert.deepEqual(capsOf(plan), [['ui_design', 'test']]);
    assert.deepEqual(
      changes.map((c) => [c.field, c.from, c.to, c.reason]),
      [
        ['tasks[0].requiredCapabilities[0]', 'UI-Design', ['ui_design'], 'spelling'],
        ['tasks[0].requiredCapabilities[1]', 'Test', ['test'], 'spelling'],
      ],
    );
  });

  it("takes an agent's id or synonym, in any spelling, as that agent's capabilities", () => {
    const { plan, changes } = normalisePlanChoices(
      {
        tasks: [
          { id: 'a', requiredCapabilities: ['Tester'] },
          { id: 'b', requiredCapabilities: ['Code_Generation', 'code'] },
          { id: 'c', requiredCapabilities: ['implementation'] },
        ],
      },
      agents,
    );
    assert.deepEqual(capsOf(plan), [['test'], ['code', 'refactor'], ['code', 'refactor']]);
    assert.deepEqual(
      changes.map((c) => [c.reason, c.agentId]),
      [
        ['agent-id', 'tester'],
        ['synonym', 'coder'],
        ['synonym', 'coder'],
      ],
    );
    assert.match(
      changes[1]!.message,
      /"Code_Generation" in tasks\[1\]\.requiredCapabilities\[0\].*a synonym of agent "coder"/,
    );
  });

  it('fixes an assigned agent named in another spelling or by a synonym', () => {
    const { plan } = normalisePlanChoices(
      {
        tasks: [
          { id: 'a', agent: 'UI_Designer' },
          { id: 'b', agent: 'testing' },
        ],
      },
      agents,
    );
    assert.deepEqual(
      (plan as { tasks: Array<{ agent: string }> }).tasks.map((t) => t.agent),
      ['ui-designer', 'tester'],
    );
  });

  it('leaves unknown and ambiguous names for the repair round, and never changes its input', () => {
    const twins: NormalisableAgent[] = [
      { id: 'a', capabilities: ['x'], synonyms: ['shared'] },
      { id: 'b', capabilities: ['y'], synonyms: ['shared'] },
      { id: 'c', capabilities: ['Deploy', 'deploy'] },
    ];
    const input = { tasks: [{ id: 't', requiredCapabilities: ['shared', 'DEPLOY', 'code'] }] };
    const copy = structuredClone(input);
    const { plan, changes } = normalisePlanChoices(input, twins);
    assert.deepEqual(capsOf(plan), [['shared', 'DEPLOY', 'code']]);
    assert.deepEqual(changes, []);
    assert.deepEqual(input, copy);
    assert.equal(normalisePlanChoices('not a plan', agents).plan, 'not a plan');
  });

  it('gives the built-in agents synonyms that reach them, none claimed twice', () => {
    const builtin = BUILTIN_AGENTS.map((a) => ({
      id: a.definition.id,
      capabilities: a.definition.capabilities,
      synonyms: a.definition.synonyms ?? [],
    }));
    const all = builtin.flatMap((a) => a.synonyms.map(normaliseName));
    assert.equal(new Set(all).size, all.length, 'no synonym is listed twice, nor belongs to two agents');
    const names = new Set(builtin.flatMap((a) => [a.id, ...a.capabilities]).map(normaliseName));
    assert.deepEqual(
      all.filter((s) => names.has(s)),
      [],
      'no synonym shadows an id or a capability',
    );
    const { plan } = normalisePlanChoices(
      { tasks: [{ id: 'a', requiredCapabilities: ['code_generation', 'Unit-Testing', 'code review'] }] },
      builtin,
    );
    assert.deepEqual(capsOf(plan), [['code', 'refactor', 'docs', 'test', 'review']]);
  });
});
