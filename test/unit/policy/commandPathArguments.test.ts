import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import { ChildProcessRunner } from '../../../src/core/verify/childProcessRunner';
import { createToolHarness, fakeTask } from '../tools/toolHarness';
import type { ToolHarness } from '../tools/toolHarness';

describe('the `ls *` hole: a glob or path in an allowed command never reaches outside the workspace', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({
      files: { 'src/a.ts': 'export const a = 1;\n' },
      verification: { runner: new ChildProcessRunner({ defaultTimeoutMs: 20_000 }) },
    });
    await fs.writeFile(path.join(h.outside, 'private-notes.txt'), 'outside\n');
    await fs.symlink(h.outside, path.join(h.root, 'linked'));
  });
  afterEach(() => h.cleanup());

  const decide = async (command: string, policy = h.policy): Promise<{ decision: string; reason: string }> =>
    policy.evaluate({ kind: 'command', tool: 'run_verification', command });

  it('asks for a glob, a path outside, a symlink out, ~ and variables, whatever the allow-list says', async () => {
    const cases: Array<[string, RegExp]> = [
      ['ls *', /"\*" is a glob/],
      ['ls -la */', /"\*\/" is a glob/],
      ['ls ../*', /is a glob/],
      ['ls ..', /outside the workspace/],
      ['ls ../', /outside the workspace/],
      ['ls /', /outside the workspace/],
      ['ls -la /etc', /outside the workspace/],
      ['ls --hide=x --ignore=/etc /', /outside the workspace/],
      ['ls linked', /outside the workspace \(it follows a symlink to/],
      ['ls linked/', /follows a symlink/],
      ['ls ~', /expanded by the shell/],
      ['ls $HOME', /expanded by the shell/],
      ['git status -- ../other', /outside the workspace/],
    ];
    for (const [command, reason] of cases) {
      const verdict = await decide(command);
      assert.equal(verdict.decision, 'ask', command);
      assert.match(verdict.reason, reason, command);
    }
  });

  it('still allows the default read-only commands on workspace paths', async () => {
    for (const command of [
      'ls',
      'ls -la',
      'ls src',
      'ls -la src/a.ts',
      'ls ./src',
      'git status --porcelain',
      'git rev-parse HEAD',
      'npm ls --depth=0',
    ]) {
      const verdict = await decide(command);
      assert.equal(verdict.decision, 'allow', `${command}: ${verdict.reason}`);
    }
  });

  it('leaves words the rule itself spells to the rule: an exact rule for an outside path still allows it', async () => {
    const policy = new PolicyEngine({
      root: h.root,
      rules: [...DEFAULT_POLICY_RULES, { effect: 'allow', command: `ls ${h.outside}` }],
    });
    assert.equal((await decide(`ls ${h.outside}`, policy)).decision, 'allow');
    assert.equal((await decide(`ls ${h.outside} /etc`, policy)).decision, 'ask', 'no `*`: extra words do not match');
  });

  it('run_verification runs `ls src` but refuses `ls *` and `ls linked`, so nothing outside is listed', async () => {
    const task = fakeTask();
    const inside = await h.call(task, 'run_verification', { command: 'ls src' });
    assert.equal(inside.isError, undefined, inside.content);
    for (const command of ['ls *', 'ls linked', 'ls ../outside']) {
      const refused = await h.call(task, 'run_verification', { command });
      assert.equal(refused.isError, true, command);
      assert.match(refused.content, /needs approval/, command);
      assert.ok(!refused.content.includes('private-notes.txt'), command);
    }
  });

  it('list_files never lists outside: "../*", "/*", an absolute path, or through a linked folder', async () => {
    const task = fakeTask();
    for (const glob of ['../*', '../**', '/*', 'linked/*', 'linked/**', '**/*']) {
      const result = await h.call(task, 'list_files', { glob });
      assert.ok(!result.content.includes('private-notes.txt'), `${glob}: ${result.content}`);
    }
    const absolute = await h.call(task, 'list_files', { glob: h.outside });
    assert.ok(!absolute.content.includes('private-notes.txt'), absolute.content);
    const up = await h.call(task, 'list_files', { glob: '..' });
    assert.ok(!up.content.includes('private-notes.txt'), up.content);
  });
});
