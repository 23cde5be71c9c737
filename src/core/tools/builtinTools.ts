import { contextTools } from './contextTools';
import { EditLedger } from './editLedger';
import { finishTaskTool } from './finishTaskTool';
import { proposeEditTool } from './proposeEditTool';
import { runVerificationTool } from './runVerificationTool';
import type { ToolContext } from './toolContext';
import type { ToolDefinition } from './toolDefinition';
import { workspaceTools } from './workspaceTools';

/**
 * Every built-in agent tool: read_file, list_files, search_text, propose_edit, run_verification,
 * context_get, context_set, send_message, read_messages and finish_task. Call it once per run (or
 * once per process): propose_edit and run_verification share a ledger of the files each attempt
 * edited, held weakly per attempt context.
 */
export function builtinTools(): ToolDefinition<ToolContext>[] {
  const ledger = new EditLedger();
  return [...workspaceTools(), proposeEditTool(ledger), runVerificationTool(ledger), ...contextTools(), finishTaskTool];
}
