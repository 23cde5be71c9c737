import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Manifest {
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
}
const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Manifest;

/**
 * The scopes VS Code reads from the user's own settings.json in a remote window (Remote-SSH, WSL,
 * dev containers, Codespaces, code-server): `LOCAL_MACHINE_SCOPES` of VS Code's
 * workbench/services/configuration/common/configuration.ts. `machine` and `machine-overridable`
 * values there are dropped and only the remote machine's settings count.
 */
const READ_FROM_USER_SETTINGS_IN_A_REMOTE_WINDOW = new Set([
  'application',
  'window',
  'resource',
  'language-overridable',
]);

describe('settings in a remote window', () => {
  it('every setting a user writes in their settings.json is honoured in a remote window too (no machine scopes)', () => {
    // Seen in the workbench (code-server is a remote window): a token budget in the user settings
    // was silently dropped once VS Code re-read the file, and the run started with no budget.
    const dropped = Object.entries(manifest.contributes.configuration.properties)
      .filter(([, p]) => !READ_FROM_USER_SETTINGS_IN_A_REMOTE_WINDOW.has(p.scope ?? 'window'))
      .map(([name, p]) => `${name} (${p.scope})`);
    assert.deepEqual(dropped, []);
  });

  it('a budget can still be set per workspace folder (resource scope)', () => {
    const { properties } = manifest.contributes.configuration;
    for (const key of ['agentOrchestrator.budget.maxTokens', 'agentOrchestrator.budget.maxCostUsd'])
      assert.equal(properties[key]?.scope, 'resource', key);
  });
});
