import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { inlineCodeReason } from '../../../src/core/policy/inlineCode';
import { packageJsonScripts, packageScriptOf, recordScripts } from '../../../src/core/policy/packageScripts';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import type { PolicyAction } from '../../../src/core/policy/policyEngine';
import type { PolicyRule } from '../../../src/core/policy/policyRules';
import { verificationAllowRules } from '../../../src/core/policy/verificationAllowRules';
import { createTempWorkspace } from './tempWorkspace';
import type { TempWorkspace } from './tempWorkspace';

const run = (command: string): PolicyAction => ({ kind: 'command', tool: 'run_command', command });

describe('checklist 27: no default allow rule lets a command run arbitrary code', () => {
  let ws: TempWorkspace;
  beforeEach(async () => {
    ws = await createTempWorkspace();
  });
  afterEach(async () => {
    await ws.cleanup();
  });

  const writeScripts = (scripts: Record<string, string>): Promise<void> =>
    fs.writeFile(path.join(ws.root, 'package.json'), JSON.stringify({ name: 'x', scripts }, null, 2));

  it('the defaults allow no package script, package runner, build tool or interpreter', async () => {
    const policy = new PolicyEngine({ root: ws.root, rules: [...DEFAULT_POLICY_RULES] });
    for (const command of [
      'npm run env -- node -e "fetch(process.env.OPENAI_API_KEY)"',
      'npm run env',
      'npm test',
      'npm t',
      'npm run build',
      'npm start',
      'yarn test',
      'yarn run build',
      'pnpm test',
      'pnpm run build',
      'make',
      'make test',
      'node x.js',
      'python3 x.py',
      'bash x.sh',
      'npx tsc',
    ]) {
      const decision = await policy.evaluate(run(command));
      assert.notEqual(decision.decision, 'allow', `${command}: ${decision.reason}`);
    }
    assert.equal((await policy.evaluate(run('git status'))).decision, 'allow');
  });

  it('inline code and package runners always ask, even when a rule allows everything', async () => {
    const rules: PolicyRule[] = [
      { effect: 'allow', command: '*' },
      { effect: 'allow', command: 'node *' },
      { effect: 'allow', tool: 'run_command' },
    ];
    const policy = new PolicyEngine({ root: ws.root, rules });
    for (const command of [
      'node -e "console.log(process.env)"',
      'node --eval=1',
      'node --no-warnings -p 1',
      '/usr/local/bin/node -e 1',
      'python -c "import os"',
      'python3.12 -c 1',
      'bash -c "env"',
      'sh -lc env',
      'zsh -c env',
      'env FOO=1 node -e 1',
      'perl -e 1',
      'ruby -e 1',
      'npx cowsay',
      'npm exec -- cowsay',
      'npm x cowsay',
      'pnpm dlx cowsay',
      'yarn dlx cowsay',
      'bunx cowsay',
    ]) {
      const decision = await policy.evaluate(run(command));
      assert.equal(decision.decision, 'ask', `${command}: ${decision.reason}`);
      assert.match(decision.reason, /no rule can allow it/);
    }
    for (const command of ['node --version', 'python3 script.py', 'bash script.sh', 'node -v']) {
      assert.equal((await policy.evaluate(run(command))).decision, 'allow', command);
    }
  });

  it('recognises inline-code commands and the script an npm command runs', () => {
    assert.equal(inlineCodeReason(['node', 'x.js']), undefined);
    assert.match(inlineCodeReason(['node', '-e', '1']) ?? '', /code given on the command line/);
    assert.deepEqual(
      [
        ['npm', 'test'],
        ['npm', 't'],
        ['npm', 'run', 'lint'],
        ['npm', 'run-script', 'a'],
        ['npm', 'ls'],
      ].map((a) => packageScriptOf(a)),
      ['test', 'test', 'lint', 'a', undefined],
    );
  });

  describe('a configured package script is allowed only while its package.json entry is unchanged', () => {
    const engineFor = async (recordedNames: string[]): Promise<PolicyEngine> => {
      const port = packageJsonScripts(ws.root);
      return new PolicyEngine({
        root: ws.root,
        rules: [
          ...DEFAULT_POLICY_RULES,
          ...verificationAllowRules(
            [
              { name: 'npm test', command: 'npm test' },
              { name: 'lint', command: 'npm run lint' },
            ],
            () => 'configured',
          ),
        ],
        packageScripts: { port, recorded: await recordScripts(port, recordedNames) },
      });
    };

    it('allows the configured script as recorded, and asks once the agent rewrites it', async () => {
      await writeScripts({ test: 'mocha', lint: 'eslint .' });
      const policy = await engineFor(['test', 'lint']);
      assert.equal((await policy.evaluate(run('npm test'))).decision, 'allow');
      assert.equal((await policy.evaluate(run('npm run lint'))).decision, 'allow');
      assert.notEqual((await policy.evaluate(run('npm run build'))).decision, 'allow', 'not configured');

      await writeScripts({ test: 'env | node -e "send(process.env)"', lint: 'eslint .' });
      const changed = await policy.evaluate(run('npm test'));
      assert.equal(changed.decision, 'ask');
      assert.match(changed.reason, /"test" script of package.json, which has changed since the run started/);
      assert.equal((await policy.evaluate(run('npm run lint'))).decision, 'allow', 'lint is unchanged');
    });

    it('a new pre- or post-script counts as a change', async () => {
      await writeScripts({ test: 'mocha' });
      const policy = await engineFor(['test']);
      await writeScripts({ pretest: 'node steal.js', test: 'mocha' });
      assert.equal((await policy.evaluate(run('npm test'))).decision, 'ask');
    });

    it('a script that was not recorded at the start asks, as does any script without a recorder', async () => {
      await writeScripts({ test: 'mocha', lint: 'eslint .' });
      assert.equal((await (await engineFor(['test'])).evaluate(run('npm run lint'))).decision, 'ask');
      const unguarded = new PolicyEngine({ root: ws.root, rules: [{ effect: 'allow', command: 'npm test' }] });
      assert.equal((await unguarded.evaluate(run('npm test'))).decision, 'ask');
    });
  });
});
