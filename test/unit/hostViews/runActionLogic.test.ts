import { retryableTaskIds } from '../../../src/core/model/runState';
import assert from 'node:assert/strict';
import {
  budgetPauseOf,
  capableAgents,
  parseBudgetValue,
  recentGoalsFrom,
  rememberGoal,
} from '../../../src/host/commands/runActionLogic';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

const usage = { inputTokens: 900, outputTokens: 100, costUsd: 0.5 };

describe('run command decisions', () => {
  it('recognises a pause at the token or cost budget', () => {
    const paused = (pauseReason: string) =>
      budgetPauseOf({ status: 'paused', pauseReason, budget: { maxTokens: 1000, maxCostUsd: 0.6 }, usage });
    assert.deepEqual(paused("The run's token budget of 1,000 tokens would be exceeded: …"), {
      limit: 'tokens',
      max: 1000,
      used: 1000,
    });
    assert.deepEqual(paused("The run's cost budget of $0.60 would be exceeded: …"), {
      limit: 'cost',
      max: 0.6,
      used: 0.5,
    });
    assert.equal(paused('Paused by the user.'), undefined);
    assert.equal(budgetPauseOf({ status: 'running', budget: {}, usage }), undefined);
  });

  it('accepts a raised budget and refuses one that is not above what is used', () => {
    const tokens = { limit: 'tokens' as const, max: 1000, used: 1000 };
    assert.deepEqual(parseBudgetValue('200,000', tokens), { value: 200_000 });
    assert.deepEqual(parseBudgetValue('1000', tokens), { problem: 'notAbove' });
    assert.deepEqual(parseBudgetValue('1500.5', tokens), { problem: 'notWhole' });
    assert.deepEqual(parseBudgetValue('lots', tokens), { problem: 'format' });
    assert.deepEqual(parseBudgetValue('-5', tokens), { problem: 'format' });
    const cost = { limit: 'cost' as const, max: 0.6, used: 0.5 };
    assert.deepEqual(parseBudgetValue('$2.50', cost), { value: 2.5 });
    assert.deepEqual(parseBudgetValue('0.4', cost), { problem: 'notAbove' });
  });

  it('retries failed, cancelled and skipped tasks on resume', () => {
    const b = new EventBuilder('run-1');
    const state = foldEvents('run-1', [
      b.created(),
      b.planReady([
        { id: 'a', title: 'A' },
        { id: 'b', title: 'B', dependencies: ['a'] },
        { id: 'c', title: 'C' },
        { id: 'd', title: 'D' },
      ]),
      b.taskFailed('a'),
      b.next({ type: 'task.skipped', taskId: 'b', blockedBy: 'a', reason: 'a failed' }),
      b.taskStarted('c'),
      b.taskSucceeded('c'),
    ]);
    assert.deepEqual(retryableTaskIds(state).sort(), ['a', 'b']);
  });

  it('offers agents whose capabilities cover the task, the current agent last', () => {
    const agents = [
      { id: 'coder', description: 'code', capabilities: ['code', 'docs'], priority: 60 },
      { id: 'tester', description: 'tests', capabilities: ['test'], priority: 60 },
      { id: 'senior', description: 'code', capabilities: ['code'], priority: 80 },
    ];
    const choices = capableAgents({ requiredCapabilities: ['code'] }, agents, {
      agentId: 'senior',
      excludedAgents: ['coder'],
    });
    assert.deepEqual(
      choices.map((c) => [c.id, c.current, c.excluded]),
      [
        ['coder', false, true],
        ['senior', true, false],
      ],
    );
    assert.equal(capableAgents({ requiredCapabilities: [] }, agents).length, 3);
  });

  it('keeps the last ten distinct goals, newest first, and ignores junk in storage', () => {
    let recent: string[] = [];
    for (let i = 0; i < 12; i++) recent = rememberGoal(recent, `goal ${i}`);
    recent = rememberGoal(recent, ' goal 5 ');
    assert.equal(recent.length, 10);
    assert.deepEqual(recent.slice(0, 3), ['goal 5', 'goal 11', 'goal 10']);
    assert.deepEqual(recentGoalsFrom(['a', 3, '', null, 'b']), ['a', 'b']);
    assert.deepEqual(recentGoalsFrom({ not: 'a list' }), []);
  });
});
