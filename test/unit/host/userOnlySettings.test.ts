import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  HOST_SETTINGS_SECTION,
  parseHostSettings,
  USER_ONLY_SETTING_KEYS,
  type HostSettingKey,
} from '../../../src/host/settings/hostSettingsSchema';
import { hostSettingValue, type InspectedSetting } from '../../../src/host/settings/settingScopeValue';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

/** What a trusted window reads when `inspected` is what VS Code reports for each setting. */
function readTrusted(inspected: Partial<Record<HostSettingKey, InspectedSetting>>) {
  return parseHostSettings((key) => {
    const i = inspected[key];
    // VS Code's merged value: folder over workspace over user over default.
    const merged = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue ?? i?.defaultValue;
    return hostSettingValue(i, merged, { trusted: true, userOnly: USER_ONLY_SETTING_KEYS.has(key) });
  }).settings;
}

describe('checklist 6: a workspace settings file an agent could write cannot loosen the approval policy', () => {
  it('approval mode, protected paths and the command environment are user-only (application scope) in package.json', () => {
    const applicationScoped = Object.entries(manifest.contributes.configuration.properties)
      .filter(([, p]) => p.scope === 'application')
      .map(([name]) => name.slice(HOST_SETTINGS_SECTION.length + 1))
      .sort();
    assert.deepEqual(applicationScoped, [...USER_ONLY_SETTING_KEYS].sort());
    for (const key of ['approvalMode', 'protectedPaths', 'verification.environment'] as const)
      assert.ok(USER_ONLY_SETTING_KEYS.has(key), key);
  });

  it('in a trusted workspace, a workspace or folder autoApprove is ignored; the user value or the default counts', () => {
    const rewritten = { defaultValue: 'ask', workspaceValue: 'autoApprove', workspaceFolderValue: 'autoApprove' };
    assert.equal(readTrusted({ approvalMode: rewritten }).approvalMode, 'ask');
    assert.equal(readTrusted({ approvalMode: { ...rewritten, globalValue: 'ask' } }).approvalMode, 'ask');
    assert.equal(
      readTrusted({ approvalMode: { defaultValue: 'ask', globalValue: 'autoApprove', workspaceValue: 'ask' } })
        .approvalMode,
      'autoApprove',
      "the user's own choice stands",
    );
  });

  it('a workspace cannot widen the command environment, while other settings still follow the workspace', () => {
    const settings = readTrusted({
      'verification.environment': { defaultValue: [], workspaceValue: ['OPENAI_API_KEY'] },
      maxConcurrency: { defaultValue: 4, workspaceValue: 2 },
    });
    assert.deepEqual(settings.verification.environment, []);
    assert.equal(settings.maxConcurrency, 2);
  });
});
