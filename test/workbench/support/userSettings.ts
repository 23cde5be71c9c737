import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Settings value types VS Code accepts in settings.json. */
export type SettingValue = string | number | boolean | null | SettingValue[] | { [key: string]: SettingValue };

/** User settings that keep a fresh workbench quiet and predictable: no welcome page, tips, walkthroughs, telemetry, update or extension-gallery checks, no chat setup. */
export const QUIET_WORKBENCH_SETTINGS: Readonly<Record<string, SettingValue>> = {
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.settings.enableNaturalLanguageSearch': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'update.showReleaseNotes': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'files.hotExit': 'off',
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
};

/** Writes `<userDataDir>/User/settings.json`: the quiet defaults, then `overrides`. */
export function writeUserSettings(userDataDir: string, overrides: Record<string, SettingValue>): string {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  writeFileSync(file, `${JSON.stringify({ ...QUIET_WORKBENCH_SETTINGS, ...overrides }, null, 2)}\n`);
  return file;
}
