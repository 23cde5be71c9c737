import type { Finding } from '../model/finding';
import type { JsonValue } from '../model/runEvents';
import type { TaskContext } from '../task/agent';

/** Characters of a dependency's output shown. */
const MAX_DEPENDENCY_OUTPUT = 2_000;
/** Characters of a dependency's summary shown. */
const MAX_SUMMARY = 500;
/** Characters of a shared-context value shown; `context_get` reads the whole value. */
const MAX_CONTEXT_VALUE = 300;
/** Characters of a message body shown, as `read_messages` shows it. */
const MAX_MESSAGE_BODY = 8_000;
/** Characters of the previous attempt's error message shown. */
const MAX_FAILURE_MESSAGE = 4_000;
/** Paths listed per list of changed files. */
const MAX_PATHS = 30;
/** Findings of the previous attempt listed, majors first. */
const MAX_FINDINGS = 10;
/** Characters of one finding's message shown. */
const MAX_FINDING_MESSAGE = 500;

/**
 * The first message an agent gets for a task: what to do and how it is judged, what it may touch,
 * what its dependencies did, the shared context and messages that concern it, and on a retry why
 * the previous attempt failed and what it already changed, and the project's own instructions
 * (`projectInstructions`, already bounded and marked as provided by the workspace). Every part is bounded.
 */
export function taskBrief(ctx: TaskContext, projectInstructions?: string): string {
  const t = ctx.task;
  const lines = [`Task ${t.id}: ${t.title}`, '', t.description || '(no further description)'];
  if (t.acceptanceCriteria.length) lines.push('', 'Acceptance criteria:', ...t.acceptanceCriteria.map((c) => `- ${c}`));
  if (t.writes.length) lines.push('', `You may change: ${t.writes.join(', ')}`);
  if (t.reads.length) lines.push(`Relevant to read: ${t.reads.join(', ')}`);
  lines.push(
    ...dependencySection(ctx),
    ...contextSection(ctx),
    ...messageSection(ctx),
    ...retrySection(ctx),
    ...noteSection(ctx),
    ...(projectInstructions ? ['', projectInstructions] : []),
  );
  lines.push(
    '',
    'Use the tools to read the workspace and propose edits. When the task is done, call finish_task with a one-line summary.',
  );
  return lines.join('\n');
}

function dependencySection(ctx: TaskContext): string[] {
  if (ctx.dependencies.length === 0) return [];
  const lines = ['', 'Results of the tasks this one depends on:'];
  for (const d of ctx.dependencies) {
    lines.push(`- ${d.taskId} (${d.title}): ${d.summary ? cut(d.summary, MAX_SUMMARY) : '(no summary)'}`);
    if (d.changedPaths.length) lines.push(`  Files changed: ${pathList(d.changedPaths)}`);
    if (d.output !== undefined && d.output !== d.summary)
      lines.push(`  Output: ${cut(jsonText(d.output), MAX_DEPENDENCY_OUTPUT)}`);
  }
  return lines;
}

function contextSection(ctx: TaskContext): string[] {
  if (ctx.sharedContext.length === 0) return [];
  return [
    '',
    'Shared context (most relevant first; context_get reads a whole value):',
    ...ctx.sharedContext.map((e) => `- ${e.key} = ${cut(JSON.stringify(e.value), MAX_CONTEXT_VALUE)}`),
  ];
}

function messageSection(ctx: TaskContext): string[] {
  if (ctx.unreadMessages.length === 0) return [];
  const lines = ['', 'Unread messages for you (they count as read once this task succeeds):'];
  for (const m of ctx.unreadMessages)
    lines.push(`- [${m.id}] from ${m.from} about "${m.topic}": ${cut(JSON.stringify(m.body), MAX_MESSAGE_BODY)}`);
  if (ctx.moreUnreadMessages > 0)
    lines.push(`(${ctx.moreUnreadMessages} more unread message(s) are waiting; read_messages takes them.)`);
  return lines;
}

function noteSection(ctx: TaskContext): string[] {
  return ctx.retryNote ? ['', 'A person retried this task with a note for you:', indent(ctx.retryNote)] : [];
}

function retrySection(ctx: TaskContext): string[] {
  const p = ctx.previousAttempt;
  if (ctx.attempt <= 1 && !p) return [];
  if (!p)
    return [
      '',
      `This is attempt ${ctx.attempt}; earlier attempts did not finish. Check the workspace state before changing anything.`,
    ];
  const how = p.failureClass === undefined ? 'did not finish' : `failed (${p.failureClass})`;
  const lines = [
    '',
    `This is attempt ${ctx.attempt}. The previous attempt (${p.attempt}, by ${p.agentId}) ${how}:`,
    indent(cut(p.message, MAX_FAILURE_MESSAGE)),
  ];
  if (p.findings.length) {
    const shown = [...p.findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
    lines.push('Its findings:', ...shown.slice(0, MAX_FINDINGS).map(findingLine));
    if (shown.length > MAX_FINDINGS) lines.push(`  … and ${shown.length - MAX_FINDINGS} more`);
  }
  lines.push(
    p.changedPaths.length
      ? `Already changed by earlier attempts: ${pathList(p.changedPaths)}`
      : 'Earlier attempts changed no files.',
    'Check the workspace state before changing anything, and fix what made the previous attempt fail.',
  );
  return lines;
}

const SEVERITY_RANK: Record<Finding['severity'], number> = { major: 0, medium: 1, minor: 2 };

function findingLine(f: Finding): string {
  const message = cut(f.message, MAX_FINDING_MESSAGE).replace(/\n/g, '\n    ');
  return `- [${f.severity} ${f.category}] ${message}${f.location ? ` (${f.location})` : ''}`;
}

function pathList(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_PATHS).join(', ');
  return paths.length > MAX_PATHS ? `${shown} … and ${paths.length - MAX_PATHS} more` : shown;
}

function jsonText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [cut at ${max} characters]` : text;
}
