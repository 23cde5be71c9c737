import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { loadVerifiedCliRunOptions, saveCliRunOptions } from '../../../src/cli/cliRunOptions';
import { UsageError } from '../../../src/cli/usageError';

describe('CLI flags for run_command limits', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'ao-cmd-args-'));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  it('reads --command-timeout, --command-max-timeout and --command-output-kib', () => {
    const args = parseCliArgs(
      ['run', 'g', '--command-timeout', '30', '--command-max-timeout', '90', '--command-output-kib', '16'],
      cwd,
    );
    assert.equal(args.kind, 'run');
    assert.deepEqual(args.kind === 'run' ? args.commandLimits : undefined, {
      timeoutSeconds: 30,
      maxTimeoutSeconds: 90,
      maxOutputKiB: 16,
    });
    const none = parseCliArgs(['run', 'g'], cwd);
    assert.equal(none.kind === 'run' ? none.commandLimits : 'not run', undefined);
  });

  for (const [flag, value, message] of [
    ['--command-timeout', '0', /--command-timeout must be a whole number from 1 to 3600; got "0"/],
    ['--command-max-timeout', '99999', /--command-max-timeout must be a whole number from 1 to 3600/],
    ['--command-output-kib', '1.5', /--command-output-kib must be a whole number from 1 to 4096/],
  ] as const) {
    it(`refuses ${flag} ${value} with what to type instead`, () => {
      assert.throws(
        () => parseCliArgs(['run', 'g', flag, value], cwd),
        (err: unknown) => {
          return err instanceof UsageError && message.test(err.message);
        },
      );
    });
  }

  it('resume keeps the limits the run was started with', () => {
    assert.throws(
      () => parseCliArgs(['resume', 'run-1', '--command-timeout', '30'], cwd),
      (err: unknown) => err instanceof UsageError && /keeps the command limits it was started with/.test(err.message),
    );
  });

  it('saves the limits with the run, integrity-checked for resume', async () => {
    const options = {
      workspace: cwd,
      provider: 'openai',
      model: 'gpt-4o-mini',
      concurrency: 4,
      verify: [],
      commandLimits: { timeoutSeconds: 30, maxOutputKiB: 16 },
    };
    const digest = await saveCliRunOptions(cwd, 'run-1', options);
    const loaded = await loadVerifiedCliRunOptions(cwd, 'run-1', digest);
    assert.deepEqual(loaded?.commandLimits, { timeoutSeconds: 30, maxOutputKiB: 16 });
  });
});
