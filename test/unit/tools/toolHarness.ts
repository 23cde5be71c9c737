import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeWorkspace } from '../../../src/cli/nodeWorkspace';
import type { CheckpointPort } from '../../../src/core/checkpoint/checkpointPort';
import { NoCheckpoints } from '../../../src/core/checkpoint/noCheckpoints';
import { systemClock } from '../../../src/core/common/clock';
import { MessageBus } from '../../../src/core/context/messageBus';
import { SharedContext } from '../../../src/core/context/sharedContext';
import type { AgentEventBody, TaskContext } from '../../../src/core/task/agent';
import { RunLogger } from '../../../src/core/observe/runLogger';
import { TaskSpecSchema } from '../../../src/core/model/planSchema';
import type { TaskSpecInput } from '../../../src/core/model/planSchema';
import { DEFAULT_POLICY_RULES } from '../../../src/core/policy/defaultRules';
import { PolicyEngine } from '../../../src/core/policy/policyEngine';
import type { PolicyRule } from '../../../src/core/policy/policyRules';
import type { JsonValue, RunEventBody } from '../../../src/core/model/runEvents';
import type {
  ApprovalDecision,
  ApprovalPort,
  CommandProposal,
  EditProposal,
} from '../../../src/core/tools/approvalPort';
import { commandService } from '../../../src/core/tools/commandService';
import type { CommandService, CommandSettings } from '../../../src/core/tools/commandService';
import { builtinTools } from '../../../src/core/tools/builtinTools';
import { ToolBus } from '../../../src/core/tools/toolBus';
import type { ToolContext, VerificationService } from '../../../src/core/tools/toolContext';
import type { ToolResult } from '../../../src/core/tools/toolDefinition';
import type { WorkspacePort } from '../../../src/core/tools/workspacePort';
import type { Finding } from '../../../src/core/model/finding';
import { DEFAULT_THRESHOLDS } from '../../../src/core/verify/verificationThresholds';

/** An approval port that records every proposal and answers with the test's `decide` (accept by default). */
export class ScriptedApprovals implements ApprovalPort {
  readonly proposals: EditProposal[] = [];
  decide: (proposal: EditProposal) => ApprovalDecision | Promise<ApprovalDecision> = () => ({
    decision: 'accepted',
    by: 'user',
  });

  readonly commandProposals: CommandProposal[] = [];
  decideCommandWith: (proposal: CommandProposal) => ApprovalDecision | Promise<ApprovalDecision> = () => ({
    decision: 'accepted',
    by: 'user',
  });

  async decideEdit(proposal: EditProposal): Promise<ApprovalDecision> {
    this.proposals.push(proposal);
    return this.decide(proposal);
  }

  async decideCommand(proposal: CommandProposal): Promise<ApprovalDecision> {
    this.commandProposals.push(proposal);
    return this.decideCommandWith(proposal);
  }
}

/** The durable part of a task that survives a crash: its step journal. */
export type Journal = Map<string, JsonValue>;

/** A TaskContext over an in-memory journal, with everything it records kept for assertions. */
export interface FakeTask extends TaskContext {
  readonly journal: Journal;
  /** Keys whose effect actually ran (not replayed), in order. */
  readonly ran: string[];
  readonly events: AgentEventBody[];
  readonly findings: Array<Omit<Finding, 'taskId'>>;
  /** Paths passed to claimWrite. */
  readonly claims: string[];
}

/** Options for one attempt's fake context. */
export interface FakeTaskOptions {
  task?: Partial<TaskSpecInput>;
  journal?: Journal;
  attempt?: number;
  agentId?: string;
  claimWrite?: (path: string) => boolean;
  context?: SharedContext;
  bus?: MessageBus;
}

/** Builds a fake attempt; pass the journal of an earlier one to simulate a resume after a crash. */
export function fakeTask(options: FakeTaskOptions = {}): FakeTask {
  const journal = options.journal ?? new Map<string, JsonValue>();
  const ran: string[] = [];
  const events: AgentEventBody[] = [];
  const findings: Array<Omit<Finding, 'taskId'>> = [];
  const claims: string[] = [];
  const emitted: RunEventBody[] = [];
  const agentId = options.agentId ?? 'coder';
  const context = options.context ?? new SharedContext(systemClock, (e) => emitted.push(e));
  const bus = options.bus ?? new MessageBus((e) => emitted.push(e));
  const task = TaskSpecSchema.parse({ id: 't1', title: 'Change things', ...options.task });
  return {
    runId: 'run-1',
    task,
    attempt: options.attempt ?? 1,
    agentId,
    signal: new AbortController().signal,
    dependencyOutputs: {},
    dependencies: [],
    sharedContext: [],
    unreadMessages: [],
    moreUnreadMessages: 0,
    journal,
    ran,
    events,
    findings,
    claims,
    async step<T extends JsonValue>(key: string, effect: () => Promise<T>): Promise<T> {
      if (journal.has(key)) return journal.get(key) as T;
      ran.push(key);
      const result = await effect();
      // Round-trip through JSON as the real journal does on disk.
      journal.set(key, JSON.parse(JSON.stringify(result)) as JsonValue);
      return result;
    },
    callModel: () => Promise.reject(new Error('no model in tool tests')),
    context: context.view(agentId),
    messages: {
      send: (to, topic, body) => bus.send({ from: agentId, to, topic, body }),
      receive: (topic) => bus.receive(agentId, topic === undefined ? {} : { topic }),
    },
    log: new RunLogger(() => undefined),
    report: (finding) => findings.push(finding),
    claimWrite: (p) => {
      claims.push(p);
      return options.claimWrite?.(p) ?? true;
    },
    timeWait: (_kind, _detail, wait) => wait(),
    record: (body) => events.push(body),
  };
}

/** A real temp workspace with the real policy engine, the node workspace and the built-in tools. */
export interface ToolHarness {
  /** Folder holding the workspace (`ws`) and an `outside` folder. */
  base: string;
  root: string;
  outside: string;
  workspace: WorkspacePort;
  policy: PolicyEngine;
  approvals: ScriptedApprovals;
  verification: VerificationService;
  checkpoints: CheckpointPort;
  commands: CommandService;
  bus: ToolBus<ToolContext>;
  /** Calls a tool through the bus for the given attempt. */
  call(task: FakeTask, name: string, args: unknown): Promise<ToolResult>;
  read(rel: string): Promise<string | undefined>;
  write(rel: string, content: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Options for {@link createToolHarness}. */
export interface ToolHarnessOptions {
  files?: Record<string, string>;
  rules?: readonly PolicyRule[];
  verification?: Partial<VerificationService>;
  checkpoints?: (root: string) => Promise<CheckpointPort>;
  /** Wraps the workspace port (to count or fail writes). */
  wrapWorkspace?: (inner: WorkspacePort) => WorkspacePort;
  /** Use this folder as the workspace instead of a fresh one (a git repository, say). */
  root?: string;
  /** Folders (relative to the workspace) the policy hides from agents, as the engine hides its state folder. */
  hiddenPaths?: readonly string[];
  /** run_command's limits; the defaults when absent. */
  commands?: Partial<CommandSettings>;
}

/** Builds a harness; `cleanup` removes the folders it created. */
export async function createToolHarness(options: ToolHarnessOptions = {}): Promise<ToolHarness> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'ao-tools-'));
  const root = options.root ?? path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  await fs.mkdir(root, { recursive: true });
  await fs.mkdir(outside, { recursive: true });
  const write = async (rel: string, content: string): Promise<void> => {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
  };
  for (const [rel, content] of Object.entries(options.files ?? {})) await write(rel, content);
  const inner = new NodeWorkspace(root);
  const workspace = options.wrapWorkspace ? options.wrapWorkspace(inner) : inner;
  const policy = new PolicyEngine({
    root,
    rules: [...DEFAULT_POLICY_RULES, ...(options.rules ?? [])],
    hiddenPaths: (options.hiddenPaths ?? []).map((rel) => path.join(root, rel)),
  });
  const approvals = new ScriptedApprovals();
  const verification: VerificationService = {
    steps: {},
    runner: { run: () => Promise.reject(new Error('no runner configured')) },
    thresholds: DEFAULT_THRESHOLDS,
    cwd: root,
    ...options.verification,
  };
  const checkpoints = options.checkpoints ? await options.checkpoints(root) : new NoCheckpoints(root);
  const commands = commandService(root, options.commands);
  const bus = new ToolBus<ToolContext>(builtinTools());
  return {
    base,
    root,
    outside,
    workspace,
    policy,
    approvals,
    verification,
    checkpoints,
    commands,
    bus,
    call: (task, name, args) =>
      bus.call(name, args, { task, workspace, policy, approvals, verification, checkpoints, commands }),
    read: (rel) => fs.readFile(path.join(root, rel), 'utf8').catch(() => undefined),
    write,
    cleanup: () => fs.rm(base, { recursive: true, force: true }),
  };
}

/** A write-counting (and optionally failing) wrapper around a workspace port. */
export function countingWorkspace(
  inner: WorkspacePort,
): WorkspacePort & { writes: string[]; failNextWrite: Error | undefined } {
  const wrapper = {
    writes: [] as string[],
    failNextWrite: undefined as Error | undefined,
    get root() {
      return inner.root;
    },
    readFile: (p: string) => inner.readFile(p),
    statFile: (p: string) => inner.statFile(p),
    listFiles: (glob: string | undefined, limit: number) => inner.listFiles(glob, limit),
    searchText: (q: string, o: { glob?: string; regex?: boolean; limit: number }) => inner.searchText(q, o),
    async writeFile(p: string, content: string) {
      const failure = wrapper.failNextWrite;
      wrapper.failNextWrite = undefined;
      if (failure) throw failure;
      wrapper.writes.push(p);
      await inner.writeFile(p, content);
    },
    async deleteFile(p: string) {
      wrapper.writes.push(`delete:${p}`);
      await inner.deleteFile(p);
    },
  };
  return wrapper;
}
