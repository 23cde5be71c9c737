import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(__dirname, '..', '..', '..', 'src');

/** The thin adapters that may load `vscode` at run time; everything else here is plain Node and unit-tested. */
const ADAPTERS = new Set([
  'host/engine/hostEngine.ts',
  'host/engine/vscodeAgentFileWatcher.ts',
  'host/engine/vscodeVerificationRunner.ts',
  'host/engine/vscodeWorkspace.ts',
  'host/settings/hostSettings.ts',
  'host/secrets/keyHostConfirmation.ts',
  'host/lm/vscodeLmApi.ts',
  'host/tools/orchestrateTool.ts',
]);

describe('vscode-free host logic', () => {
  for (const folder of ['host/engine', 'host/lm', 'host/settings', 'host/secrets', 'host/tools', 'demo']) {
    for (const name of readdirSync(join(SRC, folder)).filter((f) => f.endsWith('.ts'))) {
      const file = `${folder}/${name}`;
      if (ADAPTERS.has(file)) continue;
      it(`${file} loads no vscode at run time`, () => {
        const text = readFileSync(join(SRC, file), 'utf8');
        const runtime = text
          .split('\n')
          .filter(
            (line) => /from 'vscode'|require\('vscode'\)|import\('vscode'\)/.test(line) && !/^import type /.test(line),
          );
        assert.deepEqual(runtime, []);
      });
    }
  }
});
