import type { TaskContext } from '../task/agent';

const MAX_DEPENDENCY_OUTPUT = 2_000;

/** The first message an agent gets for a task: what to do, how it is judged, what it may touch, what came before. */
export function taskBrief(ctx: TaskContext): string {
  const t = ctx.task;
  const lines = [`Task ${t.id}: ${t.title}`, '', t.description || '(no further description)'];
  if (t.acceptanceCriteria.length) lines.push('', 'Acceptance criteria:', ...t.acceptanceCriteria.map((c) => `- ${c}`));
  if (t.writes.length) lines.push('', `You may change: ${t.writes.join(', ')}`);
  if (t.reads.length) lines.push(`Relevant to read: ${t.reads.join(', ')}`);
  const deps = Object.entries(ctx.dependencyOutputs);
  if (deps.length) {
    lines.push('', 'Results of the tasks this one depends on:');
    for (const [id, output] of deps) {
      const text = typeof output === 'string' ? output : JSON.stringify(output ?? null);
      lines.push(`- ${id}: ${text.length > MAX_DEPENDENCY_OUTPUT ? `${text.slice(0, MAX_DEPENDENCY_OUTPUT)}…` : text}`);
    }
  }
  if (ctx.attempt > 1)
    lines.push(
      '',
      `This is attempt ${ctx.attempt}; earlier attempts did not finish. Check the workspace state before changing anything.`,
    );
  lines.push(
    '',
    'Use the tools to read the workspace and propose edits. When the task is done, call finish_task with a one-line summary.',
  );
  return lines.join('\n');
}
