// The words of the notification that asks about a command or an MCP tool call. Free of `vscode`
// (the translation function is passed in), so the wording is unit-tested in Node.
import { neutralisedMarker, visibleText } from '../../core/common/visibleText';
import type { CommandProposal } from '../../core/tools/approvalPort';

/** Longest command line or argument text a notification shows; the run panel shows all of it. */
export const MAX_NOTIFIED_CHARS = 300;

/** `vscode.l10n.t`'s shape: `{0}`-style placeholders. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** What the notification says and offers. */
export interface CommandNotice {
  message: string;
  /** "Run" for a command, "Call" for an MCP tool. */
  accept: string;
  reject: string;
  /** "Reject with Reason…": opens a box for words the agent reads (Escape: reject without a reason). */
  rejectWithReason: string;
  /** The input box's title when a reason is asked. */
  reasonTitle: string;
  /** False when not all of it fits: then it is decided in the run panel only (nothing unseen is approved). */
  acceptHere: boolean;
  /** The log line while it waits (no translation: logs stay in English). */
  logLine: string;
}

/**
 * The notification for a command (run_command) or an MCP tool call. An MCP call says so, names
 * server and tool and shows the arguments, with control, escape and bidi characters as escapes
 * and a warning when there are any (checklist 30); anything too long points to the run panel.
 */
export function commandNotice(proposal: CommandProposal, t: Translate): CommandNotice {
  const reject = t('Reject');
  const rejectWithReason = t('Reject with Reason…');
  const cut = (text: string, more: number): { shown: string; whole: boolean } => {
    const over = Math.max(0, text.length - MAX_NOTIFIED_CHARS) + more;
    if (over === 0) return { shown: text, whole: true };
    const shown = t(
      '{0}… ({1} more characters: read all of it in the run panel before you decide)',
      text.slice(0, MAX_NOTIFIED_CHARS),
      over,
    );
    return { shown, whole: false };
  };
  const { mcp } = proposal;
  if (mcp !== undefined) {
    const args = cut(visibleText(mcp.arguments.replace(/\s*\n\s*/g, ' ')), mcp.notShown);
    const hidden = mcp.hiddenCharacters > 0 ? ` ${neutralisedMarker(mcp.hiddenCharacters)}.` : '';
    const message = t(
      'Task {0} wants to call the MCP tool "{1}" of server "{2}" with the arguments {3}.{4} {5}',
      visibleText(proposal.taskId),
      visibleText(mcp.tool),
      visibleText(mcp.server),
      args.shown,
      hidden,
      visibleText(proposal.reason),
    );
    return {
      message,
      accept: t('Call'),
      reject,
      rejectWithReason,
      reasonTitle: t(
        'Reject the call of the MCP tool "{0}" of server "{1}"',
        visibleText(mcp.tool),
        visibleText(mcp.server),
      ),
      acceptHere: args.whole,
      logLine: `Waiting for your decision on calling the MCP tool "${visibleText(mcp.tool)}" of server "${visibleText(mcp.server)}" (${proposal.approvalId}).`,
    };
  }
  const line = cut(visibleText(proposal.command), 0);
  const where = proposal.cwd === '.' ? '' : t(' in {0}', visibleText(proposal.cwd));
  const message = t(
    'Task {0} wants to run `{1}`{2}. {3}',
    visibleText(proposal.taskId),
    line.shown,
    where,
    visibleText(proposal.reason),
  );
  return {
    message,
    accept: t('Run'),
    reject,
    rejectWithReason,
    reasonTitle: t('Reject `{0}`', line.whole ? line.shown : `${visibleText(proposal.command).slice(0, 80)}…`),
    acceptHere: line.whole,
    logLine: `Waiting for your decision on running \`${visibleText(proposal.command)}\` (${proposal.approvalId}).`,
  };
}
