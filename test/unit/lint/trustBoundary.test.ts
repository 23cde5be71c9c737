import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { sourceFiles } from '../../support/importGraph';

const srcRoot = path.resolve(__dirname, '../../../src');

/** Files of `src/` that read `isTrusted` from the workspace, and how often. */
function trustReads(): Record<string, number> {
  const reads: Record<string, number> = {};
  for (const file of sourceFiles(srcRoot)) {
    const count = readFileSync(path.join(srcRoot, file), 'utf8').match(/\bworkspace\.isTrusted\b/g)?.length ?? 0;
    if (count > 0) reads[file] = count;
  }
  return reads;
}

describe('Workspace Trust is checked once, at the boundary', () => {
  it('reads isTrusted in the command and API gate and, for which settings apply, in the settings reader only', () => {
    assert.deepEqual(trustReads(), {
      // trustedCommand() and assertTrustedWorkspace(): every command that can start, resume or change a run, and the API.
      'host/commands/commandSupport.ts': 1,
      // readHostSettings(): in an untrusted workspace only user settings count.
      'host/settings/hostSettings.ts': 1,
    });
  });

  it('every command that starts, resumes or changes a run, or rolls files back, is registered behind the gate', () => {
    const registered = (file: string): string =>
      readFileSync(path.join(srcRoot, 'host/commands', file), 'utf8').replace(/\s+/g, ' ');
    const gated = [
      ['orchestrateCommand.ts', 'orchestrate'],
      ['planCommands.ts', 'planGoal'],
      ['planCommands.ts', 'runPlan'],
      ['runControlCommands.ts', 'resumeRun'],
      ['runControlCommands.ts', 'cancelRun'],
      ['taskActionCommands.ts', 'retryTask'],
      ['taskActionCommands.ts', 'reassignTask'],
      ['taskActionCommands.ts', 'cancelTask'],
      ['taskActionCommands.ts', 'skipTask'],
      ['rollbackCommands.ts', 'rollbackTask'],
      ['rollbackCommands.ts', 'rollbackRun'],
    ] as const;
    for (const [file, id] of gated) {
      assert.match(
        registered(file),
        new RegExp(`trustedCommand\\( ?services, Commands\\.${id}\\b`),
        `${id} in ${file}`,
      );
    }
    const api = readFileSync(path.join(srcRoot, 'host/extensionApi.ts'), 'utf8');
    assert.match(
      api,
      /async orchestrate\([^)]*\)[^{]*\{[^}]*?assertTrustedWorkspace\(\);/s,
      'the API checks before it starts a run',
    );
  });
});
