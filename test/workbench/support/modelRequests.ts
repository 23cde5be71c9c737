import type { RecordedRequest } from '../../support/fakeModelServer/fakeModelServer';
import { taskOfRequest } from '../../support/scriptedTeam';

/** A chat message as the OpenAI wire format carries it. */
interface WireMessage {
  role: string;
  content?: unknown;
}

/** The messages of a recorded OpenAI chat request. */
function messagesOf(request: RecordedRequest): WireMessage[] {
  return (request.body as { messages?: WireMessage[] }).messages ?? [];
}

/** A message's text, whether a string or a list of text parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join('');
  return '';
}

/** The requests the model server got for task `taskId` (its brief starts `Task <id>:`), in arrival order. */
export function requestsOfTask(requests: readonly RecordedRequest[], taskId: string): RecordedRequest[] {
  return requests.filter((r) => taskOfRequest(r) === taskId);
}

/** The system prompt of a request: what the agent is told it is. */
export function systemPromptOf(request: RecordedRequest): string {
  return messagesOf(request)
    .filter((m) => m.role === 'system')
    .map((m) => textOf(m.content))
    .join('\n');
}

/** The brief of a request: its first user message. */
export function briefOf(request: RecordedRequest): string {
  return textOf(messagesOf(request).find((m) => m.role === 'user')?.content);
}

/** The tool results a request carries (OpenAI `tool` messages), oldest first. */
export function toolResultsOf(request: RecordedRequest): string[] {
  return messagesOf(request)
    .filter((m) => m.role === 'tool')
    .map((m) => textOf(m.content));
}
