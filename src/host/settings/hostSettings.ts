import * as vscode from 'vscode';
import { DisposableStore } from '../../core/common/disposable';
import {
  HOST_SETTINGS_SECTION,
  parseHostSettings,
  TIGHTEN_ONLY_SETTING_KEYS,
  USER_ONLY_SETTING_KEYS,
  type HostSettingKey,
  type ParsedHostSettings,
} from './hostSettingsSchema';
import { hostSettingValue, tightenOnlyLayers } from './settingScopeValue';

/**
 * Reads and validates every `agentOrchestrator.*` setting (see `parseHostSettings`: a bad value
 * becomes a problem and its default is used). In an untrusted workspace every setting of the
 * extension is restricted (`capabilities.untrustedWorkspaces.restrictedConfigurations`), and this
 * reader enforces that itself: values come from user settings or the defaults only, never from the
 * workspace or folder. The settings in `USER_ONLY_SETTING_KEYS` are read that way in every workspace;
 * for those in `TIGHTEN_ONLY_SETTING_KEYS` a trusted workspace may add only what tightens.
 */
export function readHostSettings(scope?: vscode.ConfigurationScope): ParsedHostSettings {
  const config = vscode.workspace.getConfiguration(HOST_SETTINGS_SECTION, scope);
  const trusted = workspaceSettingsApply();
  const rules = tightenOnlyLayers(config.inspect<unknown>('policy.rules'), trusted);
  return parseHostSettings(
    (key: HostSettingKey) =>
      TIGHTEN_ONLY_SETTING_KEYS.has(key)
        ? rules.user
        : hostSettingValue(config.inspect<unknown>(key), config.get<unknown>(key), {
            trusted,
            userOnly: USER_ONLY_SETTING_KEYS.has(key),
          }),
    rules.workspace,
  );
}

/** Whether workspace and folder values of the extension's settings count: only in a trusted workspace. */
export function workspaceSettingsApply(): boolean {
  return vscode.workspace.isTrusted;
}

/**
 * Calls `listener` with freshly read settings whenever an `agentOrchestrator.*` setting changes,
 * and when the workspace becomes trusted (workspace values then start to count).
 */
export function onDidChangeHostSettings(
  listener: (parsed: ParsedHostSettings) => void,
  scope?: vscode.ConfigurationScope,
): vscode.Disposable {
  const fire = (): void => listener(readHostSettings(scope));
  const subscriptions = new DisposableStore();
  subscriptions.add(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(HOST_SETTINGS_SECTION, scope)) fire();
    }),
  );
  subscriptions.add(vscode.workspace.onDidGrantWorkspaceTrust(fire));
  return subscriptions;
}
