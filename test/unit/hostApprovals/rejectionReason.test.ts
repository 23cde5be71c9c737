import { strict as assert } from 'node:assert';
import { CliApprovals, terminalRejection } from '../../../src/cli/cliApprovals';
import type { ApprovalDecision, CommandProposal } from '../../../src/core/tools/approvalPort';
import { MAX_REJECTION_REASON_CHARS, rejectionText } from '../../../src/core/tools/rejectionText';
import { parseWebviewMessage } from '../../../src/protocol/messages';
import { PanelMessageRouter, type PanelActions } from '../../../src/host/panel/runPanelMessages';
import { installVscode, recordingVscode } from '../../support/recordingVscode';
import { scriptedTerminal } from '../../support/scriptedTerminal';
import { COMMAND_SCRIPTS, loggedTask } from '../tools/commandTestKit';
import { createToolHarness } from '../tools/toolHarness';
// Types only: the module is required once the fake `vscode` is installed.
import type * as CommandApprovalsSource from '../../../src/host/approvals/commandApprovals';

const proposal: CommandProposal = {
  approvalId: 'T1:command:1:abc#1',
  runId: 'r1',
  taskId: 'T1',
  agentId: 'coder',
  command: 'npm install left-pad',
  argv: ['npm', 'install', 'left-pad'],
  cwd: '.',
  reason: 'commands ask',
};

describe('rejection reasons: the person’s words reach the agent, quoted as theirs', () => {
  describe('what the model reads', () => {
    it('quotes a person’s reason as their words, escapes it, and says when there is none', () => {
      assert.equal(
        rejectionText({ decision: 'rejected', by: 'user', reason: '  use "npm ci"\nplease ' }),
        'rejected by the user, who wrote: "use \\"npm ci\\"\\nplease"',
      );
      assert.equal(rejectionText({ decision: 'rejected', by: 'user' }), 'rejected by the user, who gave no reason');
      assert.equal(
        rejectionText({ decision: 'rejected', by: 'user', reason: '   ' }),
        'rejected by the user, who gave no reason',
      );
      assert.equal(
        rejectionText({ decision: 'rejected', by: 'auto', reason: 'x is not a path inside the workspace.' }),
        'rejected by the approval settings: x is not a path inside the workspace.',
      );
      const long = rejectionText({
        decision: 'rejected',
        by: 'user',
        reason: 'w'.repeat(MAX_REJECTION_REASON_CHARS + 7),
      });
      assert.match(long, /"w{1000}" \(the last 7 characters are not shown\)$/);
    });

    it('a rejected run_command tells the model the person’s words, and nothing ran', async () => {
      const h = await createToolHarness({ files: COMMAND_SCRIPTS });
      try {
        const term = scriptedTerminal(['No, it writes to the shared folder']);
        const cli = new CliApprovals({ mode: 'prompt', prompt: term.prompt, color: false, resumeCommand: () => '' });
        h.approvals.decideCommandWith = (p) => cli.decideCommand(p, new AbortController().signal);
        const result = await h.call(loggedTask(), 'run_command', { command: 'node marker.js' });
        assert.equal(result.isError, true);
        assert.equal(
          result.content,
          'The command was not approved (rejected by the user, who wrote: "it writes to the shared folder"); it did not run. Do without it or try another way.',
        );
        assert.equal(await h.read('marker.txt'), undefined, 'the command never ran');
        assert.match(term.written(), /To reject it and tell the agent why, type your reason instead of n\./);
      } finally {
        await h.cleanup();
      }
    });
  });

  describe('the terminal', () => {
    it('y approves; Enter, n and no reject without a reason; other words are the reason', () => {
      const none: ApprovalDecision = { decision: 'rejected', by: 'user' };
      for (const answer of ['', 'n', 'N', 'no', ' No ', 'y', 'n:', 'no, '])
        assert.deepEqual(terminalRejection(answer), none, JSON.stringify(answer));
      assert.deepEqual(terminalRejection('use yarn'), { decision: 'rejected', by: 'user', reason: 'use yarn' });
      assert.deepEqual(terminalRejection('n: too slow'), { decision: 'rejected', by: 'user', reason: 'too slow' });
      assert.deepEqual(terminalRejection('No, not today'), { decision: 'rejected', by: 'user', reason: 'not today' });
      assert.deepEqual(terminalRejection('nope'), { decision: 'rejected', by: 'user', reason: 'nope' });
    });

    it('an edit and an MCP call take a typed reason too; a reason never approves', async () => {
      const term = scriptedTerminal(['keep the old wording', 'not this server']);
      const cli = new CliApprovals({ mode: 'prompt', prompt: term.prompt, color: false, resumeCommand: () => '' });
      const signal = new AbortController().signal;
      const edit = await cli.decideEdit(
        { ...proposal, path: 'a.txt', before: 'a\n', after: 'b\n', protected: false, policy: 'ask' },
        signal,
      );
      assert.deepEqual(edit, { decision: 'rejected', by: 'user', reason: 'keep the old wording' });
      const mcp = await cli.decideCommand(
        {
          ...proposal,
          mcp: { server: 'demo', tool: 'echo', arguments: '{}', notShown: 0, hiddenCharacters: 0 },
        },
        signal,
      );
      assert.deepEqual(mcp, { decision: 'rejected', by: 'user', reason: 'not this server' });
      assert.deepEqual(term.questions, [
        'Apply this edit to a.txt? [y/N/reason] ',
        'Call this MCP tool? [y/N/reason] ',
      ]);
    });
  });

  describe('the editor notification (vscode stub)', () => {
    const { vscode } = recordingVscode();
    const window = vscode.window as Record<string, unknown>;
    let uninstall: () => void;
    let CommandApprovals: typeof CommandApprovalsSource.CommandApprovals;
    let choice: string | undefined;
    let typed: () => Promise<string | undefined>;
    let boxes: Array<{ title?: string; validateInput?: (v: string) => unknown }>;
    const log = { info: () => undefined, error: () => undefined } as unknown as ConstructorParameters<
      typeof CommandApprovalsSource.CommandApprovals
    >[0];

    before(() => {
      (vscode.l10n as Record<string, unknown>).t = (m: string, ...a: unknown[]) =>
        m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)]));
      window.showWarningMessage = async (_message: string, ...choices: string[]) => {
        assert.deepEqual(choices, ['Run', 'Reject', 'Reject with Reason…']);
        return choice;
      };
      window.showInputBox = (options: { title?: string; validateInput?: (v: string) => unknown }) => {
        boxes.push(options);
        return typed();
      };
      uninstall = installVscode(vscode);
      const file = require.resolve('../../../src/host/approvals/commandApprovals');
      delete require.cache[file]; // loaded by an earlier test file with another fake: take this one
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      CommandApprovals = (require(file) as typeof CommandApprovalsSource).CommandApprovals;
    });
    after(() => uninstall());
    beforeEach(() => {
      boxes = [];
    });

    it('Reject with Reason… passes the typed words; Escape in the box rejects without one, never approves', async () => {
      const approvals = new CommandApprovals(log);
      choice = 'Reject with Reason…';
      typed = async () => 'Use the lockfile: npm ci';
      const withReason = await approvals.decideCommand(proposal, new AbortController().signal);
      assert.deepEqual(withReason, { decision: 'rejected', by: 'user', reason: 'Use the lockfile: npm ci' });
      assert.equal(boxes[0]?.title, 'Reject `npm install left-pad`');
      assert.equal(boxes[0]?.validateInput?.('x'.repeat(MAX_REJECTION_REASON_CHARS)), undefined);
      assert.match(String(boxes[0]?.validateInput?.('x'.repeat(MAX_REJECTION_REASON_CHARS + 1))), /At most 1000/);

      typed = async () => undefined; // Escape
      const escaped = await approvals.decideCommand(
        { ...proposal, approvalId: 'T1:c#2' },
        new AbortController().signal,
      );
      assert.deepEqual(escaped, { decision: 'rejected', by: 'user' });

      choice = 'Reject';
      const plain = await approvals.decideCommand({ ...proposal, approvalId: 'T1:c#3' }, new AbortController().signal);
      assert.deepEqual(plain, { decision: 'rejected', by: 'user' });
      assert.equal(boxes.length, 2, 'plain Reject opens no box');
      approvals.dispose();
    });

    it('while the reason is typed, a decision from the run panel is ignored; the box decides', async () => {
      const approvals = new CommandApprovals(log);
      choice = 'Reject with Reason…';
      let answer!: (value: string | undefined) => void;
      typed = () => new Promise((resolve) => (answer = resolve));
      const decided = approvals.decideCommand(proposal, new AbortController().signal);
      while (boxes.length === 0) await new Promise((r) => setImmediate(r));
      assert.equal(approvals.decide(proposal.approvalId, 'accept'), 'busy');
      answer('not now');
      assert.deepEqual(await decided, { decision: 'rejected', by: 'user', reason: 'not now' });
      approvals.dispose();
    });

    it('the run panel’s reason goes with its Reject (trimmed; empty is none)', async () => {
      const approvals = new CommandApprovals(log);
      choice = undefined; // the notification is dismissed; the panel decides
      const first = approvals.decideCommand(proposal, new AbortController().signal);
      assert.equal(approvals.decide(proposal.approvalId, 'reject', '  wrong folder '), 'decided');
      assert.deepEqual(await first, { decision: 'rejected', by: 'user', reason: 'wrong folder' });
      const second = approvals.decideCommand({ ...proposal, approvalId: 'T1:c#9' }, new AbortController().signal);
      approvals.decide('T1:c#9', 'reject', '');
      assert.deepEqual(await second, { decision: 'rejected', by: 'user' });
      approvals.dispose();
    });
  });

  describe('checklist 14: the run panel’s reason is parsed against the protocol', () => {
    const id = 'T1:command:1:abc#1';
    it('accepts a reason with Reject, and routes it to the decision', async () => {
      const parsed = parseWebviewMessage({
        type: 'approvalDecision',
        approvalId: id,
        decision: 'reject',
        reason: 'no',
      });
      assert.ok(parsed.ok);
      const calls: string[] = [];
      const router = new PanelMessageRouter({
        isPending: () => true,
        decide: async (approvalId, decision, reason) => void calls.push(`${decision} ${approvalId} ${reason}`),
        log: (m) => void calls.push(`log ${m}`),
      } as Partial<PanelActions> as PanelActions);
      await router.handle(parsed.message);
      assert.deepEqual(calls, [`reject ${id} no`]);
    });

    const refused: Array<[string, unknown, RegExp]> = [
      [
        'an oversized reason',
        { decision: 'reject', reason: 'x'.repeat(1001) },
        /reason: a rejection reason is at most 1000 characters; shorten it/,
      ],
      ['a reason with Approve', { decision: 'accept', reason: 'fine' }, /reason: a reason goes with Reject only/],
      ['a reason that is not text', { decision: 'reject', reason: { text: 'x' } }, /reason/],
    ];
    for (const [name, fields, why] of refused) {
      it(`refuses ${name} with a clear error; nothing is decided`, async () => {
        const parsed = parseWebviewMessage({ type: 'approvalDecision', approvalId: id, ...(fields as object) });
        assert.equal(parsed.ok, false);
        if (!parsed.ok) assert.match(parsed.reason, why);
      });
    }
  });
});
