import * as path from 'node:path';
import { loadCustomAgents, type CustomAgentSpec } from './customAgentFile';
import { CONVENTION_AGENT_FOLDERS, loadConventionAgents } from './conventionAgentFile';

/** Where our own agent files live in a workspace, relative to its root. */
export const CUSTOM_AGENTS_DIR = '.orchestrator/agents';

/** Workspace-relative globs of every agent definition file we read, for a file watcher. */
export const AGENT_FILE_GLOBS: readonly string[] = Object.freeze([
  `${CUSTOM_AGENTS_DIR}/*.md`,
  `${CONVENTION_AGENT_FOLDERS.github.dir}/*${CONVENTION_AGENT_FOLDERS.github.suffix}`,
  `${CONVENTION_AGENT_FOLDERS.claude.dir}/*${CONVENTION_AGENT_FOLDERS.claude.suffix}`,
]);

/** The agents of a workspace's files and what the user should know about them. */
export interface WorkspaceAgents {
  /** In precedence order: ours, then `.github/agents`, then `.claude/agents`. */
  agents: CustomAgentSpec[];
  /** Skipped files and ignored fields, tools and models, one line each, naming the file. */
  warnings: string[];
}

/**
 * Loads the agent files of a workspace: `.orchestrator/agents/*.md` (ours),
 * `.github/agents/*.agent.md` (GitHub Copilot) and `.claude/agents/*.md` (Claude Code). When two
 * sources define one id, the first in that order wins and the other is skipped with a warning.
 * A bad file never stops the others.
 */
export async function loadWorkspaceAgents(root: string, knownTools: readonly string[]): Promise<WorkspaceAgents> {
  const ours = await loadCustomAgents(path.join(root, ...CUSTOM_AGENTS_DIR.split('/')), {
    knownTools,
    displayDir: CUSTOM_AGENTS_DIR,
  });
  const github = await loadConventionAgents(root, 'github', knownTools);
  const claude = await loadConventionAgents(root, 'claude', knownTools);
  const warnings = [
    ...ours.errors.map((e) => `Custom agent skipped: ${e}`),
    ...[...github.errors, ...claude.errors].map((e) => `Agent file skipped: ${e}`),
    ...[...github.warnings, ...claude.warnings].map((w) => `Agent file: ${w}`),
  ];
  const agents: CustomAgentSpec[] = [];
  const from = new Map<string, string>();
  for (const spec of [...ours.agents, ...github.agents, ...claude.agents]) {
    const id = spec.definition.id;
    const winner = from.get(id);
    const label = relative(root, spec.sourceFile);
    if (winner !== undefined) {
      warnings.push(
        `Agent file skipped: ${label}: agent "${id}" is already defined in ${winner}, which takes precedence (${CUSTOM_AGENTS_DIR} > ${CONVENTION_AGENT_FOLDERS.github.dir} > ${CONVENTION_AGENT_FOLDERS.claude.dir}); rename one to keep both`,
      );
      continue;
    }
    from.set(id, label);
    agents.push(spec);
  }
  return { agents, warnings };
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
