import assert from 'node:assert/strict';
import { runSummaryText, summariseRun } from '../../../src/core/run/runSummary';
import { EventBuilder, foldEvents } from '../../support/eventBuilders';

describe('run summary for tool results', () => {
  it('lists every planned task in plan order, the ones not started as pending, and the pause reason', () => {
    const b = new EventBuilder('run-s1');
    const state = foldEvents('run-s1', [
      b.created('Add a parser'),
      b.planReady([
        { id: 'lex', title: 'Write the lexer' },
        { id: 'parse', title: 'Write the parser', dependencies: ['lex'] },
      ]),
      b.taskStarted('lex'),
      b.editApplied('lex', 'src/lexer.ts'),
      b.editApplied('lex', 'src/lexer.ts'),
      b.paused('an edit of src/lexer.ts needs approval'),
    ]);
    const summary = summariseRun(state);
    assert.deepEqual(
      summary.tasks.map((t) => [t.id, t.status]),
      [
        ['lex', 'running'],
        ['parse', 'pending'],
      ],
    );
    assert.deepEqual(summary.filesChanged, ['src/lexer.ts'], 'a path edited twice is listed once');
    const text = runSummaryText(summary);
    assert.match(text, /^Run run-s1: /);
    assert.match(text, /Paused because: an edit of src\/lexer\.ts needs approval/);
  });

  it('says the cost is unknown for an unpriced model, never $0.00', () => {
    const b = new EventBuilder('run-s2');
    const state = foldEvents('run-s2', [
      b.created('Add a parser'),
      b.planReady([{ id: 'lex', title: 'Write the lexer' }]),
      b.next({
        type: 'usage.recorded',
        taskId: 'lex',
        agentId: 'coder',
        provider: 'openai',
        model: 'my-local-model',
        usage: { inputTokens: 10, outputTokens: 5, costUsd: 0, costUnknown: true },
      }),
    ]);
    const text = runSummaryText(summariseRun(state));
    assert.match(text, /Usage: 10 input \+ 5 output tokens, cost unknown\./);
    assert.doesNotMatch(text, /\$0\.00/);
    assert.match(text, /Files changed: none\./);
  });
});
