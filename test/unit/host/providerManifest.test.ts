import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { BUILTIN_PROVIDERS, fixedEndpointProvider } from '../../../src/core/llm/builtinProviders';
import { providerSettingManifest } from '../../../src/host/settings/providerSettingManifest';
import { parseHostSettings, PROVIDER_SETTING_VALUES } from '../../../src/host/settings/hostSettingsSchema';

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: string[]; enumDescriptions?: string[] }> } };
};

describe('the provider setting follows the provider table', () => {
  it('package.json declares exactly what the table gives (run `npm run sync-manifest` after adding a provider)', () => {
    const declared = manifest.contributes.configuration.properties['agentOrchestrator.provider'];
    assert.deepEqual(
      { enum: declared?.enum, enumDescriptions: declared?.enumDescriptions },
      providerSettingManifest(),
      'package.json is behind the provider table: run `npm run sync-manifest`',
    );
  });

  it('the settings schema accepts every provider of the table, auto and demo, and nothing else', () => {
    assert.deepEqual(PROVIDER_SETTING_VALUES, ['auto', ...BUILTIN_PROVIDERS.ids(), 'vscode-lm', 'demo']);
    for (const value of PROVIDER_SETTING_VALUES) {
      const { settings, problems } = parseHostSettings((key) => (key === 'provider' ? value : undefined));
      assert.deepEqual([settings.provider, problems], [value, []]);
    }
    const { settings, problems } = parseHostSettings((key) => (key === 'provider' ? 'gemini' : undefined));
    assert.equal(settings.provider, 'auto');
    assert.match(problems[0] ?? '', /must be one of "auto", .*"demo" \(got "gemini"\)/);
    for (const id of BUILTIN_PROVIDERS.ids()) assert.ok(problems[0]?.includes(`"${id}"`), id);
  });

  it('a new entry shows up in what the manifest must declare', () => {
    const extra = fixedEndpointProvider({
      id: 'acme',
      displayName: 'Acme',
      baseUrl: 'http://127.0.0.1:9/v1',
      token: 't',
      model: 'm',
    });
    assert.deepEqual(providerSettingManifest(BUILTIN_PROVIDERS.with(extra)).enum, [
      'auto',
      ...BUILTIN_PROVIDERS.ids(),
      'acme',
      'demo',
    ]);
  });
});
