import type { RunEvent, RunEventBody } from '../../src/core/model/runEvents';
import { EventBuilder } from '../support/eventBuilders';

/** A run of exactly `count` events (count ≥ 5): a plan of tasks, then per task a start, journal steps, usage and success. */
export function storeWorkload(runId: string, count: number): RunEvent[] {
  const tasks = Math.max(1, Math.round(count / 100));
  const steps = Math.max(0, count - 2 - 3 * tasks);
  const b = new EventBuilder(runId, { stepMs: 1 });
  const ids = Array.from({ length: tasks }, (_, i) => `t${i}`);
  const events: RunEvent[] = [
    b.created('store benchmark'),
    b.planReady(ids.map((id) => ({ id, title: `Task ${id}`, requiredCapabilities: ['code'] }))),
  ];
  ids.forEach((id, i) => {
    events.push(b.taskStarted(id));
    const stepsOfTask = Math.floor(steps / tasks) + (i < steps % tasks ? 1 : 0);
    for (let s = 0; s < stepsOfTask; s++) events.push(b.stepCompleted(id, `step-${s}`, { ok: true, n: s }));
    events.push(b.usage(id, 1200, 300, 0.0042));
    events.push(b.taskSucceeded(id));
  });
  return events;
}

/** Events one task of a recorded CLI run writes (`npm run bench -- --only e2e`, a coder that creates one file). */
const EVENTS_PER_RECORDED_TASK = 24;

/**
 * A run of exactly `count` events (count ≥ 2) with the mix a real CLI run writes, copied from the
 * log of a recorded one: per task its span, two model calls (spans with gen_ai attributes, usage),
 * a tool span holding the checkpoint, approval and edit steps, and success. About half the events
 * are spans, which fold to nothing; the lines average about 250 bytes.
 */
export function recordedRunWorkload(runId: string, count: number): RunEvent[] {
  const tasks = Math.max(1, Math.ceil((count - 2) / EVENTS_PER_RECORDED_TASK));
  const b = new EventBuilder(runId, { stepMs: 1 });
  const ids = Array.from({ length: tasks }, (_, i) => `p${i}`);
  const events: RunEvent[] = [
    b.created('store benchmark: the event mix of a recorded CLI run'),
    b.planReady(ids.map((id) => ({ id, title: `Write ${id}`, requiredCapabilities: ['code'] }))),
  ];
  let span = 0;
  const spanId = (): string => `span-mx7yg5uz-684109c99c.${++span}`;
  const push = (body: RunEventBody): number => events.push(b.next(body));
  for (const taskId of ids) {
    const taskSpan = spanId();
    const edit = `edit:${taskId}.txt:7806e33eea4ec924`;
    const approvalId = `${taskId}:${edit}`;
    const checkpoint = {
      id: '0da97578a47e5f6079f985cbc7e72f8c4ce7bc32',
      ref: `refs/ao/checkpoints/${runId}/${taskId}/1`,
    };
    push({
      type: 'span.started',
      spanId: taskSpan,
      name: 'task',
      attributes: { taskId, agentId: 'coder', attempt: 1 },
    });
    push({ type: 'task.started', taskId, agentId: 'coder', attempt: 1 });
    modelCall(push, spanId(), taskSpan, taskId, 1195, 15);
    const tool = spanId();
    push({
      type: 'span.started',
      spanId: tool,
      name: 'execute_tool propose_edit',
      parentId: taskSpan,
      attributes: toolAttributes('propose_edit'),
    });
    push({ type: 'task.step.started', taskId, attempt: 1, key: 'checkpoint' });
    push({ type: 'checkpoint.taken', taskId, checkpointId: checkpoint.id, ref: checkpoint.ref });
    push({ type: 'task.step.completed', taskId, attempt: 1, key: 'checkpoint', result: checkpoint });
    push({ type: 'task.step.started', taskId, attempt: 1, key: `approval:${edit}` });
    push({
      type: 'approval.requested',
      taskId,
      approvalId,
      kind: 'edit',
      path: `${taskId}.txt`,
      summary: `Create ${taskId}.txt (1 lines)`,
      protected: false,
    });
    push({ type: 'approval.decided', taskId, approvalId, decision: 'accepted', by: 'auto' });
    push({
      type: 'task.step.completed',
      taskId,
      attempt: 1,
      key: `approval:${edit}`,
      result: { decision: 'accepted', by: 'auto' },
    });
    push({ type: 'task.step.started', taskId, attempt: 1, key: `apply:${edit}` });
    push({ type: 'edit.applied', taskId, approvalId, path: `${taskId}.txt` });
    push({
      type: 'task.step.completed',
      taskId,
      attempt: 1,
      key: `apply:${edit}`,
      result: { applied: true, deleted: false },
    });
    push({
      type: 'span.ended',
      spanId: tool,
      name: 'execute_tool propose_edit',
      durationMs: 140,
      status: 'ok',
      attributes: { 'agent_orchestrator.tool.result_chars': 15 },
    });
    modelCall(push, spanId(), taskSpan, taskId, 1223, 10);
    const finish = spanId();
    push({
      type: 'span.started',
      spanId: finish,
      name: 'execute_tool finish_task',
      parentId: taskSpan,
      attributes: toolAttributes('finish_task'),
    });
    push({
      type: 'span.ended',
      spanId: finish,
      name: 'execute_tool finish_task',
      durationMs: 0,
      status: 'ok',
      attributes: { 'agent_orchestrator.tool.result_chars': 6 },
    });
    push({
      type: 'task.succeeded',
      taskId,
      agentId: 'coder',
      attempt: 1,
      durationMs: 932,
      summary: `wrote ${taskId}.txt`,
    });
    push({ type: 'span.ended', spanId: taskSpan, name: 'task', durationMs: 933, status: 'ok' });
  }
  return events.slice(0, count);
}

/** A model call as the executor records it: its span with gen_ai attributes, then its usage (3 events). */
function modelCall(
  push: (body: RunEventBody) => number,
  id: string,
  parentId: string,
  taskId: string,
  inputTokens: number,
  outputTokens: number,
): void {
  const name = 'chat gpt-4o-mini';
  push({
    type: 'span.started',
    spanId: id,
    name,
    parentId,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.max_tokens': 8000,
      'agent_orchestrator.estimated_input_tokens': inputTokens + 600,
    },
  });
  push({
    type: 'span.ended',
    spanId: id,
    name,
    durationMs: 399,
    status: 'ok',
    attributes: {
      'gen_ai.response.id': `chatcmpl-${id.slice(-8)}`,
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.input_tokens': inputTokens,
      'gen_ai.usage.output_tokens': outputTokens,
    },
  });
  push({
    type: 'usage.recorded',
    provider: 'openai',
    model: 'gpt-4o-mini',
    usage: { inputTokens, outputTokens, costUsd: (inputTokens * 0.15 + outputTokens * 0.6) / 1e6 },
    taskId,
    agentId: 'coder',
  });
}

function toolAttributes(tool: string): Record<string, string> {
  return { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool, 'gen_ai.tool.call.id': `call_${tool}` };
}
