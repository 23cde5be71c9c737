import { neutralisedMarker, neutraliseText, visibleText } from '../core/common/visibleText';
import { TaskFailure } from '../core/model/failure';
import type {
  ApprovalDecision,
  ApprovalPort,
  CommandProposal,
  EditProposal,
  McpCallShown,
} from '../core/tools/approvalPort';
import type { ApproveMode } from './cliCommand';
import type { TerminalPrompt } from './terminalPrompt';
import { renderUnifiedDiff } from './unifiedDiff';

/** How the CLI answers approval requests. */
export interface CliApprovalsOptions {
  mode: ApproveMode;
  /** Present when stdin is a terminal a human can answer on. */
  prompt: TerminalPrompt | undefined;
  /** Colour the diff (stderr is a terminal and NO_COLOR is not set). */
  color: boolean;
  /** Longest diff shown before asking, in lines; default 400. The rest is shown on `v`. */
  maxDiffLines?: number;
  /** The command that resumes a run, e.g. `agent-orchestrator resume <id> --state-dir …`. */
  resumeCommand(runId: string): string;
}

/**
 * Approvals decided by `--approve`:
 * - `auto` accepts every edit, except on a protected path, which is asked on the terminal when
 *   there is one and otherwise pauses the run (a protected path is never auto-approved);
 * - `never` pauses the run at the first edit, for a human to approve on resume;
 * - `prompt` shows the edit as a unified diff on stderr and asks y/n on the terminal.
 * What the terminal shows is safe to read: control, escape, bidi and zero-width characters of the
 * file, its path and every label are shown as escapes (checklist 30). A diff longer than
 * `maxDiffLines` is cut, the prompt says exactly how many lines are not shown, `v` shows them all,
 * and applying the edit unseen needs the explicit answer `apply unseen`; `y` alone does not, and
 * the default (Enter) is always no.
 * Commands (run_command) are never decided by `--approve`: with `auto` or `prompt` they are asked
 * on the terminal when there is one, shown with escapes made visible, and otherwise pause the run.
 * An MCP tool call is asked the same way but says what it is: server, tool and the arguments as
 * indented JSON with escapes visible; arguments too long to show need the answer `call unseen`.
 * Every question takes a reason: any answer other than yes, n or Enter rejects, and the words typed
 * reach the agent quoted as the person's (`terminalRejection`), as the editor's "Reject with Reason…" does.
 * Pausing is a `TaskFailure` of class `needs-human`, which the executor turns into a paused run.
 */
export class CliApprovals implements ApprovalPort {
  constructor(private readonly options: CliApprovalsOptions) {}

  async decideEdit(proposal: EditProposal, signal: AbortSignal): Promise<ApprovalDecision> {
    const { mode, prompt } = this.options;
    if (mode === 'auto' && !proposal.protected) return { decision: 'accepted', by: 'auto' };
    if (mode === 'never') throw this.needsHuman(proposal, `the run was started with --approve never`);
    if (!prompt) {
      const why = proposal.protected
        ? `${visibleText(proposal.path)} is a protected file, which is never approved automatically, and there is no terminal to ask on`
        : 'there is no terminal to ask on';
      throw this.needsHuman(proposal, why);
    }
    const path = visibleText(proposal.path);
    const verb = proposal.after === undefined ? 'delete' : proposal.before === undefined ? 'create' : 'change';
    const diffOptions = { color: this.options.color, maxLines: this.options.maxDiffLines ?? 400 };
    const diff = renderUnifiedDiff(proposal.path, proposal.before, proposal.after, diffOptions);
    const lines = [
      '',
      `Task ${visibleText(proposal.taskId)} (${visibleText(proposal.agentId)}) wants to ${verb} ${path}`,
      `Policy: ${visibleText(proposal.reason)}${proposal.protected ? ' (protected file: needs your approval even with --approve auto)' : ''}`,
    ];
    if (diff.neutralised > 0) lines.push(`${neutralisedMarker(diff.neutralised)} in this edit; read it with care.`);
    lines.push(diff.text);
    let text = lines.join('\n');
    let seenAll = diff.hiddenLines === 0;
    for (;;) {
      const question = seenAll
        ? `${REASON_HINT}\nApply this edit to ${path}? [y/N/reason]`
        : `${REASON_HINT}\nApply this edit to ${path}? ${diff.hiddenLines} of its ${diff.totalLines} diff lines were not shown. ` +
          `v: view them all, apply unseen: apply without viewing them, Enter: no [v/apply unseen/N/reason]`;
      const answer = await prompt.answer(text, question, signal);
      if (answer === undefined) throw this.needsHuman(proposal, 'the terminal closed before an answer');
      if (seenAll ? /^y(es)?$/i.test(answer) : /^apply unseen$/i.test(answer))
        return { decision: 'accepted', by: 'user' };
      if (!seenAll && /^v(iew)?$/i.test(answer)) {
        const whole = renderUnifiedDiff(proposal.path, proposal.before, proposal.after, {
          ...diffOptions,
          maxLines: Number.POSITIVE_INFINITY,
        });
        text = `${whole.text}\n(the whole diff of ${path}: ${whole.totalLines} lines)`;
        seenAll = true;
        continue;
      }
      if (!seenAll && /^y(es)?$/i.test(answer)) {
        text = `Not all of this edit was shown: answer v to view it all, or apply unseen to apply it anyway.`;
        continue;
      }
      return terminalRejection(answer);
    }
  }

  async decideCommand(proposal: CommandProposal, signal: AbortSignal): Promise<ApprovalDecision> {
    const { mode, prompt } = this.options;
    const { mcp } = proposal;
    const what =
      mcp === undefined
        ? `to run \`${visibleText(proposal.command)}\``
        : `to call the MCP tool "${visibleText(mcp.tool)}" of server "${visibleText(mcp.server)}"`;
    const needsHuman = (why: string): TaskFailure =>
      new TaskFailure(
        `Approval needed ${what} (${why}). Decide with: ${this.options.resumeCommand(proposal.runId)} --approve prompt`,
        'needs-human',
      );
    if (mode === 'never') throw needsHuman('the run was started with --approve never');
    const nobody = mcp === undefined ? 'a command' : 'an MCP tool call';
    if (!prompt) throw needsHuman(`${nobody} always needs a person, and there is no terminal to ask on`);
    if (mcp !== undefined) {
      const answer = await prompt.answer(mcpCallText(proposal, mcp), mcpQuestion(mcp), signal);
      if (answer === undefined) throw needsHuman('the terminal closed before an answer');
      const yes = mcp.notShown > 0 ? /^call unseen$/i.test(answer.trim()) : /^y(es)?$/i.test(answer);
      if (yes) return { decision: 'accepted', by: 'user' };
      return terminalRejection(answer);
    }
    const shown = neutraliseText(proposal.command);
    const lines = [
      '',
      `Task ${visibleText(proposal.taskId)} (${visibleText(proposal.agentId)}) wants to run a command in ${visibleText(proposal.cwd)}:`,
      `  ${shown.text}`,
      `Program and arguments (no shell): ${proposal.argv.map((a) => visibleText(JSON.stringify(a))).join(' ')}`,
      `Policy: ${visibleText(proposal.reason)}`,
    ];
    if (shown.neutralised > 0)
      lines.push(`${neutralisedMarker(shown.neutralised)} in this command; read it with care.`);
    const answer = await prompt.answer(lines.join('\n'), `${REASON_HINT}\nRun this command? [y/N/reason]`, signal);
    if (answer === undefined) throw needsHuman('the terminal closed before an answer');
    if (/^y(es)?$/i.test(answer)) return { decision: 'accepted', by: 'user' };
    return terminalRejection(answer);
  }

  private needsHuman(proposal: EditProposal, why: string): TaskFailure {
    return new TaskFailure(
      `Approval needed for the edit of ${visibleText(proposal.path)} (${why}). Review it with: ${this.options.resumeCommand(proposal.runId)} --approve prompt`,
      'needs-human',
    );
  }
}

/** Said before every question: how to give the agent a reason, as the editor's "Reject…" box does. */
const REASON_HINT = 'To reject it and tell the agent why, type your reason instead of n.';

/**
 * A rejection typed on the terminal: Enter, n, no (or y where a plain yes does not approve) give no
 * reason; any other answer is the person's reason, passed to the agent as their words (a leading
 * "n:" or "no," is dropped).
 */
export function terminalRejection(answer: string): ApprovalDecision {
  const why = answer.trim().replace(/^no?\s*[:,]\s*/i, '');
  return /^(y(es)?|no?)?$/i.test(why)
    ? { decision: 'rejected', by: 'user' }
    : { decision: 'rejected', by: 'user', reason: why };
}

/** What the terminal shows before asking about an MCP tool call. */
function mcpCallText(proposal: CommandProposal, mcp: McpCallShown): string {
  const lines = [
    '',
    `Task ${visibleText(proposal.taskId)} (${visibleText(proposal.agentId)}) wants to call an MCP tool:`,
    `  Server:    ${visibleText(mcp.server)}`,
    `  Tool:      ${visibleText(mcp.tool)}`,
    '  Arguments:',
    ...mcp.arguments.split('\n').map((line) => `    ${line}`),
  ];
  if (mcp.notShown > 0) lines.push(`    … ${mcp.notShown} more characters of the arguments are not shown.`);
  lines.push(`Policy: ${visibleText(proposal.reason)}`);
  if (mcp.hiddenCharacters > 0)
    lines.push(`${neutralisedMarker(mcp.hiddenCharacters)} in these arguments; read them with care.`);
  return lines.join('\n');
}

/** The question; arguments not all shown are never approved by a plain yes. */
function mcpQuestion(mcp: McpCallShown): string {
  return mcp.notShown > 0
    ? `${REASON_HINT}\nNot all arguments are shown. call unseen: call it anyway, Enter: no [call unseen/N/reason]`
    : `${REASON_HINT}\nCall this MCP tool? [y/N/reason]`;
}
