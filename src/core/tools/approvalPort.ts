/** An edit an agent proposes, as the user reviews it. */
export interface EditProposal {
  approvalId: string;
  runId: string;
  taskId: string;
  agentId: string;
  /** Workspace-relative. */
  path: string;
  /** The file as the agent saw it; undefined when the file is new. */
  before: string | undefined;
  /** The proposed content; undefined means delete the file. */
  after: string | undefined;
  /** Why the policy asks (or that it allows). */
  reason: string;
  /** A protected path: a fresh human decision is needed, whatever the approval mode. */
  protected: boolean;
  /** What the policy decided before asking. */
  policy: 'allow' | 'ask';
}

/** A command an agent wants to run (run_command), as the user reviews it. */
export interface CommandProposal {
  approvalId: string;
  runId: string;
  taskId: string;
  agentId: string;
  /** The command line as the agent wrote it. */
  command: string;
  /** The program and arguments that would run, with no shell in between. */
  argv: readonly string[];
  /** Workspace-relative folder it runs in; '.' for the workspace root. */
  cwd: string;
  /** Why the policy asks. */
  reason: string;
  /** Set when this is not a command but an MCP tool call: prompts then say so and show these. */
  mcp?: McpCallShown;
}

/** An MCP tool call as an approval prompt shows it (`mcpTool.ts` fills it). */
export interface McpCallShown {
  /** The server's name as configured. */
  server: string;
  /** The tool's name on its server. */
  tool: string;
  /** The arguments as indented JSON, control, escape and bidi characters already shown as escapes. */
  arguments: string;
  /** Characters of the arguments cut off the end of `arguments` (0: all of it is shown). */
  notShown: number;
  /** Hidden or control characters the arguments contain (now shown as escapes); 0 when none. */
  hiddenCharacters: number;
}

/** The user's answer. An accepted edit may carry content the user changed before accepting. */
export type ApprovalDecision =
  | { decision: 'accepted'; by: 'user' | 'auto'; content?: string }
  | { decision: 'rejected'; by: 'user' | 'auto'; reason?: string };

/**
 * Asks the user. The host shows a diff editor; the CLI decides by `--approve`. An implementation
 * that cannot ask (CLI `--approve never`) throws a `TaskFailure` of class `needs-human`, which
 * pauses the run until someone can.
 */
export interface ApprovalPort {
  decideEdit(proposal: EditProposal, signal: AbortSignal): Promise<ApprovalDecision>;
  /**
   * The user's decision on a command (never decided by an approval mode: a command always needs a
   * person). Absent: this front end cannot ask, and run_command refuses commands that need approval.
   */
  decideCommand?(proposal: CommandProposal, signal: AbortSignal): Promise<ApprovalDecision>;
}
