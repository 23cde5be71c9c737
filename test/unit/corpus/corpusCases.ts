import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_AGENTS } from '../../../src/core/agents/builtinAgents';
import { DEFAULT_ENGINE_SETTINGS } from '../../../src/core/engine/engineSettings';
import type { PlanLimits } from '../../../src/core/plan/validatePlan';
import { createToolHarness, type ToolHarness } from '../tools/toolHarness';

/** The run every run-file case belongs to. */
export const RUN_ID = 'run-corpus-1';

/** A plan case: a stored file or a generated one; `issues` from the validator, or the CLI's own `cliError`. */
export interface PlanCase {
  name: string;
  file?: string;
  make?: 'tasks100k' | 'over4MiB';
  issues?: string[];
  cliError?: string;
  /** Also run the real CLI process, not only the CLI's entry in this process. */
  process?: boolean;
}

/** A command line; `cli` also runs the process, `cliOnly` only the process (the parser accepts it). */
export interface FlagCase {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  cli?: boolean;
  cliOnly?: boolean;
  error: string;
}

/** `agentOrchestrator.*` values (keys relative to the section) and the problems they must raise. */
export interface SettingsCase {
  name: string;
  settings: Record<string, unknown>;
  problems: string[];
}

/** One tool call, stored (`args`) or generated (`make`), and the exact error result. */
export interface ToolCallCase {
  name: string;
  tool: string;
  args?: unknown;
  make?:
    | 'hugePath'
    | 'hugeContent'
    | 'hugeQuery'
    | 'hugeSearch'
    | 'manyEdits'
    | 'hugeOutput'
    | 'deepOutput'
    | 'deepContextValue'
    | 'hugeMessage'
    | 'rawDeepArguments';
  error: string;
  /** The branch that makes this case pass; it is skipped until then. */
  pending?: string;
}

/** One custom agent file, stored or generated, and its error lines. */
export interface AgentFileCase {
  name: string;
  file?: string;
  make?: 'oversized' | 'symlinkOutside' | 'folder' | 'escapeName';
  errors: string[];
}

/** A run folder, the warnings of a read-only load and of recovery, and the state both rebuild. */
export interface RunFileCase {
  name: string;
  dir: string;
  /** Files of the run folder that recovery must move into quarantine/. */
  quarantined: string[];
  load: string[];
  recover: string[];
  state: { lastSeq: number; status: string; tasks: number };
  /** When nothing of the run can be rebuilt: the exact error both a load and recovery throw (instead of `load`, `recover`, `state`). */
  unreadable?: string;
  pending?: string;
}

/** What the engine checks a plan against with only the built-in agents: their ids and capabilities, the default size limit. */
export const BUILTIN_PLAN_LIMITS: PlanLimits = (() => {
  const agentCapabilities = new Map(BUILTIN_AGENTS.map((a) => [a.definition.id, a.definition.capabilities ?? []]));
  return {
    maxTasks: DEFAULT_ENGINE_SETTINGS.maxTasksPerPlan,
    knownAgents: new Set(agentCapabilities.keys()),
    knownCapabilities: new Set([...agentCapabilities.values()].flat()),
    agentCapabilities,
  };
})();

/** The text of a generated plan: 100,000 small tasks (under the 4 MiB file limit), or a file over that limit. */
export function generatedPlan(make: NonNullable<PlanCase['make']>): string {
  if (make === 'tasks100k') {
    const tasks = Array.from({ length: 100_000 }, (_, i) => ({ id: `t${i}`, title: 'T' }));
    const text = JSON.stringify({ goal: 'Do everything at once', tasks });
    if (text.length >= 4 * 1024 * 1024) throw new Error('the 100,000-task plan must stay under the file limit');
    return text;
  }
  const description = 'x'.repeat(1024 * 1024);
  const tasks = Array.from({ length: 5 }, (_, i) => ({ id: `t${i}`, title: 'T', description }));
  return JSON.stringify({ goal: 'Do everything at once', tasks });
}

/** The arguments of a generated tool call. */
export function generatedToolArgs(make: NonNullable<ToolCallCase['make']>): unknown {
  switch (make) {
    case 'hugePath':
      return { path: 'x'.repeat(100_000) };
    case 'hugeContent':
      return { path: 'big.txt', content: 'x'.repeat(16 * 1024 * 1024) };
    case 'hugeQuery':
      return { query: 'x'.repeat(1_000_000) };
    case 'hugeSearch':
      return { path: 'a.txt', edits: [{ search: 'h'.repeat(2 * 1024 * 1024), replace: '' }] };
    case 'manyEdits':
      return { path: 'a.txt', edits: Array.from({ length: 51 }, () => ({ search: 'hello', replace: 'bye' })) };
    case 'hugeOutput':
      return { summary: 'Done.', output: 'x'.repeat(2_000_000) };
    case 'deepOutput':
      return { summary: 'Done.', output: nested(100_000) };
    case 'deepContextValue':
      return { key: 'k', value: nested(100_000) };
    case 'hugeMessage':
      return { to: '*', topic: 'api', body: 'x'.repeat(2_000_000) };
    case 'rawDeepArguments':
      return `{"value":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
  }
}

/** A value nested `depth` lists deep, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/**
 * The workspace every tool-call case runs in: a.txt, .env, .env.local, link-out → ../outside/secret.txt,
 * dir-out → ../outside, env-link → .env.local, env-hard and out-hard (hard links of .env and of the
 * outside file), and a sibling folder `<ws>-evil` sharing the workspace's name as a prefix.
 */
export async function toolWorkspace(): Promise<{ harness: ToolHarness }> {
  const harness = await createToolHarness({
    files: { 'a.txt': 'hello\n', '.env': 'SECRET=corpus\n', '.env.local': 'LOCAL_SECRET=corpus\n' },
  });
  const { root, outside } = harness;
  await fs.writeFile(join(outside, 'secret.txt'), 'outside\n');
  await fs.symlink(join(outside, 'secret.txt'), join(root, 'link-out'));
  await fs.symlink(outside, join(root, 'dir-out'));
  await fs.symlink('.env.local', join(root, 'env-link'));
  await fs.link(join(root, '.env'), join(root, 'env-hard'));
  await fs.link(join(outside, 'secret.txt'), join(root, 'out-hard'));
  await fs.mkdir(`${root}-evil`);
  await fs.writeFile(`${root}-evil/x`, 'evil\n');
  return { harness };
}

/** Puts a generated bad agent file into `dir`; `root` is the sandbox (a link target lives beside the workspace). */
export async function generatedAgentFile(
  make: NonNullable<AgentFileCase['make']>,
  dir: string,
  root: string,
): Promise<void> {
  switch (make) {
    case 'oversized': {
      const head = '---\nname: huge\ncapabilities: [code]\n---\n';
      await fs.writeFile(join(dir, 'huge.md'), `${head}${'x'.repeat(300 * 1024 - head.length)}`);
      return;
    }
    case 'symlinkOutside':
      await fs.writeFile(join(root, 'elsewhere.md'), '---\nname: elsewhere\ncapabilities: [code]\n---\nHelp.\n');
      await fs.symlink(join(root, 'elsewhere.md'), join(dir, 'linked.md'));
      return;
    case 'folder':
      await fs.mkdir(join(dir, 'folder.md'));
      return;
    case 'escapeName':
      await fs.writeFile(join(dir, '\u001b[2Jx.md'), 'You are a helper.\n');
      return;
  }
}
