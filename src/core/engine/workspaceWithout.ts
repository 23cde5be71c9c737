import type { WorkspacePort } from '../tools/workspacePort';

/**
 * The workspace as the planner's summary sees it: without the files under `folders`
 * (workspace-relative, posix), so the engine's own state folder, when it lies inside the
 * workspace, never reaches a prompt. The agents' tools hide it through the policy instead.
 */
export function workspaceWithout(workspace: WorkspacePort, folders: readonly string[]): WorkspacePort {
  if (folders.length === 0) return workspace;
  const hidden = (path: string): boolean => {
    const p = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    return folders.some((folder) => p === folder || p.startsWith(`${folder}/`));
  };
  const refuse = (path: string): Error => new Error(`${path} is in the orchestrator's state folder.`);
  return {
    root: workspace.root,
    readFile: async (path) => (hidden(path) ? undefined : workspace.readFile(path)),
    statFile: async (path) => (hidden(path) ? undefined : workspace.statFile(path)),
    listFiles: async (glob, limit) => {
      const listed = await workspace.listFiles(glob, limit);
      return { ...listed, files: listed.files.filter((f) => !hidden(f)) };
    },
    searchText: async (query, options) => {
      const found = await workspace.searchText(query, options);
      return { ...found, matches: found.matches.filter((m) => !hidden(m.path)) };
    },
    writeFile: async (path, content) => {
      if (hidden(path)) throw refuse(path);
      return workspace.writeFile(path, content);
    },
    deleteFile: async (path) => {
      if (hidden(path)) throw refuse(path);
      return workspace.deleteFile(path);
    },
  };
}
