import assert from 'node:assert/strict';
import { findCycle } from '../../../src/core/plan/planGraph';
import type { PlanIssue } from '../../../src/core/model/runEvents';
import { PlanValidationError, validatePlan, type PlanLimits } from '../../../src/core/plan/validatePlan';
import { plan, task } from '../../support/planBuilders';

const limits = { maxTasks: 100, knownCapabilities: new Set(['code', 'test']) };

function issuesOf(input: unknown, l: PlanLimits = limits): PlanIssue[] {
  const v = validatePlan(input, l);
  assert.equal(v.ok, false, 'expected the plan to be refused');
  return v.ok ? [] : v.issues;
}

describe('validatePlan', () => {
  it('accepts a valid plan and fills defaults', () => {
    const v = validatePlan(plan([task('a'), task('b', { dependencies: ['a'] })]), limits);
    assert.ok(v.ok);
    assert.equal(v.plan.tasks[1]?.priority, 50);
    assert.deepEqual(v.plan.tasks[0]?.writes, []);
  });

  it('refuses a cycle and names it in dependency order', () => {
    const issues = issuesOf(
      plan([
        task('a', { dependencies: ['c'] }),
        task('b', { dependencies: ['a'] }),
        task('c', { dependencies: ['b'] }),
        task('d'),
      ]),
    );
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.code, 'cycle');
    assert.match(issues[0]!.message, /a → c → b → a/);
  });

  it('refuses a duplicate id', () => {
    const issues = issuesOf(plan([task('a'), task('a')]));
    assert.deepEqual(
      issues.map((i) => i.code),
      ['duplicate-id'],
    );
    assert.match(issues[0]!.message, /"a" is used more than once/);
  });

  it('refuses an unknown dependency and a self-dependency', () => {
    const issues = issuesOf(plan([task('a', { dependencies: ['ghost'] }), task('b', { dependencies: ['b'] })]));
    assert.deepEqual(issues.map((i) => i.code).sort(), ['self-dependency', 'unknown-dependency']);
    assert.ok(issues.some((i) => /depends on "ghost", which is not a task/.test(i.message)));
  });

  it('refuses an unknown capability, naming the field, the value and the allowed values', () => {
    const issues = issuesOf(plan([task('a'), task('b', { requiredCapabilities: ['code', 'deploy'] })]));
    assert.deepEqual(issues, [
      {
        code: 'unknown-capability',
        taskId: 'b',
        field: 'tasks[1].requiredCapabilities[1]',
        value: 'deploy',
        allowed: ['code', 'test'],
        message:
          'tasks[1].requiredCapabilities[1]: task "b" needs capability "deploy", which no registered agent has. Allowed values: code, test.',
      },
    ]);
  });

  it('names the field, the value and the other task ids for an unknown dependency', () => {
    const issues = issuesOf(plan([task('a'), task('b', { dependencies: ['ghost'] })]));
    assert.equal(issues[0]?.field, 'tasks[1].dependencies[0]');
    assert.equal(issues[0]?.value, 'ghost');
    assert.deepEqual(issues[0]?.allowed, ['a']);
    assert.match(
      issues[0]!.message,
      /^tasks\[1\]\.dependencies\[0\]: .*"ghost".*Allowed values: a\. Remove the dependency or add a task with that id\.$/,
    );
  });

  it('refuses an assigned agent that lacks a capability the task needs, and names the agents that have them', () => {
    const issues = issuesOf(plan([task('a', { requiredCapabilities: ['test'], agent: 'coder' })]), {
      ...limits,
      knownAgents: new Set(['coder', 'tester']),
      agentCapabilities: new Map([
        ['coder', ['code']],
        ['tester', ['test']],
      ]),
    });
    assert.equal(issues[0]?.code, 'agent-lacks-capability');
    assert.equal(issues[0]?.field, 'tasks[0].agent');
    assert.equal(issues[0]?.value, 'coder');
    assert.deepEqual(issues[0]?.allowed, ['tester']);
    assert.match(issues[0]!.message, /lacks "test".*Allowed values: tester\. Or leave "agent" out\./);
  });

  it('refuses an empty plan', () => {
    assert.equal(issuesOf(plan([]))[0]?.code, 'empty');
  });

  it('refuses more tasks than the configured maximum', () => {
    const issues = issuesOf(plan([task('a'), task('b'), task('c')]), { ...limits, maxTasks: 2 });
    assert.equal(issues[0]?.code, 'too-many-tasks');
    assert.match(issues[0]!.message, /3 tasks, more than the limit of 2/);
  });

  it('reports schema problems with their location', () => {
    const issues = issuesOf({
      tasks: [
        { id: 'bad id!', title: '' },
        { id: 'ok', title: 'x', writes: ['../etc/passwd', '/abs'] },
      ],
    });
    const text = issues.map((i) => i.message).join('\n');
    assert.match(text, /tasks\[0\]\.id: a task id may only use/);
    assert.match(text, /tasks\[0\]\.title: a task needs a title/);
    assert.match(text, /tasks\[1\]\.writes\[0\]: a path must not contain "\.\."/);
    assert.match(text, /tasks\[1\]\.writes\[1\]: a path must be relative/);
    const id = issues.find((i) => i.field === 'tasks[0].id');
    assert.equal(id?.value, 'bad id!', 'the refused value is named');
    assert.match(id!.message, /\(got "bad id!"\)/);
  });

  it('refuses assignment to an unregistered agent', () => {
    const issues = issuesOf(plan([task('a', { agent: 'nobody' })]), {
      ...limits,
      knownAgents: new Set(['coder']),
    });
    assert.equal(issues[0]?.code, 'unknown-agent');
    assert.equal(issues[0]?.field, 'tasks[0].agent');
    assert.deepEqual(issues[0]?.allowed, ['coder']);
    assert.match(issues[0]!.message, /"nobody", which is not registered\. Allowed values: coder\./);
  });

  it('PlanValidationError lists every issue', () => {
    const err = new PlanValidationError([
      { code: 'empty', message: 'one' },
      { code: 'cycle', message: 'two' },
    ]);
    assert.equal(err.message, 'The plan is not valid:\n- one\n- two');
  });

  it('finds a cycle in a 10,000-task chain without overflowing the stack', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({
      ...task(`t${i}`),
      dependencies: [`t${(i + 1) % 10_000}`],
    }));
    const v = validatePlan(plan(tasks), { maxTasks: 20_000 });
    assert.equal(v.ok, false);
    const parsed = tasks.map((t) => ({
      ...t,
      description: '',
      requiredCapabilities: [],
      priority: 50,
      acceptanceCriteria: [],
      reads: [],
      writes: [],
    }));
    assert.equal(findCycle(parsed)?.length, 10_001);
  });

  it('computes critical-path lengths', () => {
    const v = validatePlan(
      plan([task('a'), task('b', { dependencies: ['a'] }), task('c', { dependencies: ['b'] }), task('x')]),
      limits,
    );
    assert.ok(v.ok);
    assert.deepEqual([...v.graph.criticalPath], [3, 2, 1, 1]);
  });
});
