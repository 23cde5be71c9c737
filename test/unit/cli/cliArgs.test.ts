import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCliArgs } from '../../../src/cli/cliArgs';
import { UsageError } from '../../../src/cli/usageError';

describe('parseCliArgs (valid command lines)', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'ao-args-'));
  });
  after(() => rm(cwd, { recursive: true, force: true }));

  it('reads every run option, resolving folders against cwd', () => {
    const args = parseCliArgs(
      [
        'run',
        ' Add tests ',
        '--provider',
        'anthropic',
        '--model',
        'claude-haiku-4-5',
        '--base-url',
        'http://localhost:8080/v1/',
        '--concurrency',
        '8',
        '--budget-tokens',
        '50000',
        '--budget-usd',
        '$1.25',
        '--approve',
        'auto',
        '--verify',
        'npm test',
        '--verify=npm run lint',
        '--dry-run',
        '--json',
        '--state-dir',
        'state',
      ],
      cwd,
    );
    assert.deepEqual(args, {
      kind: 'run',
      goal: 'Add tests',
      workspace: cwd,
      provider: 'anthropic',
      model: 'claude-haiku-4-5',
      baseUrl: 'http://localhost:8080/v1',
      concurrency: 8,
      budget: { maxTokens: 50000, maxCostUsd: 1.25 },
      approve: 'auto',
      verify: ['npm test', 'npm run lint'],
      passEnv: [],
      dryRun: true,
      json: true,
      stateDir: join(cwd, 'state'),
    });
  });

  it('keeps defaults for the rest to the caller', () => {
    assert.deepEqual(parseCliArgs(['run', 'g'], cwd), {
      kind: 'run',
      goal: 'g',
      workspace: cwd,
      budget: {},
      verify: [],
      passEnv: [],
      dryRun: false,
      json: false,
    });
    assert.deepEqual(parseCliArgs(['resume', 'run-1', '--budget-usd', '3'], cwd), {
      kind: 'resume',
      runId: 'run-1',
      budget: { maxCostUsd: 3 },
      json: false,
    });
    assert.deepEqual(parseCliArgs(['list'], cwd), { kind: 'list', json: false });
    assert.deepEqual(parseCliArgs(['show', 'run-1', '--markdown'], cwd), {
      kind: 'show',
      runId: 'run-1',
      format: 'markdown',
    });
  });

  it('accepts a goal that starts with a dash after --', () => {
    assert.equal((parseCliArgs(['run', '--', '-v flag support'], cwd) as { goal: string }).goal, '-v flag support');
  });

  it('answers help and version anywhere', () => {
    assert.deepEqual(parseCliArgs(['--help'], cwd), { kind: 'help' });
    assert.deepEqual(parseCliArgs(['run', '-h'], cwd), { kind: 'help', topic: 'run' });
    assert.deepEqual(parseCliArgs(['help', 'show'], cwd), { kind: 'help', topic: 'show' });
    assert.deepEqual(parseCliArgs(['--version'], cwd), { kind: 'version' });
  });

  it('throws UsageError, not anything else, for bad input', () => {
    assert.throws(() => parseCliArgs(['run', 'g', '--concurrency', '-1'], cwd), UsageError);
  });
});
