/**
 * Writes what package.json declares from code tables, so adding a provider is one table entry:
 * the `agentOrchestrator.provider` setting's values and their descriptions. Run: npm run sync-manifest
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { providerSettingManifest } from '../src/host/settings/providerSettingManifest';

const file = join(__dirname, '..', 'package.json');
const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
  contributes: { configuration: { properties: Record<string, Record<string, unknown>> } };
};
const setting = manifest.contributes.configuration.properties['agentOrchestrator.provider'];
if (!setting) throw new Error('package.json has no agentOrchestrator.provider setting');
Object.assign(setting, providerSettingManifest());
writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write('package.json: agentOrchestrator.provider follows the provider table.\n');
