import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CliApprovals } from '../../../src/cli/cliApprovals';
import { TaskFailure } from '../../../src/core/model/failure';
import type { CommandProposal } from '../../../src/core/tools/approvalPort';
import { COMMAND_SCRIPTS, loggedTask, SCRIPT_RULES } from './commandTestKit';
import { createToolHarness } from './toolHarness';
import type { ToolHarness } from './toolHarness';
import { scriptedTerminal } from '../../support/scriptedTerminal';

describe('run_command security', () => {
  let h: ToolHarness;
  beforeEach(async () => {
    h = await createToolHarness({
      files: { ...COMMAND_SCRIPTS, 'src/a.ts': 'a\n' },
      rules: [...SCRIPT_RULES, { effect: 'allow', command: 'node *', reason: 'a careless user rule' }],
    });
  });
  afterEach(() => h.cleanup());

  describe('checklist 10: shell syntax never runs, whatever the rules allow', () => {
    const attempts = [
      'node marker.js; node marker.js',
      'node marker.js && echo done',
      'node marker.js || true',
      'node marker.js | cat',
      'node marker.js > out.txt',
      'node marker.js < src/a.ts',
      'node marker.js &',
      'node $(echo marker.js)',
      'node `echo marker.js`',
      'node marker.js\nnode marker.js',
      'node "$SCRIPT"',
      'node *.js',
      'node "marker.js',
    ];
    for (const command of attempts) {
      it(`refuses ${JSON.stringify(command)} with a clear error and starts nothing`, async () => {
        const result = await h.call(loggedTask(), 'run_command', { command });
        assert.equal(result.isError, true);
        assert.equal(result.data?.refused, true);
        assert.match(result.content, /no shell|unclosed quote/);
        assert.equal(await h.read('marker.txt'), undefined);
        assert.equal(h.approvals.commandProposals.length, 0, 'nobody is asked about it either');
      });
    }

    it('passes quoted shell characters literally, as one argument', async () => {
      const result = await h.call(loggedTask(), 'run_command', { command: "ls 'src' '*.ts;|'" });
      assert.match(result.content, /\*\.ts;\|/, 'ls reports the literal name it could not find');
      assert.equal(await h.read('marker.txt'), undefined);
    });
  });

  describe('checklist 27: inline code always asks, even when a rule allows the program', () => {
    for (const command of [`node -e "require('fs').writeFileSync('marker.txt','x')"`, 'npx some-package']) {
      it(`asks before ${command}; rejected, it does not run`, async () => {
        h.approvals.decideCommandWith = () => ({ decision: 'rejected', by: 'user' });
        const result = await h.call(loggedTask(), 'run_command', { command });
        assert.equal(h.approvals.commandProposals.length, 1);
        assert.match(h.approvals.commandProposals[0]?.reason ?? '', /no rule can allow it/);
        assert.match(result.content, /not approved/);
        assert.equal(await h.read('marker.txt'), undefined);
      });
    }

    it('without a way to ask, a command that needs approval is refused and not run', async () => {
      const task = loggedTask();
      const { workspace, policy, verification, checkpoints, commands } = h;
      const noPrompt = { decideEdit: () => Promise.reject(new Error('unused')) };
      const command = `node -e "require('fs').writeFileSync('marker.txt','x')"`;
      const ctx = { task, workspace, policy, approvals: noPrompt, verification, checkpoints, commands };
      const result = await h.bus.call('run_command', { command }, ctx);
      assert.match(result.content, /needs a person's approval .* nothing was run/);
      assert.equal(await h.read('marker.txt'), undefined);
    });
  });

  describe('checklist 28: the command gets a scrubbed environment', () => {
    const secrets = { OPENAI_API_KEY: 'sk-test-7f3a9c-not-real', FOO_TOKEN: 'tok-5e1d-not-real' };
    let saved: Record<string, string | undefined>;
    beforeEach(() => {
      saved = Object.fromEntries(Object.keys(secrets).map((k) => [k, process.env[k]]));
      Object.assign(process.env, secrets);
    });
    afterEach(() => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    for (const command of ['env', 'printenv', 'printenv FOO_TOKEN', 'node -p process.env']) {
      it(`an approved \`${command}\` shows no key, neither to the agent nor in the log or events`, async () => {
        const task = loggedTask();
        const result = await h.call(task, 'run_command', { command });
        assert.equal(h.approvals.commandProposals.length, 1, 'dumping the environment asks');
        const seen = [
          result.content,
          JSON.stringify(task.logs),
          JSON.stringify(task.events),
          JSON.stringify([...task.journal]),
        ];
        for (const text of seen) {
          for (const [name, value] of Object.entries(secrets)) {
            assert.equal(text.includes(value), false, `${name}'s value leaked`);
            assert.equal(text.includes(`${name}=`), false, `${name} reached the child`);
          }
        }
        if (command !== 'printenv FOO_TOKEN')
          assert.match(result.content, /PATH/, 'the child did get its safe variables');
        else assert.equal(result.data?.exitCode, 1, 'FOO_TOKEN is not set in the child');
      });
    }
  });

  describe('checklist 1: the cwd must be a folder inside the workspace', () => {
    it('refuses .., an absolute path, a sibling sharing the prefix and a symlink out, and runs nothing', async () => {
      await fs.mkdir(`${h.root}-evil`, { recursive: true });
      await fs.symlink(h.outside, path.join(h.root, 'link-out'));
      for (const cwd of [
        '..',
        '../outside',
        h.outside,
        `${h.root}-evil`,
        `../${path.basename(h.root)}-evil`,
        'link-out',
      ]) {
        const result = await h.call(loggedTask(), 'run_command', { command: 'node marker.js', cwd });
        assert.equal(result.data?.refused, true, cwd);
        assert.match(result.content, /cannot be used as cwd: .*Give a folder inside the workspace/, cwd);
      }
      const missing = await h.call(loggedTask(), 'run_command', { command: 'node marker.js', cwd: 'nope' });
      assert.match(missing.content, /does not exist in the workspace/);
      assert.equal(await h.read('marker.txt'), undefined);
      for (const dir of [h.outside, `${h.root}-evil`]) assert.deepEqual(await fs.readdir(dir), []);
      await fs.rm(`${h.root}-evil`, { recursive: true, force: true });
    });

    it('runs in a folder inside the workspace', async () => {
      const result = await h.call(loggedTask(), 'run_command', { command: 'ls', cwd: 'src' });
      assert.match(result.content, /a\.ts/);
    });
  });

  describe('checklist 30: the terminal prompt shows a command with escapes made visible, and Enter is no', () => {
    const ESC = '\u001b';
    const proposal: CommandProposal = {
      approvalId: 'T1:command:1',
      runId: 'r1',
      taskId: 'T1',
      agentId: 'coder',
      command: `node -e 'x' '${ESC}[2K${ESC}[1Aharmless'`,
      argv: ['node', '-e', 'x', `${ESC}[2K${ESC}[1Aharmless`],
      cwd: '.',
      reason: 'inline code asks',
    };

    it('neutralises the escapes and rejects on an empty answer', async () => {
      const t = scriptedTerminal(['']);
      const approvals = new CliApprovals({
        mode: 'prompt',
        prompt: t.prompt,
        color: false,
        resumeCommand: (id) => `resume ${id}`,
      });
      const decision = await approvals.decideCommand(proposal, new AbortController().signal);
      assert.equal(decision.decision, 'rejected');
      assert.equal(t.written().includes(ESC), false, 'no raw escape reaches the terminal');
      assert.match(t.written(), /\\x1b\[2K\\x1b\[1Aharmless/);
      assert.deepEqual(t.questions, ['Run this command? [y/N/reason] ']);
      assert.deepEqual(decision, { decision: 'rejected', by: 'user' }, 'Enter gives no reason');
    });

    it('is never approved by --approve auto: with no terminal the run pauses for a person', async () => {
      const approvals = new CliApprovals({
        mode: 'auto',
        prompt: undefined,
        color: false,
        resumeCommand: (id) => `resume ${id}`,
      });
      await assert.rejects(
        approvals.decideCommand(proposal, new AbortController().signal),
        (err: unknown) =>
          err instanceof TaskFailure &&
          err.failureClass === 'needs-human' &&
          /resume r1 --approve prompt/.test(err.message),
      );
    });
  });
});
