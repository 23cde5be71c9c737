// Small builders of host messages for the browser tests.
import type { ApprovalView } from '../../../src/protocol/approvals';
import type { RunGraph, TaskView, TaskViewStatus } from '../../../src/protocol/graph';
import type { LogLine } from '../../../src/protocol/logs';
import type { HostMessage } from '../../../src/protocol/messages';

import { resolve } from 'node:path';

export const RUN_ID = 'run-panel-test';

/** Where screenshots and measured times go. */
export const ARTIFACTS = resolve(__dirname, '../../../.test-artifacts/webview');

/** One task with sensible defaults. */
export function taskView(id: string, deps: string[] = [], overrides: Partial<TaskView> = {}): TaskView {
  return {
    id,
    title: `Task ${id}`,
    status: 'pending',
    agentId: 'coder',
    deps,
    tokens: 1200,
    costUsd: 0.0123,
    attempts: [],
    durationMs: 1000,
    findings: [],
    edits: [],
    ...overrides,
  };
}

/** `count` tasks in layers of `width`; each depends on up to two tasks of the layer above. */
export function layeredTasks(count: number, width = 10): TaskView[] {
  const statuses: TaskViewStatus[] = ['succeeded', 'running', 'pending', 'failed', 'ready'];
  return Array.from({ length: count }, (_, i) => {
    const layer = Math.floor(i / width);
    const deps =
      layer === 0 ? [] : [...new Set([(layer - 1) * width + (i % width), (layer - 1) * width + ((i + 3) % width)])];
    return taskView(
      `t${i}`,
      deps.map((d) => `t${d}`),
      { status: statuses[layer % statuses.length]! },
    );
  });
}

/** A snapshot of a run with these tasks. */
export function snapshot(
  tasks: TaskView[],
  extra: { approvals?: ApprovalView[]; logs?: LogLine[]; agents?: string[] } = {},
): HostMessage {
  const graph: RunGraph = {
    runId: RUN_ID,
    goal: 'Add JWT auth',
    status: 'running',
    tasks,
    agents: extra.agents ?? ['coder', 'tester'],
  };
  return { type: 'snapshot', graph, approvals: extra.approvals ?? [], logs: extra.logs ?? [] };
}

/** A pending edit approval. */
export function editApproval(approvalId: string, taskId: string): ApprovalView {
  return {
    approvalId,
    runId: RUN_ID,
    taskId,
    kind: 'edit',
    path: `src/${taskId}.ts`,
    diffSummary: '+3 −1',
    protected: false,
  };
}

/** Log lines "line 0" … with every tenth one mentioning "needle". */
export function logLines(count: number): LogLine[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    at: Date.UTC(2026, 0, 1) + i * 1000,
    level: i % 10 === 0 ? 'warn' : 'info',
    text: i % 10 === 0 ? `line ${i} needle` : `line ${i}`,
  }));
}

/** A task whose failure text carries remote images in Markdown and HTML. */
export function leakyTask(port: number): TaskView {
  const text = `Tests failed. ![x](http://127.0.0.1:${port}/leak) <img src=http://127.0.0.1:${port}/leak2> <b>bold</b>`;
  return taskView('leaky', [], {
    status: 'failed',
    summary: text,
    attempts: [{ attempt: 1, agentId: 'coder', startedAt: 0, endedAt: 1, outcome: 'failed', failure: text }],
    findings: [text],
  });
}
