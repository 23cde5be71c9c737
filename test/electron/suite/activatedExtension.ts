import * as vscode from 'vscode';

/** Our extension's id, `publisher.name`. */
export const EXTENSION_ID = 'agent-orchestrator.agent-orchestrator';

/** The manifest fields these tests read. */
export interface Manifest {
  contributes: {
    commands: { command: string }[];
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { id: string }[] };
  };
}

/** Our extension, activated; fails the test when VS Code does not know it. */
export async function activatedExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in the Extension Development Host`);
  await extension.activate();
  return extension;
}
