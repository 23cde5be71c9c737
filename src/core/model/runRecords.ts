// The records a run's state keeps of its approvals, shared context and messages.
import type { ContextScope, JsonValue, WaitKind } from './runEvents';

/** An approval asked for during the run, and what became of it. */
export interface ApprovalRecord {
  approvalId: string;
  taskId: string;
  kind: 'edit' | 'command';
  path?: string;
  command?: string;
  summary: string;
  protected: boolean;
  status: 'pending' | 'accepted' | 'rejected' | 'applied';
  by?: 'user' | 'auto' | 'policy';
  reason?: string;
}

/** One entry of the run's shared context. */
export interface ContextRecord {
  key: string;
  scope: ContextScope;
  agentId?: string;
  value: JsonValue;
  expiresAt?: number;
}

/** A message waiting in an agent's inbox. */
export interface MessageRecord {
  id: string;
  from: string;
  /** The recipient's id, or `*` for a broadcast. */
  to: string;
  topic: string;
  body: JsonValue;
}

/** A wait of a task (`task.waited`), for the run panel's timeline. */
export interface WaitRecord {
  attempt: number;
  kind: WaitKind;
  startedAt: number;
  durationMs: number;
  detail?: string;
}
