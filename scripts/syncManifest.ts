/**
 * Writes what the manifest declares from code: the `agentOrchestrator.provider` setting's values
 * and their descriptions from the provider table (adding a provider is one table entry), and
 * `media/plan.schema.json`, the plan files' JSON schema, from the zod plan schema.
 * Run: npm run sync-manifest
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planFileJsonSchema } from '../src/core/plan/planFile';
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

const schemaFile = join(__dirname, '..', 'media', 'plan.schema.json');
writeFileSync(schemaFile, `${JSON.stringify(planFileJsonSchema(), null, 2)}\n`);
process.stdout.write('media/plan.schema.json: follows the plan schema.\n');
