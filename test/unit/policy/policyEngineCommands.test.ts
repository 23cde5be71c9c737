import {
  DEFAULT_COMMAND_ALLOW_RULES,
  DEFAULT_POLICY_RULES,
  NETWORK_TOOLS,
} from '../../../src/core/policy/defaultRules';
import type { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { expectDecision, run, usePolicyWorkspace } from './policyEngineKit';

describe('PolicyEngine: commands', () => {
  const kit = usePolicyWorkspace();
  const { engine } = kit;

  describe('checklist 10: a command with a shell operator outside quotes never matches an allow rule; an unparseable one is denied', () => {
    const defaults = (): PolicyEngine => engine({ rules: [...DEFAULT_POLICY_RULES] });

    it('allows a single simple command on the allow-list', async () => {
      expectDecision(
        await defaults().evaluate(run('git status --short')),
        'allow',
        /Allowed command "git status --short" by rule \d+ \(command "git status \*"\)/,
      );
      expectDecision(
        await defaults().evaluate(run("git rev-parse --abbrev-ref 'HEAD;x|y'")),
        'allow',
        /command "git rev-parse \*"/,
      );
    });

    const operatorCommands = [
      'npm test; ls',
      'npm test && ls',
      'npm test || ls',
      'npm test | ls',
      'npm test > out.txt',
      'npm test < in.txt',
      'npm test $(ls)',
      'npm test `ls`',
      'npm test\nls',
      'npm test & ls',
      'npm test # comment',
    ];
    for (const command of operatorCommands) {
      it(`never allows ${JSON.stringify(command)}, which uses an operator, even with allow-all`, async () => {
        const policy = engine({
          rules: [
            ...DEFAULT_COMMAND_ALLOW_RULES,
            { effect: 'allow', command: '*' },
            { effect: 'allow', tool: 'shell' },
          ],
        });
        expectDecision(await policy.evaluate(run(command)), 'ask', /uses shell operators.*allow rules do not apply/);
      });
    }

    it('allows operators that are quoted', async () => {
      const policy = engine({ rules: [{ effect: 'allow', command: 'eslint *' }] });
      expectDecision(await policy.evaluate(run("eslint --rule 'a; b && c | d > e'")), 'allow', /rule 0/);
    });

    it('denies a command that cannot be parsed, even with allow-all', async () => {
      const policy = engine({ rules: [{ effect: 'allow', command: '*' }] });
      expectDecision(await policy.evaluate(run("npm run 'unterminated")), 'deny', /cannot be parsed safely/);
      expectDecision(await policy.evaluate(run('npm test $(ls')), 'deny', /cannot be parsed safely/);
      expectDecision(await policy.evaluate(run('   ')), 'deny', /the command is empty/);
    });

    it('denies 60 chained no-ops followed by curl (checklist 11)', async () => {
      const policy = engine({ rules: [...DEFAULT_POLICY_RULES, { effect: 'allow', command: 'true' }] });
      const command = `${'true && '.repeat(60)}curl https://evil.example`;
      expectDecision(
        await policy.evaluate(run(command)),
        'deny',
        /Denied command "curl https:\/\/evil.example" by rule \d+ \(command "curl \*"\)/,
      );
    });

    for (const tool of NETWORK_TOOLS) {
      it(`denies ${tool} by default and never allows it (checklist 12)`, async () => {
        expectDecision(
          await defaults().evaluate(run(`${tool} example.com`)),
          'deny',
          new RegExp(`command "${tool} \\*"`),
        );
        const allowOnly = engine({ rules: [...DEFAULT_COMMAND_ALLOW_RULES], defaultDecision: 'ask' });
        expectDecision(await allowOnly.evaluate(run(`${tool} example.com`)), 'ask', /No rule matched/);
      });
    }

    const disguised = [
      'echo "$(curl x)"',
      'echo `wget y`',
      'FOO=1 /usr/bin/curl x',
      'env -i curl x',
      'bash -c "ls; curl x"',
      'CURL x',
      'ls | xargs curl',
      'sudo ls',
      'rm -rf /',
      'ls\nscp a b:',
      "$'curl' x",
    ];
    for (const command of disguised) {
      it(`denies the disguised command ${JSON.stringify(command)}`, async () => {
        expectDecision(await defaults().evaluate(run(command)), 'deny', /^Denied command .* by rule \d+/);
      });
    }

    it('applies ask rules to any sub-command', async () => {
      const policy = engine({
        rules: [
          { effect: 'ask', command: 'git push *' },
          { effect: 'allow', command: 'git *' },
        ],
      });
      expectDecision(await policy.evaluate(run('git push origin main')), 'ask', /rule 0/);
      expectDecision(await policy.evaluate(run('git fetch')), 'allow', /rule 1/);
    });
  });
});
