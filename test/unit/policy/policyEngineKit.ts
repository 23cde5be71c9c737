import * as assert from 'node:assert/strict';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import type { PolicyAction, PolicyDecision, PolicyEngineOptions } from '../../../src/core/policy/policyEngine';
import { createTempWorkspace } from './tempWorkspace';
import type { TempWorkspace } from './tempWorkspace';

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

/** A policy engine test's workspace, new for each test and removed after it. */
export interface PolicyWorkspace {
  /** The current test's workspace. */
  readonly ws: TempWorkspace;
  /** An engine on the workspace with no rules but those given. */
  engine(options?: Partial<PolicyEngineOptions>): PolicyEngine;
}

/** Registers, inside a `describe`, a fresh temp workspace for each test, removed after it. */
export function usePolicyWorkspace(): PolicyWorkspace {
  let current: TempWorkspace | undefined;
  beforeEach(async () => {
    current = await createTempWorkspace();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  const kit: PolicyWorkspace = {
    get ws(): TempWorkspace {
      if (!current) throw new Error('usePolicyWorkspace: the workspace exists only while a test runs.');
      return current;
    },
    engine: (options = {}) => new PolicyEngine({ root: kit.ws.root, rules: [], ...options }),
  };
  return kit;
}
