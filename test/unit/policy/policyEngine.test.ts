import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { resolveWorkspacePath, writeFileNoFollow } from '../../../src/core/policy/pathGuard';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import type { PolicyAction, PolicyDecision, PolicyEngineOptions } from '../../../src/core/policy/policyEngine';
import type { PolicyRule } from '../../../src/core/policy/policyRules';
import { expectDecision, read, run, usePolicyWorkspace, write } from './policyEngineKit';
import type { TempWorkspace } from './tempWorkspace';

describe('PolicyEngine', () => {
  const kit = usePolicyWorkspace();
  const { engine } = kit;

  describe('rule order and defaults', () => {
    it('lets deny beat ask and ask beat allow, whatever the list order', async () => {
      const rules: PolicyRule[] = [
        { effect: 'allow', path: 'src/**' },
        { effect: 'ask', path: 'src/**' },
        { effect: 'deny', path: 'src/secret/**', reason: 'no secrets' },
      ];
      const policy = engine({ rules });
      expectDecision(
        await policy.evaluate(write('src/secret/k.txt')),
        'deny',
        /by rule 2 \(path "src\/secret\/\*\*"\): no secrets/,
      );
      expectDecision(await policy.evaluate(write('src/a.ts')), 'ask', /by rule 1/);
      const allowOnly = engine({ rules: [{ effect: 'allow', path: 'src/**' }] });
      expectDecision(await allowOnly.evaluate(write('src/a.ts')), 'allow', /Allowed write of "src\/a.ts" by rule 0/);
    });

    it('defaults to ask for writes and commands, allow for reads and tools', async () => {
      const policy = engine();
      expectDecision(
        await policy.evaluate(write('src/a.ts')),
        'ask',
        /No rule matched.*default for write actions is ask/,
      );
      expectDecision(await policy.evaluate(run('make')), 'ask', /default for command actions is ask/);
      expectDecision(await policy.evaluate(read('src/a.ts')), 'allow', /default for read actions is allow/);
      expectDecision(
        await policy.evaluate({ kind: 'tool', tool: 'search' }),
        'allow',
        /default for tool actions is allow/,
      );
    });

    it('uses a configured default decision for every kind', async () => {
      const policy = engine({ defaultDecision: 'deny' });
      expectDecision(await policy.evaluate(read('src/a.ts')), 'deny', /default for read actions is deny/);
      expectDecision(
        await policy.evaluate({ kind: 'tool', tool: 'search' }),
        'deny',
        /default for tool actions is deny/,
      );
    });

    it('matches tool globs, and applies tool-only rules to every kind of action from that tool', async () => {
      const policy = engine({
        rules: [
          { effect: 'deny', tool: 'mcp__*' },
          { effect: 'allow', tool: 'fs.*' },
        ],
      });
      expectDecision(await policy.evaluate({ kind: 'tool', tool: 'mcp__evil' }), 'deny', /rule 0 \(tool "mcp__\*"\)/);
      expectDecision(await policy.evaluate(write('src/a.ts')), 'allow', /rule 1/);
    });

    it('returns the resolved path so callers do their I/O on the checked real path', async () => {
      const decision = await engine().evaluate(read('env-link'));
      assert.equal(decision.resolvedPath?.real, path.join(await fs.realpath(kit.ws.root), '.env'));
    });
  });

  describe('checklist 1: a read or edit whose path resolves outside the workspace root is refused, writing nothing', () => {
    const allowAll: PolicyRule[] = [{ effect: 'allow', tool: '*' }];
    const escapes: Array<[string, (w: TempWorkspace) => string]> = [
      ['".." traversal', () => '../x'],
      ['an absolute path outside', () => '/etc/passwd'],
      ['a sibling sharing the prefix', (w) => path.join(w.sibling, 'secret.txt')],
      ['a symlinked folder escaping', () => 'link-out/secret.txt'],
      ['a new file under a symlinked folder escaping', () => 'link-out/new.txt'],
      ['a symlinked file escaping', () => 'link-file-out'],
    ];
    for (const [name, requested] of escapes) {
      it(`denies ${name} even with allow-all, and nothing is written`, async () => {
        const policy = engine({ rules: allowAll, defaultDecision: 'allow' });
        const target = requested(kit.ws);
        for (const action of [read(target), write(target)]) {
          const decision = await policy.evaluate(action);
          expectDecision(decision, 'deny', /^Refused path .*(outside the workspace root)/);
          assert.equal(decision.resolvedPath, undefined);
        }
        assert.deepEqual((await fs.readdir(kit.ws.outside)).sort(), ['secret.txt', 'target.txt']);
      });
    }
  });

  describe('checklist 2: deny rules are checked against the requested path and its real path', () => {
    it('denies a symlink inside the workspace that points at .env through the .env* rule', async () => {
      const policy = engine({ rules: [{ effect: 'deny', path: '**/.env*', reason: 'secrets' }] });
      expectDecision(
        await policy.evaluate(read('env-link')),
        'deny',
        /"env-link" \(really "\.env"\) by rule 0.*secrets/,
      );
      expectDecision(await policy.evaluate(read('src/env-link')), 'deny', /really "\.env"/);
      expectDecision(await policy.evaluate(read('src/a.ts')), 'allow', /default/);
    });

    it('requires an allow rule to hold for the real path too', async () => {
      const policy = engine({ rules: [{ effect: 'allow', path: 'src/**' }], defaultDecision: 'ask' });
      expectDecision(await policy.evaluate(read('src/a.ts')), 'allow', /rule 0/);
      expectDecision(await policy.evaluate(read('src/env-link')), 'ask', /No rule matched/);
    });

    it('matches deny rules regardless of case', async () => {
      const policy = engine({ rules: [{ effect: 'deny', path: 'secrets/**' }] });
      expectDecision(await policy.evaluate(write('Secrets/key.pem')), 'deny', /rule 0/);
    });
  });

  describe('checklist 4: edits to protected paths always need a fresh human approval, even when edits are auto-approved', () => {
    const allowEverything: Partial<PolicyEngineOptions> = {
      rules: [
        { effect: 'allow', tool: '*' },
        { effect: 'allow', path: '**' },
      ],
      defaultDecision: 'allow',
    };
    const protectedWrites = [
      '.vscode/settings.json',
      '.vscode/tasks.json',
      'app.code-workspace',
      '.git/hooks/pre-commit',
      '.git',
      '.env',
      'config/.env.local',
      '.orchestrator/policy.json',
      '.mcp.json',
      'mcp.json',
      '.cursor/mcp.json',
      '.clinerules',
      '.roo/mcp.json',
      '.claude/settings.json',
      '.VSCODE/settings.json',
    ];
    for (const target of protectedWrites) {
      it(`asks before writing ${target} even when everything is allowed`, async () => {
        const decision = await engine(allowEverything).evaluate(write(target));
        expectDecision(decision, 'ask', /is protected \(matches ".+"\): edits to it always need a fresh approval/);
        assert.equal(decision.requiresFreshApproval, true);
        assert.equal(decision.rule, undefined);
      });
    }

    it('marks protected writes as needing a fresh approval also when the default already asks', async () => {
      const decision = await engine().evaluate(write('.git/config'));
      expectDecision(decision, 'ask', /protected \(matches "\*\*\/\.git\/\*\*"\)/);
      assert.equal(decision.requiresFreshApproval, true);
      const ordinary = await engine().evaluate(write('src/a.ts'));
      assert.equal(ordinary.requiresFreshApproval, undefined);
    });

    it('asks before writing through a symlink whose real path is protected', async () => {
      expectDecision(
        await engine(allowEverything).evaluate(write('settings-link')),
        'ask',
        /really "\.vscode\/settings\.json".*protected/,
      );
    });

    it('still lets a deny rule win over the protected ask, and leaves reads alone', async () => {
      const policy = engine({ rules: [{ effect: 'deny', path: '.vscode/**' }], defaultDecision: 'allow' });
      expectDecision(await policy.evaluate(write('.vscode/settings.json')), 'deny', /rule 0/);
      expectDecision(await engine(allowEverything).evaluate(read('.vscode/settings.json')), 'allow', /rule 0/);
    });

    it('adds configured protected globs and cannot drop the defaults', async () => {
      const policy = engine({ ...allowEverything, protectedPaths: ['deploy/**'] });
      expectDecision(await policy.evaluate(write('deploy/prod.yaml')), 'ask', /matches "deploy\/\*\*"/);
      expectDecision(await policy.evaluate(write('.vscode/settings.json')), 'ask', /protected/);
      expectDecision(await policy.evaluate(write('src/a.ts')), 'allow', /rule 0/);
    });
  });

  describe('checklist 5: when a path or policy check throws, the action is denied (fail closed)', () => {
    it('denies when the workspace root does not exist', async () => {
      const policy = new PolicyEngine({
        root: path.join(kit.ws.base, 'missing'),
        rules: [{ effect: 'allow', tool: '*' }],
      });
      expectDecision(await policy.evaluate(read('a.txt')), 'deny', /workspace root .*missing cannot be resolved/);
    });

    it('denies every action when a rule glob makes picomatch throw', async () => {
      const policy = engine({
        rules: [
          { effect: 'allow', tool: '*' },
          { effect: 'deny', path: 'x'.repeat(70_000) },
        ],
      });
      assert.match(policy.configurationError ?? '', /exceeds maximum allowed length/);
      for (const action of [read('src/a.ts'), run('npm test'), { kind: 'tool', tool: 'x' } as const]) {
        expectDecision(
          await policy.evaluate(action),
          'deny',
          /policy check failed: .*configuration is invalid.*rule 1 \(path\)/s,
        );
      }
    });

    it('denies when a protected glob cannot be compiled', async () => {
      const policy = engine({ rules: [{ effect: 'allow', tool: '*' }], protectedPaths: ['y'.repeat(70_000)] });
      expectDecision(await policy.evaluate(read('src/a.ts')), 'deny', /exceeds maximum allowed length/);
    });

    it('denies when reading the action itself throws', async () => {
      const hostile = {
        kind: 'read',
        tool: 'fs.read',
        get path(): string {
          throw new Error('boom');
        },
      } as PolicyAction;
      expectDecision(await engine({ defaultDecision: 'allow' }).evaluate(hostile), 'deny', /policy check failed: boom/);
    });

    it('denies a malformed action', async () => {
      const bogus = { kind: 'delete', tool: 'fs', path: 'x' } as unknown as PolicyAction;
      expectDecision(await engine({ defaultDecision: 'allow' }).evaluate(bogus), 'deny', /malformed action \(kind:/);
    });

    it('denies when the rules are not valid', async () => {
      const policy = engine({ rules: [{ effect: 'allow' } as PolicyRule] });
      expectDecision(await policy.evaluate(read('src/a.ts')), 'deny', /rule 0: a rule needs at least one of/);
      const badDefault = engine({ defaultDecision: 'yes' as PolicyDecision['decision'] });
      expectDecision(
        await badDefault.evaluate(read('src/a.ts')),
        'deny',
        /defaultDecision must be "deny", "ask" or "allow", got "yes"/,
      );
    });
  });

  describe('checklist 6: nothing an agent writes or runs changes the approval policy it was built with', () => {
    it('ignores later changes to the rules it was built from', async () => {
      const rules: PolicyRule[] = [{ effect: 'deny', command: 'rm *' }];
      const policy = engine({ rules });
      rules.push({ effect: 'allow', tool: '*' });
      const first = rules[0];
      if (first !== undefined) first.effect = 'allow';
      expectDecision(await policy.evaluate(run('rm x')), 'deny', /rule 0/);
      expectDecision(await policy.evaluate({ kind: 'tool', tool: 't' }), 'allow', /No rule matched/);
    });

    it('exposes only frozen rules', () => {
      const policy = engine({ rules: [{ effect: 'deny', command: 'rm *' }] });
      assert.throws(() => (policy.rules as PolicyRule[]).push({ effect: 'allow', tool: '*' }), TypeError);
      const rule = policy.rules[0] as { effect: string };
      assert.throws(() => {
        rule.effect = 'allow';
      }, TypeError);
      assert.throws(() => (policy.protectedPaths as string[]).splice(0), TypeError);
    });

    it('keeps its decisions after the agent rewrites settings and policy files on disk', async () => {
      const policy = engine({ rules: [...DEFAULT_POLICY_RULES] });
      for (const file of ['.vscode/settings.json', '.orchestrator/policy.json']) {
        const payload = JSON.stringify({
          'agentOrchestrator.autoApprove': true,
          rules: [{ effect: 'allow', command: '*' }],
        });
        await writeFileNoFollow(await resolveWorkspacePath(kit.ws.root, file), payload);
        expectDecision(await policy.evaluate(write(file)), 'ask', /protected/);
      }
      expectDecision(await policy.evaluate(run('curl x')), 'deny', /rule \d+/);
      expectDecision(await policy.evaluate(run('make')), 'ask', /No rule matched/);
    });

    it('never auto-allows a command that writes the settings', async () => {
      const policy = engine({ rules: [...DEFAULT_POLICY_RULES, { effect: 'allow', command: 'echo *' }] });
      expectDecision(
        await policy.evaluate(run(`echo '{"x":1}' > .vscode/settings.json`)),
        'ask',
        /uses shell operators/,
      );
    });
  });
});
