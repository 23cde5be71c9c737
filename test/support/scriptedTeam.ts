import type { RecordedRequest } from './fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from './fakeModelServer/fakeReply';

/** A plan task as the scripted planner returns it. */
export interface ScriptedTask {
  id: string;
  title: string;
  requiredCapabilities?: string[];
  dependencies?: string[];
  writes?: string[];
}

interface WireMessage {
  role: string;
  content?: unknown;
}

/** The text of a message in either wire format (a string, or Anthropic content blocks). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((b) => (b && typeof b === 'object' && 'text' in b ? String((b as { text: unknown }).text) : ''))
      .join('');
  return '';
}

/** Whether the conversation's last message is a tool result (OpenAI `tool` role, or Anthropic `tool_result` blocks). */
function endsWithToolResult(messages: readonly WireMessage[]): boolean {
  const last = messages.at(-1);
  if (!last) return false;
  if (last.role === 'tool') return true;
  return Array.isArray(last.content) && last.content.some((b) => (b as { type?: string }).type === 'tool_result');
}

/**
 * The task a request works on, from the brief `Task <id>: …` (the first user message that starts so:
 * a client without a system role, such as `vscode.lm`, sends the system prompt as a user message
 * first); undefined for the planner.
 */
export function taskOfRequest(request: RecordedRequest): string | undefined {
  const body = request.body as { messages?: WireMessage[] };
  for (const message of body.messages ?? []) {
    const task = message.role === 'user' ? /^Task (\S+):/.exec(textOf(message.content))?.[1] : undefined;
    if (task !== undefined) return task;
  }
  return undefined;
}

/** Whether a request is the planner's (it asks for the plan schema or offers `submit_plan`). */
export function isPlannerRequest(request: RecordedRequest): boolean {
  const body = request.body as {
    response_format?: unknown;
    tools?: Array<{ name?: string; function?: { name?: string } }>;
  };
  return (
    body.response_format !== undefined || (body.tools ?? []).some((t) => (t.function?.name ?? t.name) === 'submit_plan')
  );
}

/**
 * A scripted team of models for end-to-end runs: the planner returns `tasks`; each agent writes
 * `<task>.txt` with propose_edit on its first turn (after `agentDelayMs`, so parallel tasks
 * visibly overlap) and calls finish_task once it has seen a tool result. Answers depend on the
 * request, not on arrival order, so parallel tasks and retries get the right ones.
 */
export function scriptedTeam(
  goal: string,
  tasks: readonly ScriptedTask[],
  agentDelayMs = 0,
  /** What each agent writes into `<task>.txt`. */
  contentOf: (taskId: string) => string = (taskId) => `written by ${taskId}\n`,
): (request: RecordedRequest) => FakeReply {
  const plan = { goal, tasks: tasks.map((t) => ({ requiredCapabilities: ['code'], writes: [`${t.id}.txt`], ...t })) };
  return (request) => {
    if (isPlannerRequest(request)) {
      const body = request.body as { response_format?: unknown };
      return body.response_format !== undefined ? jsonReply(plan) : toolCallReply('submit_plan', plan);
    }
    const taskId = taskOfRequest(request) ?? 'unknown';
    const messages = (request.body as { messages?: WireMessage[] }).messages ?? [];
    if (endsWithToolResult(messages)) return toolCallReply('finish_task', { summary: `wrote ${taskId}.txt` });
    return toolCallReply(
      'propose_edit',
      { path: `${taskId}.txt`, content: contentOf(taskId) },
      { delayMs: agentDelayMs },
    );
  };
}
