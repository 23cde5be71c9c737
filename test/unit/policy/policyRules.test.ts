import * as assert from 'node:assert/strict';
import { parsePolicyRules, PolicyRulesError } from '../../../src/core/policy/policyRules';

/** Runs parsePolicyRules on input expected to fail and returns the error. */
function rulesError(input: unknown): PolicyRulesError {
  try {
    parsePolicyRules(input);
  } catch (err) {
    assert.ok(err instanceof PolicyRulesError, `expected PolicyRulesError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected parsePolicyRules to throw');
}

describe('policyRules', () => {
  it('accepts valid rules of every shape', () => {
    const input = [
      { effect: 'deny', path: '**/.env*', reason: 'secrets' },
      { effect: 'ask', tool: 'fs.*' },
      { effect: 'allow', command: 'npm run *' },
      { effect: 'allow', tool: 'shell', command: 'git status' },
    ];
    assert.deepEqual(parsePolicyRules(input), input);
  });

  it('rejects a rule with none of tool, path or command', () => {
    const err = rulesError([{ effect: 'allow', reason: 'everything' }]);
    assert.deepEqual(err.issues, [
      { index: 0, field: undefined, message: 'a rule needs at least one of "tool", "path" or "command"' },
    ]);
    assert.match(err.message, /rule 0: a rule needs at least one of/);
  });

  it('lists every bad rule by index and field', () => {
    const err = rulesError([
      { effect: 'allow', command: 'npm test' },
      { effect: 'permit', tool: 'x' },
      { effect: 'deny', path: '/etc/**' },
      { effect: 'deny', comand: 'curl *' },
      { effect: 'allow', command: 'npm test && curl x' },
      { effect: 'deny', path: 'src/../../x' },
      { effect: 'deny', path: 'a', command: 'b' },
      { effect: 'ask', tool: '' },
    ]);
    const located = err.issues.map((issue) => `${issue.index ?? '-'}:${issue.field ?? '-'}`);
    assert.deepEqual(located, ['1:effect', '2:path', '3:comand', '3:-', '4:command', '5:path', '6:command', '7:tool']);
    assert.match(err.message, /rule 1 \(effect\): effect must be "deny", "ask" or "allow"/);
    assert.match(err.message, /rule 2 \(path\): .*must not start with "\/"/);
    assert.match(err.message, /rule 3 \(comand\): unknown field\(s\) comand; allowed are/);
    assert.match(err.message, /rule 4 \(command\): a command pattern must be one simple command/);
    assert.match(err.message, /rule 5 \(path\): .*must not contain "\.\."/);
    assert.match(err.message, /rule 6 \(command\): a rule cannot set both "path" and "command"/);
    assert.match(err.message, /rule 7 \(tool\): tool must not be empty/);
    assert.doesNotMatch(err.message, /rule 0/);
  });

  it('rejects a glob picomatch cannot compile', () => {
    const err = rulesError([{ effect: 'deny', path: 'a'.repeat(70_000) }]);
    assert.equal(err.issues[0]?.field, 'path');
    assert.match(err.message, /not a valid glob: .*exceeds maximum allowed length/);
  });

  it('rejects input that is not a list, or a rule that is not an object', () => {
    assert.match(rulesError({ effect: 'deny' }).message, /policy rules must be an array, got object/);
    assert.match(rulesError(['deny']).message, /rule 0: .*expected object/);
  });
});
