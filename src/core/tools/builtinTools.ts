import { contextTools } from './contextTools';
import { EditLedger } from './editLedger';
import { finishTaskTool } from './finishTaskTool';
import { proposeEditTool } from './proposeEditTool';
import { ReadLedger } from './readLedger';
import { runCommandTool } from './runCommandTool';
import { runVerificationTool } from './runVerificationTool';
import type { ToolContext } from './toolContext';
import type { ToolDefinition } from './toolDefinition';
import { workspaceTools } from './workspaceTools';

/**
 * Every built-in agent tool: read_file, list_files, search_text, propose_edit, run_verification,
 * run_command, context_get, context_set, send_message, read_messages and finish_task. Call it once per run (or
 * once per process): propose_edit and run_verification share a ledger of the files each attempt
 * edited, and read_file and propose_edit one of what each attempt last saw of a file, both held
 * weakly per attempt context.
 */
export function builtinTools(): ToolDefinition<ToolContext>[] {
  const ledger = new EditLedger();
  const reads = new ReadLedger();
  const workspace = workspaceTools().map((tool) => (tool.name === 'read_file' ? reads.watch(tool) : tool));
  return [
    ...workspace,
    proposeEditTool(ledger, reads),
    runVerificationTool(ledger),
    runCommandTool(),
    ...contextTools(),
    finishTaskTool,
  ];
}
