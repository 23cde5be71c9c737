import type { PlanInput } from '../core/model/planSchema';

/** Every answer of the demo model carries this label, so nobody mistakes it for a real model. */
export const DEMO_LABEL = '[offline demo model]';

/** The model name the demo server reports. */
export const DEMO_MODEL_NAME = 'offline-demo-model';

/** One scripted answer: text, tool calls, and how long to "think" first. */
export interface DemoAnswer {
  text: string;
  toolCalls: Array<{ name: string; arguments: Record<string, unknown> }>;
  /** Which pause applies: an agent's edit is the slow, watchable step. */
  pace: 'edit' | 'answer';
}

/** The parts of a Chat Completions request the script looks at. */
export interface DemoRequest {
  messages?: Array<{ role?: unknown; content?: unknown }>;
  tools?: Array<{ function?: { name?: unknown } }>;
  response_format?: unknown;
}

const PLAN_TOOL = 'submit_plan';

/**
 * The offline demo model's whole behaviour. A planner request (a `response_format` schema or the
 * `submit_plan` tool) gets a three-task plan derived from the goal; an agent's first turn proposes
 * a Markdown file that says it was written by the demo model; any later turn finishes the task.
 */
export function demoAnswer(request: DemoRequest): DemoAnswer {
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const firstUser = textOf(messages.find((m) => m.role === 'user')?.content);
  const offersPlanTool = (request.tools ?? []).some((t) => t.function?.name === PLAN_TOOL);
  if (request.response_format !== undefined || offersPlanTool) {
    const plan = demoPlan(/^Goal: (.*)$/m.exec(firstUser)?.[1]?.trim() || 'the goal');
    if (offersPlanTool)
      return {
        text: `${DEMO_LABEL} Here is a scripted demo plan.`,
        toolCalls: [{ name: PLAN_TOOL, arguments: plan }],
        pace: 'answer',
      };
    // The planner parses the text as JSON, so the label travels inside it (an extra key the plan schema drops).
    return {
      text: JSON.stringify({ note: `${DEMO_LABEL} a scripted plan, not written by a real model`, ...plan }),
      toolCalls: [],
      pace: 'answer',
    };
  }
  const taskId = /^Task (\S+):/.exec(firstUser)?.[1] ?? 'task';
  const title = /^Task \S+: (.*)$/m.exec(firstUser)?.[1] ?? taskId;
  const path = /^You may change: ([^,\n]+)/m.exec(firstUser)?.[1]?.trim() ?? `notes/demo-${taskId}.md`;
  if (messages.some((m) => m.role === 'assistant')) {
    const last = messages.at(-1);
    const outcome = last?.role === 'tool' ? textOf(last.content).slice(0, 160) : 'no tool result';
    return {
      text: `${DEMO_LABEL} Done.`,
      toolCalls: [{ name: 'finish_task', arguments: { summary: `${DEMO_LABEL} Proposed ${path} (${outcome}).` } }],
      pace: 'answer',
    };
  }
  return {
    text: `${DEMO_LABEL} Writing ${path}.`,
    toolCalls: [{ name: 'propose_edit', arguments: { path, content: demoNote(taskId, title, firstUser) } }],
    pace: 'edit',
  };
}

/** Two independent notes, then a summary that depends on both; every path is under `notes/`. */
export function demoPlan(goal: string): PlanInput {
  const slug = slugOf(goal);
  const short = goal.length > 80 ? `${goal.slice(0, 77)}…` : goal;
  const file = (kind: string): string => `notes/${slug}-${kind}.md`;
  return {
    goal,
    tasks: [
      {
        id: 'plan',
        title: `Outline an approach to "${short}" (demo)`,
        description: `(demo) Write ${file('plan')}: the steps a real agent would take for the goal. Written by the offline demo model.`,
        requiredCapabilities: ['code'],
        acceptanceCriteria: [`${file('plan')} exists and says it was written by the offline demo model`],
        writes: [file('plan')],
      },
      {
        id: 'checklist',
        title: `List the checks for "${short}" (demo)`,
        description: `(demo) Write ${file('checklist')}: how to tell the goal is reached. Written by the offline demo model.`,
        requiredCapabilities: ['code'],
        acceptanceCriteria: [`${file('checklist')} exists and says it was written by the offline demo model`],
        writes: [file('checklist')],
      },
      {
        id: 'summary',
        title: `Summarise the plan and the checklist (demo)`,
        description: `(demo) Write ${file('summary')} from the two notes before it. Written by the offline demo model.`,
        requiredCapabilities: ['code'],
        dependencies: ['plan', 'checklist'],
        acceptanceCriteria: [`${file('summary')} exists and names both notes`],
        reads: [file('plan'), file('checklist')],
        writes: [file('summary')],
      },
    ],
  };
}

/** A file-name-safe slug of the goal: lower-case words joined by "-", at most 40 characters. */
export function slugOf(goal: string): string {
  const words = goal
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > 40) break;
    slug = next;
  }
  return slug === '' ? 'goal' : slug;
}

function demoNote(taskId: string, title: string, brief: string): string {
  const lines = brief.split('\n');
  const start = lines.indexOf('Results of the tasks this one depends on:');
  const end = lines.indexOf('', start + 1);
  const earlier =
    start < 0 ? [] : lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line.startsWith('- '));
  return [
    `# ${title}`,
    '',
    `> ${DEMO_LABEL} This file was written by the **offline demo model** of Agent Orchestrator: a scripted`,
    '> stand-in that shows how a run works. It is not a real language model; no API key was used and',
    '> nothing left this machine. Configure a provider to get real work done.',
    '',
    `Task \`${taskId}\` of the demo run.`,
    '',
    ...(earlier.length > 0 ? ['## Built on', '', ...earlier.map((line) => line.slice(0, 200)), ''] : []),
    '## What a real agent would do here',
    '',
    '- Read the relevant files of the workspace.',
    '- Propose edits, which you review in a diff before they are applied.',
    '- Run the configured verification and report findings.',
    '',
  ].join('\n');
}

/** The text of a message's content: a string, or the text parts of a content array. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      part !== null && typeof part === 'object' && 'text' in part ? String((part as { text: unknown }).text) : '',
    )
    .join('');
}
