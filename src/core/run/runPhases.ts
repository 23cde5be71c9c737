import type { RunPhase } from '../model/runEvents';

/** The moves the orchestrator's state machine allows; `complete → execute | plan` is a resume. */
const TRANSITIONS: Readonly<Record<RunPhase, readonly RunPhase[]>> = {
  initialise: ['plan', 'complete'],
  plan: ['validate', 'complete'],
  validate: ['execute', 'complete'],
  // A crash can interrupt execute or monitor; resuming re-enters execute from there.
  execute: ['monitor', 'complete', 'execute'],
  monitor: ['complete', 'execute'],
  // Resuming: execution again, or planning again for a run paused while it was planning.
  complete: ['execute', 'plan'],
};

/** Whether the run may move from one phase to the next. */
export function canTransition(from: RunPhase, to: RunPhase): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws on a move the state machine does not allow: a bug, never a user error. */
export function assertTransition(from: RunPhase, to: RunPhase): void {
  if (!canTransition(from, to)) throw new Error(`Invalid run phase transition ${from} → ${to}.`);
}
