import * as assert from 'node:assert/strict';
import type { PolicyAction, PolicyDecision } from '../../../src/core/policy/policyEngine';

/** A read of `p` by the file tool. */
export const read = (p: string): PolicyAction => ({ kind: 'read', tool: 'fs.read', path: p });
/** A write of `p` by the file tool. */
export const write = (p: string): PolicyAction => ({ kind: 'write', tool: 'fs.write', path: p });
/** A shell command. */
export const run = (command: string): PolicyAction => ({ kind: 'command', tool: 'shell', command });

/** Asserts the decision and that its reason matches, printing both on failure. */
export function expectDecision(actual: PolicyDecision, decision: PolicyDecision['decision'], reason: RegExp): void {
  assert.equal(actual.decision, decision, `reason: ${actual.reason}`);
  assert.match(actual.reason, reason);
}
