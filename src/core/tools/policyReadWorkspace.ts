import type { PolicyAction, PolicyDecision } from '../policy/policyEngine';
import type { WorkspacePort } from './workspacePort';

/**
 * The workspace as the read policy lets an agent see it, for readers that are not tools (the
 * planner's workspace summary and index): reading a file the policy does not allow (`.env`, a hard
 * link, a path that asks) throws, as read_file would refuse it; search hits in such files are left
 * out. Listing and stat pass through (names are not content); writing is refused.
 */
export function policyReadWorkspace(
  workspace: WorkspacePort,
  policy: { evaluate(action: PolicyAction): Promise<PolicyDecision> },
  tool = 'read_file',
): WorkspacePort {
  const mayRead = async (path: string): Promise<PolicyDecision> => policy.evaluate({ kind: 'read', tool, path });
  return {
    get root() {
      return workspace.root;
    },
    async readFile(path) {
      const verdict = await mayRead(path);
      if (verdict.decision !== 'allow') throw new Error(`Reading ${path} is not allowed: ${verdict.reason}`);
      return workspace.readFile(verdict.resolvedPath?.relative ?? path);
    },
    statFile: (path) => workspace.statFile(path),
    listFiles: (glob, limit) => workspace.listFiles(glob, limit),
    async searchText(query, options) {
      const found = await workspace.searchText(query, options);
      const readable = new Map<string, boolean>();
      for (const path of new Set(found.matches.map((m) => m.path)))
        readable.set(path, (await mayRead(path)).decision === 'allow');
      return { matches: found.matches.filter((m) => readable.get(m.path) === true), truncated: found.truncated };
    },
    writeFile: async (path) => {
      throw new Error(`This view of the workspace only reads; ${path} was not written.`);
    },
    deleteFile: async (path) => {
      throw new Error(`This view of the workspace only reads; ${path} was not deleted.`);
    },
  };
}
