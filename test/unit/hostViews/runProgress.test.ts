import assert from 'node:assert/strict';
import { modelChoices, priceText } from '../../../src/host/commands/modelChoices';
import { ANTHROPIC_PROVIDER, BUILTIN_PROVIDERS, OPENAI_PROVIDER } from '../../../src/core/llm/builtinProviders';
import { outcomeMessage, progressMessage, progressPercent, shorten } from '../../../src/host/commands/runProgress';
import { formatMessage } from '../../../src/host/views/runTreeFormat';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

describe('run progress and outcome text', () => {
  const b = new EventBuilder('run-1');
  const events = [
    b.created('Add auth'),
    b.next({ type: 'run.phase', phase: 'plan' }),
    b.planReady([
      { id: 'a', title: 'A' },
      { id: 'b', title: 'B' },
      { id: 'c', title: 'C' },
    ]),
    b.next({ type: 'run.phase', phase: 'validate' }),
    b.next({ type: 'run.phase', phase: 'execute' }),
    b.taskStarted('a'),
    b.taskSucceeded('a'),
  ];

  it('names the phase and counts finished tasks', () => {
    assert.equal(progressMessage(foldEvents('run-1', events.slice(0, 2)), 0, formatMessage), 'Planning…');
    const executing = foldEvents('run-1', events);
    assert.equal(progressMessage(executing, 0, formatMessage), 'Executing · 1/3 tasks');
    assert.equal(progressMessage(executing, 2, formatMessage), 'Executing · 1/3 tasks · 2 edits wait for your review');
    assert.equal(progressPercent(executing), 33);
  });

  it('tells how a run ended', () => {
    const state = foldEvents('run-1', [
      ...events,
      b.taskFailed('b'),
      b.finding('major', 'tests fail'),
      b.completed('failed', { succeeded: 1, failed: 1, pending: 1 }),
    ]);
    assert.deepEqual(outcomeMessage('failed', state, formatMessage), {
      severity: 'error',
      text: 'Run failed: Add auth. 1 failed or skipped tasks, 1 findings.',
    });
    assert.equal(outcomeMessage('succeeded', state, formatMessage).text, 'Run succeeded: Add auth (3 tasks).');
    assert.match(outcomeMessage('planned', state, formatMessage).text, /Nothing was executed \(dry run\)/);
    const paused = foldEvents('run-1', [
      ...events,
      b.paused("The run's token budget of 1,000 tokens would be exceeded"),
    ]);
    assert.deepEqual(outcomeMessage('paused', paused, formatMessage), {
      severity: 'warning',
      text: "Run paused: The run's token budget of 1,000 tokens would be exceeded",
    });
  });

  it('shortens long goals to one line', () => {
    assert.equal(shorten('a\n  b', 80), 'a b');
    assert.equal(shorten('x'.repeat(100), 10), `${'x'.repeat(9)}…`);
  });

  it('keeps a goal or pause reason from becoming a command link in a notification', () => {
    const goal = 'Fix it [Open Run Panel](command:workbench.action.terminal.sendSequence?%5B%7B%7D%5D) now';
    assert.equal(
      shorten(goal, 200),
      'Fix it [Open Run Panel] (command:workbench.action.terminal.sendSequence?%5B%7B%7D%5D) now',
    );
    const b = new EventBuilder('run-1');
    const paused = foldEvents('run-1', [b.created('g'), b.paused('see [docs](command:evil)')]);
    assert.doesNotMatch(outcomeMessage('paused', paused, formatMessage).text, /\]\(/);
  });
});

describe('model choices', () => {
  it('offers only models the price table knows, with their prices', () => {
    const openai = modelChoices(OPENAI_PROVIDER, BUILTIN_PROVIDERS);
    assert.ok(openai.some((c) => c.model === 'gpt-4o-mini'));
    assert.ok(openai.every((c) => c.price.input >= 0));
    assert.ok(modelChoices(ANTHROPIC_PROVIDER, BUILTIN_PROVIDERS).some((c) => c.model === 'claude-sonnet-5'));
    assert.equal(openai.length, OPENAI_PROVIDER.commonModels.length, 'every common model of the table has a price');
    assert.equal(priceText({ input: 2.5, output: 10 }), '$2.50 in · $10.00 out / 1M tokens');
  });
});
