import type { CheckpointPort } from '../checkpoint/checkpointPort';
import type { TaskContext } from '../task/agent';
import type { PolicyAction, PolicyDecision } from '../policy/policyEngine';
import type { VerificationRunner, VerificationStep } from '../verify/verificationStep';
import type { GateThresholds } from '../verify/gateThresholds';
import type { VerificationThresholds } from '../verify/verificationThresholds';
import type { ApprovalPort } from './approvalPort';
import type { CommandService } from './commandService';
import type { WorkspacePort } from './workspacePort';

/** How verification is reached from a tool: named steps from the settings, and a runner. */
export interface VerificationService {
  /** Steps the user configured, by name (`test`, `build`, a VS Code task label…). */
  steps: Readonly<Record<string, VerificationStep>>;
  runner: VerificationRunner;
  thresholds: VerificationThresholds;
  /** New problems each configured check may show at a task's gate; the defaults when absent. */
  limits?: GateThresholds;
  /** Where commands run. */
  cwd: string;
  /**
   * A folder (outside the workspace, in the state folder) for the durable records of checks in
   * flight, one sub-folder per task step; see `VerificationRunOptions.record`. None: no records.
   */
  recordDir?: string;
}

/** Everything the built-in tools need for one attempt; the host and the CLI build it. */
export interface ToolContext {
  task: TaskContext;
  workspace: WorkspacePort;
  policy: { evaluate(action: PolicyAction): Promise<PolicyDecision> };
  approvals: ApprovalPort;
  verification: VerificationService;
  /** Git checkpoints; a no-op port outside a git repository. */
  checkpoints: CheckpointPort;
  /** Where and how run_command runs programs; absent: run_command refuses every call. */
  commands?: CommandService;
}
