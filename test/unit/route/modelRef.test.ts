import assert from 'node:assert/strict';
import { formatModelRef, parseModelRef } from '../../../src/core/route/modelRef';

describe('parseModelRef', () => {
  it('splits at the first slash, keeping slashes of the model part', () => {
    assert.deepEqual(parseModelRef('openai/gpt-4o'), { provider: 'openai', model: 'gpt-4o' });
    assert.deepEqual(parseModelRef('openrouter/anthropic/claude-3.5-sonnet'), {
      provider: 'openrouter',
      model: 'anthropic/claude-3.5-sonnet',
    });
    assert.equal(formatModelRef({ provider: 'openrouter', model: 'a/b' }), 'openrouter/a/b');
  });

  it('refuses a missing part or spaces', () => {
    for (const bad of ['gpt-4o', '/gpt-4o', 'openai/', 'open ai/gpt', 'openai/gpt 4o', ''])
      assert.equal(parseModelRef(bad), undefined, bad);
  });
});
