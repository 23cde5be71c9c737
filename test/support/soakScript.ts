import type { RecordedRequest } from './fakeModelServer/fakeModelServer';
import { jsonReply, toolCallReply, type FakeFault, type FakeReply } from './fakeModelServer/fakeReply';
import { isPlannerRequest, taskOfRequest } from './scriptedTeam';

/** How many kills and tasks the crash loop and the fault soak use: 5 and 50 in `npm test`, more in `npm run test:soak`. */
export function soakSize(): { kills: number; tasks: number; seed: number } {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = process.env[name];
    const n = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`${name} must be a whole number of at least ${min}; got "${raw}".`);
    return n;
  };
  return { kills: read('AO_SOAK_KILLS', 5, 5), tasks: read('AO_SOAK_TASKS', 50, 50), seed: read('AO_SOAK_SEED', 7, 0) };
}

/** Prints a line of measurements when `AO_SOAK_REPORT` is set (as `npm run test:soak` does). */
export function soakReport(line: string): void {
  if (process.env['AO_SOAK_REPORT']) process.stderr.write(`      [soak] ${line}\n`);
}

/**
 * Every fault kind issue 10 names, drawn at random for the fault soak: 429 with retry-after, 500,
 * 529, reset, mid-stream, timeout, malformed tool calls. A malformed plan (cut-off JSON) is not
 * drawn: to an agent it is a plain text answer, which finishes a task; `soakTeam` sends one to the
 * planner instead.
 */
export const SOAK_FAULTS: readonly FakeFault[] = [
  { fault: 'http', status: 429, retryAfterMs: 30, retryAfterSeconds: 1 },
  { fault: 'http', status: 500 },
  { fault: 'http', status: 529 },
  { fault: 'reset' },
  { fault: 'midStream' },
  { fault: 'hang' },
  { fault: 'invalidToolArguments' },
  { fault: 'schemaViolation' },
];

interface WireMessage {
  role: string;
  content?: unknown;
}

/** Whether a tool result in the conversation says an edit reached the disk (`Created x.`, `Updated x.`, `No change: …`). */
function editLanded(messages: readonly WireMessage[]): boolean {
  return messages.some(
    (m) => m.role === 'tool' && typeof m.content === 'string' && /^(Created|Updated) |^No change: /.test(m.content),
  );
}

/** A plan task of the soak. */
export interface SoakTask {
  id: string;
  title: string;
  requiredCapabilities: string[];
  writes: string[];
  dependencies?: string[];
}

/**
 * A scripted team that survives a broken turn: the planner's first answer is a malformed plan (JSON
 * cut off half-way), then it returns `tasks`; the first request of each of the first tasks gets one
 * fault of `SOAK_FAULTS` (so every kind occurs at least once); an agent proposes its
 * file (`out/<task>.txt`) until a tool result says the edit landed, then finishes. Unlike
 * `scriptedTeam`, an error tool result (broken arguments) makes it propose again rather than finish.
 */
export function soakTeam(goal: string, tasks: readonly SoakTask[]): (request: RecordedRequest) => FakeReply {
  const plan = { goal, tasks };
  let plans = 0;
  // One fault of each kind for certain, on the first turn of the first tasks, besides the random ones.
  const scripted = new Map(SOAK_FAULTS.map((f, i) => [tasks[i]?.id, f] as const));
  return (request) => {
    if (isPlannerRequest(request)) return plans++ === 0 ? { fault: 'malformedJson' } : jsonReply(plan);
    const taskId = taskOfRequest(request) ?? 'unknown';
    const fault = scripted.get(taskId);
    if (fault) {
      scripted.delete(taskId);
      return fault;
    }
    const messages = (request.body as { messages?: WireMessage[] }).messages ?? [];
    if (editLanded(messages)) return toolCallReply('finish_task', { summary: `wrote out/${taskId}.txt` });
    return toolCallReply('propose_edit', { path: `out/${taskId}.txt`, content: soakContent(taskId) });
  };
}

/** What task `id` writes. */
export function soakContent(id: string): string {
  return `written by ${id}\n`;
}

/** `count` tasks: mostly independent, every fifth depends on the one before it. */
export function soakTasks(count: number): SoakTask[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `t${String(i).padStart(3, '0')}`;
    const task: SoakTask = { id, title: `Write ${id}`, requiredCapabilities: ['code'], writes: [`out/${id}.txt`] };
    if (i % 5 === 4) task.dependencies = [`t${String(i - 1).padStart(3, '0')}`];
    return task;
  });
}
