import type { RecordedRequest } from './fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeReply } from './fakeModelServer/fakeReply';
import { isPlannerRequest, taskOfRequest } from './scriptedTeam';

/** The file every run of an appending team edits. */
export const SHARED_FILE = 'shared.txt';

/** The goal of a run whose one task is `taskId`: the planner finds the task id in it. */
export function appendGoal(taskId: string): string {
  return `Append the line of ${taskId} to ${SHARED_FILE}`;
}

/** The line task `taskId` appends. */
export function lineOf(taskId: string): string {
  return `line from ${taskId}`;
}

interface WireMessage {
  role: string;
  content?: unknown;
  tool_calls?: Array<{ function?: { name?: string } }>;
}

/** The file text a read_file result shows (`<path> (lines …)` then `<n>\t<line>` rows; `<path> is empty.`). */
function fileTextOfReadResult(result: string): string {
  const [, ...rows] = result.split('\n');
  if (rows.length === 0) return '';
  return rows.map((row) => row.replace(/^\d+\t/, '')).join('\n') + '\n';
}

/**
 * A scripted team for runs that edit one shared file as a careless agent would: the planner plans
 * one task (its id taken from the goal, see `appendGoal`) writing `shared.txt`; the task reads the
 * file, then proposes its whole content as what it read plus its own line, then finishes. Between
 * reading and writing, another run's write would be overwritten: that is the lost update two runs
 * on one workspace must never cause. `beforeRead(taskId)` can hold the read (to make runs overlap).
 */
export function appendingTeam(
  taskIds: readonly string[],
  beforeRead: (taskId: string) => Promise<void> = async () => undefined,
): (request: RecordedRequest) => Promise<FakeReply> {
  return async (request) => {
    if (isPlannerRequest(request)) {
      const text = JSON.stringify(request.body);
      const taskId = taskIds.find((id) => text.includes(appendGoal(id)));
      if (taskId === undefined) throw new Error('a planner request for an unknown goal');
      const plan = {
        goal: appendGoal(taskId),
        tasks: [{ id: taskId, title: appendGoal(taskId), requiredCapabilities: ['code'], writes: [SHARED_FILE] }],
      };
      return (request.body as { response_format?: unknown }).response_format !== undefined
        ? jsonReply(plan)
        : toolCallReply('submit_plan', plan);
    }
    const taskId = taskOfRequest(request) ?? 'unknown';
    const messages = (request.body as { messages?: WireMessage[] }).messages ?? [];
    const lastCall = messages
      .filter((m) => m.role === 'assistant')
      .at(-1)
      ?.tool_calls?.at(-1)?.function?.name;
    if (lastCall === undefined) {
      await beforeRead(taskId);
      return toolCallReply('read_file', { path: SHARED_FILE });
    }
    if (lastCall === 'read_file') {
      const read = String(messages.at(-1)?.content ?? '');
      return toolCallReply('propose_edit', {
        path: SHARED_FILE,
        content: `${fileTextOfReadResult(read)}${lineOf(taskId)}\n`,
      });
    }
    return toolCallReply('finish_task', { summary: `appended its line to ${SHARED_FILE}` });
  };
}
