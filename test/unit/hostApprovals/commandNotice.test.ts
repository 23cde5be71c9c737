import { strict as assert } from 'node:assert';
import type { CommandProposal } from '../../../src/core/tools/approvalPort';
import { describeCommand } from '../../../src/core/tools/approveCommandOnce';
import { mcpProposal as mcpProposalOf } from '../../support/mcpProposal';
import { commandNotice, MAX_NOTIFIED_CHARS, type Translate } from '../../../src/host/approvals/commandNotice';

/** `vscode.l10n.t` without a bundle: placeholders filled in. */
const t: Translate = (message, ...args) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)]));

const ESC = '\u001b';

const mcpProposal = (args: Record<string, unknown>) => mcpProposalOf(args, 'T1:mcp:abc#1');

describe('checklist 30: the host asks about an MCP tool call as one, not as a command', () => {
  it('names server and tool, shows the arguments with escapes and a warning, and offers Call / Reject', () => {
    const notice = commandNotice(mcpProposal({ title: `Fix${ESC}]0;x\u0007 it\u202e`, n: 1 }), t);
    assert.equal(
      notice.message,
      'Task T1 wants to call the MCP tool "create_issue" of server "github" with the arguments ' +
        '{ "title": "Fix\\u001b]0;x\\u0007 it\\u202e", "n": 1 }. ' +
        '⚠ 3 hidden or control characters shown as escapes (\\x1b, \\u202e, …). ' +
        'call the tool "create_issue" of the MCP server "github": MCP tools ask',
    );
    assert.ok(![ESC, '\u0007', '\u202e'].some((c) => notice.message.includes(c)), 'no raw control or bidi character');
    assert.deepEqual([notice.accept, notice.reject, notice.acceptHere], ['Call', 'Reject', true]);
    assert.equal(
      notice.logLine,
      'Waiting for your decision on calling the MCP tool "create_issue" of server "github" (T1:mcp:abc#1).',
    );
    assert.doesNotMatch(notice.message + notice.logLine, /wants to run|running `/);
  });

  it('long arguments are not offered for a call from the notification and say how much is not shown', () => {
    const notice = commandNotice(mcpProposal({ body: 'y'.repeat(40_000) }), t);
    assert.equal(notice.acceptHere, false);
    const more = /\((\d+) more characters: read all of it in the run panel before you decide\)/.exec(notice.message);
    assert.ok(more, notice.message);
    assert.ok(Number(more[1]) > 40_000 - MAX_NOTIFIED_CHARS, 'counts the part cut before the prompt too');
  });

  it('a command keeps its wording; the run tree and panel summary say which one it is', () => {
    const command: CommandProposal = { ...mcpProposal({}), command: 'npm test', argv: ['npm', 'test'], cwd: 'pkg' };
    delete command.mcp;
    const notice = commandNotice(command, t);
    assert.match(notice.message, /^Task T1 wants to run `npm test` in pkg\. /);
    assert.equal(notice.accept, 'Run');
    assert.equal(describeCommand(command), 'Run `npm test` in pkg');
    assert.equal(
      describeCommand(mcpProposal({ q: `a${ESC}b` })),
      'Call MCP tool `create_issue` of server `github` with { "q": "a\\u001bb" }',
    );
  });
});
