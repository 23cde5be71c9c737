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

/**
 * The value the extension uses for one setting: VS Code's merged value in a trusted workspace,
 * and the user's value (see {@link userScopeValue}) in an untrusted one or for a user-only setting.
 */
export function hostSettingValue(
  inspected: InspectedSetting | undefined,
  merged: unknown,
  options: { trusted: boolean; userOnly: boolean },
): unknown {
  return options.trusted && !options.userOnly ? merged : userScopeValue(inspected);
}

/**
 * A tighten-only setting's layers: the user's value (else the default) and, in a trusted workspace
 * only, the workspace and folder values, which the caller may use to tighten but never to loosen.
 */
export function tightenOnlyLayers(
  inspected: InspectedSetting | undefined,
  trusted: boolean,
): { user: unknown; workspace: unknown[] } {
  const workspace = trusted
    ? [inspected?.workspaceValue, inspected?.workspaceFolderValue].filter((v) => v !== undefined)
    : [];
  return { user: userScopeValue(inspected), workspace };
}
