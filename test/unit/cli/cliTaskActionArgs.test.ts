import assert from 'node:assert/strict';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { UsageError } from '../../../src/cli/usageError';

describe('CLI arguments: resume --skip / --retry / --note', () => {
  const cwd = process.cwd();

  it('turns --skip and --retry (with one note) into task actions, in that order', () => {
    assert.deepEqual(
      parseCliArgs(['resume', 'run-1', '--skip', 'a', '--skip', 'b', '--retry', 'c', '--note', 'Use v2.'], cwd),
      {
        kind: 'resume',
        runId: 'run-1',
        budget: {},
        actions: [
          { kind: 'skip', taskId: 'a' },
          { kind: 'skip', taskId: 'b' },
          { kind: 'retry', taskId: 'c', note: 'Use v2.' },
        ],
        json: false,
      },
    );
  });

  it('refuses a note without exactly one --retry, a task both skipped and retried, and an empty note', () => {
    const refused = (argv: string[], pattern: RegExp): void =>
      assert.throws(
        () => parseCliArgs(argv, cwd),
        (err: unknown) => err instanceof UsageError && pattern.test(err.message),
      );
    refused(['resume', 'run-1', '--note', 'x'], /--note goes with exactly one --retry TASK/);
    refused(['resume', 'run-1', '--retry', 'a', '--retry', 'b', '--note', 'x'], /exactly one --retry/);
    refused(['resume', 'run-1', '--skip', 'a', '--retry', 'a'], /cannot be both skipped and retried/);
    refused(['resume', 'run-1', '--retry', 'a', '--note', '  '], /1 to 4000 characters/);
    refused(['run', 'goal', '--skip', 'a'], /skip/);
  });
});
