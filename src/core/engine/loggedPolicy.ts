import type { RunLogger } from '../observe/runLogger';
import type { PolicyAction, PolicyDecision } from '../policy/policyEngine';

/** What a tool asks the policy: one action in, one decision out. */
export interface PolicyEvaluator {
  evaluate(action: PolicyAction): Promise<PolicyDecision>;
}

/** Tools that ask about every file they list: their allowed reads would flood a debug log. */
const QUIET_ALLOWS: ReadonlySet<string> = new Set(['list_files']);

/**
 * The policy as a task's tools see it, with each decision written to the task's log at `debug`
 * (the action, the verdict and the rule or reason that decided), so a user who sets the log level
 * to debug can see why a command ran without asking or was refused. Costs nothing at other levels.
 */
export function loggedPolicy(policy: PolicyEvaluator, log: RunLogger): PolicyEvaluator {
  return {
    async evaluate(action: PolicyAction): Promise<PolicyDecision> {
      const decision = await policy.evaluate(action);
      if (log.isEnabled('debug') && !(decision.decision === 'allow' && QUIET_ALLOWS.has(action.tool))) {
        log.debug(`Policy: ${decision.decision} — ${decision.reason}`, {
          action: action.kind,
          tool: action.tool,
          ...(action.kind === 'command' ? { command: action.command } : {}),
          ...(action.kind === 'read' || action.kind === 'write' ? { path: action.path } : {}),
          decision: decision.decision,
        });
      }
      return decision;
    },
  };
}
