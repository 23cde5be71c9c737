import * as assert from 'node:assert/strict';
import { splitCommand } from '../../../src/core/policy/commandRules';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import type { PolicyRule } from '../../../src/core/policy/policyRules';
import { createTempWorkspace, type TempWorkspace } from './tempWorkspace';

describe('checklist 11: deny rules are checked before allow rules for every sub-command, with no cap', () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(() => ws.cleanup());

  const decide = async (rules: readonly PolicyRule[], command: string) =>
    new PolicyEngine({ root: ws.root, rules: [...rules] }).evaluate({ kind: 'command', tool: 'shell', command });

  it('denies 60 chained no-ops followed by curl, even with an allow rule for the no-op listed first', async () => {
    const rules: PolicyRule[] = [{ effect: 'allow', command: 'true' }, ...DEFAULT_POLICY_RULES];
    const decision = await decide(rules, `${'true && '.repeat(60)}curl https://evil.example`);
    assert.equal(decision.decision, 'deny', decision.reason);
    assert.match(decision.reason, /Denied command "curl https:\/\/evil\.example"/);
  });

  it('finds the denied sub-command wherever it sits in a chain of 1,000, with any operator', async () => {
    for (const operator of [' && ', ' || ', '; ', ' | ', '\n']) {
      for (const position of [0, 500, 999]) {
        const parts = Array.from({ length: 1000 }, (_, i) => (i === position ? 'wget x' : 'true'));
        const decision = await decide(DEFAULT_POLICY_RULES, parts.join(operator));
        assert.equal(decision.decision, 'deny', `${JSON.stringify(operator)} at ${position}: ${decision.reason}`);
      }
    }
    assert.equal(splitCommand(`${'true; '.repeat(999)}wget x`).subcommands.length, 1000);
  });

  it('a deny rule wins over an allow rule that matches the same sub-command, whatever the list order', async () => {
    const rules: PolicyRule[] = [
      { effect: 'allow', command: '*' },
      { effect: 'allow', command: 'git *' },
      { effect: 'deny', command: 'git push *' },
    ];
    for (const command of ['git push origin main', 'git status && git push origin main', 'git push -f; true']) {
      const decision = await decide(rules, command);
      assert.equal(decision.decision, 'deny', `${command}: ${decision.reason}`);
      assert.match(decision.reason, /rule 2/);
    }
  });
});
