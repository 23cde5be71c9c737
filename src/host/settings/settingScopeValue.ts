/** What `WorkspaceConfiguration.inspect` reports for one setting (language-specific values aside). */
export interface InspectedSetting {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The value a setting has when only the user may decide it: the user (global) value, else the
 * default. Workspace and folder values are ignored, because in an untrusted workspace they come
 * from whoever wrote the folder's `.vscode/settings.json` (a base URL that collects keys, an
 * auto-approve mode, commands to run).
 */
export function userScopeValue(inspected: InspectedSetting | undefined): unknown {
  if (inspected === undefined) return undefined;
  return inspected.globalValue !== undefined ? inspected.globalValue : inspected.defaultValue;
}
